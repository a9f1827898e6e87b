//! OAuth sign-ins as the shell runs them: the flows it started (to open their page again, or to
//! stop their loopback wait), and the one `oauth-finished` event every completion ends in,
//! whether the browser came back by a `keyport://` link, to a loopback listener, or as a pasted
//! address. The core does the work; nothing here sees a code, token or verifier.

use crate::deep_link::Inbox;
use crate::Desktop;
use keyport::oauth::OAuthError;
use keyport::session::Session;
use keyport_model::{CommandError, ConnectionView, OAuthFinished, OAuthOutcome, OAuthVia};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_opener::OpenerExt;

/// The sign-ins this run started, by flow id (the hash of the state, which cannot complete one).
#[derive(Default)]
pub struct Flows {
    flows: Mutex<HashMap<String, Flow>>,
}

struct Flow {
    /// The provider's sign-in page; it holds no secret (UI.md section 4, Copy link).
    authorization_url: String,
    started: Instant,
    /// The loopback wait, for a flow whose redirect comes to 127.0.0.1.
    wait: Option<JoinHandle<()>>,
}

impl Flows {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Flow>> {
        self.flows.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Remembers a started flow, forgetting those whose 10 minutes are over.
    pub fn insert(&self, flow_id: &str, authorization_url: &str) {
        let mut flows = self.lock();
        flows.retain(|_, f| f.started.elapsed() < keyport::oauth::FLOW_LIFETIME);
        flows.insert(
            flow_id.to_owned(),
            Flow {
                authorization_url: authorization_url.to_owned(),
                started: Instant::now(),
                wait: None,
            },
        );
    }

    pub fn set_wait(&self, flow_id: &str, wait: JoinHandle<()>) {
        match self.lock().get_mut(flow_id) {
            Some(flow) => flow.wait = Some(wait),
            None => wait.abort(),
        }
    }

    /// The sign-in page of a flow this run started and has not finished.
    pub fn authorization_url(&self, flow_id: &str) -> Option<String> {
        self.lock()
            .get(flow_id)
            .filter(|f| f.started.elapsed() < keyport::oauth::FLOW_LIFETIME)
            .map(|f| f.authorization_url.clone())
    }

    /// Forgets a flow, stopping its loopback wait if it has one.
    pub fn remove(&self, flow_id: &str) {
        if let Some(flow) = self.lock().remove(flow_id) {
            if let Some(wait) = flow.wait {
                wait.abort();
            }
        }
    }

    /// Forgets a flow whose wait has ended on its own (without aborting that wait: it is the
    /// caller).
    fn finished(&self, flow_id: &str) {
        self.lock().remove(flow_id);
    }
}

/// Opens a sign-in page in the system browser. A browser that does not start is not fatal:
/// the waiting dialog offers the page again and the paste field.
pub fn open_browser(app: &AppHandle, url: &str) -> Result<(), CommandError> {
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|_| CommandError::new(keyport_model::ErrorCode::Internal, "the system browser could not be opened; open the sign-in page again, or copy its link into a browser"))
}

/// Waits for the browser to come back to a flow's loopback listener, completes the sign-in and
/// reports it. Aborted by Cancel (the listener closes with the task).
pub fn spawn_loopback(app: &AppHandle, flow_id: String, loopback: keyport::oauth::Loopback) {
    let handle = app.clone();
    let id = flow_id.clone();
    let task = tauri::async_runtime::spawn(async move {
        let result = match loopback.wait(keyport::oauth::FLOW_LIFETIME).await {
            Ok(url) => {
                let desktop = handle.state::<Desktop>();
                let session = handle.state::<Session>();
                session.complete_oauth(&desktop.catalog, &url).await
            }
            Err(err) => Err(err),
        };
        handle.state::<Flows>().finished(&id);
        finish(&handle, Some(id), OAuthVia::Loopback, result);
    });
    app.state::<Flows>().set_wait(&flow_id, task);
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
