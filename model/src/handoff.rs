//! What a connector tells the hand-off (issue 14): the environment variables its common tools
//! read, and the well-known MCP servers for it. Each names the page that documents it, so a
//! reader can check the name against the tool's own docs.

use serde::{Deserialize, Serialize};

/// One environment variable a common tool reads, and what Keyport puts in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    /// The variable, as the tool spells it (`GITHUB_PERSONAL_ACCESS_TOKEN`).
    pub name: String,
    /// What goes in it: one of [`env_value::CREDENTIALS`], or the key of a non-secret setting
    /// or of a value the sign-in records (`region`, `instance_url`). An entry whose value a
    /// connection does not have (a token for a database) is left out for that connection.
    pub value: String,
    /// The tool's documentation page that names the variable.
    pub docs: String,
}

/// The credential values an [`EnvVar`] can name; everything else it names is a setting.
pub mod env_value {
    /// The connection's token: an OAuth access token (refreshed first), or the key or token of
    /// an API-key or bearer-token connection (what `keyport token` prints).
    pub const TOKEN: &str = "token";
    /// A basic-auth or database login's user name.
    pub const USERNAME: &str = "username";
    /// A basic-auth or database login's password.
    pub const PASSWORD: &str = "password";
    /// A database's connection URL, its password included.
    pub const DATABASE_URL: &str = "database_url";
    /// AWS keys: the access key id, the secret access key, the session token of temporary keys.
    pub const ACCESS_KEY_ID: &str = "access_key_id";
    pub const SECRET_ACCESS_KEY: &str = "secret_access_key";
    pub const SESSION_TOKEN: &str = "session_token";

    pub const CREDENTIALS: [&str; 7] = [
        TOKEN,
        USERNAME,
        PASSWORD,
        DATABASE_URL,
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        SESSION_TOKEN,
    ];
}

/// A well-known MCP server for the connector: a local one Keyport starts (`command`, `args`)
/// with the credentials in `env`, or a remote one at `url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpServer {
    /// A short name for the client's config (`github`).
    pub name: String,
    /// Published by the service itself; the official servers come first.
    #[serde(default, skip_serializing_if = "is_false")]
    pub official: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// A remote server's address (Streamable HTTP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The variables it reads, each declared in the connector's `[[env]]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<String>,
    /// The README that documents the command, the address and the variables.
    pub readme: String,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A program's request for a connection marked "ask before use", waiting for the person's
/// answer in the desktop app. It names who asks; it never holds the credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskRequestView {
    pub id: String,
    pub connection_id: String,
    pub connection_name: String,
    /// The executable the credential would go to, by its absolute path ("an unknown program"
    /// when it could not be read).
    pub program: String,
    /// Whether "Always for this program" may answer: never for a program Keyport could not
    /// name, which would allow every program it cannot name.
    pub always_offered: bool,
    /// Who asked, as the audit log names it: executable, pid, parent, working directory.
    pub asker: String,
    /// When the asker stops waiting (RFC 3339); no answer by then is a Deny.
    pub expires_at: String,
}

/// The person's answer to an [`AskRequestView`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AskAnswer {
    /// This run of the program, this time.
    Once,
    /// This program from now on, until "ask before use" is turned off.
    Always,
    Deny,
}

impl AskAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            AskAnswer::Once => "once",
            AskAnswer::Always => "always",
            AskAnswer::Deny => "deny",
        }
    }
}
