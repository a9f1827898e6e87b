//! The commands the UI may call (listed in build.rs and allowed in capabilities/default.json).
//! Each is a few lines over the core; errors cross as `{code, message}`.

use crate::background::Wake;
use crate::oauth as flows;
use crate::{deep_link::Inbox, startup::Startup, Desktop};
use keyport::error::Coded;
use keyport::oauth::Revoked;
use keyport::session::Session;
use keyport::vault::{Passphrase, SecretValue};
use keyport_model::{
    CardsView, CatalogView, CommandError, ConnectRequest, ConnectionView, DatabaseUrlFields,
    DeletionView, ErrorCode, KeyFileView, OAuthAppView, OAuthFinished, OAuthStartView, OAuthVia,
    SessionView,
};
use std::collections::BTreeMap;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

/// A core error as the UI receives it: one conversion for every layer's error.
pub fn shown(err: impl Coded) -> CommandError {
    err.to_command_error()
}

pub(crate) type Reply<T> = Result<T, CommandError>;

#[tauri::command]
pub fn catalog(desktop: State<'_, Desktop>) -> CatalogView {
    desktop.catalog.view()
}

/// Each connector as its card shows it: what the page asks for when it came without its cards
/// (the first look, `first_look`) and on Reload. The page asks for the whole catalog (`catalog`)
/// once it is up.
#[tauri::command]
pub fn catalog_cards(desktop: State<'_, Desktop>) -> CardsView {
    desktop.catalog.cards()
}

/// Opens a connector's API documentation in the system browser. The UI names the connector,
/// never a URL, so a compromised page cannot make the shell open an address of its choosing.
#[tauri::command]
pub fn open_docs(app: AppHandle, desktop: State<'_, Desktop>, connector_id: String) -> Reply<()> {
    let connector = desktop.catalog.get(&connector_id).map_err(shown)?;
    app.opener()
        .open_url(&connector.api_docs_url, None::<&str>)
        .map_err(|_| {
            CommandError::new(
                ErrorCode::Internal,
                "the system browser could not be opened",
            )
        })
}

/// Called by the page's inline script once a frame of the first look has been painted.
#[tauri::command]
pub fn first_paint(startup: State<'_, Startup>) {
    startup.first_paint();
}

/// Called once by the UI when the live Marketplace is up; returns the outcomes of links that
/// arrived before the page could listen for them.
#[tauri::command]
pub fn app_ready(
    app: AppHandle,
    startup: State<'_, Startup>,
    inbox: State<'_, Inbox>,
) -> Vec<OAuthFinished> {
    if startup.ready(&app) {
        startup.start_background(&app);
    }
    inbox.open()
}

#[tauri::command]
pub async fn session(session: State<'_, Session>) -> Reply<SessionView> {
    session.view().await.map_err(shown)
}

#[tauri::command]
pub async fn vault_init(
    session: State<'_, Session>,
    wake: State<'_, Wake>,
    passphrase: String,
    use_keyring: bool,
) -> Reply<SessionView> {
    let view = session
        .init(&Passphrase::new(passphrase), use_keyring)
        .await
        .map_err(shown);
    wake.0.notify_one();
    view
}

#[tauri::command]
pub async fn vault_unlock(
    session: State<'_, Session>,
    wake: State<'_, Wake>,
    passphrase: String,
) -> Reply<SessionView> {
    let view = session
        .unlock(&Passphrase::new(passphrase))
        .await
        .map_err(shown);
    // Paused jobs run on unlock.
    wake.0.notify_one();
    view
}

#[tauri::command]
pub async fn vault_lock(session: State<'_, Session>, wake: State<'_, Wake>) -> Reply<SessionView> {
    let view = session.lock().await.map_err(shown);
    wake.0.notify_one();
    view
}

#[tauri::command]
pub async fn set_idle_lock(session: State<'_, Session>, minutes: u32) -> Reply<SessionView> {
    session.set_idle_minutes(minutes).await.map_err(shown)
}

#[tauri::command]
pub async fn connections_list(session: State<'_, Session>) -> Reply<Vec<ConnectionView>> {
    session.connections().await.map_err(shown)
}

