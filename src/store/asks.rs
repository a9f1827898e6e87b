//! "Ask before use": the connection's flag, the programs allowed always, and the requests a
//! waiting `keyport` process and the desktop app meet at (migration 0008).

use super::Executor;

/// Whether connection `id` asks before use; `None` for an unknown id.
pub async fn asks(db: impl Executor<'_>, id: &str) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar("SELECT ask_before_use FROM connections WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Sets the flag; turning it off forgets the programs allowed always, so turning it on again
/// asks every program afresh. The number of connections changed (0 for an unknown id).
pub async fn set_asks(db: &mut sqlx::SqliteConnection, id: &str, on: bool) -> sqlx::Result<u64> {
    let changed = sqlx::query("UPDATE connections SET ask_before_use = ? WHERE id = ?")
        .bind(on)
        .bind(id)
        .execute(&mut *db)
        .await?
        .rows_affected();
    if !on {
        sqlx::query("DELETE FROM ask_allowed WHERE connection_id = ?")
            .bind(id)
            .execute(&mut *db)
            .await?;
    }
    Ok(changed)
}

pub async fn is_allowed(db: impl Executor<'_>, id: &str, program: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM ask_allowed WHERE connection_id = ? AND program = ?)",
    )
    .bind(id)
    .bind(program)
    .fetch_one(db)
    .await
}

/// The programs allowed always for connection `id`, by path.
pub async fn allowed(db: impl Executor<'_>, id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT program FROM ask_allowed WHERE connection_id = ? ORDER BY program")
        .bind(id)
        .fetch_all(db)
        .await
}

pub struct NewRequest<'a> {
    pub id: &'a str,
    pub connection_id: &'a str,
    pub program: &'a str,
    pub asker: &'a str,
    pub asked_at: i64,
    pub expires_at: i64,
    /// The process waiting for the answer.
    pub waiter_pid: u32,
}

pub async fn insert(db: impl Executor<'_>, request: &NewRequest<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO ask_requests
                (id, connection_id, program, asker, asked_at, expires_at, waiter_pid)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(request.id)
    .bind(request.connection_id)
    .bind(request.program)
    .bind(request.asker)
    .bind(request.asked_at)
    .bind(request.expires_at)
    .bind(i64::from(request.waiter_pid))
    .execute(db)
    .await
    .map(|_| ())
}

/// The answer to request `id`: `Some(None)` while it waits, `None` once it is gone (its
/// connection was deleted meanwhile).
pub async fn answer(db: impl Executor<'_>, id: &str) -> sqlx::Result<Option<Option<String>>> {
    sqlx::query_scalar("SELECT answer FROM ask_requests WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn remove(db: impl Executor<'_>, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM ask_requests WHERE id = ?")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// A request still waiting for its answer, with its connection's name.
#[derive(sqlx::FromRow)]
pub struct Waiting {
    pub id: String,
    pub connection_id: String,
    pub connection_name: String,
    pub program: String,
    pub asker: String,
    pub asked_at: i64,
    pub expires_at: i64,
    pub waiter_pid: Option<i64>,
}

/// Drops the rows a killed asker left behind, a minute past their expiry.
pub async fn purge(db: impl Executor<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM ask_requests WHERE expires_at < ? - 60")
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

/// The requests not yet answered whose askers still wait at `now` (Unix seconds), oldest first.
/// A read only: the app runs it every second, and takes no write lock for it.
pub async fn waiting(db: impl Executor<'_>, now: i64) -> sqlx::Result<Vec<Waiting>> {
    sqlx::query_as(
        "SELECT r.id, r.connection_id, c.name AS connection_name, r.program, r.asker,
                r.asked_at, r.expires_at, r.waiter_pid
           FROM ask_requests AS r JOIN connections AS c ON c.id = r.connection_id
          WHERE r.answer IS NULL AND r.expires_at > ?
          ORDER BY r.asked_at, r.id",
    )
    .bind(now)
    .fetch_all(db)
    .await
}

/// Records the answer to a waiting request; `None` when it no longer waits (answered,
/// expired or gone), else the connection and program it was for, and its waiter.
pub async fn give_answer(
    db: &mut sqlx::SqliteConnection,
    id: &str,
    answer: &str,
    now: i64,
) -> sqlx::Result<Option<(String, String, Option<i64>)>> {
    sqlx::query_as(
        "UPDATE ask_requests SET answer = ?
          WHERE id = ? AND answer IS NULL AND expires_at > ?
          RETURNING connection_id, program, waiter_pid",
    )
    .bind(answer)
    .bind(id)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Allows `program` always for connection `id`, and answers the other requests of that
/// program for it that wait (two runs at once get one dialog's answer).
pub async fn allow_always(
    db: &mut sqlx::SqliteConnection,
    id: &str,
    program: &str,
    at: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO ask_allowed (connection_id, program, allowed_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(program)
    .bind(at)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "UPDATE ask_requests SET answer = 'always'
          WHERE connection_id = ? AND program = ? AND answer IS NULL AND expires_at > ?",
    )
    .bind(id)
    .bind(program)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}
