//! The Keyport desktop shell: Tauri v2 wiring over the core. Commands are thin (`commands`), the
//! deep link only hands URLs to the core (`deep_link`), and start-up timing has its own module.

#![forbid(unsafe_code)]

mod asks;
mod background;
mod commands;
mod deep_link;
mod first_look;
mod idle;
mod oauth;
mod startup;
mod tray;
mod use_with;

use keyport::catalog::Catalog;
use std::time::Instant;
use tauri::{Emitter, Manager};

/// The flag the login item starts Keyport with: straight to the tray, the window stays hidden
/// until the person opens it (the tray's Open Keyport, or launching Keyport again).
pub const HIDDEN_FLAG: &str = "--hidden";

/// State the commands share.
pub struct Desktop {
    pub catalog: Catalog,
}

pub fn run(started: Instant) {
    let data_dir = keyport::paths::data_dir_from_env();
    // The log is optional: a data dir that cannot hold it must not stop the app.
    let log = std::sync::Mutex::new(keyport::logging::init(&data_dir, "desktop").ok());
    let builder = tauri::Builder::default();
    // Single instance first, so a second launch (`keyport-desktop keyport://…`, which is how the
    // OS delivers a deep link on Linux and Windows) hands its URL to this process and exits.
    #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
    let builder = builder
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            deep_link::show_main_window(app);
        }))
        // Settings › Start Keyport at login; nothing is registered until the person turns it on.
        .plugin(
            tauri_plugin_autostart::Builder::new()
                .arg(HIDDEN_FLAG)
                .build(),
        );
    let hidden = std::env::args().any(|arg| arg == HIDDEN_FLAG);
    let catalog = Catalog::load(&data_dir);
    let mut context = tauri::generate_context!();
    first_look::install(&mut context, catalog.cards());
    builder
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(Desktop { catalog })
        .manage(keyport::session::Session::new(data_dir.clone()))
        .manage(startup::Startup::new(started))
        .manage(deep_link::Inbox::new())
        .manage(background::Wake::default())
        .manage(background::Host(keyport::scheduler::lease::Holder::new(
            "desktop",
        )))
        .setup(move |app| {
            // The window is made hidden (tauri.conf.json), so a start at login never flashes it.
            if hidden {
                // No first paint will start the background work: start it now.
                app.state::<startup::Startup>()
                    .start_background(app.handle());
            } else if let Some(window) = app.get_webview_window("main") {
                let _ = window.show();
            }
            deep_link::setup(app.handle());
            idle::spawn(app.handle());
            background::open_from_notifications(app.handle());
            if let Err(err) = tray::create(app.handle()) {
                // No tray host (a bare X session): the window is the way in.
                tracing::warn!(error = %err, "no tray icon");
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window keeps Keyport running in the tray; Quit ends it.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                let _ = window.hide();
                background::told_once_about_the_tray(window.app_handle());
            }
        })
        .invoke_handler(|invoke| {
            // Every call from the page is the person at work: the auto-lock's idle timer is
            // reset here, once, rather than in each command.
            if let Some(session) = invoke
                .message
                .webview_ref()
                .try_state::<keyport::session::Session>()
            {
                session.touch();
            }
            commands()(invoke)
        })
        .build(context)
        .unwrap_or_else(|err| {
            eprintln!("keyport-desktop: could not start: {err}");
            std::process::exit(1);
        })
        .run(move |app, event| {
            if let tauri::RunEvent::Exit = event {
                background::release(app);
                if let Ok(mut log) = log.lock() {
                    // Flushes the log's last lines.
                    log.take();
                }
            }
        });
}

/// The keyring slot's silent unlock (UI.md section 3), started once the Marketplace has painted
/// (or at once when started hidden): reaching the Secret Service can start its daemon, which
/// would otherwise compete with the window for the first paint. The page hears the outcome as
/// `session-changed`. Called once, through `Startup::start_background`.
fn unlock_and_schedule(app: &tauri::AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let session = app.state::<keyport::session::Session>();
        session.start().await;
        if let Ok(view) = session.view().await {
            let _ = app.emit("session-changed", view);
        }
        // The scheduler starts after the first paint too: its first pass may probe services.
        background::spawn(&app);
        asks::spawn(&app);
    });
}

/// The commands the page may call (also listed in build.rs and the capability).
fn commands() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        commands::catalog,
        commands::catalog_cards,
        commands::open_docs,
        commands::first_paint,
        commands::app_ready,
        commands::session,
        commands::vault_init,
        commands::vault_unlock,
        commands::vault_lock,
        commands::set_idle_lock,
        commands::connections_list,
        commands::connect_credential,
        commands::connection_replace_secret,
        commands::database_url_fields,
        commands::key_file_choose,
        commands::key_file_describe,
        commands::connection_rename,
        commands::connection_delete,
        commands::connection_test,
        commands::connection_reveal,
        commands::connection_set_health_interval,
        asks::connection_set_ask,
        asks::asks_waiting,
        asks::ask_answer,
        commands::vault_change_passphrase,
        commands::vault_rotate_key,
        commands::oauth_app_get,
        commands::oauth_app_set,
        commands::oauth_start,
        commands::oauth_reconnect,
        commands::oauth_open,
        commands::oauth_cancel,
        commands::oauth_paste,
        use_with::mcp_use_with,
        use_with::mcp_plan,
        use_with::mcp_add,
        use_with::mcp_fix,
        use_with::mcp_ai_tools,
        use_with::mcp_used_by,
        use_with::mcp_remove_plan,
        use_with::mcp_remove,
    ]
}
