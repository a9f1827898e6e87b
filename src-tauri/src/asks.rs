//! "Ask before use" in the desktop app (issue 14): while the app runs it holds the lock that
//! tells a waiting `keyport` process there is someone to ask, watches the vault for hand-offs
//! waiting for an answer, and for each new one raises a notification and brings the window up,
//! where the page shows the question (`asks-changed`). The answer goes back through the core
//! (`ask_answer`); the page never sees a credential, only who asks for which connection.

use crate::commands::{shown, Reply};
use keyport::session::Session;
use keyport_model::{AskAnswer, AskRequestView, ConnectionView};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_notification::NotificationExt;

/// How often the vault is looked at for new requests: a program waits at most this long more
/// for its question to appear. One indexed read of an empty table.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Holds the desktop's lock for the app's life and watches for requests.
pub fn spawn(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let session = app.state::<Session>();
        // Kept in this task, which lives as long as the app: the kernel drops the lock when
        // the app ends, however it ends.
        let _held = match session.hold_desktop() {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                tracing::warn!("another Keyport app holds the desktop lock; not asking here");
                return;
            }
            Err(err) => {
                tracing::warn!(code = %err.code(), "no desktop lock; programs cannot ask here");
                return;
            }
        };
        let mut shown: Vec<String> = Vec::new();
        loop {
            if let Ok(waiting) = session.asks_waiting().await {
                let ids: Vec<String> = waiting.iter().map(|r| r.id.clone()).collect();
                if ids != shown {
                    for new in waiting.iter().filter(|r| !shown.contains(&r.id)) {
                        tell(&app, new);
                    }
                    let _ = app.emit("asks-changed", &waiting);
                    shown = ids;
                }
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    });
}

/// A notification naming the program and the connection, and the window brought up with the
/// question in it (a person at the machine answers in one place).
fn tell(app: &AppHandle, request: &AskRequestView) {
    tracing::info!(connection = %request.connection_id, "a program asks before use");
    let _ = app
        .notification()
        .builder()
        .title(format!(
            "Allow a Program to Use {}?",
            request.connection_name
        ))
        .body(format!(
            "{} asks for it. Answer in Keyport; no answer within a minute is a deny.",
            request.program
        ))
        .show();
    crate::deep_link::show_main_window(app);
}

/// The hand-offs waiting for the person's answer, for a page that starts or reloads.
#[tauri::command]
pub async fn asks_waiting(session: State<'_, Session>) -> Reply<Vec<AskRequestView>> {
    session.asks_waiting().await.map_err(shown)
}

/// The person's answer to one waiting hand-off.
#[tauri::command]
pub async fn ask_answer(
    session: State<'_, Session>,
    request: String,
    answer: AskAnswer,
) -> Reply<()> {
    session.answer_ask(&request, answer).await.map_err(shown)
}

/// Turns "ask before use" on or off for one connection.
#[tauri::command]
pub async fn connection_set_ask(
    session: State<'_, Session>,
    id: String,
    on: bool,
) -> Reply<ConnectionView> {
    session.set_ask(&id, on).await.map_err(shown)
}
