//! Alerts on a change of state only (healthy -> failing, active -> needs reconnect, and back to
//! healthy after an alert), never on each failed try; many changes at once become one notice.
//! Each connection keeps the last state the person was told of, so a change is told once,
//! whichever process saw it happen.

use crate::store::{self, jobs::AlertRow};
use crate::vault::{Vault, VaultError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Failing,
    Reconnect,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Failing => "failing",
            Level::Reconnect => "reconnect",
        }
    }

    fn parse(word: Option<&str>) -> Level {
        match word {
            Some("failing") => Level::Failing,
            Some("reconnect") => Level::Reconnect,
            _ => Level::Ok,
        }
    }

    /// Degraded and unknown are not failures: a busy service and an offline machine are not
    /// the connection's fault.
    fn of(row: &AlertRow) -> Level {
        match (row.status.as_str(), row.health_status.as_str()) {
            ("expired" | "revoked" | "invalid", _) => Level::Reconnect,
            ("active", "unhealthy") => Level::Failing,
            _ => Level::Ok,
        }
    }
}

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
}

/// The changes of state nobody has been told of yet; each is told once. A connection's first
/// state is recorded without an alert unless it is already a failure.
pub async fn take(vault: &Vault) -> Result<Vec<Alert>, VaultError> {
    let mut tx = vault.write().await?;
    let rows = store::jobs::alert_rows(&mut *tx)
        .await
        .map_err(vault.io_err())?;
    let mut alerts = Vec::new();
    for row in &rows {
        let (from, to) = (Level::parse(row.alert_state.as_deref()), Level::of(row));
        if row.alert_state.as_deref() == Some(to.word()) {
            continue;
        }
        store::jobs::set_alert_state(&mut *tx, &row.id, to.word())
            .await
            .map_err(vault.io_err())?;
        if from != to {
            alerts.push(Alert {
                connection_id: row.id.clone(),
                name: row.name.clone(),
                from,
                to,
            });
        }
    }
    tx.commit().await.map_err(vault.io_err())?;
    Ok(alerts)
}

/// One notice per kind of change: a single connection by name, several as a count.
pub fn notices(alerts: &[Alert]) -> Vec<Notice> {
    let mut notices = Vec::new();
    for to in [Level::Reconnect, Level::Failing, Level::Ok] {
        let group: Vec<&Alert> = alerts.iter().filter(|a| a.to == to).collect();
        let notice = match (to, group.as_slice()) {
            (_, []) => continue,
            (Level::Reconnect, [one]) => Notice {
                title: format!("{} needs reconnecting", one.name),
                body: "Its sign-in or credential no longer works. Reconnect to use it again."
                    .into(),
                connection_id: Some(one.connection_id.clone()),
            },
            (Level::Failing, [one]) => Notice {
                title: format!("{} is failing", one.name),
                body: "Its health check failed. Open it to see why.".into(),
                connection_id: Some(one.connection_id.clone()),
            },
            (Level::Ok, [one]) => Notice {
                title: format!("{} is healthy again", one.name),
                body: "Its last check passed.".into(),
                connection_id: Some(one.connection_id.clone()),
            },
            (Level::Reconnect, many) => Notice {
                title: format!("{} connections need reconnecting", many.len()),
                body: names(many),
                connection_id: None,
            },
            (Level::Failing, many) => Notice {
                title: format!("{} connections are failing", many.len()),
                body: names(many),
                connection_id: None,
            },
            (Level::Ok, many) => Notice {
                title: format!("{} connections are healthy again", many.len()),
                body: names(many),
                connection_id: None,
            },
        };
        notices.push(notice);
    }
    notices
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

    #[test]
    fn many_changes_of_one_kind_make_one_notice() {
        let alerts: Vec<Alert> = (0..7).map(|n| alert(n, Level::Failing)).collect();
        let notices = notices(&alerts);
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].title, "7 connections are failing");
        assert!(
            notices[0].body.ends_with("and 2 more"),
            "{}",
            notices[0].body
        );
        assert_eq!(notices[0].connection_id, None);
    }

    #[test]
    fn one_change_names_its_connection_and_kinds_stay_apart() {
        let notices = notices(&[alert(1, Level::Reconnect), alert(2, Level::Ok)]);
        assert_eq!(notices.len(), 2);
        assert_eq!(notices[0].title, "Conn 1 needs reconnecting");
        assert_eq!(notices[0].connection_id.as_deref(), Some("id1"));
        assert_eq!(notices[1].title, "Conn 2 is healthy again");
    }
}
