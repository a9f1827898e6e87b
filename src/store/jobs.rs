//! The scheduler's rows: each connection's due refresh and health check, and the one-scheduler
//! lease (migration 0005).

use super::Executor;

/// What planning a connection's jobs reads from it.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct Planned {
    pub id: String,
    pub connector_id: String,
    pub connection_type: String,
    pub status: String,
    pub token_expires_at: Option<String>,
    pub last_rotated_at: Option<String>,
    pub created_at: String,
    pub last_health_check: Option<String>,
    pub health_interval_s: Option<i64>,
}

/// Every connection's planning state, or only `id`'s.
pub async fn to_plan(db: impl Executor<'_>, id: Option<&str>) -> sqlx::Result<Vec<Planned>> {
    sqlx::query_as(
        "SELECT id, connector_id, connection_type, status, token_expires_at, last_rotated_at,
                created_at, last_health_check, health_interval_s
           FROM connections WHERE ?1 IS NULL OR id = ?1",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// A cheap summary of everything plans are made from (the connections' set, their last change,
/// check, error and intervals, and how many are active): while it stays the same, no plan can
/// have changed, and the scheduler's idle heartbeat need not read every row.
pub async fn plan_inputs_fingerprint(db: impl Executor<'_>) -> sqlx::Result<String> {
    sqlx::query_scalar(
        "SELECT count(*) || '|' || coalesce(max(updated_at), '') || '|'
                || coalesce(max(last_health_check), '') || '|' || coalesce(max(last_error_at), '')
                || '|' || total(coalesce(health_interval_s, 0)) || '|'
                || coalesce(sum(status = 'active'), 0) || '|' || (SELECT count(*) FROM jobs)
           FROM connections",
    )
    .fetch_one(db)
    .await
}

/// One job row.
#[derive(sqlx::FromRow, Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub connection_id: String,
    pub kind: String,
    pub due_at: Option<i64>,
    pub planned_from: String,
    pub failures: i64,
    pub last_run_at: Option<i64>,
    pub last_outcome: Option<String>,
}

const JOB: &str =
    "SELECT connection_id, kind, due_at, planned_from, failures, last_run_at, last_outcome FROM jobs";

pub async fn all(db: impl Executor<'_>) -> sqlx::Result<Vec<Job>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{JOB} ORDER BY due_at IS NULL, due_at, connection_id, kind"
    )))
    .fetch_all(db)
    .await
}

pub async fn get(db: impl Executor<'_>, id: &str, kind: &str) -> sqlx::Result<Option<Job>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{JOB} WHERE connection_id = ? AND kind = ?"
    )))
    .bind(id)
    .bind(kind)
    .fetch_optional(db)
    .await
}

/// The jobs due at `now`, the most overdue first, at most `limit`.
pub async fn due(db: impl Executor<'_>, now: i64, limit: i64) -> sqlx::Result<Vec<Job>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{JOB} WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The earliest due time of any job.
pub async fn next_due(db: impl Executor<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT min(due_at) FROM jobs")
        .fetch_one(db)
        .await
}

/// A new plan for a job: a changed connection starts its back-off afresh.
pub async fn plan(
    db: impl Executor<'_>,
    id: &str,
    kind: &str,
    due_at: Option<i64>,
    planned_from: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO jobs (connection_id, kind, due_at, planned_from) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (connection_id, kind)
         DO UPDATE SET due_at = ?3, planned_from = ?4, failures = 0",
    )
    .bind(id)
    .bind(kind)
    .bind(due_at)
    .bind(planned_from)
    .execute(db)
    .await
    .map(|_| ())
}

/// Jobs of connections that are gone.
pub async fn forget_orphans(db: impl Executor<'_>) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM jobs WHERE connection_id NOT IN (SELECT id FROM connections)")
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// A run's outcome and the job's next due time (and, when the run changed the connection but
/// its due time stands, what that time is planned from now).
pub struct Ran<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub due_at: Option<i64>,
    pub planned_from: Option<&'a str>,
    pub failures: i64,
    pub at: i64,
    pub outcome: &'a str,
}

