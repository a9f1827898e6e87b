//! When each job is due: pure functions of a connection's stored state, so a restart computes
//! the same plan and a test can check it with any clock.

use crate::store::jobs::Planned;
use sha2::{Digest, Sha256};

/// A refresh is due this long before the access token expires (DESIGN.md section 6)...
pub const REFRESH_MARGIN_S: i64 = 5 * 60;
/// ...less a spread of up to this much, so tokens issued together are not refreshed together.
pub const REFRESH_JITTER_S: i64 = 60;
/// Health checks every 15 minutes unless the connection says otherwise.
pub const DEFAULT_CHECK_INTERVAL_S: i64 = 15 * 60;
/// The shortest and longest check interval a person may set.
pub const MIN_CHECK_INTERVAL_S: i64 = 60;
pub const MAX_CHECK_INTERVAL_S: i64 = 7 * 24 * 60 * 60;
/// Transient failures back off from this, doubling, up to the cap.
pub const BACKOFF_BASE_S: i64 = 30;
pub const BACKOFF_CAP_S: i64 = 60 * 60;
/// A provider's Retry-After is honoured up to a day.
pub const RETRY_AFTER_CAP_S: i64 = 24 * 60 * 60;

/// A job's plan: when it is due (never, when `None`) and what it was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub due_at: Option<i64>,
    pub from: String,
}

pub fn unix(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(time::OffsetDateTime::unix_timestamp)
}

