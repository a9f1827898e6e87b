//! The background scheduler as front-ends show it: what is due when, what last happened, and
//! which host runs it (`keyport jobs status`, the Connections page).

use serde::{Deserialize, Serialize};

/// One connection's job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub connection_id: String,
    pub connection_name: String,
    /// `refresh` or `check`.
    pub kind: String,
    /// RFC 3339; `None` when nothing is due (no expiry to beat, needs reconnect).
    pub due_at: Option<String>,
    pub last_run_at: Option<String>,
    pub last_outcome: Option<String>,
    /// Transient failures in a row (the back-off).
    pub failures: u32,
}

/// The host holding the scheduler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulerHostView {
    /// `agent` or `desktop`.
    pub host: String,
    pub pid: u32,
    pub since: String,
    pub until: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsView {
    pub host: Option<SchedulerHostView>,
    pub jobs: Vec<JobView>,
}
