//! How the Connections page shows a connection: its sub-line, its health badge, when it was
//! checked and what the scheduler does next (relative to the page's clock), the list's order and
//! count, and what a request to show one connection (Open connection, the tray) leads to.

use crate::api::ShownError;
use keyport_model::{ConnectionStatus, ConnectionType, ConnectionView, DeletionView, HealthStatus};
use std::rc::Rc;
use yew::AttrValue;

/// Where loading the list stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnLoad {
    Loading,
    Loaded(Rc<Vec<ConnectionView>>),
    Failed(ShownError),
}

/// The line under a connection's name: `connector · account · host`, so two accounts at one
/// service (or two servers) can be told apart; the type when neither is known.
pub fn connection_subline(connector: &str, view: &ConnectionView) -> String {
    let meta = |key: &str| view.metadata.get(key).filter(|v| !v.is_empty());
    let account = [
        "email",
        "client_email",
        "username",
        "user",
        "tenant",
        "account",
    ]
    .into_iter()
    .find_map(meta);
    let host = meta("host").map(|host| match meta("port") {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    });
    let mut parts = vec![connector.to_owned()];
    parts.extend(account.cloned());
    parts.extend(host);
    if parts.len() == 1 {
        parts.push(view.connection_type.badge().to_owned());
    }
    parts.join(" · ")
}

/// The health badge of a row: `data-health`, its glyph and its word (never colour alone).
pub fn health_badge(connection: &ConnectionView) -> (&'static str, &'static str, &'static str) {
    if connection.needs_reconnect
        || matches!(
            connection.status,
            ConnectionStatus::Expired | ConnectionStatus::Revoked | ConnectionStatus::Invalid
        )
    {
        return ("reconnect", "✕", "Reconnect needed");
    }
    match connection.health_status {
        HealthStatus::Healthy => ("healthy", "✓", "Healthy"),
        HealthStatus::Degraded => ("degraded", "!", "Degraded"),
        HealthStatus::Unhealthy => ("unhealthy", "✕", "Unhealthy"),
        HealthStatus::Unknown => ("unknown", "?", "Unknown"),
    }
}