/// A spread in `0..=max` fixed by the connection and what the plan is made from: stable across
/// restarts and hosts, different between connections.
pub fn jitter(id: &str, from: &str, max: i64) -> i64 {
    if max <= 0 {
        return 0;
    }
    let digest = Sha256::digest(format!("{id}|{from}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_le_bytes(first) % (max as u64 + 1)) as i64
}

fn active(c: &Planned) -> bool {
    c.status == "active"
}

/// The refresh of an active OAuth connection: before its access token expires (expiry minus
/// the margin, less jitter; a short-lived token keeps a quarter of its life as margin so it is
/// not refreshed again at once), and before an unused refresh token lapses (halfway through
/// the idle days its provider documents).
pub fn refresh(c: &Planned, idle_days: Option<u32>) -> Plan {
    let from = format!(
        "{}|{}|{}",
        c.status,
        c.token_expires_at.as_deref().unwrap_or(""),
        c.last_rotated_at.as_deref().unwrap_or("")
    );
    if c.connection_type != "oauth2" || !active(c) {
        return Plan { due_at: None, from };
    }
    let issued = c
        .last_rotated_at
        .as_deref()
        .and_then(unix)
        .or_else(|| unix(&c.created_at));
    let before_expiry = c.token_expires_at.as_deref().and_then(unix).map(|expires| {
        let life = issued.map_or(REFRESH_MARGIN_S * 4, |i| (expires - i).max(1));
        let margin = REFRESH_MARGIN_S.min(life / 4);
        let spread = jitter(&c.id, &from, REFRESH_JITTER_S.min(life / 10));
        expires - margin - spread
    });
    let keep_alive = idle_days
        .zip(issued)
        .map(|(days, issued)| issued + i64::from(days) * 86_400 / 2);
    let due_at = match (before_expiry, keep_alive) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Plan { due_at, from }
}

pub fn check_interval(c: &Planned) -> i64 {
    c.health_interval_s
        .unwrap_or(DEFAULT_CHECK_INTERVAL_S)
        .clamp(MIN_CHECK_INTERVAL_S, MAX_CHECK_INTERVAL_S)
}

/// The health check of an active connection: an interval after its last check, plus up to a
/// tenth of the interval (at most a minute) of spread; never checked: within that spread of
/// `now`, so a first start does not probe everything in the same second.
pub fn check(c: &Planned, now: i64) -> Plan {
    let interval = check_interval(c);
    let last = c.last_health_check.as_deref().unwrap_or("");
    let from = format!("{}|{last}|{interval}", c.status);
    if !active(c) {
        return Plan { due_at: None, from };
    }
    let spread = jitter(&c.id, &from, (interval / 10).min(60));
    let due_at = match unix(last) {
        Some(at) => at + interval + spread,
        None => now + spread,
    };
    Plan {
        due_at: Some(due_at),
        from,
    }
}

/// The next try after `failures` transient failures in a row (1 for the first): doubling from
/// the base up to the cap, or the provider's Retry-After when it asks for longer.
pub fn backoff(failures: i64, retry_after: Option<u64>) -> i64 {
    let exponent = failures.clamp(1, 20) - 1;
    let doubled = BACKOFF_BASE_S
        .saturating_mul(1 << exponent)
        .min(BACKOFF_CAP_S);
    let asked = retry_after
        .map(|s| i64::try_from(s).unwrap_or(i64::MAX).min(RETRY_AFTER_CAP_S))
        .unwrap_or(0);
    doubled.max(asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000;

    fn at(unix: i64) -> String {
        time::OffsetDateTime::from_unix_timestamp(unix)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    }

    fn oauth(id: &str, issued: i64, expires: Option<i64>) -> Planned {
        Planned {
            id: id.into(),
            connector_id: "xero".into(),
            connection_type: "oauth2".into(),
            status: "active".into(),
            token_expires_at: expires.map(at),
            last_rotated_at: Some(at(issued)),
            created_at: at(issued - 1000),
            last_health_check: None,
            health_interval_s: None,
        }
    }

    #[test]
    fn an_hour_long_token_is_refreshed_five_to_six_minutes_before_it_expires() {
        for n in 0..200 {
            let plan = refresh(&oauth(&format!("c{n}"), T0, Some(T0 + 3600)), None);
            let due = plan.due_at.unwrap();
            assert!(
                (T0 + 3600 - 300 - 60..=T0 + 3600 - 300).contains(&due),
                "{due}"
            );
        }
    }

    #[test]
    fn jitter_spreads_connections_and_is_stable() {
        let dues: std::collections::BTreeSet<i64> = (0..100)
            .map(|n| {
                refresh(&oauth(&format!("c{n}"), T0, Some(T0 + 3600)), None)
                    .due_at
                    .unwrap()
            })
            .collect();
        assert!(dues.len() > 30, "spread over {} seconds only", dues.len());
        let one = oauth("same", T0, Some(T0 + 3600));
        assert_eq!(refresh(&one, None), refresh(&one, None));
    }

    #[test]
    fn a_short_lived_token_keeps_a_quarter_of_its_life_as_margin() {
        let plan = refresh(&oauth("c", T0, Some(T0 + 30)), None);
        let due = plan.due_at.unwrap();
        assert!((T0 + 30 - 7 - 3..=T0 + 30 - 7).contains(&due), "{due}");
        assert!(due > T0, "never due the moment it was issued");
    }

    #[test]
    fn keep_alive_refreshes_halfway_through_the_idle_days() {
        // A refresh token that lapses after 60 days unused, with no access-token expiry known.
        let plan = refresh(&oauth("c", T0, None), Some(60));
        assert_eq!(plan.due_at, Some(T0 + 30 * 86_400));
        // With an expiry, whichever comes first.
        let plan = refresh(&oauth("c", T0, Some(T0 + 3600)), Some(60));
        assert!(plan.due_at.unwrap() < T0 + 3600);
        assert_eq!(refresh(&oauth("c", T0, None), None).due_at, None);
    }

    #[test]
    fn only_active_oauth_connections_are_refreshed_and_only_active_ones_checked() {
        let mut expired = oauth("c", T0, Some(T0 + 3600));
        expired.status = "expired".into();
        assert_eq!(refresh(&expired, Some(60)).due_at, None);
        assert_eq!(check(&expired, T0).due_at, None);
        let mut key = oauth("k", T0, Some(T0 + 3600));
        key.connection_type = "api_key".into();
        assert_eq!(refresh(&key, Some(60)).due_at, None);
        assert!(check(&key, T0).due_at.is_some());
    }

    #[test]
    fn checks_follow_the_last_check_and_the_interval() {
        let mut c = oauth("c", T0, None);
        let first = check(&c, T0).due_at.unwrap();
        assert!((T0..=T0 + 60).contains(&first));
        c.last_health_check = Some(at(T0));
        let due = check(&c, T0).due_at.unwrap();
        assert!((T0 + 900..=T0 + 960).contains(&due), "{due}");
        c.health_interval_s = Some(120);
        let due = check(&c, T0).due_at.unwrap();
        assert!((T0 + 120..=T0 + 132).contains(&due), "{due}");
        c.health_interval_s = Some(1);
        assert_eq!(check_interval(&c), MIN_CHECK_INTERVAL_S);
        // A changed interval changes what the plan is made from, so it is planned again.
        assert_ne!(check(&c, T0).from, check(&oauth("c", T0, None), T0).from);
    }

    #[test]
    fn backoff_doubles_to_its_cap_and_honours_retry_after() {
        assert_eq!(backoff(1, None), 30);
        assert_eq!(backoff(2, None), 60);
        assert_eq!(backoff(5, None), 480);
        assert_eq!(backoff(40, None), BACKOFF_CAP_S);
        assert_eq!(backoff(1, Some(120)), 120);
        assert_eq!(backoff(3, Some(5)), 120);
        assert_eq!(backoff(1, Some(u64::MAX)), RETRY_AFTER_CAP_S);
    }
}