/// Stores a credential typed in the connect wizard: a key, token or password, a database login,
/// or a service account. The secret fields, by key, go straight into zeroizing wrappers and are
/// never echoed back.
#[tauri::command]
pub async fn connect_credential(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    request: ConnectRequest,
    secrets: BTreeMap<String, String>,
    key_file: Option<String>,
) -> Reply<ConnectionView> {
    let secrets = secrets
        .into_iter()
        .map(|(k, v)| (k, SecretValue::new(v.into_bytes())))
        .collect();
    let key_file = key_file.map(std::path::PathBuf::from);
    session
        .connect(&desktop.catalog, request, secrets, key_file.as_deref())
        .await
        .map_err(shown)
}

/// Replaces the revoked key, token, password or database login of connection `connection_id`
/// in place, once the service accepts the new one. The form's secrets are read as connecting
/// reads them; the connection keeps its id, name and settings, and the scheduler plans it anew.
#[tauri::command]
pub async fn connection_replace_secret(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    wake: State<'_, Wake>,
    connection_id: String,
    request: ConnectRequest,
    secrets: BTreeMap<String, String>,
) -> Reply<ConnectionView> {
    let secrets = secrets
        .into_iter()
        .map(|(k, v)| (k, SecretValue::new(v.into_bytes())))
        .collect();
    let connector = desktop.catalog.get(&request.connector_id).map_err(shown)?;
    let credential = keyport::manager::Credential::from_form(
        connector,
        request.connection_type,
        request.username,
        &request.config,
        secrets,
    )
    .map_err(shown)?;
    let view = session
        .replace_secret(&desktop.catalog, &connection_id, credential)
        .await
        .map_err(shown)?;
    wake.0.notify_one();
    Ok(view)
}

/// What a database connection URL pasted into the connect form says, field by field, read by
/// the core. Its password stays here: the page learns only that the URL had one.
#[tauri::command]
pub fn database_url_fields(
    desktop: State<'_, Desktop>,
    connector_id: String,
    url: String,
) -> Reply<DatabaseUrlFields> {
    let url = SecretValue::new(url.into_bytes());
    let connector = desktop.catalog.get(&connector_id).map_err(shown)?;
    let text = String::from_utf8_lossy(url.expose_to_caller());
    keyport::database::url_fields(connector, &text).map_err(shown)
}

/// Opens the system's file chooser for a service-account key file; the core reads the file, and
/// the page gets back only its path and what it says about itself. `None` when cancelled.
#[tauri::command]
pub async fn key_file_choose(
    app: AppHandle,
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    connector_id: String,
) -> Reply<Option<KeyFileView>> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Choose the key file")
        .pick_file(move |picked| {
            let _ = tx.send(picked);
        });
    let Ok(Some(picked)) = rx.await else {
        return Ok(None);
    };
    let path = picked.into_path().map_err(|_| {
        CommandError::new(
            ErrorCode::ServiceAccountInvalid,
            "that file is not on this computer's disk",
        )
    })?;
    session
        .describe_key_file(&desktop.catalog, &connector_id, &path)
        .map(Some)
        .map_err(shown)
}

/// What the key file at a typed path says about itself (no secret).
#[tauri::command]
pub fn key_file_describe(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    connector_id: String,
    path: String,
) -> Reply<KeyFileView> {
    session
        .describe_key_file(&desktop.catalog, &connector_id, std::path::Path::new(&path))
        .map_err(shown)
}

/// The one command that sends a secret to the webview: a deliberate reveal, after the
/// passphrase, recorded in the audit log.
#[tauri::command]
pub async fn connection_reveal(
    session: State<'_, Session>,
    id: String,
    passphrase: String,
) -> Reply<String> {
    let secret = session
        .reveal(&id, &Passphrase::new(passphrase))
        .await
        .map_err(shown)?;
    Ok(String::from_utf8_lossy(secret.expose_to_caller()).into_owned())
}

#[tauri::command]
pub async fn vault_change_passphrase(
    session: State<'_, Session>,
    current: String,
    next: String,
) -> Reply<SessionView> {
    session
        .change_passphrase(&Passphrase::new(current), &Passphrase::new(next))
        .await
        .map_err(shown)
}

#[tauri::command]
pub async fn vault_rotate_key(
    session: State<'_, Session>,
    passphrase: String,
) -> Reply<SessionView> {
    session
        .rotate_key(&Passphrase::new(passphrase))
        .await
        .map_err(shown)
}

#[tauri::command]
pub async fn connection_rename(
    session: State<'_, Session>,
    id: String,
    name: String,
) -> Reply<ConnectionView> {
    session.rename(&id, &name).await.map_err(shown)
}

