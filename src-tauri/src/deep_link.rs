//! `keyport://` links: registration of the scheme, and handing every URL that arrives (at a cold
//! start, or forwarded from a second instance) to the core. The URL carries an authorization
//! code, so it is never logged; only the outcome (the new connection's metadata, or an error's
//! code and message) reaches the UI, as the `oauth-finished` event every sign-in ends in.

use keyport_model::{OAuthFinished, OAuthVia};
use std::sync::Mutex;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

/// Outcomes of links that arrive before the page can listen (a cold start with a URL on the
/// command line): held until the live page reports it is up (`app_ready`), then handed over
/// with it.
/// The event every sign-in ends in (payload: `OAuthFinished`).
pub const OAUTH_FINISHED: &str = "oauth-finished";

pub struct Inbox {
    // `Some` until the page is ready; afterwards outcomes go straight out as events.
    held: Mutex<Option<Vec<OAuthFinished>>>,
}

impl Inbox {
    pub fn new() -> Inbox {
        Inbox {
            held: Mutex::new(Some(Vec::new())),
        }
    }

    /// The page is ready: returns what was held, and stops holding.
    pub fn open(&self) -> Vec<OAuthFinished> {
        self.held
            .lock()
            .map(|mut held| held.take().unwrap_or_default())
            .unwrap_or_default()
    }

    /// Sends `outcome` to the page as `oauth-finished`, or holds it until the page is ready.
    pub fn deliver(&self, app: &AppHandle, outcome: OAuthFinished) {
        if let Ok(mut held) = self.held.lock() {
            if let Some(held) = held.as_mut() {
                held.push(outcome);
                return;
            }
        }
        let _ = app.emit(OAUTH_FINISHED, outcome);
    }
}

pub fn setup(app: &AppHandle) {
    // Registering writes a .desktop handler and runs xdg-mime and update-desktop-database:
    // child processes that need not hold up the first paint, so it runs beside start-up. A
    // desktop without those tools still runs Keyport; it just cannot receive browser links.
    #[cfg(any(target_os = "linux", target_os = "windows"))]
    {
        let handle = app.clone();
        std::thread::spawn(move || {
            if let Err(err) = handle.deep_link().register_all() {
                eprintln!("keyport-desktop: warning: the keyport:// link handler could not be registered ({err}); OAuth sign-ins will need the paste field");
            }
        });
    }
    let handle = app.clone();
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            receive(&handle, url.as_str());
        }
    });
    // A cold start with the URL on the command line (no instance was running).
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        for url in urls {
            receive(app, url.as_str());
        }
    }
}

fn receive(app: &AppHandle, url: &str) {
    show_main_window(app);
    let handle = app.clone();
    let url = url.to_owned();
    tauri::async_runtime::spawn(async move {
        let desktop = handle.state::<crate::Desktop>();
        let session = handle.state::<keyport::session::Session>();
        // A link can arrive before the first paint unlocked by the keyring (a cold start).
        if !session.is_unlocked() {
            session.start().await;
        }
        let result = session.complete_oauth(&desktop.catalog, &url).await;
        crate::oauth::finish(&handle, None, OAuthVia::DeepLink, result);
    });
}

pub fn show_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