/// What the background scheduler will do next for a connection, for the row's date to tell on
/// hover: `Next refresh 9 May 2026 07:29 UTC · next check 9 May 2026 07:40 UTC`.
pub fn schedule_text(view: &ConnectionView) -> Option<String> {
    let at = |t: &str| format!("{} {} UTC", short_date(t), t.get(11..16).unwrap_or(""));
    let parts: Vec<String> = [
        view.next_refresh_at
            .as_deref()
            .map(|t| format!("next refresh {}", at(t))),
        view.next_check_at
            .as_deref()
            .map(|t| format!("next check {}", at(t))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut text = parts.join(" · ");
    if let Some(first) = text.get(..1) {
        text.replace_range(..1, &first.to_uppercase());
    }
    (!text.is_empty()).then_some(text)
}

/// Seconds since 1970 of an RFC 3339 time as the core writes it (`2026-05-09T07:29:33Z`, a
/// fraction or a `+02:00` offset allowed); `None` for anything else.
pub fn unix_seconds(timestamp: &str) -> Option<i64> {
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = timestamp.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if timestamp.get(4..5)? != "-" || !matches!(timestamp.get(10..11)?, "T" | "t" | " ") {
        return None;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let rest = timestamp.get(19..)?;
    let zone = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = match zone.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let hours: i64 = zone.get(1..3)?.parse().ok()?;
            let minutes: i64 = zone.get(4..6)?.parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm), so no date library is needed.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// A span of whole minutes as the rows say it: `4 min`, `2 h`, `1 h 30 min`, `3 days`.
fn span(minutes: i64) -> String {
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 24 * 60 => match (m / 60, m % 60) {
            (h, 0) => format!("{h} h"),
            (h, rest) if h < 10 => format!("{h} h {rest} min"),
            (h, _) => format!("{h} h"),
        },
        m => match m / (24 * 60) {
            1 => "1 day".to_owned(),
            d => format!("{d} days"),
        },
    }
}

/// When something happened, from `now` (Unix seconds): `just now`, `4 min ago`, `2 h ago`,
/// `3 days ago`; past a month, the date.
pub fn ago_text(now: i64, timestamp: &str) -> String {
    let Some(at) = unix_seconds(timestamp) else {
        return short_date(timestamp);
    };
    match now - at {
        s if s < 60 => "just now".to_owned(),
        s if s < 31 * 86_400 => format!("{} ago", span(s / 60)),
        _ => format!("on {}", short_date(timestamp)),
    }
}

/// When something is due, from `now`: `in 4 min` (a part-minute counts as one), `now` once due.
pub fn due_text(now: i64, timestamp: &str) -> Option<String> {
    let at = unix_seconds(timestamp)?;
    Some(match at - now {
        s if s <= 0 => "now".to_owned(),
        s => format!("in {}", span((s + 59) / 60)),
    })
}

/// A row's two schedule lines: what happened (`checked 4 min ago`), and what the scheduler does
/// next (`refresh in 4 min · checked again in 12 min`), or that it waits for a reconnect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleLines {
    pub last: String,
    pub next: Option<String>,
}

pub fn schedule_lines(view: &ConnectionView, now: i64) -> ScheduleLines {
    let last = match &view.last_health_check {
        Some(at) => format!("checked {}", ago_text(now, at)),
        None => format!("added {}", ago_text(now, &view.created_at)),
    };
    if view.needs_reconnect {
        return ScheduleLines {
            last,
            next: Some("paused until reconnected".to_owned()),
        };
    }
    let refresh = view
        .next_refresh_at
        .as_deref()
        .and_then(|t| due_text(now, t))
        .map(|due| format!("refresh {due}"));
    let check = view
        .next_check_at
        .as_deref()
        .and_then(|t| due_text(now, t))
        .map(|due| match (&refresh, due.as_str()) {
            (_, "now") => "check now".to_owned(),
            (Some(_), _) => format!("check {due}"),
            (None, _) => format!("checked again {due}"),
        });
    let next = [refresh, check].into_iter().flatten().collect::<Vec<_>>();
    ScheduleLines {
        last,
        next: (!next.is_empty()).then(|| next.join(" · ")),
    }
}

/// The warning a row shows in the day before its OAuth grant reaches the end of its lifetime
/// (`lifetime_days`, the connector's `keep_alive.lifetime_days`, counted from its last sign-in),
/// phrased as the fix: refreshing cannot extend such a grant, only signing in again can.
pub fn sign_in_ends(view: &ConnectionView, lifetime_days: Option<u32>, now: i64) -> Option<String> {
    if view.connection_type != ConnectionType::Oauth2 || view.needs_reconnect {
        return None;
    }
    let ends = unix_seconds(view.granted_at.as_deref()?)? + i64::from(lifetime_days?) * 86_400;
    let left = ends - now;
    (1..=86_400).contains(&left).then(|| {
        let hours = (left + 3_599) / 3_600;
        format!("sign-in ends in {hours} h: reconnect, or publish your OAuth app")
    })
}

/// How a connection that needs reconnecting is made to work again: an OAuth grant by signing in
/// again; a refused key, token, password or login by a new one, checked with the service and
/// stored in place (the connect dialog's replace mode). Either way the connection keeps its id,
/// name and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReconnectPath {
    SignIn,
    NewCredential,
}

pub fn reconnect_path(view: &ConnectionView) -> Option<ReconnectPath> {
    match (view.needs_reconnect, view.connection_type) {
        (false, _) => None,
        (true, ConnectionType::Oauth2) => Some(ReconnectPath::SignIn),
        (true, _) => Some(ReconnectPath::NewCredential),
    }
}

