//! Talking to the Tauri shell: one typed async function per command, the `oauth-finished` event,
//! and the few browser services the page needs (a timer, the clipboard). The shell sets
//! `app.withGlobalTauri`, so everything goes through `window.__TAURI__`; when that is missing
//! (the page opened in a plain browser) every call fails with a `ShownError` instead of panicking.

pub mod ai_tools;
pub mod asks;

use js_sys::{Function, Object, Promise, Reflect};
use keyport_model::{
    CardsView, CatalogView, CommandError, ConnectRequest, ConnectionView, DatabaseUrlFields,
    DeletionView, ErrorCode, KeyFileView, McpAddedView, McpFixTarget, McpFixView, McpPlanView,
    OAuthAppView, OAuthStartView, OAuthVia, SessionView, UseWithView,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// An error as the page shows it: the message, then `Code: …`. The code is kept as sent, so a code
/// newer than this build of the UI still shows by name; decisions go through `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ShownError {
    pub code: String,
    pub message: String,
    /// The form field the error concerns, as the core names it; the page places the error
    /// there instead of reading the message.
    #[serde(default)]
    pub field: Option<String>,
}

impl From<CommandError> for ShownError {
    fn from(error: CommandError) -> Self {
        ShownError {
            code: error.code.as_str().to_owned(),
            message: error.message,
            field: error.field,
        }
    }
}

impl ShownError {
    /// An error the page itself raises, under the code the core would give it.
    pub fn new(code: ErrorCode, message: &str) -> Self {
        CommandError::new(code, message).into()
    }

    /// The code as this build knows it (`Unknown` for one from a newer backend).
    pub fn kind(&self) -> ErrorCode {
        ErrorCode::parse(&self.code)
    }

    fn internal(message: &str) -> Self {
        ShownError::new(ErrorCode::Internal, message)
    }

    fn not_in_shell() -> Self {
        ShownError::internal(
            "This page is not running inside the Keyport app, so it cannot reach the catalog. \
             Start Keyport from your applications menu or with keyport-desktop.",
        )
    }
}

/// `window.__TAURI__.<part>`, e.g. `core` or `event`.
fn tauri(part: &str) -> Result<JsValue, ShownError> {
    let window = web_sys::window().ok_or_else(ShownError::not_in_shell)?;
    let global = Reflect::get(&window, &JsValue::from_str("__TAURI__"))
        .ok()
        .filter(JsValue::is_object)
        .ok_or_else(ShownError::not_in_shell)?;
    Reflect::get(&global, &JsValue::from_str(part))
        .ok()
        .filter(JsValue::is_object)
        .ok_or_else(ShownError::not_in_shell)
}

fn method(target: &JsValue, name: &str) -> Result<Function, ShownError> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(ShownError::not_in_shell)
}

/// Turns what a command rejected with into something to show. The shell rejects with a
/// `CommandError`; Tauri itself rejects with a plain string (unknown command, not allowed), which
/// goes to the console only.
fn rejected(value: JsValue) -> ShownError {
    if let Ok(error) = serde_wasm_bindgen::from_value::<ShownError>(value.clone()) {
        return error;
    }
    web_sys::console::error_2(
        &JsValue::from_str("keyport: the shell refused a call:"),
        &value,
    );
    ShownError::internal("Something went wrong between the window and Keyport's core.")
}

/// Sends a command now; its answer is awaited apart (`answer`).
fn send(command: &str, args: Option<Object>) -> Result<Promise, ShownError> {
    let core = tauri("core")?;
    let invoke = method(&core, "invoke")?;
    let args = args.map_or(JsValue::UNDEFINED, JsValue::from);
    let promise = invoke
        .call2(&core, &JsValue::from_str(command), &args)
        .map_err(rejected)?;
    Ok(Promise::resolve(&promise))
}

async fn answer(promise: Promise) -> Result<JsValue, ShownError> {
    JsFuture::from(promise).await.map_err(rejected)
}

async fn invoke(command: &str, args: Option<Object>) -> Result<JsValue, ShownError> {
    answer(send(command, args)?).await
}

