//! The one façade every front-end calls (the desktop's commands, the CLI, and the background
//! agent and `exec` to come): it decides every use case once, so front-ends only translate.
//! It holds the data key while unlocked (dropped on Lock and after the idle time), the vault
//! handle, the OAuth sign-ins this process started, and one HTTP client for all its calls.

use crate::catalog::Catalog;
use crate::connections;
use crate::http::{ClientError, Http};
use crate::manager::{self, Credential, ManagerError};
use crate::oauth::{self, OAuthError};
use crate::scheduler::{
    self,
    lease::{self, Holder, Standing},
};
use crate::vault::{Passphrase, SecretValue, Unlocked, Vault, VaultError};
use keyport_model::{
    ConnectRequest, ConnectionType, ConnectionView, JobsView, KeyFileView, OAuthAppView,
    RedirectKind, SessionView, VaultStatus,
};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// UI.md section 1: auto-lock after 15 idle minutes unless the person chose otherwise.
pub const DEFAULT_IDLE_MINUTES: u32 = 15;
const IDLE_SETTING: &str = "idle_lock_minutes";

pub struct Session {
    dir: PathBuf,
    vault: tokio::sync::OnceCell<Vault>,
    state: Mutex<State>,
    flows: Mutex<HashMap<String, Pending>>,
    /// One HTTP client for every call this session makes, so connection pools and timeouts are
    /// shared; made on first use (a bad timeout setting is reported then, by the call).
    http: OnceLock<Result<Http, ClientError>>,
    /// What the scheduler last planned from (`scheduler::pass`), so an idle pass plans nothing.
    planned_from: Mutex<Option<String>>,
}

/// A sign-in this process started, by flow id: what the vault must not hold (the page's address
/// carries the state) and the signal that ends its loopback wait. Whether it still waits is the
/// vault's to say (its expiry and use are stored with the flow), never a clock of its own here.
struct Pending {
    authorization_url: String,
    stop: Arc<tokio::sync::Notify>,
}

struct State {
    unlocked: Option<Unlocked>,
    last_activity: Instant,
    idle_minutes: u32,
}

impl Session {
    pub fn new(dir: PathBuf) -> Session {
        Session {
            dir,
            vault: tokio::sync::OnceCell::new(),
            state: Mutex::new(State {
                unlocked: None,
                last_activity: Instant::now(),
                idle_minutes: DEFAULT_IDLE_MINUTES,
            }),
            flows: Mutex::new(HashMap::new()),
            http: OnceLock::new(),
            planned_from: Mutex::new(None),
        }
    }

    fn http(&self) -> Result<Http, ClientError> {
        self.http.get_or_init(Http::new).clone()
    }

