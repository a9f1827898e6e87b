//! Start-up timing, from `main`: the Marketplace's first paint (the first look the shell wrote
//! into the page, reported by the page's inline script through `first_paint`) and the moment the
//! live page has replaced it (`app_ready`). `make bench` reads the lines this prints and sets
//! `KEYPORT_EXIT_AFTER_PAINT=1` so each run ends on its own, once both are known.

use std::sync::Once;
use std::time::Instant;
use tauri::AppHandle;

pub struct Startup {
    started: Instant,
    painted: Once,
    ready: Once,
    background: Once,
}

impl Startup {
    pub fn new(started: Instant) -> Startup {
        Startup {
            started,
            painted: Once::new(),
            ready: Once::new(),
            background: Once::new(),
        }
    }

    /// Unlocks from the keyring and starts the scheduler, once: after the live page is up, or at
    /// start when the window starts hidden (a hidden window may never paint).
    pub fn start_background(&self, app: &AppHandle) {
        self.background
            .call_once(|| crate::unlock_and_schedule(app));
    }

    /// Records the first paint, once.
    pub fn first_paint(&self) {
        self.painted.call_once(|| self.say("first paint"));
    }

    /// Records that the live page is up (and so painted, if the page came without a first look);
    /// true the first time only.
    pub fn ready(&self, app: &AppHandle) -> bool {
        let mut first = false;
        self.ready.call_once(|| {
            first = true;
            self.first_paint();
            self.say("ready");
            if std::env::var_os("KEYPORT_EXIT_AFTER_PAINT").is_some_and(|v| v == "1") {
                app.exit(0);
            }
        });
        first
    }

    fn say(&self, moment: &str) {
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        eprintln!("keyport-desktop: {moment} {ms:.1} ms after start");
    }
}
