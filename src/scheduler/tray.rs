//! What the tray shows (UI.md section 8): the worst state of the active connections as one of
//! four looks, a status line in words (the Linux tray has no tooltip, so the menu carries it),
//! and the connections that need attention, each with the action that fixes it. Decided here so
//! every front-end shows the same thing; the shell only draws it.

use keyport_model::{ConnectionView, HealthStatus};

/// The icon's look, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Locked,
    Failing,
    Attention,
    Healthy,
}

/// What fixes a connection that needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// Its grant is dead or its key refused: only signing in again or a new key helps.
    Reconnect,
    /// It failed or could not be checked: check again now.
    TestNow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    pub connection_id: String,
    pub name: String,
    pub fix: Fix,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tray {
    pub look: Look,
    pub line: String,
    /// Needing reconnect first, then failing, then the rest; all of them (the menu shows a few).
    pub attention: Vec<Attention>,
}

/// Whether this host can reach the secrets: the tray says why work waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No vault has been made yet (a first start).
    NoVault,
    Locked,
    Unlocked,
}

pub fn tray(connections: &[ConnectionView], access: Access) -> Tray {
    let mut attention: Vec<Attention> = connections
        .iter()
        .filter_map(|c| {
            let fix = if c.needs_reconnect {
                Fix::Reconnect
            } else if c.health_status == HealthStatus::Unhealthy
                || c.health_status == HealthStatus::Degraded
            {
                Fix::TestNow
            } else {
                return None;
            };
            Some(Attention {
                connection_id: c.id.clone(),
                name: c.name.clone(),
                fix,
            })
        })
        .collect();
    attention.sort_by_key(|a| a.fix != Fix::Reconnect);
    let failing = connections
        .iter()
        .any(|c| c.needs_reconnect || c.health_status == HealthStatus::Unhealthy);
    let look = if access != Access::Unlocked {
        Look::Locked
    } else if failing {
        Look::Failing
    } else if !attention.is_empty()
        || connections
            .iter()
            .any(|c| c.health_status == HealthStatus::Unknown && c.last_health_check.is_some())
    {
        Look::Attention
    } else {
        Look::Healthy
    };
    let line = match (look, connections.len(), attention.len()) {
        (Look::Locked, ..) if access == Access::NoVault => {
            "No vault yet: open Keyport to set one up".to_owned()
        }
        (Look::Locked, ..) => "Vault locked: refreshes and checks are paused".to_owned(),
        (_, 0, _) => "No connections yet".to_owned(),
        (_, total, 0) if look == Look::Healthy => match total {
            1 => "The connection is healthy".to_owned(),
            n => format!("All {n} connections healthy"),
        },
        (_, _, 0) => "Some connections could not be checked (offline?)".to_owned(),
        (_, _, 1) => "1 needs attention".to_owned(),
        (_, _, n) => format!("{n} need attention"),
    };
    Tray {
        look,
        line,
        attention,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyport_model::{ConnectionStatus, ConnectionType};

    fn view(id: &str, health: HealthStatus, needs_reconnect: bool) -> ConnectionView {
        ConnectionView {
            id: id.into(),
            name: format!("Conn {id}"),
            connector_id: "stripe".into(),
            connection_type: ConnectionType::ApiKey,
            status: if needs_reconnect {
                ConnectionStatus::Expired
            } else {
                ConnectionStatus::Active
            },
            health_status: health,
            verified: true,
            scopes: vec![],
            token_expires_at: None,
            metadata: Default::default(),
            last_health_check: Some("2026-12-06T00:00:00Z".into()),
            last_used_at: None,
            error_count: 0,
            last_error: None,
            created_by: "cli".into(),
            created_at: "2026-12-06T00:00:00Z".into(),
            updated_at: "2026-12-06T00:00:00Z".into(),
            is_expired: false,
            needs_refresh: false,
            is_healthy: health == HealthStatus::Healthy,
            next_refresh_at: None,
            next_check_at: None,
            health_interval_minutes: None,
            needs_reconnect,
            granted_at: None,
            ask_before_use: false,
        }
    }

    #[test]
    fn the_worst_state_sets_the_look_and_reconnects_come_first() {
        let all_good = [
            view("a", HealthStatus::Healthy, false),
            view("b", HealthStatus::Healthy, false),
        ];
        let t = tray(&all_good, Access::Unlocked);
        assert_eq!(
            (t.look, t.line.as_str()),
            (Look::Healthy, "All 2 connections healthy")
        );
        assert!(t.attention.is_empty());

        let offline = [view("a", HealthStatus::Unknown, false)];
        assert_eq!(tray(&offline, Access::Unlocked).look, Look::Attention);

        let mixed = [
            view("a", HealthStatus::Degraded, false),
            view("b", HealthStatus::Healthy, true),
            view("c", HealthStatus::Healthy, false),
        ];
        let t = tray(&mixed, Access::Unlocked);
        assert_eq!(
            (t.look, t.line.as_str()),
            (Look::Failing, "2 need attention")
        );
        assert_eq!(t.attention[0].fix, Fix::Reconnect);
        assert_eq!(t.attention[0].connection_id, "b");
        assert_eq!(t.attention[1].fix, Fix::TestNow);

        assert_eq!(tray(&mixed, Access::Locked).look, Look::Locked);
        assert_eq!(
            tray(&[], Access::NoVault).line,
            "No vault yet: open Keyport to set one up"
        );
        assert_eq!(tray(&[], Access::Unlocked).line, "No connections yet");
    }
}