    fn flows(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.flows.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep going.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn vault(&self) -> Result<&Vault, VaultError> {
        self.vault
            .get_or_try_init(|| async {
                let vault = Vault::open(&self.dir).await?;
                if let Some(minutes) = stored_idle(&vault).await {
                    self.state().idle_minutes = minutes;
                }
                Ok(vault)
            })
            .await
    }

    /// Counts as activity for the idle timer.
    pub fn touch(&self) {
        self.state().last_activity = Instant::now();
    }

    /// At start: the keyring slot unlocks silently when it can (UI.md section 3).
    pub async fn start(&self) {
        if let Ok(vault) = self.vault().await {
            if let Some(unlocked) = vault.unlock_keyring().await {
                let mut state = self.state();
                state.unlocked = Some(unlocked);
                state.last_activity = Instant::now();
            }
        }
    }

    pub async fn view(&self) -> Result<SessionView, VaultError> {
        let vault = match self.vault().await {
            Ok(vault) => vault.status().await?,
            Err(VaultError::NotInitialized) => VaultStatus {
                initialized: false,
                locked: true,
                key_slots: Vec::new(),
                kdf: None,
                connections: 0,
                keyring: crate::vault::keyring_available()
                    .then(|| crate::vault::keyring_backend().to_owned()),
            },
            Err(e) => return Err(e),
        };
        let state = self.state();
        Ok(SessionView {
            vault,
            unlocked: state.unlocked.is_some(),
            idle_lock_minutes: state.idle_minutes,
        })
    }

    pub async fn init(
        &self,
        passphrase: &Passphrase,
        use_keyring: bool,
    ) -> Result<SessionView, VaultError> {
        let (vault, _) = Vault::init(&self.dir, passphrase, use_keyring).await?;
        let unlocked = vault.unlock_passphrase(passphrase).await?;
        let _ = self.vault.set(vault);
        {
            let mut state = self.state();
            state.unlocked = Some(unlocked);
            state.last_activity = Instant::now();
        }
        self.view().await
    }

    pub async fn unlock(&self, passphrase: &Passphrase) -> Result<SessionView, VaultError> {
        self.unlock_key(passphrase).await?;
        self.view().await
    }

    /// Unlocks with the passphrase without building the desktop's view of the session (a
    /// one-shot front-end such as the CLI has no use for it).
    pub async fn unlock_key(&self, passphrase: &Passphrase) -> Result<(), VaultError> {
        let unlocked = self.vault().await?.unlock_passphrase(passphrase).await?;
        let mut state = self.state();
        state.unlocked = Some(unlocked);
        state.last_activity = Instant::now();
        Ok(())
    }

    /// Whether the vault exists and opens; `NotInitialized` when there is none.
    pub async fn open(&self) -> Result<(), VaultError> {
        self.vault().await.map(|_| ())
    }

    pub fn is_unlocked(&self) -> bool {
        self.state().unlocked.is_some()
    }

    pub async fn lock(&self) -> Result<SessionView, VaultError> {
        self.state().unlocked = None;
        self.view().await
    }

    /// Locks when the idle time has passed; true when this call locked it.
    pub fn lock_if_idle(&self, now: Instant) -> bool {
        let mut state = self.state();
        let idle = Duration::from_secs(u64::from(state.idle_minutes) * 60);
        if state.unlocked.is_some()
            && state.idle_minutes > 0
            && now.duration_since(state.last_activity) >= idle
        {
            state.unlocked = None;
            return true;
        }
        false
    }

    pub async fn set_idle_minutes(&self, minutes: u32) -> Result<SessionView, VaultError> {
        if minutes > 24 * 60 {
            return Err(crate::vault::Refused::IdleTooLong.into());
        }
        let vault = self.vault().await?;
        crate::store::settings::set(vault.pool(), IDLE_SETTING, &minutes.to_string())
            .await
            .map_err(vault.io_err())?;
        self.state().idle_minutes = minutes;
        self.view().await
    }

    pub async fn connections(&self) -> Result<Vec<ConnectionView>, VaultError> {
        match self.vault().await {
            Ok(vault) => connections::list(vault).await,
            Err(VaultError::NotInitialized) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// Connects by key, token, password, database login or service account, checked with the
    /// service first unless the request says not to. `secrets` are the form's secret fields by
    /// key (`manager::Credential::from_form`).
    pub async fn connect(
        &self,
        catalog: &Catalog,
        request: ConnectRequest,
        mut secrets: BTreeMap<String, SecretValue>,
        key_file: Option<&std::path::Path>,
    ) -> Result<ConnectionView, ManagerError> {
        let connector = catalog.get(&request.connector_id)?;
        if let Some(path) = key_file {
            // The picked file fills its field; the webview only ever had its path.
            let field = connector
                .service_account
                .as_ref()
                .and_then(|s| s.key_file_field())
                .filter(|_| request.connection_type == ConnectionType::ServiceAccount)
                .ok_or_else(|| ManagerError::TakesNoKeyFile {
                    connector: connector.name.clone(),
                })?;
            let file = crate::service_account::read_key_file(path)?;
            if secrets.insert(field.key.clone(), file).is_some() {
                return Err(ManagerError::Twice {
                    field: "key_file".to_owned(),
                    what: field.label.to_lowercase(),
                });
            }
        }
        let config = request.config;
        let credential = Credential::from_form(
            connector,
            request.connection_type,
            request.username,
            &config,
            secrets,
        )?;
        let request = manager::Request {
            connector,
            name: request.name,
            config,
            verify: request.verify,
        };
        self.connect_credential(request, credential).await
    }

    /// Connects with a credential a front-end has already read (the CLI's stdin and files).
    pub async fn connect_credential(
        &self,
        request: manager::Request<'_>,
        credential: Credential,
    ) -> Result<ConnectionView, ManagerError> {
        let vault = self.vault().await?;
        // Hold no lock across the await: take what sealing needs, under the lock, first.
        let unlocked = self.unlocked()?;
        let stored = manager::connect(vault, &unlocked, &self.http()?, request, credential).await;
        if matches!(stored, Err(ManagerError::Vault(VaultError::KeyRetired))) {
            // The key was rotated elsewhere: this one is retired, so ask for an unlock.
            self.state().unlocked = None;
        }
        stored
    }

    /// Replaces the revoked key, token, password or database login of connection `id` in place,
    /// once the service accepts the new one (`manager::replace`). Refused while locked.
    pub async fn replace_secret(
        &self,
        catalog: &Catalog,
        id: &str,
        credential: Credential,
    ) -> Result<ConnectionView, ManagerError> {
        let vault = self.vault().await?;
        let unlocked = self.unlocked()?;
        manager::replace(vault, &unlocked, &self.http()?, catalog, id, credential).await
    }

    /// What a picked key file says about itself (no secret), for the wizard to show.
    pub fn describe_key_file(
        &self,
        catalog: &Catalog,
        connector_id: &str,
        path: &std::path::Path,
    ) -> Result<KeyFileView, ManagerError> {
        crate::service_account::describe_key_file(catalog.get(connector_id)?, path)
    }

    /// Checks a connection with its service now and records the outcome.
    pub async fn test(&self, catalog: &Catalog, id: &str) -> Result<ConnectionView, VaultError> {
        let vault = self.vault().await?;
        let unlocked = self.unlocked()?;
        crate::health::test(vault, &unlocked, &self.http()?, catalog, id).await
    }

    /// Checks every connection with its service now (bounded concurrency, a timeout each).
    pub async fn health_check(&self, catalog: &Catalog) -> Result<Vec<ConnectionView>, VaultError> {
        let vault = self.vault().await?;
        let unlocked = self.unlocked()?;
        crate::health::sweep(vault, &unlocked, &self.http()?, catalog).await
    }

    /// Refreshes an OAuth connection's access token now (the single-flight refresh).
    pub async fn refresh(&self, catalog: &Catalog, id: &str) -> Result<ConnectionView, OAuthError> {
        let vault = self.vault().await?;
        let unlocked = self.unlocked()?;
        oauth::refresh(vault, &unlocked, &self.http()?, catalog, id).await
    }

    /// Hands a connection's credential to the program that asks (`keyport token`, the git and
    /// AWS helpers, `exec`): refreshed first when near expiry, recorded with the asker.
    pub async fn hand_off(
        &self,
        id: &str,
        wanted: crate::handoff::Wanted,
        asker: &crate::handoff::Asker,
    ) -> Result<crate::handoff::HandOff, crate::handoff::HandOffError> {
        let vault = self.vault().await?;
        let unlocked = self.unlocked()?;
        crate::handoff::hand_off(vault, &unlocked, || self.http(), id, wanted, asker).await
    }

    /// The environment `keyport exec` gives a child: the declared variables of each connection
    /// in `named`, then `overrides`; one hand-off (refreshed, recorded) per connection.
    pub async fn exec_environment(
        &self,
        named: &[String],
        overrides: &[crate::handoff::EnvOverride],
        asker: &crate::handoff::Asker,
    ) -> Result<crate::handoff::Environment, crate::handoff::HandOffError> {
        let mut ids: Vec<&str> = Vec::new();
        for id in named.iter().chain(overrides.iter().map(|o| &o.connection)) {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
        let mut handed = Vec::with_capacity(ids.len());
        for id in ids {
            handed.push(
                self.hand_off(id, crate::handoff::Wanted::Environment, asker)
                    .await?,
            );
        }
        crate::handoff::environment(&handed, named, overrides)
    }

    /// Marks a connection "ask before use" (or not, which forgets the programs it allowed
    /// always). The person's own choice: only an unlocked session makes it.
    pub async fn set_ask(&self, id: &str, on: bool) -> Result<ConnectionView, VaultError> {
        self.unlocked()?;
        let vault = self.vault().await?;
        crate::handoff::ask::set(vault, id, on).await?;
        connections::get(vault, id).await
    }

    /// The programs a connection that asks before use allows always.
    pub async fn ask_allowed(&self, id: &str) -> Result<Vec<String>, VaultError> {
        crate::handoff::ask::allowed(self.vault().await?, id).await
    }

    /// The hand-offs waiting for the person's answer (no vault yet: none).
    pub async fn asks_waiting(&self) -> Result<Vec<keyport_model::AskRequestView>, VaultError> {
        match self.vault().await {
            Ok(vault) => crate::handoff::ask::waiting(vault).await,
            Err(VaultError::NotInitialized) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// The person's answer to a waiting hand-off. Allowing takes an unlocked session: someone
    /// at a locked app cannot hand out what it guards. Deny needs none.
    pub async fn answer_ask(
        &self,
        request: &str,
        answer: keyport_model::AskAnswer,
    ) -> Result<(), crate::handoff::HandOffError> {
        if answer != keyport_model::AskAnswer::Deny {
            self.unlocked()?;
        }
        crate::handoff::ask::answer(self.vault().await?, request, answer).await
    }

    /// The lock the desktop app holds while it runs, so a hand-off that must ask knows there
    /// is someone to ask; `None` when another app holds it.
    pub fn hold_desktop(&self) -> Result<Option<crate::files::DirLock>, crate::files::FileError> {
        crate::handoff::ask::hold_desktop(&self.dir)
    }

    /// A copy of the unlocked key, taken under the lock so no lock is held across an await.
    fn unlocked(&self) -> Result<Unlocked, VaultError> {
        let state = self.state();
        Ok(state
            .unlocked
            .as_ref()
            .ok_or(VaultError::Locked)?
            .duplicate())
    }

    /// A connector's OAuth app as its form shows it.
    pub async fn oauth_app(
        &self,
        catalog: &Catalog,
        connector_id: &str,
    ) -> Result<OAuthAppView, OAuthError> {
        let connector = catalog.get(connector_id)?;
        match self.vault().await {
            Ok(vault) => oauth::app::view(vault, connector).await,
            Err(e) => Err(e.into()),
        }
    }

    pub async fn set_oauth_app(
        &self,
        catalog: &Catalog,
        connector_id: &str,
        client_id: &str,
        client_secret: Option<SecretValue>,
        redirect_uri: Option<&str>,
    ) -> Result<OAuthAppView, OAuthError> {
        let connector = catalog.get(connector_id)?;
        let vault = self.vault().await?;
        let unlocked = self.unlocked()?;
        oauth::app::set(
            vault,
            &unlocked,
            connector,
            client_id,
            client_secret,
            redirect_uri,
        )
        .await?;
        oauth::app::view(vault, connector).await
    }

    /// Cancels a waiting sign-in: its loopback wait ends, and its callback, should it still
    /// come, is refused.
    pub async fn cancel_oauth(&self, flow_id: &str) -> Result<(), OAuthError> {
        self.stop_flow(flow_id);
        oauth::cancel(self.vault().await?, flow_id).await
    }

    /// Starts an OAuth sign-in; the front-end opens the returned address in the browser and,
    /// for a loopback redirect, calls `wait_loopback`. Every redirect kind is offered: both
    /// front-ends receive `keyport://` links, listen on loopback and take a pasted address.
    pub async fn start_oauth(
        &self,
        catalog: &Catalog,
        connector_id: &str,
        config: &BTreeMap<String, String>,
        name: Option<&str>,
    ) -> Result<oauth::Started, OAuthError> {
        let connector = catalog.get(connector_id)?;
        self.begin_oauth(connector, config, oauth::Purpose::Connect { name })
            .await
    }

    /// Starts a sign-in that renews connection `id` in place (its grant died): completing it
    /// keeps the connection's id, name and settings. Waited for like `start_oauth`'s.
    pub async fn start_reconnect(
        &self,
        catalog: &Catalog,
        id: &str,
    ) -> Result<oauth::Started, OAuthError> {
        let (connector, config, target) =
            oauth::reconnect::plan(self.vault().await?, catalog, id).await?;
        self.begin_oauth(connector, &config, oauth::Purpose::Reconnect(target))
            .await
    }

    async fn begin_oauth(
        &self,
        connector: &keyport_model::Connector,
        config: &BTreeMap<String, String>,
        purpose: oauth::Purpose<'_>,
    ) -> Result<oauth::Started, OAuthError> {
        let vault = self.vault().await?;
        let unlocked = self.unlocked()?;
        let started = oauth::begin(
            vault,
            &unlocked,
            connector,
            config,
            purpose,
            &[
                RedirectKind::CustomScheme,
                RedirectKind::Loopback,
                RedirectKind::Https,
            ],
        )
        .await?;
        self.forget_finished_flows(vault).await;
        self.flows().insert(
            started.flow_id.clone(),
            Pending {
                authorization_url: started.authorization_url.clone(),
                stop: Arc::default(),
            },
        );
        Ok(started)
    }

    /// The sign-in page of a flow this process started and that still waits, to open again.
    pub async fn oauth_page(&self, flow_id: &str) -> Result<String, OAuthError> {
        let page = self
            .flows()
            .get(flow_id)
            .map(|p| p.authorization_url.clone());
        match page {
            Some(url) if oauth::waiting(self.vault().await?, flow_id).await? => Ok(url),
            _ => {
                self.stop_flow(flow_id);
                Err(OAuthError::NotWaiting)
            }
        }
    }

    /// Waits for the browser to come back to a loopback flow's listener and completes the
    /// sign-in. `None` when the flow was cancelled or finished another way (a pasted address)
    /// meanwhile: the listener has closed and there is nothing to report.
    pub async fn wait_loopback(
        &self,
        catalog: &Catalog,
        flow_id: &str,
        loopback: oauth::Loopback,
    ) -> Option<Result<ConnectionView, OAuthError>> {
        let stop = self.flows().get(flow_id).map(|p| p.stop.clone())?;
        let url = tokio::select! {
            url = loopback.wait(oauth::FLOW_LIFETIME) => url,
            () = stop.notified() => return None,
        };
        self.flows().remove(flow_id);
        Some(match url {
            Ok(url) => self.complete_oauth(catalog, &url).await,
            Err(err) => Err(err),
        })
    }

    /// Forgets a started flow and ends its loopback wait, if it has one. A wait that has not
    /// begun yet finds the signal already given.
    fn stop_flow(&self, flow_id: &str) {
        if let Some(flow) = self.flows().remove(flow_id) {
            flow.stop.notify_one();
        }
    }

    /// Forgets the flows the vault says are over (used, cancelled, or past their lifetime).
    async fn forget_finished_flows(&self, vault: &Vault) {
        let ids: Vec<String> = self.flows().keys().cloned().collect();
        for id in ids {
            if !oauth::waiting(vault, &id).await.unwrap_or(false) {
                self.stop_flow(&id);
            }
        }
    }

    /// Completes a sign-in from the address its redirect came to (a deep link, a loopback
    /// request, or a pasted address). A callback that is not this vault's own is refused before
    /// the vault's lock state matters.
    pub async fn complete_oauth(
        &self,
        catalog: &Catalog,
        url: &str,
    ) -> Result<ConnectionView, OAuthError> {
        let callback = oauth::parse_callback(url)?;
        let vault = match self.vault().await {
            Ok(vault) => vault,
            Err(VaultError::NotInitialized) => return Err(OAuthError::StateUnknown),
            Err(e) => return Err(e.into()),
        };
        oauth::pending(vault, &callback).await?;
        let unlocked = self.unlocked()?;
        let result = oauth::complete(vault, &unlocked, &self.http()?, catalog, &callback).await;
        // A pasted address can finish a flow whose loopback listener still waits: end it.
        if let Some(flow_id) = oauth::flow_id_of(url) {
            if !oauth::waiting(vault, &flow_id).await.unwrap_or(false) {
                self.stop_flow(&flow_id);
            }
        }
        result
    }

    /// A deliberate reveal: the passphrase every time, even while unlocked (UI.md section 9).
    pub async fn reveal(
        &self,
        id: &str,
        passphrase: &Passphrase,
    ) -> Result<SecretValue, VaultError> {
        let vault = self.vault().await?;
        let unlocked = vault.unlock_passphrase(passphrase).await?;
        connections::reveal(vault, &unlocked, id).await
    }

    pub async fn change_passphrase(
        &self,
        current: &Passphrase,
        next: &Passphrase,
    ) -> Result<SessionView, VaultError> {
        self.vault().await?.change_passphrase(current, next).await?;
        self.view().await
    }

    /// A new data key; the session then holds the new key, not the retired one.
    pub async fn rotate_key(&self, passphrase: &Passphrase) -> Result<SessionView, VaultError> {
        let vault = self.vault().await?;
        vault.rotate_key(passphrase).await?;
        let unlocked = vault.unlock_passphrase(passphrase).await?;
        {
            let mut state = self.state();
            if state.unlocked.is_some() {
                state.unlocked = Some(unlocked);
            }
        }
        self.view().await
    }

    pub async fn rename(&self, id: &str, name: &str) -> Result<ConnectionView, VaultError> {
        let unlocked = self.unlocked()?;
        connections::rename(self.vault().await?, &unlocked, id, name).await
    }

    /// Deletes a connection, revoking its grant at the provider first where the connector can
    /// (RFC 7009 or the service's own way): decided here, once, for every front-end. Refused
    /// while locked. A provider that refuses or cannot be reached does not stop the local
    /// delete; its answer is returned for the front-end to pass on.
    pub async fn delete(&self, catalog: &Catalog, id: &str) -> Result<Deletion, VaultError> {
        let vault = self.vault().await?;
        let unlocked = self.unlocked()?;
        // An unknown id is named before any provider is contacted.
        connections::get(vault, id).await?;
        let revoked = oauth::revoke(vault, &unlocked, &self.http()?, catalog, id).await;
        connections::delete(vault, &unlocked, id).await?;
        Ok(Deletion { revoked })
    }
}

/// What deleting a connection did at its provider.
#[derive(Debug)]
pub struct Deletion {
    pub revoked: Result<oauth::Revoked, OAuthError>,
}

async fn stored_idle(vault: &Vault) -> Option<u32> {
    let value = crate::store::settings::get(vault.pool(), IDLE_SETTING)
        .await
        .ok()??;
    value.parse().ok()
}

/// What the scheduler did on a host's turn.
#[derive(Debug)]
pub enum Turn {
    Ran(crate::scheduler::Pass),
    Locked,
    Spare(crate::store::jobs::Lease),
}

impl Session {
    /// A host's turn at `now`: nothing while locked (due jobs wait for an unlock), nothing but
    /// waiting while another host holds the scheduler, else one pass.
    pub async fn scheduler_turn(
        &self,
        catalog: &Catalog,
        holder: &Holder,
        now: i64,
    ) -> Result<Turn, VaultError> {
        let vault = self.vault().await?;
        let Ok(unlocked) = self.unlocked() else {
            return Ok(Turn::Locked);
        };
        if let Standing::Spare(lease) = lease::hold(vault, holder, now).await? {
            return Ok(Turn::Spare(lease));
        }
        let mut seen = self.planned_from.lock().map(|s| s.clone()).unwrap_or(None);
        let pass = scheduler::pass(vault, &unlocked, &self.http()?, catalog, now, &mut seen).await;
        if let Ok(mut kept) = self.planned_from.lock() {
            *kept = seen;
        }
        match pass {
            Err(VaultError::KeyRetired) => {
                self.state().unlocked = None;
                Ok(Turn::Locked)
            }
            Err(VaultError::Locked) => Ok(Turn::Locked),
            other => other.map(Turn::Ran),
        }
    }

    /// Renews the lease during a long pass.
    pub async fn renew_scheduler(&self, holder: &Holder, now: i64) -> Result<(), VaultError> {
        lease::hold(self.vault().await?, holder, now)
            .await
            .map(|_| ())
    }

    /// A host that stops gives the scheduler up at once.
    pub async fn release_scheduler(&self, holder: &Holder) -> Result<(), VaultError> {
        lease::release(self.vault().await?, holder).await
    }

    /// What is due when, what last happened, and which host runs the scheduler.
    pub async fn jobs(&self, catalog: &Catalog, now: i64) -> Result<JobsView, VaultError> {
        let vault = self.vault().await?;
        scheduler::plan_all(vault, catalog, now).await?;
        scheduler::view(vault, now).await
    }

    /// "Check all now": every active connection's check is due at once.
    pub async fn check_all_soon(&self, now: i64) -> Result<(), VaultError> {
        let vault = self.vault().await?;
        crate::store::jobs::checks_due_now(vault.pool(), now)
            .await
            .map(|_| ())
            .map_err(vault.io_err())
    }

    /// Whether `what` happens for the first time in this vault (a hint shown once); recorded.
    /// Without a vault yet, every time is the first.
    pub async fn first_time(&self, what: &str) -> bool {
        let Ok(vault) = self.vault().await else {
            return true;
        };
        let key = format!("first_time.{what}");
        match crate::store::settings::get(vault.pool(), &key).await {
            Ok(Some(_)) => false,
            _ => {
                let _ = crate::store::settings::set(vault.pool(), &key, "1").await;
                true
            }
        }
    }

    /// The changes of state not yet told to the person (each told once).
    pub async fn take_alerts(
        &self,
        catalog: &Catalog,
    ) -> Result<Vec<scheduler::alerts::Alert>, VaultError> {
        scheduler::alerts::take(self.vault().await?, catalog, scheduler::run::unix_now()).await
    }

    /// A connection's health-check interval; `None` is the default.
    pub async fn set_health_interval(
        &self,
        id: &str,
        minutes: Option<u32>,
    ) -> Result<ConnectionView, VaultError> {
        self.unlocked()?;
        let vault = self.vault().await?;
        let seconds = minutes.map(|m| i64::from(m) * 60);
        if seconds.is_some_and(|s| {
            !(scheduler::plan::MIN_CHECK_INTERVAL_S..=scheduler::plan::MAX_CHECK_INTERVAL_S)
                .contains(&s)
        }) {
            return Err(crate::vault::Refused::HealthInterval.into());
        }
        let changed = crate::store::jobs::set_health_interval(vault.pool(), id, seconds)
            .await
            .map_err(vault.io_err())?;
        if changed == 0 {
            return Err(VaultError::ConnectionNotFound(id.to_owned()));
        }
        connections::get(vault, id).await
    }
}
