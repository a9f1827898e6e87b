//! A connection's "Use with" panel: the MCP clients on this machine, the entry Keyport would add
//! to one of them, Add, and Fix for the credentials their files hold in plain text; Settings ›
//! AI tools (every client's Keyport entries, each with Remove) and which clients run each
//! connection. Each
//! command reads its arguments and calls the core (`keyport::mcp_clients`), as `keyport mcp`
//! does. The desktop has no project (its working directory means nothing), so only the
//! clients' user-scope files are read and written.

use crate::commands::shown;
use crate::Desktop;
use keyport::mcp_clients::{self, AddRequest, Places, RemoveRequest, Scope};
use keyport::session::Session;
use keyport_model::{
    AiToolsView, CommandError, McpAddedView, McpFixTarget, McpFixView, McpPlanView, McpRemovedView,
    McpUsageView, UseWithView,
};
use tauri::{AppHandle, State};

type Reply<T> = Result<T, CommandError>;

fn places() -> Reply<Places> {
    Places::find(None, mcp_clients::keyport_binary().map_err(shown)?).map_err(shown)
}

fn request<'a>(
    connection_id: &'a str,
    client: &'a str,
    server: Option<&'a str>,
    force: bool,
) -> AddRequest<'a> {
    AddRequest {
        connection: connection_id,
        client,
        scope: Scope::User,
        server,
        name: None,
        force,
    }
}

/// The panel of connection `connection_id` (works while locked: no secret is read).
#[tauri::command]
pub async fn mcp_use_with(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    connection_id: String,
) -> Reply<UseWithView> {
    mcp_clients::use_with(&session, &desktop.catalog, &places()?, &connection_id)
        .await
        .map_err(shown)
}

/// The change Add would make to `client`'s file, as a diff with every secret hidden.
#[tauri::command]
pub async fn mcp_plan(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    connection_id: String,
    client: String,
    server: Option<String>,
    force: bool,
) -> Reply<McpPlanView> {
    let request = request(&connection_id, &client, server.as_deref(), force);
    let (client, change) = mcp_clients::plan(&session, &desktop.catalog, &places()?, &request)
        .await
        .map_err(shown)?;
    Ok(change.view(client))
}

/// Writes the entry whose diff the page showed (`diff`); a file changed since is refused.
#[tauri::command]
pub async fn mcp_add(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    connection_id: String,
    client: String,
    server: Option<String>,
    force: bool,
    diff: String,
) -> Reply<McpAddedView> {
    let request = request(&connection_id, &client, server.as_deref(), force);
    let (client, change) = mcp_clients::plan(&session, &desktop.catalog, &places()?, &request)
        .await
        .map_err(shown)?;
    mcp_clients::add(&change, client, Some(&diff)).map_err(shown)
}

/// Moves plain-text credentials into the vault (each checked with its service first, as
/// `keyport mcp scan --fix` does) and rewrites their entries: those of `target`, or all.
#[tauri::command]
pub async fn mcp_fix(
    app: AppHandle,
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
    target: Option<McpFixTarget>,
) -> Reply<McpFixView> {
    let (fixed, problems) = mcp_clients::fix(
        &session,
        &desktop.catalog,
        &places()?,
        true,
        target.as_ref(),
    )
    .await
    .map_err(shown)?;
    // A moved secret is a new connection: the list, the tray and the rows' "Used by" show it.
    if fixed.iter().any(|f| f.connection.is_some()) {
        crate::background::changed_state(&app).await;
    }
    Ok(mcp_clients::fix_view(&fixed, &problems))
}

/// Settings › AI tools: every client with its user file, the Keyport entries in it and the
/// plain-text credentials found (works while locked: no secret is read).
#[tauri::command]
pub async fn mcp_ai_tools(
    session: State<'_, Session>,
    desktop: State<'_, Desktop>,
) -> Reply<AiToolsView> {
    mcp_clients::ai_tools(&session, &desktop.catalog, &places()?)
        .await
        .map_err(shown)
}

/// Which clients run each connection, for the whole Connections list at once.
#[tauri::command]
pub fn mcp_used_by(desktop: State<'_, Desktop>) -> Reply<Vec<McpUsageView>> {
    Ok(mcp_clients::used_by(&desktop.catalog, &places()?))
}

fn remove_request<'a>(client: &'a str, server: &'a str) -> RemoveRequest<'a> {
    RemoveRequest {
        connection: None,
        client,
        scope: Scope::User,
        server: Some(server),
    }
}

/// The change removing Keyport's entry `server` from `client`'s file would make.
#[tauri::command]
pub fn mcp_remove_plan(
    desktop: State<'_, Desktop>,
    client: String,
    server: String,
) -> Reply<McpPlanView> {
    let (client, change) = mcp_clients::plan_remove(
        &desktop.catalog,
        &places()?,
        &remove_request(&client, &server),
    )
    .map_err(shown)?;
    Ok(change.view(client))
}

/// Removes the entry whose diff the page showed (`diff`); a file changed since is refused.
#[tauri::command]
pub fn mcp_remove(
    desktop: State<'_, Desktop>,
    client: String,
    server: String,
    diff: String,
) -> Reply<McpRemovedView> {
    let (client, change) = mcp_clients::plan_remove(
        &desktop.catalog,
        &places()?,
        &remove_request(&client, &server),
    )
    .map_err(shown)?;
    mcp_clients::remove(&change, client, Some(&diff)).map_err(shown)
}