/// A request to bring one connection into view: the wizard's Open connection, or the tray's
/// `open-connection` (Reconnect X…, Open), which also starts the sign-in of a dead OAuth grant,
/// or the wizard's Use with AI tools…, which also opens the connection's Use with dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowConnection {
    pub id: AttrValue,
    pub reconnect: bool,
    pub use_with: bool,
}

/// What the page does for a `ShowConnection` once the list is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShowOutcome {
    /// Not listed (yet, or deleted meanwhile): wait for the next list.
    Wait,
    /// Scroll to the row, focus and mark it.
    Focus,
    /// As `Focus`, and start signing in again.
    FocusAndSignIn,
    /// As `Focus`, and open its Use with dialog.
    FocusAndUseWith,
}

pub fn show_outcome(list: &[ConnectionView], show: &ShowConnection) -> ShowOutcome {
    match list.iter().find(|v| v.id == show.id.as_str()) {
        None => ShowOutcome::Wait,
        Some(view) if show.reconnect && reconnect_path(view) == Some(ReconnectPath::SignIn) => {
            ShowOutcome::FocusAndSignIn
        }
        Some(_) if show.use_with => ShowOutcome::FocusAndUseWith,
        Some(_) => ShowOutcome::Focus,
    }
}

/// `2026-05-09T07:29:33Z` as `9 May 2026`; anything else as it came.
pub fn short_date(timestamp: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = timestamp.get(..10).unwrap_or(timestamp);
    let mut parts = date.split('-');
    let parsed = (|| {
        let year: u32 = parts.next()?.parse().ok()?;
        let month: usize = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let month = MONTHS.get(month.checked_sub(1)?)?;
        Some(format!("{day} {month} {year}"))
    })();
    parsed.unwrap_or_else(|| timestamp.to_owned())
}

/// Connections as the list shows them: those needing a reconnect first (UI.md: needs attention
/// first), then by name, case-insensitively.
pub fn sorted_connections(mut list: Vec<ConnectionView>) -> Vec<ConnectionView> {
    list.sort_by(|a, b| {
        b.needs_reconnect
            .cmp(&a.needs_reconnect)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.id.cmp(&b.id))
    });
    list
}

/// `1 connection`, `3 connections`.
pub fn connection_count_text(count: usize) -> String {
    match count {
        1 => "1 connection".to_owned(),
        n => format!("{n} connections"),
    }
}

