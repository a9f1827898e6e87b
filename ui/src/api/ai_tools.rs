//! Settings › AI tools and the Connections list's "Used by": every MCP client's Keyport entries,
//! which clients run each connection, and Remove (the diff first, then the write of exactly that
//! diff). Nothing here carries a secret.

use super::{call, NoArgs, ShownError};
use keyport_model::{AiToolsView, McpPlanView, McpRemovedView, McpUsageView};
use serde::Serialize;

/// Every client with its user file, the Keyport entries in it and the plain-text credentials.
pub async fn list() -> Result<AiToolsView, ShownError> {
    call("mcp_ai_tools", &NoArgs {}).await
}

/// Which clients run each connection, read once for the whole list.
pub async fn used_by() -> Result<Vec<McpUsageView>, ShownError> {
    call("mcp_used_by", &NoArgs {}).await
}

#[derive(Serialize)]
struct PlanArgs<'a> {
    client: &'a str,
    server: &'a str,
}

/// The change removing Keyport's entry `server` from `client`'s file would make.
pub async fn remove_plan(client: &str, server: &str) -> Result<McpPlanView, ShownError> {
    call("mcp_remove_plan", &PlanArgs { client, server }).await
}

#[derive(Serialize)]
struct RemoveArgs<'a> {
    client: &'a str,
    server: &'a str,
    diff: &'a str,
}

/// Removes the entry whose diff the page shows (`diff`); a file changed since is refused.
pub async fn remove(client: &str, server: &str, diff: &str) -> Result<McpRemovedView, ShownError> {
    call(
        "mcp_remove",
        &RemoveArgs {
            client,
            server,
            diff,
        },
    )
    .await
}
