//! The floor's shell: hands the page 50 cards and prints the time from `main` to the page's first
//! paint in the same line and under the same variable as Keyport's shell (`src-tauri/src/startup.rs`),
//! so scripts/bench.sh times both the same way.

#![forbid(unsafe_code)]

use serde::Serialize;
use std::sync::Once;
use std::time::Instant;
use tauri::{AppHandle, State};

/// As many cards as Keyport's catalog has connectors.
const CARDS: usize = 50;

#[derive(Serialize)]
struct Card {
    id: String,
    name: String,
    category: &'static str,
    description: String,
}

struct Startup {
    started: Instant,
    painted: Once,
}

#[tauri::command]
fn cards() -> Vec<Card> {
    (1..=CARDS)
        .map(|n| Card {
            id: format!("connector-{n}"),
            name: format!("Connector {n}"),
            category: ["Cloud", "Database", "CRM", "Finance", "HR"][n % 5],
            description: format!("Connects to service {n} with an API key or OAuth."),
        })
        .collect()
}

#[tauri::command]
fn app_ready(app: AppHandle, startup: State<'_, Startup>) {
    startup.painted.call_once(|| {
        let ms = startup.started.elapsed().as_secs_f64() * 1000.0;
        eprintln!("keyport-floor: first paint {ms:.1} ms after start");
        if std::env::var_os("KEYPORT_EXIT_AFTER_PAINT").is_some_and(|v| v == "1") {
            app.exit(0);
        }
    });
}

fn main() {
    let started = Instant::now();
    tauri::Builder::default()
        .manage(Startup {
            started,
            painted: Once::new(),
        })
        .invoke_handler(tauri::generate_handler![cards, app_ready])
        .run(tauri::generate_context!())
        .unwrap_or_else(|err| {
            eprintln!("keyport-floor: could not start: {err}");
            std::process::exit(1);
        });
}
