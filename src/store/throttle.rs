//! The `unlock_failures` table: how many passphrase tries failed in a row, and when the last did.

use super::Executor;

/// The failure count and the last failure's time as stored.
pub async fn failures(db: impl Executor<'_>) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as("SELECT count, last_at FROM unlock_failures WHERE id = 1")
        .fetch_optional(db)
        .await
}

/// Moves the last failure's time (a time in the future is pinned to now).
pub async fn set_last(db: impl Executor<'_>, at: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE unlock_failures SET last_at = ? WHERE id = 1")
        .bind(at)
        .execute(db)
        .await
        .map(|_| ())
}

/// Counts one more failure at `at`.
pub async fn count(db: impl Executor<'_>, at: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO unlock_failures (id, count, last_at) VALUES (1, 1, ?1)
         ON CONFLICT (id) DO UPDATE SET count = count + 1, last_at = ?1",
    )
    .bind(at)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn clear(db: impl Executor<'_>) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM unlock_failures")
        .execute(db)
        .await
        .map(|_| ())
}