pub async fn record_run(db: impl Executor<'_>, ran: &Ran<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE jobs SET due_at = ?, planned_from = coalesce(?, planned_from), failures = ?,
                last_run_at = ?, last_outcome = ?
          WHERE connection_id = ? AND kind = ?",
    )
    .bind(ran.due_at)
    .bind(ran.planned_from)
    .bind(ran.failures)
    .bind(ran.at)
    .bind(ran.outcome)
    .bind(ran.id)
    .bind(ran.kind)
    .execute(db)
    .await
    .map(|_| ())
}

/// The catch-up sweep once this machine is back online: every check that found it offline is
/// due now.
pub async fn due_now_if_offline(db: impl Executor<'_>, now: i64) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE jobs SET due_at = ?, failures = 0
          WHERE kind = 'check' AND last_outcome = 'offline' AND due_at > ?1",
    )
    .bind(now)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// "Check all now": every active connection's check is due at `now`.
pub async fn checks_due_now(db: impl Executor<'_>, now: i64) -> sqlx::Result<u64> {
    sqlx::query("UPDATE jobs SET due_at = ? WHERE kind = 'check' AND due_at IS NOT NULL")
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

pub async fn set_health_interval(
    db: impl Executor<'_>,
    id: &str,
    seconds: Option<i64>,
) -> sqlx::Result<u64> {
    sqlx::query("UPDATE connections SET health_interval_s = ? WHERE id = ?")
        .bind(seconds)
        .bind(id)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// Who holds the scheduler.
#[derive(sqlx::FromRow, Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub holder: String,
    pub host: String,
    pub pid: i64,
    pub since: i64,
    pub until: i64,
}

/// Takes or renews the lease for `holder` until `until`, unless another holds it past `now`;
/// the number of rows written (1 when held).
pub async fn hold_lease(db: impl Executor<'_>, lease: &Lease, now: i64) -> sqlx::Result<u64> {
    sqlx::query(
        "INSERT INTO scheduler_lease (id, holder, host, pid, since, until)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE
            SET holder = ?1, host = ?2, pid = ?3, until = ?5,
                since = iif(scheduler_lease.holder = ?1, scheduler_lease.since, ?4)
          WHERE scheduler_lease.holder = ?1 OR scheduler_lease.until < ?6",
    )
    .bind(&lease.holder)
    .bind(&lease.host)
    .bind(lease.pid)
    .bind(lease.since)
    .bind(lease.until)
    .bind(now)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

pub async fn release_lease(db: impl Executor<'_>, holder: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM scheduler_lease WHERE holder = ?")
        .bind(holder)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn lease(db: impl Executor<'_>) -> sqlx::Result<Option<Lease>> {
    sqlx::query_as("SELECT holder, host, pid, since, until FROM scheduler_lease WHERE id = 1")
        .fetch_optional(db)
        .await
}

/// A connection's alert state: what the person was last told, and what is true now.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct AlertRow {
    pub id: String,
    pub name: String,
    pub connector_id: String,
    pub connection_type: String,
    pub status: String,
    pub health_status: String,
    /// Failed checks in a row.
    pub error_count: i64,
    /// When the person last signed in (unix seconds).
    pub granted_at: Option<i64>,
    pub alert_state: Option<String>,
    pub alert_told: Option<String>,
    pub alert_told_at: Option<i64>,
}

pub async fn alert_rows(db: impl Executor<'_>) -> sqlx::Result<Vec<AlertRow>> {
    sqlx::query_as(
        "SELECT id, name, connector_id, connection_type, status, health_status, error_count,
                unixepoch(granted_at) AS granted_at, alert_state, alert_told, alert_told_at
           FROM connections ORDER BY name COLLATE NOCASE, created_at",
    )
    .fetch_all(db)
    .await
}

/// Records that the person was told of `change` at `at` (unix seconds).
pub async fn set_alert_told(
    db: impl Executor<'_>,
    id: &str,
    change: &str,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE connections SET alert_told = ?, alert_told_at = ? WHERE id = ?")
        .bind(change)
        .bind(at)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn set_alert_state(db: impl Executor<'_>, id: &str, state: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE connections SET alert_state = ? WHERE id = ?")
        .bind(state)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}
