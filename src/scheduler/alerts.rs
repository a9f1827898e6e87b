//! Alerts on a change of state only (healthy -> failing, active -> needs reconnect, a sign-in
//! whose lifetime ends within a day, and back to healthy after an alert), never on each failed
//! try; many changes at once become one notice.
//! Each connection keeps the last state the person was told of, so a change is told once,
//! whichever process saw it happen.

use crate::catalog::Catalog;
use crate::store::{self, jobs::AlertRow};
use crate::vault::{Vault, VaultError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    /// Its grant reaches the end of its lifetime within a day (the catalog's
    /// `keep_alive.lifetime_days`): refreshing cannot extend it, only signing in again.
    Ending,
    Failing,
    Reconnect,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Ending => "ending",
            Level::Failing => "failing",
            Level::Reconnect => "reconnect",
        }
    }

    fn parse(word: Option<&str>) -> Level {
        match word {
            Some("ending") => Level::Ending,
            Some("failing") => Level::Failing,
            Some("reconnect") => Level::Reconnect,
            _ => Level::Ok,
        }
    }

    /// The state a row is in, once it has held. Degraded and unknown are not failures: a busy
    /// service and an offline machine are not the connection's fault. A failed check counts
    /// once it failed twice in a row (UI.md section 8), so one bad answer tells nothing; `None`
    /// while it has not held yet. `ends_at` is when its grant's lifetime ends (unix seconds), if
    /// it has one: the day before, it is ending.
    fn of(row: &AlertRow, ends_at: Option<i64>, now: i64) -> Option<Level> {
        match (row.status.as_str(), row.health_status.as_str()) {
            ("expired" | "revoked" | "invalid", _) => Some(Level::Reconnect),
            ("active", "unhealthy") if row.error_count >= HOLD => Some(Level::Failing),
            ("active", "unhealthy") => None,
            ("active", _)
                if ends_at.is_some_and(|end| (end - WARN_BEFORE_S..end).contains(&now)) =>
            {
                Some(Level::Ending)
            }
            _ => Some(Level::Ok),
        }
    }
}

/// A grant with a lifetime is warned of this long before it ends.
pub const WARN_BEFORE_S: i64 = 24 * 60 * 60;

/// When the grant of `row` ends however often it is refreshed: its last sign-in plus the
/// lifetime its connector's catalog entry records (Google's 7 days for apps in Testing).
pub fn grant_ends_at(catalog: &Catalog, row: &AlertRow) -> Option<i64> {
    if row.connection_type != "oauth2" {
        return None;
    }
    let days = catalog
        .get(&row.connector_id)
        .ok()?
        .oauth2
        .as_ref()?
        .keep_alive
        .as_ref()?
        .lifetime_days?;
    Some(row.granted_at? + i64::from(days) * 86_400)
}

/// Failed checks in a row before a connection counts as failing.
const HOLD: i64 = 2;
/// The same change of one connection is told at most once in this many seconds, so a
/// connection that flaps does not notify on every turn.
const QUIET_S: i64 = 30 * 60;
/// This many changes at once make one notice.
const GROUP_FROM: usize = 3;

/// One connection's change of state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub connection_id: String,
    pub name: String,
    pub from: Level,
    pub to: Level,
}

/// What a notification says; `connection_id` when it concerns one connection (a click opens it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub connection_id: Option<String>,
    /// It tells of failures or needed reconnects only, so it no longer applies once its
    /// connections work again (and is withdrawn then, where the OS allows).
    pub trouble: bool,
}

