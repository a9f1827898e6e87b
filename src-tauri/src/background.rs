//! The desktop app as a host of the core's scheduler (issue 13): while the app runs, window open
//! or not, it refreshes and checks connections like `keyport agent` (one of them at a time per
//! vault, by the core's lease), tells the page and the tray when something changed, and raises a
//! notification on each change of state the core reports, once; a notification that no longer
//! applies (its connection works again) is withdrawn.

use keyport::scheduler::lease::Holder;
use keyport::scheduler::run::{run, Event};
use keyport::session::Session;
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

/// Cuts the scheduler's sleep short: an unlock, "Test all connections".
#[derive(Default)]
pub struct Wake(pub Arc<tokio::sync::Notify>);

/// This app's place in the scheduler's lease, given up when the app quits.
pub struct Host(pub Holder);

pub fn spawn(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let session = app.state::<Session>();
        let catalog = &app.state::<crate::Desktop>().catalog;
        let holder = &app.state::<Host>().0;
        let wake = app.state::<Wake>().0.clone();
        let mut last_locked = None;
        run(&session, catalog, holder, &wake, |event| {
            let locked = matches!(event, Event::Locked);
            let changed = matches!(event, Event::Ran(_)) || last_locked != Some(locked);
            last_locked = Some(locked);
            if changed {
                let app = app.clone();
                tauri::async_runtime::spawn(async move { changed_state(&app).await });
            }
        })
        .await;
    });
}

/// After jobs ran: the page reloads its list, the tray is drawn again, the notifications that no
/// longer apply are withdrawn, and each change of state not yet told becomes a notification
/// (many at once: one).
pub async fn changed_state(app: &AppHandle) {
    let _ = app.emit("connections-changed", ());
    crate::tray::update(app).await;
    let session = app.state::<Session>();
    withdraw_resolved(app, &session).await;
    let catalog = &app.state::<crate::Desktop>().catalog;
    let Ok(alerts) = session.take_alerts(catalog).await else {
        return;
    };
    for notice in keyport::scheduler::alerts::notices(&alerts) {
        tracing::info!(title = %notice.title, "notification");
        // No notification server (a bare session) changes nothing: the tray and the window
        // show the same.
        let mut builder = app
            .notification()
            .builder()
            .title(&notice.title)
            .body(&notice.body);
        // A click on a notice about one connection opens it (`opened_from_notification`).
        if let Some(id) = &notice.connection_id {
            builder = builder.extra(CONNECTION, id);
        }
        // Only a notice of trouble has the id that withdraws it once its connections work again.
        if notice.trouble {
            builder = builder.id(notice_id(notice.connection_id.as_deref()));
        }
        let _ = builder.show();
    }
}

/// The notification field naming the connection a notice is about.
const CONNECTION: &str = "keyport_connection";

/// The id of a notice of trouble: one per connection, so it can be withdrawn once that works
/// again; one for the grouped notices. FNV-1a, since it must not change between builds.
fn notice_id(connection_id: Option<&str>) -> i32 {
    let text = connection_id.unwrap_or("keyport:grouped");
    let hash = text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    // Positive and never 0, which some servers read as "no id".
    (hash >> 1).max(1) as i32
}

/// Withdraws the notices about connections that work again (healthy, or at least no longer
/// failing or needing a reconnect), and the grouped notice once none needs attention (UI.md
/// section 8: "withdrawn once it no longer applies, where the OS allows": Linux; the plugin
/// cannot on macOS and Windows). A notice shown while the app had no action handler cannot be
/// withdrawn either; every notice here is shown after `open_from_notifications` registered one.
async fn withdraw_resolved(app: &AppHandle, session: &Session) {
    let Ok(connections) = session.connections().await else {
        return;
    };
    let attention = |c: &keyport_model::ConnectionView| {
        c.needs_reconnect || c.health_status == keyport_model::HealthStatus::Unhealthy
    };
    let mut resolved: Vec<i32> = connections
        .iter()
        .filter(|c| !attention(c))
        .map(|c| notice_id(Some(&c.id)))
        .collect();
    if !connections.iter().any(attention) {
        resolved.push(notice_id(None));
    }
    let _ = app.notification().remove_active(resolved);
}

/// Clicking a notification about one connection opens the window at it; a grouped notice
/// ("7 connections are failing") opens the window.
pub fn open_from_notifications(app: &AppHandle) {
    let handle = app.clone();
    let _ = app.notification().on_action(move |performed| {
        let connection = performed
            .notification()
            .and_then(|n| n.extra().get(CONNECTION))
            .and_then(|v| v.as_str());
        match connection {
            Some(id) => crate::tray::open_connection(&handle, id),
            None => crate::deep_link::show_main_window(&handle),
        }
    });
}

/// Gives the scheduler up when the app quits, so `keyport agent` takes over at once.
pub fn release(app: &AppHandle) {
    let session = app.state::<Session>();
    let holder = &app.state::<Host>().0;
    let _ = tauri::async_runtime::block_on(session.release_scheduler(holder));
}

/// The first time the window closes, one notification says Keyport keeps running in the tray.
pub fn told_once_about_the_tray(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let session = app.state::<Session>();
        if session.first_time("told_tray").await {
            let _ = app
                .notification()
                .builder()
                .title("Keyport Is Still Running")
                .body("It keeps your connections refreshed and checked from the tray. Quit it from the tray's menu.")
                .show();
        }
    });
}
