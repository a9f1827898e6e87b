//! The auto-lock timer: checks the session's idle time twice a minute and tells the UI when it
//! locked. Checking is a clock comparison, so idling costs nothing worth counting.

use keyport::session::Session;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Manager};

const TICK: Duration = Duration::from_secs(30);

pub fn spawn(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(TICK).await;
            let session = app.state::<Session>();
            if session.lock_if_idle(Instant::now()) {
                if let Ok(view) = session.view().await {
                    let _ = app.emit("session-changed", view);
                }
            }
        }
    });
}
