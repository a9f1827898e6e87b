//! "Ask before use" (issue 14): a connection so marked is handed to a program only once the
//! person allowed it in the desktop app: once (this run), always (this program, until asking is
//! turned off) or not at all. No answer within the wait is a Deny.
//!
//! The waiting `keyport` process and the app meet in the vault file: the process writes a
//! request row and reads its answer; the app lists the rows that wait and writes the answers.
//! Whether the app runs is a lock it holds for its life (the kernel drops it when the app dies),
//! so a program is told at once when there is no one to ask, and stops waiting if the app quits.
//!
//! This stops a program the person did not mean to give a credential to from getting it through
//! Keyport unseen. It is not a wall against malware running as the same user, which can read
//! the same files Keyport reads.

use super::asker::UNKNOWN_PROGRAM;
use super::{Asker, HandOffError};
use crate::files::{self, DirLock, FileError};
use crate::store;
use crate::vault::{now, Vault, VaultError};
use keyport_model::{AskAnswer, AskRequestView, ConnectionView};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;
use time::OffsetDateTime;

/// Held by the desktop app while it runs.
const DESKTOP_LOCK: &str = ".desktop.lock";

/// How long a program waits for the answer, unless `KEYPORT_ASK_SECONDS` says otherwise.
const WAIT_SECONDS: i64 = 60;
const WAIT_VAR: &str = "KEYPORT_ASK_SECONDS";
const MAX_WAIT_SECONDS: i64 = 600;

/// How often a waiting program looks for the answer.
const POLL: Duration = Duration::from_millis(200);

/// The (connection, program) pairs allowed once in this process: a long-lived `exec --mcp`
/// fetches fresh credentials again and again for the run the person allowed.
static ALLOWED_THIS_RUN: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Taken by the desktop app for its life; `None` when another app already holds it.
pub fn hold_desktop(dir: &Path) -> Result<Option<DirLock>, FileError> {
    files::try_lock(dir, DESKTOP_LOCK)
}

fn app_running(dir: &Path) -> bool {
    matches!(files::try_lock(dir, DESKTOP_LOCK), Ok(None))
}

fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn wait_seconds() -> i64 {
    std::env::var(WAIT_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(WAIT_SECONDS, |s| s.clamp(1, MAX_WAIT_SECONDS))
}

fn allowed_this_run(id: &str, program: &str) -> bool {
    ALLOWED_THIS_RUN
        .lock()
        .map(|a| a.iter().any(|(c, p)| c == id && p == program))
        .unwrap_or(false)
}

fn remember_this_run(id: &str, program: &str) {
    if let Ok(mut allowed) = ALLOWED_THIS_RUN.lock() {
        allowed.push((id.to_owned(), program.to_owned()));
    }
}

/// Returns when connection `view` may be handed to `asker`'s program: at once when it does not
/// ask before use or the program is allowed, else once the person allowed it in the app.
pub(super) async fn permit(
    vault: &Vault,
    view: &ConnectionView,
    asker: &Asker,
) -> Result<(), HandOffError> {
    if !view.ask_before_use {
        return Ok(());
    }
    // A program Keyport cannot name is asked about every time: an allowance kept for "no
    // name" would hold for every program that hides its name. Its request stores no name.
    let recipient = asker.recipient();
    let program = recipient.clone().unwrap_or_default();
    if recipient.is_some()
        && (allowed_this_run(&view.id, &program)
            || store::asks::is_allowed(vault.pool(), &view.id, &program)
                .await
                .map_err(vault.io_err())?)
    {
        return Ok(());
    }
    if !app_running(vault.dir()) {
        return refuse(vault, view, asker, Refusal::NoApp).await;
    }
    let wait = wait_seconds();
    let request = uuid::Uuid::new_v4().to_string();
    let asked_at = unix_now();
    store::asks::purge(vault.pool(), asked_at)
        .await
        .map_err(vault.io_err())?;
    store::asks::insert(
        vault.pool(),
        &store::asks::NewRequest {
            id: &request,
            connection_id: &view.id,
            program: &program,
            asker: &asker.to_string(),
            asked_at,
            expires_at: asked_at + wait,
            waiter_pid: std::process::id(),
        },
    )
    .await
    .map_err(vault.io_err())?;
    tracing::info!(connection = %view.id, %program, "waiting for the person's answer");
    let outcome = await_answer(vault, &request, asked_at + wait, wait).await;
    store::asks::remove(vault.pool(), &request)
        .await
        .map_err(vault.io_err())?;
    match outcome? {
        None => {
            if recipient.is_some() {
                remember_this_run(&view.id, &program);
            }
            Ok(())
        }
        Some(refusal) => refuse(vault, view, asker, refusal).await,
    }
}

/// Why a program was not handed a connection that asks before use.
enum Refusal {
    NoApp,
    AppQuit,
    Denied,
    TimedOut(i64),
    Deleted,
}

impl Refusal {
    fn reason(&self) -> String {
        match self {
            Refusal::NoApp => "the Keyport app was not running to ask".to_owned(),
            Refusal::AppQuit => "the Keyport app quit before answering".to_owned(),
            Refusal::Denied => "the person chose Deny".to_owned(),
            Refusal::TimedOut(wait) => {
                format!("no answer came within {wait} seconds, which counts as Deny")
            }
            Refusal::Deleted => "the connection was deleted meanwhile".to_owned(),
        }
    }
}

/// `None` once allowed; else why not.
async fn await_answer(
    vault: &Vault,
    request: &str,
    expires_at: i64,
    wait: i64,
) -> Result<Option<Refusal>, VaultError> {
    loop {
        match store::asks::answer(vault.pool(), request)
            .await
            .map_err(vault.io_err())?
        {
            Some(Some(answer)) if answer == AskAnswer::Deny.as_str() => {
                return Ok(Some(Refusal::Denied))
            }
            Some(Some(_)) => return Ok(None),
            Some(None) => {}
            None => return Ok(Some(Refusal::Deleted)),
        }
        if unix_now() >= expires_at {
            return Ok(Some(Refusal::TimedOut(wait)));
        }
        if !app_running(vault.dir()) {
            return Ok(Some(Refusal::AppQuit));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Records the refusal in the audit log and returns it as the hand-off's error.
async fn refuse(
    vault: &Vault,
    view: &ConnectionView,
    asker: &Asker,
    refusal: Refusal,
) -> Result<(), HandOffError> {
    let mut tx = vault.write().await?;
    let detail = format!("refused to {asker}: {}", refusal.reason());
    crate::audit::append(&mut tx, "hand-off-refused", Some(&view.id), &detail)
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    Err(match refusal {
        Refusal::NoApp | Refusal::AppQuit => HandOffError::NoApp {
            name: view.name.clone(),
            id: view.id.clone(),
            why: refusal.reason(),
        },
        Refusal::Denied | Refusal::TimedOut(_) | Refusal::Deleted => HandOffError::Denied {
            name: view.name.clone(),
            program: asker
                .recipient()
                .unwrap_or_else(|| UNKNOWN_PROGRAM.to_owned()),
            why: refusal.reason(),
        },
    })
}

/// The requests waiting for the person's answer, oldest first.
pub async fn waiting(vault: &Vault) -> Result<Vec<AskRequestView>, VaultError> {
    let rows = store::asks::waiting(vault.pool(), unix_now())
        .await
        .map_err(vault.io_err())?;
    Ok(rows
        .into_iter()
        .filter(|r| waiter_alive(r.waiter_pid))
        .map(|r| AskRequestView {
            id: r.id,
            connection_id: r.connection_id,
            connection_name: r.connection_name,
            always_offered: !r.program.is_empty(),
            program: if r.program.is_empty() {
                UNKNOWN_PROGRAM.to_owned()
            } else {
                r.program
            },
            asker: r.asker,
            expires_at: OffsetDateTime::from_unix_timestamp(r.expires_at)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default(),
        })
        .collect())
}

/// Whether the process waiting for a request still runs (a killed `keyport` leaves its row
/// behind). A row from before waiters were recorded counts as waiting until it expires.
fn waiter_alive(pid: Option<i64>) -> bool {
    let Some(pid) = pid
        .and_then(|p| i32::try_from(p).ok())
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    // EPERM: it runs, as another user (a test of existence needs no permission to signal).
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

/// The person's answer to request `id`, recorded in the audit log; `AskGone` when the program
/// no longer waits for it.
pub async fn answer(vault: &Vault, id: &str, answer: AskAnswer) -> Result<(), HandOffError> {
    let mut tx = vault.write().await?;
    let now_s = unix_now();
    let Some((connection, program, waiter)) =
        store::asks::give_answer(&mut tx, id, answer.as_str(), now_s)
            .await
            .map_err(vault.io_err())?
    else {
        return Err(HandOffError::AskGone);
    };
    if !waiter_alive(waiter) {
        return Err(HandOffError::AskGone);
    }
    if answer == AskAnswer::Always && program.is_empty() {
        return Err(HandOffError::AlwaysUnknown);
    }
    if answer == AskAnswer::Always {
        store::asks::allow_always(&mut tx, &connection, &program, &now(), now_s)
            .await
            .map_err(vault.io_err())?;
    }
    let named = if program.is_empty() {
        UNKNOWN_PROGRAM
    } else {
        &program
    };
    let detail = match answer {
        AskAnswer::Once => format!("allowed once for {named}"),
        AskAnswer::Always => format!("allowed always for {named}"),
        AskAnswer::Deny => format!("denied to {named}"),
    };
    crate::audit::append(&mut tx, "ask-answered", Some(&connection), &detail)
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    Ok(())
}

/// Marks connection `id` as asking before use, or not (which forgets the programs allowed
/// always).
pub async fn set(vault: &Vault, id: &str, on: bool) -> Result<(), VaultError> {
    let mut tx = vault.write().await?;
    if store::asks::set_asks(&mut tx, id, on)
        .await
        .map_err(vault.io_err())?
        == 0
    {
        return Err(VaultError::ConnectionNotFound(id.to_owned()));
    }
    let detail = if on {
        "asks before use"
    } else {
        "no longer asks before use"
    };
    crate::audit::append(&mut tx, "ask-before-use", Some(id), detail)
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())
}

/// The programs allowed always for connection `id`.
pub async fn allowed(vault: &Vault, id: &str) -> Result<Vec<String>, VaultError> {
    store::asks::allowed(vault.pool(), id)
        .await
        .map_err(vault.io_err())
}
