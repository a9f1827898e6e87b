//! The commands the UI may call (listed in build.rs and allowed in capabilities/default.json).
//! Each is a few lines over the core.

use crate::{deep_link::Inbox, startup::Startup, Desktop};
use keyport_model::{CatalogView, CommandError, ErrorCode};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

#[tauri::command]
pub fn catalog(desktop: State<'_, Desktop>) -> CatalogView {
    desktop.catalog.view()
}

/// Opens a connector's API documentation in the system browser. The UI names the connector,
/// never a URL, so a compromised page cannot make the shell open an address of its choosing.
#[tauri::command]
pub fn open_docs(
    app: AppHandle,
    desktop: State<'_, Desktop>,
    connector_id: String,
) -> Result<(), CommandError> {
    let connector = desktop
        .catalog
        .get(&connector_id)
        .map_err(|err| CommandError {
            code: err.code(),
            message: err.to_string(),
        })?;
    app.opener()
        .open_url(&connector.api_docs_url, None::<&str>)
        .map_err(|_| CommandError {
            code: ErrorCode::Internal,
            message: "the system browser could not be opened".to_owned(),
        })
}

/// Called once by the UI after the Marketplace's first paint; returns the outcomes of links that
/// arrived before the page could listen for them.
#[tauri::command]
pub fn app_ready(
    app: AppHandle,
    startup: State<'_, Startup>,
    inbox: State<'_, Inbox>,
) -> Vec<CommandError> {
    startup.first_paint(&app);
    inbox.open()
}
