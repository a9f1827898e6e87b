// The app's own commands, listed once: tauri-build generates an `allow-<command>` permission for
// each, and capabilities/default.json grants exactly these to the main window.
const COMMANDS: &[&str] = &[
    "catalog",
    "catalog_cards",
    "open_docs",
    "first_paint",
    "app_ready",
    "session",
    "vault_init",
    "vault_unlock",
    "vault_lock",
    "set_idle_lock",
    "connections_list",
    "connect_credential",
    "connection_replace_secret",
    "database_url_fields",
    "key_file_choose",
    "key_file_describe",
    "connection_rename",
    "connection_delete",
    "connection_test",
    "connection_reveal",
    "connection_set_health_interval",
    "connection_set_ask",
    "asks_waiting",
    "ask_answer",
    "vault_change_passphrase",
    "vault_rotate_key",
    "oauth_app_get",
    "oauth_app_set",
    "oauth_start",
    "oauth_reconnect",
    "oauth_open",
    "oauth_cancel",
    "oauth_paste",
    "mcp_use_with",
    "mcp_plan",
    "mcp_add",
    "mcp_fix",
    "mcp_ai_tools",
    "mcp_used_by",
    "mcp_remove_plan",
    "mcp_remove",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