thread_local! {
    /// The cards request `prefetch_cards` sent, until the page's first load takes it.
    static PREFETCHED: RefCell<Option<Result<Promise, ShownError>>> = const { RefCell::new(None) };
}

/// Asks for the cards before the page's first render, so the shell's answer travels while the
/// page builds itself (start-up): the first `catalog_cards()` takes this request instead of
/// sending one.
pub fn prefetch_cards() {
    PREFETCHED.with(|request| *request.borrow_mut() = Some(send("catalog_cards", None)));
}

/// What the Marketplace's cards show (first paint), plus the problems of any refused custom file.
pub async fn catalog_cards() -> Result<CardsView, ShownError> {
    let request = PREFETCHED
        .with(|request| request.borrow_mut().take())
        .unwrap_or_else(|| send("catalog_cards", None));
    read_catalog(answer(request?).await?)
}

/// The whole catalog: valid connectors plus the problems of any refused custom file.
pub async fn catalog() -> Result<CatalogView, ShownError> {
    read_catalog(invoke("catalog", None).await?)
}

fn read_catalog<T: DeserializeOwned>(value: JsValue) -> Result<T, ShownError> {
    serde_wasm_bindgen::from_value(value).map_err(|err| {
        web_sys::console::error_1(&JsValue::from_str(&format!(
            "keyport: the catalog did not match the model: {err}"
        )));
        ShownError::internal(
            "The catalog arrived in a form this window cannot read. Reinstall Keyport so the \
             window and the core are the same version.",
        )
    })
}

/// Opens the connector's API documentation in the system browser. The shell looks the address
/// up itself: the page only names the connector.
pub async fn open_docs(connector_id: &str) -> Result<(), ShownError> {
    let args = Object::new();
    Reflect::set(
        &args,
        &JsValue::from_str("connectorId"),
        &JsValue::from_str(connector_id),
    )
    .map_err(rejected)?;
    invoke("open_docs", Some(args)).await.map(drop)
}

/// Tells the shell the Marketplace has painted its cards (it measures start-up with this).
/// Returns the outcomes of `keyport://` links that arrived before the page could listen (a cold
/// start with a link).
pub async fn app_ready() -> Result<Vec<Finished>, ShownError> {
    let value = invoke("app_ready", None).await?;
    Ok(serde_wasm_bindgen::from_value(value).unwrap_or_default())
}

/// How a sign-in ended (`keyport_model::OAuthFinished`, read with the error code kept as text).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Finished {
    pub flow_id: Option<String>,
    pub via: OAuthVia,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Connected { connection: Box<ConnectionView> },
    Failed { error: ShownError },
}

/// Calls `command` with `args` (serialized as plain JSON objects, keys as given) and reads the
/// answer as `T`.
async fn call<T: DeserializeOwned>(command: &str, args: &impl Serialize) -> Result<T, ShownError> {
    let args = args
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| ShownError::internal("A request could not be prepared for Keyport's core."))?;
    let value = invoke(command, args.dyn_into::<Object>().ok()).await?;
    serde_wasm_bindgen::from_value(value).map_err(|err| {
        web_sys::console::error_1(&JsValue::from_str(&format!(
            "keyport: the answer to {command} did not match the model: {err}"
        )));
        ShownError::internal(
            "Keyport's core answered in a form this window cannot read. Reinstall Keyport so the \
             window and the core are the same version.",
        )
    })
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InitArgs<'a> {
    passphrase: &'a str,
    use_keyring: bool,
}

#[derive(Serialize)]
struct UnlockArgs<'a> {
    passphrase: &'a str,
}

#[derive(Serialize)]
struct IdleArgs {
    minutes: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConnectArgs<'a> {
    request: &'a ConnectRequest,
    secrets: &'a BTreeMap<String, String>,
    key_file: Option<&'a str>,
}

#[derive(Serialize)]
struct RenameArgs<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct IdArgs<'a> {
    id: &'a str,
}

/// Whether a vault exists, whether this app holds its key, and the idle lock.
pub async fn session() -> Result<SessionView, ShownError> {
    call("session", &NoArgs {}).await
}

