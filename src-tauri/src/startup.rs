//! Start-up timing: from `main` to the Marketplace's first paint, which the UI reports through
//! `app_ready`. `make bench` reads the line this prints and sets `KEYPORT_EXIT_AFTER_PAINT=1` so
//! each run ends on its own.

use std::sync::Once;
use std::time::Instant;
use tauri::AppHandle;

pub struct Startup {
    started: Instant,
    painted: Once,
    background: Once,
}

impl Startup {
    pub fn new(started: Instant) -> Startup {
        Startup {
            started,
            painted: Once::new(),
            background: Once::new(),
        }
    }

    /// Unlocks from the keyring and starts the scheduler, once: after the first paint, or at
    /// start when the window starts hidden (a hidden window may never paint).
    pub fn start_background(&self, app: &AppHandle) {
        self.background
            .call_once(|| crate::unlock_and_schedule(app));
    }

    /// Records the first paint; true the first time only.
    pub fn first_paint(&self, app: &AppHandle) -> bool {
        let mut first = false;
        self.painted.call_once(|| {
            first = true;
            let ms = self.started.elapsed().as_secs_f64() * 1000.0;
            eprintln!("keyport-desktop: first paint {ms:.1} ms after start");
            if std::env::var_os("KEYPORT_EXIT_AFTER_PAINT").is_some_and(|v| v == "1") {
                app.exit(0);
            }
        });
        first
    }
}
