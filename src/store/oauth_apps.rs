//! The `oauth_apps` table: the OAuth app a person registered with each service.

use super::Executor;

pub struct NewApp<'a> {
    pub connector_id: &'a str,
    pub client_id: &'a str,
    pub sealed_secret: Option<&'a [u8]>,
    pub key_version: i64,
    pub at: &'a str,
    pub redirect_uri: Option<&'a str>,
}

pub async fn upsert(db: impl Executor<'_>, app: &NewApp<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO oauth_apps (connector_id, client_id, client_secret, key_version, created_at,
            redirect_uri)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (connector_id) DO UPDATE SET
           -- Saving the same app again without a secret keeps its secret (a form that never
           -- shows it back); another client ID is another app, whose secret this is not.
           client_secret = coalesce(excluded.client_secret,
             CASE WHEN oauth_apps.client_id = excluded.client_id THEN oauth_apps.client_secret END),
           client_id = excluded.client_id, key_version = excluded.key_version,
           redirect_uri = coalesce(excluded.redirect_uri, oauth_apps.redirect_uri)",
    )
    .bind(app.connector_id)
    .bind(app.client_id)
    .bind(app.sealed_secret)
    .bind(app.key_version)
    .bind(app.at)
    .bind(app.redirect_uri)
    .execute(db)
    .await
    .map(|_| ())
}

/// The client id, sealed client secret and registered redirect of a connector's app.
pub async fn get(
    db: impl Executor<'_>,
    connector_id: &str,
) -> sqlx::Result<Option<(String, Option<Vec<u8>>, Option<String>)>> {
    sqlx::query_as(
        "SELECT client_id, client_secret, redirect_uri FROM oauth_apps WHERE connector_id = ?",
    )
    .bind(connector_id)
    .fetch_optional(db)
    .await
}

/// The same without the secret: only whether there is one.
pub async fn describe(
    db: impl Executor<'_>,
    connector_id: &str,
) -> sqlx::Result<Option<(String, bool, Option<String>)>> {
    sqlx::query_as(
        "SELECT client_id, client_secret IS NOT NULL, redirect_uri FROM oauth_apps
          WHERE connector_id = ?",
    )
    .bind(connector_id)
    .fetch_optional(db)
    .await
}
