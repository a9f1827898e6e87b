//! The countdowns the page shows, as `m:ss`: a revealed secret's 30 seconds and a sign-in's
//! 10 minutes, and how much of one is left (`hooks::use_countdown` ticks it).

/// How long a revealed secret stays on screen, and how long until the copied value is cleared
/// from the clipboard, in seconds.
pub const REVEAL_SECONDS: u32 = 30;

/// How long a sign-in waits for the browser (the core's 10 minutes).
pub const FLOW_SECONDS: u32 = keyport_model::OAUTH_FLOW_SECONDS as u32;

/// `9:12`.
fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The reveal countdown as shown: `Hides in 0:30`.
pub fn reveal_countdown(seconds: u32) -> String {
    format!("Hides in {}", clock(seconds))
}

/// `Expires in 9:12`.
pub fn expires_text(seconds: u32) -> String {
    format!("Expires in {}", clock(seconds))
}

/// The whole seconds left of a `total`-second countdown started at `started_ms`, at `now_ms`
/// (milliseconds of the page's clock). Read from the clock rather than counted in ticks, so a
/// throttled timer (a hidden window) cannot stretch it; a clock set back counts as no time.
pub fn seconds_left(total: u32, started_ms: f64, now_ms: f64) -> u32 {
    let elapsed = ((now_ms - started_ms) / 1000.0).max(0.0) as u32;
    total.saturating_sub(elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns_read_as_minutes_and_seconds() {
        assert_eq!(reveal_countdown(REVEAL_SECONDS), "Hides in 0:30");
        assert_eq!(reveal_countdown(9), "Hides in 0:09");
        assert_eq!(reveal_countdown(0), "Hides in 0:00");
        assert_eq!(expires_text(552), "Expires in 9:12");
        assert_eq!(expires_text(FLOW_SECONDS), "Expires in 10:00");
    }

    #[test]
    fn time_left_follows_the_clock_and_stops_at_zero() {
        assert_eq!(seconds_left(30, 1_000.0, 1_000.0), 30);
        assert_eq!(seconds_left(30, 1_000.0, 1_999.0), 30);
        assert_eq!(seconds_left(30, 1_000.0, 2_000.0), 29);
        assert_eq!(seconds_left(30, 1_000.0, 61_000.0), 0);
        assert_eq!(seconds_left(30, 5_000.0, 1_000.0), 30);
    }
}