/// What the page says after a delete: the local delete always happened; a grant the provider
/// did not revoke is named, so the person can revoke it in the service's settings.
pub fn deleted_text(name: &str, deletion: &DeletionView) -> String {
    match deletion {
        DeletionView::Revoked => format!("{name} deleted; the provider revoked its access"),
        DeletionView::NothingToRevoke => format!("{name} deleted"),
        DeletionView::NotRevoked { error } => format!(
            "{name} deleted here, but the provider did not revoke its access ({}). Revoke it in \
             the service's app settings.",
            error.message.trim_end_matches('.')
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_schedule_says_what_comes_next_in_utc() {
        let mut view =
            crate::test_support::connection("stripe", keyport_model::ConnectionType::ApiKey);
        assert_eq!(schedule_text(&view), None);
        view.next_check_at = Some("2026-12-06T18:40:00Z".into());
        assert_eq!(
            schedule_text(&view).unwrap(),
            "Next check 6 Dec 2026 18:40 UTC"
        );
        view.next_refresh_at = Some("2026-12-06T19:05:00Z".into());
        assert_eq!(
            schedule_text(&view).unwrap(),
            "Next refresh 6 Dec 2026 19:05 UTC · next check 6 Dec 2026 18:40 UTC"
        );
    }

    use super::*;
    use crate::test_support::connection;

    #[test]
    fn a_delete_says_what_the_provider_did() {
        assert_eq!(
            deleted_text("Sales", &DeletionView::Revoked),
            "Sales deleted; the provider revoked its access"
        );
        assert_eq!(
            deleted_text("Mail", &DeletionView::NothingToRevoke),
            "Mail deleted"
        );
        let refused = DeletionView::NotRevoked {
            error: keyport_model::CommandError::new(
                keyport_model::ErrorCode::OAuthUnavailable,
                "Salesforce could not be reached (timed out).",
            ),
        };
        assert_eq!(
            deleted_text("Sales", &refused),
            "Sales deleted here, but the provider did not revoke its access (Salesforce could not \
             be reached (timed out)). Revoke it in the service's app settings."
        );
    }

    #[test]
    fn rows_name_the_account_and_the_host() {
        let mut view = connection("redis", keyport_model::ConnectionType::Database);
        view.metadata
            .insert("host".to_owned(), "127.0.0.1".to_owned());
        view.metadata.insert("port".to_owned(), "6380".to_owned());
        assert_eq!(connection_subline("Redis", &view), "Redis · 127.0.0.1:6380");
        view.metadata.insert("user".to_owned(), "app".to_owned());
        assert_eq!(
            connection_subline("Redis", &view),
            "Redis · app · 127.0.0.1:6380"
        );
        view.metadata.clear();
        assert_eq!(connection_subline("Redis", &view), "Redis · Database");
    }

    const NOW: &str = "2026-12-06T18:00:00Z";

    fn now() -> i64 {
        unix_seconds(NOW).unwrap()
    }

    #[test]
    fn times_are_read_as_the_core_writes_them() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-12-06T18:00:00Z"), Some(1_796_580_000));
        assert_eq!(
            unix_seconds("2026-12-06T20:00:00.123+02:00"),
            Some(1_796_580_000)
        );
        assert_eq!(unix_seconds("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        for bad in [
            "",
            "yesterday",
            "2026-13-06T18:00:00Z",
            "2026-12-06",
            "2026-12-06T18:00:00",
        ] {
            assert_eq!(unix_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn relative_times_are_terse() {
        let n = now();
        assert_eq!(ago_text(n, "2026-12-06T17:59:30Z"), "just now");
        assert_eq!(ago_text(n, "2026-12-06T17:56:00Z"), "4 min ago");
        assert_eq!(ago_text(n, "2026-12-06T16:30:00Z"), "1 h 30 min ago");
        assert_eq!(ago_text(n, "2026-12-04T18:00:00Z"), "2 days ago");
        assert_eq!(ago_text(n, "2026-05-09T07:29:33Z"), "on 9 May 2026");
        assert_eq!(ago_text(n, "garbled"), "garbled");
        assert_eq!(due_text(n, "2026-12-06T18:04:00Z").unwrap(), "in 4 min");
        assert_eq!(due_text(n, "2026-12-06T18:00:20Z").unwrap(), "in 1 min");
        assert_eq!(due_text(n, "2026-12-06T20:00:00Z").unwrap(), "in 2 h");
        assert_eq!(due_text(n, "2026-12-06T17:59:00Z").unwrap(), "now");
        assert_eq!(due_text(n, "2026-12-07T18:00:00Z").unwrap(), "in 1 day");
        assert_eq!(due_text(n, "soon"), None);
    }

    #[test]
    fn a_row_says_what_happened_and_what_comes_next() {
        let n = now();
        let mut view = connection("stripe", keyport_model::ConnectionType::ApiKey);
        view.created_at = "2026-12-06T17:00:00Z".to_owned();
        assert_eq!(
            schedule_lines(&view, n),
            ScheduleLines {
                last: "added 1 h ago".to_owned(),
                next: None
            }
        );
        view.last_health_check = Some("2026-12-06T17:56:00Z".to_owned());
        view.next_check_at = Some("2026-12-06T18:12:00Z".to_owned());
        let lines = schedule_lines(&view, n);
        assert_eq!(lines.last, "checked 4 min ago");
        assert_eq!(lines.next.as_deref(), Some("checked again in 12 min"));
        view.next_refresh_at = Some("2026-12-06T18:04:00Z".to_owned());
        assert_eq!(
            schedule_lines(&view, n).next.as_deref(),
            Some("refresh in 4 min · check in 12 min")
        );
        view.needs_reconnect = true;
        assert_eq!(
            schedule_lines(&view, n).next.as_deref(),
            Some("paused until reconnected")
        );
    }

    #[test]
    fn a_sign_in_with_a_lifetime_warns_the_day_before_it_ends() {
        let mut google = connection("google_workspace", keyport_model::ConnectionType::Oauth2);
        google.granted_at = Some("2026-12-01T18:00:00Z".to_owned());
        let granted = unix_seconds("2026-12-01T18:00:00Z").unwrap();
        let day = 86_400;
        assert_eq!(sign_in_ends(&google, Some(7), granted + 6 * day - 1), None);
        assert_eq!(
            sign_in_ends(&google, Some(7), granted + 6 * day).as_deref(),
            Some("sign-in ends in 24 h: reconnect, or publish your OAuth app")
        );
        assert_eq!(
            sign_in_ends(&google, Some(7), granted + 7 * day - 60).as_deref(),
            Some("sign-in ends in 1 h: reconnect, or publish your OAuth app")
        );
        assert_eq!(sign_in_ends(&google, Some(7), granted + 7 * day), None);
        assert_eq!(sign_in_ends(&google, None, granted + 6 * day), None);
        google.needs_reconnect = true;
        assert_eq!(sign_in_ends(&google, Some(7), granted + 6 * day), None);
    }

    #[test]
    fn a_dead_connection_shows_reconnect_and_comes_first() {
        let mut dead = connection("salesforce", keyport_model::ConnectionType::Oauth2);
        dead.id = "c-dead".to_owned();
        dead.name = "Zeta CRM".to_owned();
        dead.needs_reconnect = true;
        assert_eq!(health_badge(&dead).0, "reconnect");
        assert_eq!(reconnect_path(&dead), Some(ReconnectPath::SignIn));
        let mut key = connection("stripe", keyport_model::ConnectionType::ApiKey);
        key.id = "c-key".to_owned();
        key.name = "alpha".to_owned();
        assert_eq!(reconnect_path(&key), None);
        key.needs_reconnect = true;
        assert_eq!(reconnect_path(&key), Some(ReconnectPath::NewCredential));
        key.needs_reconnect = false;
        let list = sorted_connections(vec![key.clone(), dead.clone()]);
        assert_eq!(list[0].id, "c-dead", "needs attention first");

        let show = |id: &str, reconnect| ShowConnection {
            id: AttrValue::from(id.to_owned()),
            reconnect,
            use_with: false,
        };
        let use_with = ShowConnection {
            use_with: true,
            ..show("c-key", false)
        };
        assert_eq!(show_outcome(&list, &use_with), ShowOutcome::FocusAndUseWith);
        assert_eq!(
            show_outcome(&list, &show("c-gone", true)),
            ShowOutcome::Wait
        );
        assert_eq!(
            show_outcome(&list, &show("c-key", true)),
            ShowOutcome::Focus
        );
        assert_eq!(
            show_outcome(&list, &show("c-dead", true)),
            ShowOutcome::FocusAndSignIn
        );
        assert_eq!(
            show_outcome(&list, &show("c-dead", false)),
            ShowOutcome::Focus,
            "the wizard's Open connection never starts a sign-in"
        );
    }

    #[test]
    fn dates_and_counts_read_well() {
        assert_eq!(short_date("2026-05-09T07:29:33Z"), "9 May 2026");
        assert_eq!(short_date("2026-12-31"), "31 Dec 2026");
        assert_eq!(short_date("yesterday"), "yesterday");
        assert_eq!(short_date("2026-13-01"), "2026-13-01");
        assert_eq!(connection_count_text(1), "1 connection");
        assert_eq!(connection_count_text(3), "3 connections");
    }
}
