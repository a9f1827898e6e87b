//! How the Connections page shows a connection: its sub-line, its health badge, dates, the
//! list's order and its count.

use crate::api::ShownError;
use keyport_model::{ConnectionStatus, ConnectionView, DeletionView, HealthStatus};
use std::rc::Rc;

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
    if matches!(
        connection.status,
        ConnectionStatus::Expired | ConnectionStatus::Revoked | ConnectionStatus::Invalid
    ) {
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

/// Connections as the list shows them: by name, case-insensitively.
pub fn sorted_connections(mut list: Vec<ConnectionView>) -> Vec<ConnectionView> {
    list.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
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