/// Creates the vault (about a second of key derivation).
pub async fn vault_init(passphrase: &str, use_keyring: bool) -> Result<SessionView, ShownError> {
    call(
        "vault_init",
        &InitArgs {
            passphrase,
            use_keyring,
        },
    )
    .await
}

pub async fn vault_unlock(passphrase: &str) -> Result<SessionView, ShownError> {
    call("vault_unlock", &UnlockArgs { passphrase }).await
}

pub async fn vault_lock() -> Result<SessionView, ShownError> {
    call("vault_lock", &NoArgs {}).await
}

/// Auto-lock after `minutes` idle; 0 is never.
pub async fn set_idle_lock(minutes: u32) -> Result<SessionView, ShownError> {
    call("set_idle_lock", &IdleArgs { minutes }).await
}

#[derive(Serialize)]
struct RevealArgs<'a> {
    id: &'a str,
    passphrase: &'a str,
}

#[derive(Serialize)]
struct ChangeArgs<'a> {
    current: &'a str,
    next: &'a str,
}

/// Changes the vault passphrase (the data key stays; its passphrase slot is resealed).
pub async fn vault_change_passphrase(current: &str, next: &str) -> Result<SessionView, ShownError> {
    call("vault_change_passphrase", &ChangeArgs { current, next }).await
}

/// Makes a new data key and reseals every stored secret with it.
pub async fn vault_rotate_key(passphrase: &str) -> Result<SessionView, ShownError> {
    call("vault_rotate_key", &UnlockArgs { passphrase }).await
}

/// One connection's secret, for the Reveal dialog only. The shell asks for the passphrase every
/// time, even when the vault is unlocked. The caller keeps the answer in its own state only.
pub async fn connection_reveal(id: &str, passphrase: &str) -> Result<String, ShownError> {
    call("connection_reveal", &RevealArgs { id, passphrase }).await
}

/// Every stored connection, metadata only (works while locked).
pub async fn connections_list() -> Result<Vec<ConnectionView>, ShownError> {
    call("connections_list", &NoArgs {}).await
}

/// Checks and stores a credential typed in the connect wizard: a key, token or password, a
/// database login or URL, a service account. `secrets` are its secret fields by key (`secret`,
/// `url`, `password`, or a service account's own, e.g. `key_json`), read from their elements
/// just before and handed straight to the shell. `key_file` is the path of a service account's
/// key file: the core reads it for the key-file field, which `secrets` then leaves out.
pub async fn connect_credential(
    request: &ConnectRequest,
    secrets: &BTreeMap<String, String>,
    key_file: Option<&str>,
) -> Result<ConnectionView, ShownError> {
    let args = ConnectArgs {
        request,
        secrets,
        key_file,
    };
    call("connect_credential", &args).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReplaceArgs<'a> {
    connection_id: &'a str,
    request: &'a ConnectRequest,
    secrets: &'a BTreeMap<String, String>,
}

/// Replaces the revoked key, token, password or database login of connection `connection_id`
/// (Reconnect on its row): the secrets are read from their elements just before, as for
/// `connect_credential`, and the core checks them with the service before it stores them in
/// place.
pub async fn replace_secret(
    connection_id: &str,
    request: &ConnectRequest,
    secrets: &BTreeMap<String, String>,
) -> Result<ConnectionView, ShownError> {
    let args = ReplaceArgs {
        connection_id,
        request,
        secrets,
    };
    call("connection_replace_secret", &args).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatabaseUrlArgs<'a> {
    connector_id: &'a str,
    url: &'a str,
}

/// What a connection URL pasted into a database's login form says, field by field (host, port,
/// user, database, TLS mode), read by the core so the form and the connection agree. The
/// password is never sent back: `has_password` says the URL had one, and the form then submits
/// the URL itself (`url`). A URL the core cannot read is refused at its field (`url`, `port`).
pub async fn database_url_fields(
    connector_id: &str,
    url: &str,
) -> Result<DatabaseUrlFields, ShownError> {
    call(
        "database_url_fields",
        &DatabaseUrlArgs { connector_id, url },
    )
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyFileArgs<'a> {
    connector_id: &'a str,
    path: &'a str,
}

