//! The tray icon (UI.md section 8): it draws what the core's `scheduler::tray` decides (the look,
//! the status line, the connections needing attention with their fix) and hands each menu choice
//! to the core or the page. It never shows a secret.

use crate::background::Wake;
use keyport::scheduler::tray::{Access, Fix, Look, Tray};
use keyport::session::Session;
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager, Wry};

const ID: &str = "keyport";
/// The menu lists this many connections needing attention, then `More…`.
const LISTED: usize = 5;

fn icon(look: Look) -> Option<Image<'static>> {
    let bytes: &'static [u8] = match look {
        Look::Healthy => include_bytes!("../icons/tray/healthy.png"),
        Look::Attention => include_bytes!("../icons/tray/attention.png"),
        Look::Failing => include_bytes!("../icons/tray/failing.png"),
        Look::Locked => include_bytes!("../icons/tray/locked.png"),
    };
    Image::from_bytes(bytes).ok()
}

fn item(
    app: &AppHandle,
    id: impl AsRef<str>,
    text: impl AsRef<str>,
    enabled: bool,
) -> tauri::Result<MenuItem<Wry>> {
    MenuItem::with_id(app, id.as_ref(), text, enabled, None::<&str>)
}

fn menu(app: &AppHandle, tray: &Tray, access: Access) -> tauri::Result<Menu<Wry>> {
    let unlocked = access == Access::Unlocked;
    let menu = Menu::new(app)?;
    menu.append(&item(app, "status", &tray.line, false)?)?;
    for a in tray.attention.iter().take(LISTED) {
        let (id, text) = match a.fix {
            Fix::Reconnect => (
                format!("reconnect:{}", a.connection_id),
                format!("Reconnect {}…", a.name),
            ),
            Fix::TestNow => (
                format!("test:{}", a.connection_id),
                format!("Test {} now", a.name),
            ),
        };
        menu.append(&item(app, id, text, true)?)?;
    }
    if tray.attention.len() > LISTED {
        menu.append(&item(app, "open", "More…", true)?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(app, "open", "Open Keyport", true)?)?;
    menu.append(&item(app, "check-all", "Test all connections", unlocked)?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    let (id, text) = match access {
        Access::Unlocked => ("lock", "Lock vault"),
        Access::Locked => ("open", "Unlock…"),
        Access::NoVault => ("open", "Set Up Keyport…"),
    };
    menu.append(&item(app, id, text, true)?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(app, "quit", "Quit Keyport", true)?)?;
    Ok(menu)
}

/// Builds the tray at start, as "locked" until the first update.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let tray = keyport::scheduler::tray::tray(&[], Access::Locked);
    let mut builder = TrayIconBuilder::with_id(ID)
        .menu(&menu(app, &tray, Access::Locked)?)
        .tooltip(&tray.line)
        .on_menu_event(|app, event| chosen(app, event.id().as_ref()));
    if let Some(image) = icon(tray.look) {
        builder = builder.icon(image);
    }
    // The icon files the Linux tray reads go into the person's own runtime dir (owner-only), in
    // a folder of this app's, not a shared temp dir where another Keyport overwrites them.
    if let Some(runtime) = std::env::var_os("XDG_RUNTIME_DIR") {
        builder = builder.temp_dir_path(std::path::Path::new(&runtime).join("keyport-tray"));
    }
    builder.build(app)?;
    Ok(())
}

/// Draws the tray again from the vault's current state.
pub async fn update(app: &AppHandle) {
    let session = app.state::<Session>();
    let access = if session.is_unlocked() {
        Access::Unlocked
    } else if session.view().await.is_ok_and(|v| !v.vault.initialized) {
        Access::NoVault
    } else {
        Access::Locked
    };
    let connections = session.connections().await.unwrap_or_default();
    let tray = keyport::scheduler::tray::tray(&connections, access);
    let Some(icon_handle) = app.tray_by_id(ID) else {
        return;
    };
    let _ = icon_handle.set_icon(icon(tray.look));
    let _ = icon_handle.set_tooltip(Some(&tray.line));
    if let Ok(menu) = menu(app, &tray, access) {
        let _ = icon_handle.set_menu(Some(menu));
    }
}

/// Brings the window up at one connection; the page offers its fix (a reconnect starts there,
/// where its sign-in is followed).
pub fn open_connection(app: &AppHandle, connection: &str) {
    crate::deep_link::show_main_window(app);
    let _ = app.emit("open-connection", connection.to_owned());
}

fn chosen(app: &AppHandle, id: &str) {
    let app = app.clone();
    let id = id.to_owned();
    tauri::async_runtime::spawn(async move {
        let session = app.state::<Session>();
        match id.as_str() {
            "open" => crate::deep_link::show_main_window(&app),
            "quit" => app.exit(0),
            "lock" => {
                if let Ok(view) = session.lock().await {
                    let _ = app.emit("session-changed", view);
                }
                update(&app).await;
            }
            "check-all" => {
                let _ = session
                    .check_all_soon(keyport::scheduler::run::unix_now())
                    .await;
                app.state::<Wake>().0.notify_one();
            }
            other => {
                if let Some(connection) = other.strip_prefix("test:") {
                    let catalog = &app.state::<crate::Desktop>().catalog;
                    let _ = session.test(catalog, connection).await;
                    let _ = app.emit("connections-changed", ());
                    update(&app).await;
                } else if let Some(connection) = other.strip_prefix("reconnect:") {
                    open_connection(&app, connection);
                }
            }
        }
    });
}
