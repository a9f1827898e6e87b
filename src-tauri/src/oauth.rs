//! OAuth sign-ins as the shell reports them: the browser it opens, and the one `oauth-finished`
//! event every completion ends in, whether the browser came back by a `keyport://` link, to a
//! loopback listener, or as a pasted address. The core's session keeps the pending flows and
//! does the work; nothing here sees a code, token or verifier.

use crate::deep_link::Inbox;
use crate::Desktop;
use keyport::oauth::OAuthError;
use keyport::session::Session;
use keyport_model::{
    CommandError, ConnectionView, OAuthFinished, OAuthOutcome, OAuthStartView, OAuthVia,
};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_opener::OpenerExt;

/// Opens a sign-in page in the system browser. A browser that does not start is not fatal:
/// the waiting dialog offers the page again and the paste field.
pub fn open_browser(app: &AppHandle, url: &str) -> Result<(), CommandError> {
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|_| CommandError::new(keyport_model::ErrorCode::Internal, "the system browser could not be opened; open the sign-in page again, or copy its link into a browser"))
}

/// A started sign-in, under way: its page opened in the browser and, for a loopback redirect,
/// its wait running in the background.
pub fn opened(app: &AppHandle, started: keyport::oauth::Started) -> OAuthStartView {
    if let Some(loopback) = started.loopback {
        spawn_loopback(app, started.flow_id.clone(), loopback);
    }
    if let Err(err) = open_browser(app, &started.authorization_url) {
        // Not fatal: the waiting dialog offers the page again, and the paste field.
        tracing::warn!("{}", err.message);
    }
    OAuthStartView {
        flow_id: started.flow_id,
        connector_id: started.connector_id,
        authorization_url: started.authorization_url,
        redirect: started.redirect,
    }
}

/// Waits in the background for the browser to come back to a flow's loopback listener; the
/// core completes the sign-in and this reports it. A cancelled flow reports nothing.
pub fn spawn_loopback(app: &AppHandle, flow_id: String, loopback: keyport::oauth::Loopback) {
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        let desktop = handle.state::<Desktop>();
        let session = handle.state::<Session>();
        if let Some(result) = session
            .wait_loopback(&desktop.catalog, &flow_id, loopback)
            .await
        {
            finish(&handle, Some(flow_id), OAuthVia::Loopback, result);
        }
    });
}

/// Reports a completed (or refused) sign-in: a notification on success, and the
/// `oauth-finished` event, held until the page is ready when it is not yet.
pub fn finish(
    app: &AppHandle,
    flow_id: Option<String>,
    via: OAuthVia,
    result: Result<ConnectionView, OAuthError>,
) -> OAuthFinished {
    let outcome = match result {
        Ok(connection) => {
            notify_connected(app, &connection);
            // A new or renewed grant gets its refresh and check planned now, not at the next
            // heartbeat; the tray and the Connections page follow.
            app.state::<crate::background::Wake>().0.notify_one();
            OAuthOutcome::Connected {
                connection: Box::new(connection),
            }
        }
        Err(err) => OAuthOutcome::Failed {
            error: crate::commands::shown(err),
        },
    };
    let finished = OAuthFinished {
        flow_id,
        via,
        outcome,
    };
    app.state::<Inbox>().deliver(app, finished.clone());
    finished
}

/// `Salesforce connected`. Failing to notify (no notification server) changes nothing: the
/// window says the same.
fn notify_connected(app: &AppHandle, connection: &ConnectionView) {
    let desktop = app.state::<Desktop>();
    let name = desktop
        .catalog
        .get(&connection.connector_id)
        .map(|c| c.name.clone())
        .unwrap_or_else(|_| connection.name.clone());
    let _ = app
        .notification()
        .builder()
        .title(format!("{name} connected"))
        .body(format!("“{}” is ready to use.", connection.name))
        .show();
}