/// How often one connection is health-checked, in minutes; `None` goes back to the default. The
/// scheduler is woken so the next check moves at once.
#[tauri::command]
pub async fn connection_set_health_interval(
    session: State<'_, Session>,
    wake: State<'_, Wake>,
    id: String,
    minutes: Option<u32>,
) -> Reply<ConnectionView> {
    let view = session
        .set_health_interval(&id, minutes)
        .await
        .map_err(shown)?;
    wake.0.notify_one();
    Ok(view)
}

/// Checks one connection with its service now; the returned view carries the recorded health.
#[tauri::command]
pub async fn connection_test(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    id: String,
) -> Reply<ConnectionView> {
    session.test(&desktop.catalog, &id).await.map_err(shown)
}

#[tauri::command]
pub async fn connection_delete(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    id: String,
) -> Reply<DeletionView> {
    let deletion = session.delete(&desktop.catalog, &id).await.map_err(shown)?;
    Ok(match deletion.revoked {
        Ok(Revoked::Done) => DeletionView::Revoked,
        Ok(Revoked::NotApplicable) => DeletionView::NothingToRevoke,
        Err(err) => DeletionView::NotRevoked { error: shown(err) },
    })
}

/// A connector's OAuth app as its form shows it (never the client secret, only whether one is set).
#[tauri::command]
pub async fn oauth_app_get(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    connector_id: String,
) -> Reply<OAuthAppView> {
    session
        .oauth_app(&desktop.catalog, &connector_id)
        .await
        .map_err(shown)
}

/// Stores the OAuth app a person registered. The client secret, if any, travels as its own
/// argument straight into a zeroizing wrapper and is never echoed back. `redirect_uri` is the
/// https redirect registered with a service that accepts no other kind.
#[tauri::command]
pub async fn oauth_app_set(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    connector_id: String,
    client_id: String,
    client_secret: Option<String>,
    redirect_uri: Option<String>,
) -> Reply<OAuthAppView> {
    let secret = client_secret
        .filter(|s| !s.is_empty())
        .map(|s| SecretValue::new(s.into_bytes()));
    session
        .set_oauth_app(
            &desktop.catalog,
            &connector_id,
            client_id.trim(),
            secret,
            redirect_uri
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty()),
        )
        .await
        .map_err(shown)
}

/// Starts a sign-in and opens its page in the system browser. A loopback flow's wait runs in
/// the background and ends in `oauth-finished`, as a `keyport://` link does.
#[tauri::command]
pub async fn oauth_start(
    app: AppHandle,
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    connector_id: String,
    config: BTreeMap<String, String>,
) -> Reply<OAuthStartView> {
    let started = session
        .start_oauth(&desktop.catalog, &connector_id, &config, None)
        .await
        .map_err(shown)?;
    Ok(flows::opened(&app, started))
}

/// Signs in again for a connection whose grant died, keeping its id, name and settings; waited
/// for and finished like any sign-in.
#[tauri::command]
pub async fn oauth_reconnect(
    app: AppHandle,
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    connection_id: String,
) -> Reply<OAuthStartView> {
    let started = session
        .start_reconnect(&desktop.catalog, &connection_id)
        .await
        .map_err(shown)?;
    Ok(flows::opened(&app, started))
}

/// Opens a waiting sign-in's page again. The page names the flow, never a URL.
#[tauri::command]
pub async fn oauth_open(app: AppHandle, session: State<'_, Session>, flow_id: String) -> Reply<()> {
    let url = session.oauth_page(&flow_id).await.map_err(shown)?;
    flows::open_browser(&app, &url)
}

/// Cancels a waiting sign-in: its loopback wait stops, and a callback that still comes is refused.
#[tauri::command]
pub async fn oauth_cancel(session: State<'_, Session>, flow_id: String) -> Reply<()> {
    session.cancel_oauth(&flow_id).await.map_err(shown)
}

/// Completes a sign-in from the address the browser landed on, pasted by the person. The
/// outcome is also sent as `oauth-finished`, like every other completion.
#[tauri::command]
pub async fn oauth_paste(
    app: AppHandle,
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    url: String,
) -> Reply<ConnectionView> {
    let result = session.complete_oauth(&desktop.catalog, url.trim()).await;
    drop(url);
    match flows::finish(&app, None, OAuthVia::Paste, result).outcome {
        keyport_model::OAuthOutcome::Connected { connection } => Ok(*connection),
        keyport_model::OAuthOutcome::Failed { error } => Err(error),
    }
}