/// Opens the system's file chooser for a key file; the core reads the file and answers with its
/// path and what it says about itself, never its contents. `None` when the person cancelled.
pub async fn key_file_choose(connector_id: &str) -> Result<Option<KeyFileView>, ShownError> {
    call("key_file_choose", &ConnectorArgs { connector_id }).await
}

/// What the key file at a typed path says about itself (no secret); a broken file is
/// `service_account.invalid`.
pub async fn key_file_describe(connector_id: &str, path: &str) -> Result<KeyFileView, ShownError> {
    call("key_file_describe", &KeyFileArgs { connector_id, path }).await
}

pub async fn connection_rename(id: &str, name: &str) -> Result<ConnectionView, ShownError> {
    call("connection_rename", &RenameArgs { id, name }).await
}

/// Checks one connection with its service now; the view carries the recorded health.
pub async fn connection_test(id: &str) -> Result<ConnectionView, ShownError> {
    call("connection_test", &IdArgs { id }).await
}

/// Deletes a connection, revoking its grant at the provider first where it can; says how the
/// revocation went.
pub async fn connection_delete(id: &str) -> Result<DeletionView, ShownError> {
    call("connection_delete", &IdArgs { id }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConnectorArgs<'a> {
    connector_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AppArgs<'a> {
    connector_id: &'a str,
    client_id: &'a str,
    client_secret: Option<&'a str>,
    redirect_uri: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StartArgs<'a> {
    connector_id: &'a str,
    config: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FlowArgs<'a> {
    flow_id: &'a str,
}

#[derive(Serialize)]
struct PasteArgs<'a> {
    url: &'a str,
}

/// A connector's OAuth app: its client ID, whether a client secret is stored, the redirect URIs
/// to register. Never the secret itself.
pub async fn oauth_app_get(connector_id: &str) -> Result<OAuthAppView, ShownError> {
    call("oauth_app_get", &ConnectorArgs { connector_id }).await
}

/// Stores the OAuth app. `client_secret` goes straight to the shell and is not echoed back;
/// `redirect_uri` is the https redirect registered with a service that accepts no other kind.
pub async fn oauth_app_set(
    connector_id: &str,
    client_id: &str,
    client_secret: Option<&str>,
    redirect_uri: Option<&str>,
) -> Result<OAuthAppView, ShownError> {
    let args = AppArgs {
        connector_id,
        client_id,
        client_secret,
        redirect_uri,
    };
    call("oauth_app_set", &args).await
}

/// Starts a sign-in; the shell opens its page in the browser. The outcome arrives later as
/// `oauth-finished`.
pub async fn oauth_start(
    connector_id: &str,
    config: &BTreeMap<String, String>,
) -> Result<OAuthStartView, ShownError> {
    call(
        "oauth_start",
        &StartArgs {
            connector_id,
            config,
        },
    )
    .await
}

/// Opens a waiting sign-in's page in the browser again (the shell knows the address).
pub async fn oauth_open(flow_id: &str) -> Result<(), ShownError> {
    call::<Option<()>>("oauth_open", &FlowArgs { flow_id })
        .await
        .map(drop)
}

/// Ends a waiting sign-in in the core: a callback that still comes is refused.
pub async fn oauth_cancel(flow_id: &str) -> Result<(), ShownError> {
    call::<Option<()>>("oauth_cancel", &FlowArgs { flow_id })
        .await
        .map(drop)
}

/// Completes a sign-in from the address the browser landed on, as pasted.
pub async fn oauth_paste(url: &str) -> Result<ConnectionView, ShownError> {
    call("oauth_paste", &PasteArgs { url }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReconnectArgs<'a> {
    connection_id: &'a str,
}

/// Signs in again for a connection whose grant died; the connection keeps its id, name and
/// settings. Like `oauth_start`, the shell opens the page and the outcome comes as
/// `oauth-finished`.
pub async fn oauth_reconnect(connection_id: &str) -> Result<OAuthStartView, ShownError> {
    call("oauth_reconnect", &ReconnectArgs { connection_id }).await
}

#[derive(Serialize)]
struct IntervalArgs<'a> {
    id: &'a str,
    minutes: Option<u32>,
}

