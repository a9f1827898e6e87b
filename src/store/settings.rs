//! The `settings` table: small named values (the idle lock, the audit chain's head).

use super::Executor;

pub async fn get(db: impl Executor<'_>, key: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(db)
        .await
}

pub async fn set(db: impl Executor<'_>, key: &str, value: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = ?2",
    )
    .bind(key)
    .bind(value)
    .execute(db)
    .await
    .map(|_| ())
}