/// The changes of state nobody has been told of yet, at `now` (unix seconds); each is told
/// once. A connection's first state is recorded without an alert unless it is already a
/// failure; a change told less than 30 minutes ago is recorded without telling it again, and so
/// is a warned lifetime that passed (reconnected, or the limit did not apply).
pub async fn take(vault: &Vault, catalog: &Catalog, now: i64) -> Result<Vec<Alert>, VaultError> {
    let mut tx = vault.write().await?;
    let rows = store::jobs::alert_rows(&mut *tx)
        .await
        .map_err(vault.io_err())?;
    let mut alerts = Vec::new();
    for row in &rows {
        let Some(to) = Level::of(row, grant_ends_at(catalog, row), now) else {
            continue;
        };
        if row.alert_state.as_deref() == Some(to.word()) {
            continue;
        }
        let from = Level::parse(row.alert_state.as_deref());
        store::jobs::set_alert_state(&mut *tx, &row.id, to.word())
            .await
            .map_err(vault.io_err())?;
        let change = format!("{}>{}", from.word(), to.word());
        let passed = from == Level::Ending && to == Level::Ok;
        if from == to || passed || told_lately(row, &change, now) {
            continue;
        }
        store::jobs::set_alert_told(&mut *tx, &row.id, &change, now)
            .await
            .map_err(vault.io_err())?;
        alerts.push(Alert {
            connection_id: row.id.clone(),
            name: row.name.clone(),
            from,
            to,
        });
    }
    tx.commit().await.map_err(vault.io_err())?;
    Ok(alerts)
}

fn told_lately(row: &AlertRow, change: &str, now: i64) -> bool {
    row.alert_told.as_deref() == Some(change)
        && row.alert_told_at.is_some_and(|at| now - at < QUIET_S)
}

/// A notice per change, or one for the lot when three or more come at once (recoveries apart
/// from troubles). Titles stand alone, in header capitalization.
pub fn notices(alerts: &[Alert]) -> Vec<Notice> {
    let (better, worse): (Vec<&Alert>, Vec<&Alert>) =
        alerts.iter().partition(|a| a.to == Level::Ok);
    let mut notices = Vec::new();
    for group in [worse, better] {
        match group.as_slice() {
            [first, ..] if group.len() >= GROUP_FROM => notices.push(Notice {
                title: if first.to == Level::Ok {
                    format!("{} Connections Are Working Again", group.len())
                } else {
                    format!("{} Connections Need Attention", group.len())
                },
                body: names(&group),
                connection_id: None,
                trouble: group.iter().all(|a| a.is_trouble()),
            }),
            few => notices.extend(few.iter().map(|a| one(a))),
        }
    }
    notices
}

fn one(alert: &Alert) -> Notice {
    let (state, body) = match alert.to {
        Level::Reconnect => (
            "Needs Reconnecting",
            "Its sign-in or credential no longer works. Reconnect to use it again.",
        ),
        Level::Failing => (
            "Is Failing",
            "Its last two health checks failed. Open it to see why.",
        ),
        Level::Ending => (
            "Sign-In Ends Tomorrow",
            "Its provider ends this sign-in a set number of days after it was made (for Google: 7 \
             days while the OAuth app is in Testing), however often it is refreshed. Reconnect \
             now, or publish your OAuth app so its sign-ins last.",
        ),
        Level::Ok => ("Is Working Again", "Its last check passed."),
    };
    Notice {
        title: format!("{} {state}", alert.name),
        body: body.into(),
        connection_id: Some(alert.connection_id.clone()),
        trouble: alert.is_trouble(),
    }
}

impl Alert {
    fn is_trouble(&self) -> bool {
        matches!(self.to, Level::Failing | Level::Reconnect)
    }
}

