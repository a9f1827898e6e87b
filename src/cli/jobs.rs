//! `keyport agent` (the headless host of the scheduler), `keyport jobs status` and
//! `keyport jobs run-once`.

use super::output::{json, print, stderr_lines, table};
use super::vault::{block_on, session};
use super::Failure;
use crate::catalog::Catalog;
use crate::scheduler::lease::Holder;
use crate::scheduler::run::{run, unix_now, Event};
use crate::scheduler::{Outcome, Pass};
use crate::session::Turn;
use clap::Subcommand;
use keyport_model::JobsView;
use std::path::Path;

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// What is due when, the last run and its outcome, and which host runs the scheduler
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Run one pass of the scheduler now (what is due), then stop
    RunOnce {
        #[arg(long)]
        json: bool,
    },
}

pub fn jobs(cmd: JobsCommand, dir: &Path) -> Result<(), Failure> {
    let catalog = Catalog::load(dir);
    match cmd {
        JobsCommand::Status { json: as_json } => {
            let view = block_on(async {
                let session = crate::session::Session::new(dir.to_path_buf());
                session.jobs(&catalog, unix_now()).await
            })?;
            if as_json {
                return json(&view);
            }
            print(&status_text(&view))
        }
        JobsCommand::RunOnce { json: as_json } => {
            let pass = block_on(async {
                let session = session(dir).await?;
                let holder = Holder::new("cli");
                let turn = session.scheduler_turn(&catalog, &holder, unix_now()).await;
                session.release_scheduler(&holder).await?;
                match turn? {
                    Turn::Ran(pass) => Ok(pass),
                    Turn::Locked => Err(Failure("the vault is locked".into())),
                    Turn::Spare(lease) => Err(Failure(format!(
                        "the scheduler is running in keyport {} (pid {}); it runs what is due",
                        lease.host, lease.pid
                    ))),
                }
            })?;
            if as_json {
                let ran: Vec<_> = pass
                    .ran
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "connection_id": r.connection_id,
                            "kind": r.kind,
                            "outcome": r.outcome.word(),
                        })
                    })
                    .collect();
                return json(&serde_json::json!({ "ran": ran }));
            }
            print(&pass_text(&pass))
        }
    }
}

fn status_text(view: &JobsView) -> String {
    let mut text = match &view.host {
        Some(h) => format!(
            "The scheduler runs in keyport {} (pid {}) since {}.\n",
            h.host, h.pid, h.since
        ),
        None => "No host runs the scheduler: start `keyport agent` or the desktop app.\n".into(),
    };
    if view.jobs.is_empty() {
        text.push_str("No jobs: there are no connections.\n");
        return text;
    }
    let rows: Vec<Vec<String>> = view
        .jobs
        .iter()
        .map(|j| {
            vec![
                j.connection_name.clone(),
                j.connection_id.clone(),
                j.kind.clone(),
                j.due_at.clone().unwrap_or_else(|| "-".into()),
                j.last_run_at.clone().unwrap_or_else(|| "-".into()),
                j.last_outcome.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    text.push_str(&table(
        &["CONNECTION", "ID", "JOB", "DUE", "LAST RUN", "OUTCOME"],
        &rows,
    ));
    text
}

fn pass_text(pass: &Pass) -> String {
    if pass.ran.is_empty() {
        return "Nothing was due.\n".into();
    }
    pass.ran
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Retry { why, .. } | Outcome::NeedsReconnect { why } => format!(
                "{} {}: {} ({why})\n",
                r.kind,
                r.connection_id,
                r.outcome.word()
            ),
            other => format!("{} {}: {}\n", r.kind, r.connection_id, other.word()),
        })
        .collect()
}

/// `keyport agent`: the scheduler in the foreground until Ctrl+C or SIGTERM. It unlocks as every
/// command does (the keyring slot, KEYPORT_PASSPHRASE, or a prompt when started on a terminal)
/// and never prompts once running.
pub fn agent(dir: &Path) -> Result<(), Failure> {
    let _log = crate::logging::init(dir, "agent")?;
    let catalog = Catalog::load(dir);
    block_on(async {
        let session = session(dir).await?;
        let holder = Holder::new("agent");
        let wake = tokio::sync::Notify::new();
        tracing::info!(pid = holder.pid, "agent started");
        stderr_lines(
            "",
            &format!(
                "keyport agent: running (pid {}); Ctrl+C stops it",
                holder.pid
            ),
        );
        let mut last = String::new();
        let on = |event: Event| {
            let said = match &event {
                Event::Ran(pass) => {
                    for r in &pass.ran {
                        if matches!(
                            r.outcome,
                            Outcome::NeedsReconnect { .. } | Outcome::Retry { .. }
                        ) {
                            stderr_lines(
                                "keyport agent: ",
                                pass_text(&Pass {
                                    ran: vec![r.clone()],
                                    next_due: None,
                                })
                                .trim_end(),
                            );
                        }
                    }
                    "running".to_owned()
                }
                Event::Locked => "the vault is locked: refreshes and checks are paused".to_owned(),
                Event::Spare(l) => format!(
                    "keyport {} (pid {}) runs the scheduler; this agent waits as a spare",
                    l.host, l.pid
                ),
            };
            // A standing is said once, when it changes, not on every heartbeat.
            if said != last {
                tracing::info!(standing = %said, "scheduler");
                if said != "running" || !last.is_empty() {
                    stderr_lines("keyport agent: ", &said);
                }
                last = said;
            }
        };
        tokio::select! {
            () = run(&session, &catalog, &holder, &wake, on) => {}
            () = stop_signal() => {}
        }
        tracing::info!("agent stopping");
        session.release_scheduler(&holder).await?;
        Ok::<(), Failure>(())
    })
}

#[cfg(not(unix))]
async fn stop_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(unix)]
async fn stop_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = async {
            match term.as_mut() {
                Some(t) => { t.recv().await; }
                None => std::future::pending().await,
            }
        } => {}
    }
}