/// How often the scheduler checks a connection, in minutes; `None` is the default.
pub async fn connection_set_health_interval(
    id: &str,
    minutes: Option<u32>,
) -> Result<ConnectionView, ShownError> {
    call(
        "connection_set_health_interval",
        &IntervalArgs { id, minutes },
    )
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UseWithArgs<'a> {
    connection_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct McpPlanArgs<'a> {
    connection_id: &'a str,
    client: &'a str,
    server: Option<&'a str>,
    force: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct McpAddArgs<'a> {
    connection_id: &'a str,
    client: &'a str,
    server: Option<&'a str>,
    force: bool,
    diff: &'a str,
}

#[derive(Serialize)]
struct McpFixArgs<'a> {
    target: Option<&'a McpFixTarget>,
}

/// A connection's "Use with" panel: the MCP clients here, the connector's servers, and the
/// credentials the clients' files hold in plain text (never their values).
pub async fn mcp_use_with(connection_id: &str) -> Result<UseWithView, ShownError> {
    call("mcp_use_with", &UseWithArgs { connection_id }).await
}

/// The entry Add would write to `client`'s file, as a diff with every secret hidden.
pub async fn mcp_plan(
    connection_id: &str,
    client: &str,
    server: Option<&str>,
    force: bool,
) -> Result<McpPlanView, ShownError> {
    let args = McpPlanArgs {
        connection_id,
        client,
        server,
        force,
    };
    call("mcp_plan", &args).await
}

/// Writes the entry whose diff the page shows (`diff`); a file changed since is refused.
pub async fn mcp_add(
    connection_id: &str,
    client: &str,
    server: Option<&str>,
    force: bool,
    diff: &str,
) -> Result<McpAddedView, ShownError> {
    let args = McpAddArgs {
        connection_id,
        client,
        server,
        force,
        diff,
    };
    call("mcp_add", &args).await
}

/// Moves the plain-text credentials of one entry (`target`), or of every file, into the vault,
/// each checked with its service first.
pub async fn mcp_fix(target: Option<&McpFixTarget>) -> Result<McpFixView, ShownError> {
    call("mcp_fix", &McpFixArgs { target }).await
}

/// Whether Keyport starts at login (the autostart plugin asks the OS).
pub async fn autostart_enabled() -> Result<bool, ShownError> {
    call("plugin:autostart|is_enabled", &NoArgs {})
        .await
        .map_err(autostart_refused)
}

/// Turns starting at login on or off; answers the state the OS then has.
pub async fn autostart_set(on: bool) -> Result<bool, ShownError> {
    let command = if on {
        "plugin:autostart|enable"
    } else {
        "plugin:autostart|disable"
    };
    call::<Option<()>>(command, &NoArgs {})
        .await
        .map_err(autostart_refused)?;
    autostart_enabled().await
}

/// The plugin rejects with a bare string (already logged by `rejected`); say what failed.
fn autostart_refused(error: ShownError) -> ShownError {
    if error.kind() != ErrorCode::Internal {
        return error;
    }
    ShownError::internal(
        "Keyport could not read or change its login item. Check that your desktop's autostart \
         folder can be written to.",
    )
}

/// A subscription to a shell event; dropping it unsubscribes.
pub struct Listener {
    shared: Rc<RefCell<ListenerState>>,
}

#[derive(Default)]
struct ListenerState {
    /// Kept alive for as long as the shell may call it.
    callback: Option<Closure<dyn FnMut(JsValue)>>,
    unlisten: Option<Function>,
    dropped: bool,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let mut state = self.shared.borrow_mut();
        state.dropped = true;
        if let Some(unlisten) = state.unlisten.take() {
            let _ = unlisten.call0(&JsValue::NULL);
            state.callback = None;
        }
        // Otherwise `listen` has not resolved yet; the task below unlistens when it does.
    }
}