fn names(alerts: &[&Alert]) -> String {
    const SHOWN: usize = 5;
    let mut text = alerts
        .iter()
        .take(SHOWN)
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if alerts.len() > SHOWN {
        text.push_str(&format!(" and {} more", alerts.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(n: usize, to: Level) -> Alert {
        Alert {
            connection_id: format!("id{n}"),
            name: format!("Conn {n}"),
            from: Level::Ok,
            to,
        }
    }

    fn row(status: &str, health: &str, errors: i64) -> AlertRow {
        AlertRow {
            id: "id".into(),
            name: "Conn".into(),
            connector_id: "github".into(),
            connection_type: "oauth2".into(),
            status: status.into(),
            health_status: health.into(),
            error_count: errors,
            granted_at: Some(1_000),
            alert_state: Some("ok".into()),
            alert_told: Some("ok>failing".into()),
            alert_told_at: Some(1_000),
        }
    }

    #[test]
    fn three_or_more_changes_make_one_notice_and_recoveries_stay_apart() {
        let mut alerts: Vec<Alert> = (0..7).map(|n| alert(n, Level::Failing)).collect();
        alerts.push(alert(9, Level::Ok));
        let notices = notices(&alerts);
        assert_eq!(notices.len(), 2);
        assert_eq!(notices[0].title, "7 Connections Need Attention");
        assert!(
            notices[0].body.ends_with("and 2 more"),
            "{}",
            notices[0].body
        );
        assert_eq!(notices[0].connection_id, None);
        assert_eq!(notices[1].title, "Conn 9 Is Working Again");
        assert!(notices[0].trouble && !notices[1].trouble);
    }

    #[test]
    fn two_changes_are_told_one_by_one_naming_their_connection() {
        let notices = notices(&[alert(1, Level::Reconnect), alert(2, Level::Failing)]);
        assert_eq!(notices.len(), 2);
        assert_eq!(notices[0].title, "Conn 1 Needs Reconnecting");
        assert_eq!(notices[0].connection_id.as_deref(), Some("id1"));
        assert_eq!(notices[1].title, "Conn 2 Is Failing");
        assert!(
            notices.iter().all(|n| n.trouble),
            "withdrawn once they work again"
        );
    }

    #[test]
    fn a_failure_counts_once_it_held_for_two_checks() {
        let of = |r: &AlertRow| Level::of(r, None, 0);
        assert_eq!(of(&row("active", "unhealthy", 1)), None);
        assert_eq!(of(&row("active", "unhealthy", 2)), Some(Level::Failing));
        assert_eq!(
            of(&row("expired", "unknown", 0)),
            Some(Level::Reconnect),
            "a dead grant needs no second try"
        );
        assert_eq!(of(&row("active", "unknown", 5)), Some(Level::Ok));
    }

    #[test]
    fn a_grant_with_a_lifetime_is_warned_of_the_day_before_it_ends() {
        let catalog = Catalog::builtin();
        let day = 86_400;
        let granted = 1_000_000;
        let google = AlertRow {
            connector_id: "google_workspace".into(),
            granted_at: Some(granted),
            ..row("active", "healthy", 0)
        };
        // Google ends sign-ins of apps in Testing after 7 days (the catalog's lifetime_days).
        let ends = grant_ends_at(&catalog, &google);
        assert_eq!(ends, Some(granted + 7 * day));
        let at = |now| Level::of(&google, ends, now);
        assert_eq!(at(granted + 6 * day - 1), Some(Level::Ok));
        assert_eq!(at(granted + 6 * day), Some(Level::Ending));
        assert_eq!(at(granted + 7 * day - 1), Some(Level::Ending));
        assert_eq!(
            at(granted + 7 * day),
            Some(Level::Ok),
            "past it: nothing to warn of"
        );
        // A failure or a dead grant says more than the warning.
        let failing = AlertRow {
            error_count: 2,
            health_status: "unhealthy".into(),
            ..google.clone()
        };
        assert_eq!(
            Level::of(&failing, ends, granted + 6 * day),
            Some(Level::Failing)
        );

        // No lifetime: a connector without one, a key connection, an unknown sign-in time.
        let github = row("active", "healthy", 0);
        assert_eq!(grant_ends_at(&catalog, &github), None);
        let key = AlertRow {
            connection_type: "api_key".into(),
            ..google.clone()
        };
        assert_eq!(grant_ends_at(&catalog, &key), None);
        let unknown = AlertRow {
            granted_at: None,
            ..google.clone()
        };
        assert_eq!(grant_ends_at(&catalog, &unknown), None);

        // The notice says what ends and how to fix it, as a title that stands alone.
        let notice = &notices(&[alert(1, Level::Ending)])[0];
        assert_eq!(notice.title, "Conn 1 Sign-In Ends Tomorrow");
        assert!(
            notice
                .body
                .contains("Reconnect now, or publish your OAuth app"),
            "{}",
            notice.body
        );
        assert_eq!(notice.connection_id.as_deref(), Some("id1"));
        assert!(
            !notice.trouble,
            "a working connection does not withdraw the warning"
        );
    }

    #[test]
    fn the_same_change_is_told_once_in_thirty_minutes() {
        let r = row("active", "unhealthy", 2);
        assert!(told_lately(&r, "ok>failing", 1_000 + QUIET_S - 1));
        assert!(!told_lately(&r, "ok>failing", 1_000 + QUIET_S));
        assert!(
            !told_lately(&r, "ok>reconnect", 1_001),
            "another change is told"
        );
    }
}