/// Calls `on_finished` with each `oauth-finished` the shell emits: a sign-in completed or was
/// refused, whether by a `keyport://` link, the loopback listener or a pasted address.
pub fn listen_oauth_finished(
    on_finished: impl Fn(Finished) + 'static,
) -> Result<Listener, ShownError> {
    listen(
        "oauth-finished",
        move |payload| match serde_wasm_bindgen::from_value::<Finished>(payload) {
            Ok(finished) => on_finished(finished),
            Err(err) => web_sys::console::error_1(&JsValue::from_str(&format!(
                "keyport: oauth-finished did not match the model: {err}"
            ))),
        },
    )
}

/// Calls `on_change` with each `session-changed` the shell emits (an idle auto-lock, a lock from
/// the tray...).
pub fn listen_session_changed(
    on_change: impl Fn(SessionView) + 'static,
) -> Result<Listener, ShownError> {
    listen(
        "session-changed",
        move |payload| match serde_wasm_bindgen::from_value::<SessionView>(payload) {
            Ok(session) => on_change(session),
            Err(err) => web_sys::console::error_1(&JsValue::from_str(&format!(
                "keyport: session-changed did not match the model: {err}"
            ))),
        },
    )
}

/// Calls `on_change` each time the shell says connections changed without the page asking (the
/// background scheduler refreshed or checked them, the tray tested one).
pub fn listen_connections_changed(on_change: impl Fn() + 'static) -> Result<Listener, ShownError> {
    listen("connections-changed", move |_| on_change())
}

/// Calls `on_open` with the connection id of each `open-connection` the shell emits (the tray's
/// Reconnect X… and Open, a notification clicked).
pub fn listen_open_connection(on_open: impl Fn(String) + 'static) -> Result<Listener, ShownError> {
    listen("open-connection", move |payload| {
        match payload.as_string() {
            Some(id) => on_open(id),
            None => web_sys::console::error_1(&JsValue::from_str(
                "keyport: open-connection did not carry a connection id",
            )),
        }
    })
}

/// Subscribes to the shell event `name`; `on_payload` gets each event's payload.
fn listen(name: &str, on_payload: impl Fn(JsValue) + 'static) -> Result<Listener, ShownError> {
    let event = tauri("event")?;
    let listen = method(&event, "listen")?;
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let payload =
            Reflect::get(&event, &JsValue::from_str("payload")).unwrap_or(JsValue::UNDEFINED);
        on_payload(payload);
    });
    let promise = listen
        .call2(
            &event,
            &JsValue::from_str(name),
            callback.as_ref().unchecked_ref(),
        )
        .map_err(rejected)?;
    let shared = Rc::new(RefCell::new(ListenerState {
        callback: Some(callback),
        ..ListenerState::default()
    }));
    let pending = Rc::clone(&shared);
    let name = name.to_owned();
    wasm_bindgen_futures::spawn_local(async move {
        match JsFuture::from(Promise::resolve(&promise)).await {
            Ok(unlisten) => {
                let Ok(unlisten) = unlisten.dyn_into::<Function>() else {
                    return;
                };
                let mut state = pending.borrow_mut();
                if state.dropped {
                    let _ = unlisten.call0(&JsValue::NULL);
                    state.callback = None;
                } else {
                    state.unlisten = Some(unlisten);
                }
            }
            Err(err) => {
                web_sys::console::error_2(
                    &JsValue::from_str(&format!("keyport: could not listen for {name}:")),
                    &err,
                );
            }
        }
    });
    Ok(Listener { shared })
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Puts `text` on the clipboard: error details, or (from the Reveal dialog only, on an explicit
/// Copy) the revealed value, which that dialog overwrites with "" 30 s later.
pub async fn copy_text(text: &str) -> Result<(), ()> {
    let window = web_sys::window().ok_or(())?;
    let clipboard = Reflect::get(&window.navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(JsValue::is_object)
        .ok_or(())?;
    let write = method(&clipboard, "writeText").map_err(drop)?;
    let promise = write
        .call1(&clipboard, &JsValue::from_str(text))
        .map_err(drop)?;
    JsFuture::from(Promise::resolve(&promise))
        .await
        .map(drop)
        .map_err(drop)
}
