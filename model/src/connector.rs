//! The connector schema: what a `catalog/<id>.toml` file holds, and what the UI and the CLI's
//! `--json` output show. Field names here are the stable JSON and TOML names.

use crate::handoff::{EnvVar, McpServer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The eleven marketplace categories, in the order the Marketplace shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Erp,
    Crm,
    Hris,
    Finance,
    Data,
    Marketing,
    Ecommerce,
    Communication,
    Devops,
    Cloud,
    Databases,
}

impl Category {
    pub const ALL: [Category; 11] = [
        Category::Erp,
        Category::Crm,
        Category::Hris,
        Category::Finance,
        Category::Data,
        Category::Marketing,
        Category::Ecommerce,
        Category::Communication,
        Category::Devops,
        Category::Cloud,
        Category::Databases,
    ];

    /// The id used in files, `--category` and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Category::Erp => "erp",
            Category::Crm => "crm",
            Category::Hris => "hris",
            Category::Finance => "finance",
            Category::Data => "data",
            Category::Marketing => "marketing",
            Category::Ecommerce => "ecommerce",
            Category::Communication => "communication",
            Category::Devops => "devops",
            Category::Cloud => "cloud",
            Category::Databases => "databases",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Category::Erp => "ERP",
            Category::Crm => "CRM",
            Category::Hris => "HRIS/HCM",
            Category::Finance => "Finance/Accounting",
            Category::Data => "Data & Analytics",
            Category::Marketing => "Marketing Automation",
            Category::Ecommerce => "E-commerce",
            Category::Communication => "Communication",
            Category::Devops => "DevOps",
            Category::Cloud => "Cloud Infrastructure",
            Category::Databases => "Databases",
        }
    }

    /// Parses an id or a label, ignoring case, so `--category "Data & Analytics"` works too.
    pub fn parse(text: &str) -> Option<Category> {
        let text = text.trim();
        Category::ALL
            .into_iter()
            .find(|c| c.id().eq_ignore_ascii_case(text) || c.label().eq_ignore_ascii_case(text))
    }
}

/// How a connection authenticates. One connector may offer several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionType {
    Oauth2,
    ApiKey,
    BasicAuth,
    BearerToken,
    Database,
    ServiceAccount,
}

impl ConnectionType {
    pub const ALL: [ConnectionType; 6] = [
        ConnectionType::Oauth2,
        ConnectionType::ApiKey,
        ConnectionType::BasicAuth,
        ConnectionType::BearerToken,
        ConnectionType::Database,
        ConnectionType::ServiceAccount,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ConnectionType::Oauth2 => "oauth2",
            ConnectionType::ApiKey => "api_key",
            ConnectionType::BasicAuth => "basic_auth",
            ConnectionType::BearerToken => "bearer_token",
            ConnectionType::Database => "database",
            ConnectionType::ServiceAccount => "service_account",
        }
    }

    /// The badge text on a Marketplace card.
    pub fn badge(self) -> &'static str {
        match self {
            ConnectionType::Oauth2 => "OAuth",
            ConnectionType::ApiKey => "API key",
            ConnectionType::BasicAuth => "Basic auth",
            ConnectionType::BearerToken => "Token",
            ConnectionType::Database => "Database",
            ConnectionType::ServiceAccount => "Service account",
        }
    }
}

/// One connector of the catalog, as its TOML file describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connector {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub connection_types: Vec<ConnectionType>,
    pub description: String,
    pub api_docs_url: String,
    /// Numbered steps a person follows in the service's console, in order.
    pub setup_instructions: Vec<String>,
    pub icon: Icon,
    /// The base URL API calls go to, templated like the endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base_url: Option<String>,
    /// Non-secret values a person supplies (shop domain, tenant, data center), referenced as
    /// `{key}` in any URL of this file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ConfigField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth2: Option<OAuth2Spec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<KeyAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_auth: Option<KeyAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token: Option<KeyAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<ServiceAccountSpec>,
    /// The environment variables its common tools read, filled by `keyport exec`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// The well-known MCP servers for it, the service's official ones first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mcp_servers: Vec<McpServer>,
    /// Set by the loader, never read from a file: whether this connector was added by the person.
    #[serde(default)]
    pub custom: bool,
}

/// A connector's mark: a short monogram on its brand colour (logos are trademarks and would
/// need the network; a monogram works offline and stays legible at 32 px).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Icon {
    /// One to three characters.
    pub monogram: String,
    /// `#RRGGBB`; white text must stay readable on it.
    pub color: String,
}

/// A value a person supplies when connecting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigField {
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A regular expression the whole value must match; it keeps templated hosts on the
    /// service's own domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// A valid value, shown as a placeholder and used to check the templates at load time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The only values allowed, offered as a choice (a database's TLS modes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub required: bool,
    /// Secret fields are stored sealed in the vault and never sent to the webview.
    #[serde(default, skip_serializing_if = "is_false")]
    pub secret: bool,
}

/// The OAuth 2.0 authorization-code flow as this service runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2Spec {
    pub authorization_url: String,
    pub token_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_url: Option<String>,
    /// Requested by default.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The service takes no `scope` parameter: access comes from the app's registration
    /// (Workday's functional areas, Amazon's data roles). Then `scopes` stays empty.
    #[serde(default, skip_serializing_if = "is_false")]
    pub scopes_from_app: bool,
    /// Offered for the person to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional_scopes: Vec<String>,
    #[serde(default = "space", skip_serializing_if = "is_space")]
    pub scope_separator: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_authorization_params: BTreeMap<String, String>,
    /// Added to the code exchange (Shopify's `expiring = "1"` for refreshable tokens).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_token_params: BTreeMap<String, String>,
    pub pkce: Pkce,
    /// The redirect kinds the service accepts, best first.
    pub redirect: Vec<RedirectKind>,
    /// How the client authenticates at the token endpoint.
    pub client_auth: ClientAuth,
    /// Whether the service issues a new refresh token on every refresh (the old one dies).
    #[serde(default)]
    pub refresh_token_rotates: bool,
    /// Token-response fields kept in the connection's metadata: metadata key to JSON pointer
    /// (Salesforce's `instance_url = "/instance_url"`, the API host for every later call).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub token_metadata: BTreeMap<String, String>,
    /// Calls made right after the code exchange whose answers the connection needs (Xero's
    /// tenant id, Atlassian's cloud id), before the check call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_connect: Vec<Lookup>,
    /// How the service revokes a grant.
    #[serde(default, skip_serializing_if = "Revocation::is_rfc7009")]
    pub revocation: Revocation,
    /// The redirect is signed (Shopify): an HMAC-SHA256 of its other parameters, keyed with the
    /// client secret, in the `hmac` parameter; checked before the code is exchanged.
    #[serde(default, skip_serializing_if = "is_false")]
    pub callback_hmac: bool,
    /// Callback parameters that must equal a value built from the settings: parameter name to
    /// template (Shopify's `shop = "{shop}.myshopify.com"`, the shop the person connected).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub callback_must_match: BTreeMap<String, String>,
    /// Callback parameters kept in the connection's metadata: metadata key to parameter name
    /// (QuickBooks' `realm_id = "realmId"`, the company every API path names).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub callback_metadata: BTreeMap<String, String>,
    /// The cheap authenticated call that proves a token works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckRequest>,
    /// The account a reconnect signs in again as, sent as `login_hint` so the provider
    /// preselects it: a template over the connection's settings and metadata (Google's
    /// `{email}`). A placeholder without a value sends no hint; the sign-in still works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_hint: Option<String>,
    /// How long the service keeps an unused or old refresh token, when its docs say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_alive: Option<KeepAlive>,
    /// The page that documents this flow.
    pub docs_url: String,
    /// Quirks worth knowing (in plain words).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// How long the service keeps a refresh token, from its docs (the scheduler's keep-alive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepAlive {
    /// Days an unused refresh token lives; refreshing within them keeps the grant alive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_days: Option<u32>,
    /// Days a grant lives at most, however often it is used (refreshing cannot extend it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_days: Option<u32>,
    /// When the limit applies only in some cases (e.g. "apps whose publishing status is Testing").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_when: Option<String>,
    /// The official doc address that states these limits.
    pub source: String,
}

/// A call after the code exchange, with the new access token as `Authorization: Bearer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    pub method: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Metadata key to JSON pointer into the answer (`{ tenant_id = "/0/tenantId" }`).
    pub metadata: BTreeMap<String, String>,
    pub docs_url: String,
}

/// How a grant is revoked at `revocation_url`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Revocation {
    /// RFC 7009: POST `token` and `token_type_hint`, the client authenticated as at the token
    /// endpoint.
    #[default]
    Rfc7009,
    /// `DELETE <revocation_url>/<refresh token>` (HubSpot).
    DeleteRefreshTokenPath,
    /// `DELETE <revocation_url>/<client id>/grant` with the client id and secret as HTTP Basic
    /// and `{"access_token": …}` as JSON (GitHub's grant deletion).
    DeleteGrantBasicJson,
    /// POST `client_id` and the `stripe_user_id` kept from the token response, authenticated
    /// with the client secret as a bearer token (Stripe Connect's deauthorize).
    Deauthorize,
}

impl Revocation {
    fn is_rfc7009(&self) -> bool {
        *self == Revocation::Rfc7009
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pkce {
    Required,
    Supported,
    Unsupported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectKind {
    /// `keyport://oauth/callback`
    CustomScheme,
    /// `http://127.0.0.1:<port>/oauth/callback`, per RFC 8252 section 7.3
    Loopback,
    /// Only an `https://` redirect is registrable: the person pastes the address they landed on.
    Https,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// `client_id`/`client_secret` in an HTTP Basic header.
    Basic,
    /// `client_id`/`client_secret` in the form body.
    Post,
    /// A public client: only `client_id`, PKCE protects the code.
    None,
}

/// A key, token or user/password pair and where it goes on a request. Used by the `api_key`,
/// `bearer_token` and `basic_auth` types alike; the secret is `{secret}` in the templates and a
/// basic-auth user name typed by the person is `{username}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyAuth {
    /// What the service calls the secret ("API key", "Personal access token", "API token").
    pub secret_label: String,
    pub location: KeyLocation,
    /// Header or query parameter name (`header` and `query` locations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Header value, e.g. `Bearer {secret}` (`header` location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Basic-auth user and password templates (`basic` location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    pub check: CheckRequest,
    pub docs_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyLocation {
    Header,
    Query,
    Basic,
}

/// The request that proves a credential works: the cheapest authenticated call the service
/// documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub method: String,
    pub url: String,
    #[serde(default = "ok_status")]
    pub expect_status: u16,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The page that documents this call.
    pub docs_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSpec {
    pub driver: DbDriver,
    pub default_port: u16,
    /// URL schemes accepted for `--database-url-stdin`, e.g. `postgres`, `postgresql`.
    pub url_schemes: Vec<String>,
    /// TLS modes offered, in the driver's own words, the default first.
    pub tls_modes: Vec<String>,
    pub docs_url: String,
}

/// The keys of a database login given field by field; the core builds the connection URL from
/// them, so the UI and the CLI ask for the same things.
pub mod login {
    pub const HOST: &str = "host";
    pub const PORT: &str = "port";
    pub const USER: &str = "user";
    pub const DATABASE: &str = "database";
    pub const TLS: &str = "tls";
    pub const AUTH_SOURCE: &str = "auth_source";
    /// The one secret field.
    pub const PASSWORD: &str = "password";
}

impl DatabaseSpec {
    /// The fields of a login given piece by piece instead of as a URL: host, port, user,
    /// password, database and TLS mode, in the driver's own terms.
    pub fn login_fields(&self) -> Vec<ConfigField> {
        let field = |key: &str, label: &str, help: &str| ConfigField {
            key: key.to_owned(),
            label: label.to_owned(),
            help: Some(help.to_owned()),
            pattern: None,
            example: None,
            default: None,
            options: Vec::new(),
            required: true,
            secret: false,
        };
        let redis = self.driver == DbDriver::Redis;
        let mut fields = vec![
            ConfigField {
                // A host name, an IPv4 address, or an IPv6 address in brackets.
                pattern: Some(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\]".into()),
                example: Some("db.example.com".into()),
                ..field(login::HOST, "Host", "The server's host name or IP address.")
            },
            ConfigField {
                pattern: Some("[0-9]{1,5}".into()),
                default: Some(self.default_port.to_string()),
                example: Some(self.default_port.to_string()),
                ..field(login::PORT, "Port", "The TCP port the server listens on.")
            },
            ConfigField {
                pattern: Some("[^\\s:@/]{1,128}".into()),
                required: !redis,
                ..field(
                    login::USER,
                    "User",
                    if redis {
                        "An ACL user; leave empty to sign in as the default user with its password."
                    } else {
                        "The database user (role) Keyport signs in as."
                    },
                )
            },
            ConfigField {
                secret: true,
                required: false,
                ..field(
                    login::PASSWORD,
                    "Password",
                    "The user's password; stored sealed in the vault.",
                )
            },
            if redis {
                ConfigField {
                    pattern: Some("[0-9]{1,2}".into()),
                    required: false,
                    example: Some("0".into()),
                    ..field(
                        login::DATABASE,
                        "Database number",
                        "Which logical database to select (0 by default).",
                    )
                }
            } else {
                ConfigField {
                    pattern: Some("[^\\s/?#]{1,128}".into()),
                    required: self.driver == DbDriver::Postgres,
                    example: Some("app".into()),
                    ..field(login::DATABASE, "Database", "The database to connect to.")
                }
            },
        ];
        if self.driver == DbDriver::Mongodb {
            fields.push(ConfigField {
                pattern: Some("[^\\s/?#]{1,64}".into()),
                required: false,
                example: Some("admin".into()),
                ..field(
                    login::AUTH_SOURCE,
                    "Authentication database",
                    "Where the user was created, when that is not the database above (Atlas users: admin).",
                )
            });
        }
        fields.push(ConfigField {
            default: self.tls_modes.first().cloned(),
            options: self.tls_modes.clone(),
            ..field(
                login::TLS,
                "TLS mode",
                "How the connection is encrypted; the first is the driver's default.",
            )
        });
        fields
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DbDriver {
    Postgres,
    Mysql,
    Mongodb,
    Redis,
}

/// A machine identity: a key file or a client registration the service exchanges for tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccountSpec {
    pub format: ServiceAccountFormat,
    /// The fields the person supplies (secret ones are sealed), beyond the connector's `fields`.
    pub fields: Vec<ConfigField>,
    /// Where the credentials are exchanged for an access token, where the format does that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckRequest>,
    pub docs_url: String,
}

impl ServiceAccountSpec {
    /// The secret field a key file fills, for formats that come as a file (Google's JSON key,
    /// a PEM private key): the desktop offers a file picker for it, and the core reads the file.
    pub fn key_file_field(&self) -> Option<&ConfigField> {
        match self.format {
            ServiceAccountFormat::GcpJsonKey | ServiceAccountFormat::SnowflakeKeyPair => {
                self.fields.iter().find(|f| f.secret)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceAccountFormat {
    /// A Google service-account JSON key: a signed JWT exchanged for an access token.
    GcpJsonKey,
    /// An AWS access key pair (and region), requests signed with SigV4.
    AwsAccessKey,
    /// A Microsoft Entra app: tenant, client id and secret, client-credentials grant.
    AzureClientSecret,
    /// A Databricks service principal: OAuth machine-to-machine against the workspace.
    DatabricksOauthM2m,
    /// A Snowflake user with an RSA key pair: a key-pair JWT.
    SnowflakeKeyPair,
    /// Any service's OAuth 2.0 client-credentials grant.
    Oauth2ClientCredentials,
}

fn yes() -> bool {
    true
}
fn is_true(value: &bool) -> bool {
    *value
}
fn is_false(value: &bool) -> bool {
    !*value
}
fn space() -> String {
    " ".to_owned()
}
fn is_space(value: &String) -> bool {
    value == " "
}
fn ok_status() -> u16 {
    200
}

impl Connector {
    /// The non-secret fields a person fills in for this connector and type.
    /// Where a key, token or password goes, for the connection types that carry one.
    pub fn key_auth(&self, kind: ConnectionType) -> Option<&KeyAuth> {
        match kind {
            ConnectionType::ApiKey => self.api_key.as_ref(),
            ConnectionType::BearerToken => self.bearer_token.as_ref(),
            ConnectionType::BasicAuth => self.basic_auth.as_ref(),
            _ => None,
        }
    }

    pub fn fields_for(&self, kind: ConnectionType) -> impl Iterator<Item = &ConfigField> {
        let own = match kind {
            ConnectionType::ServiceAccount => self.service_account.as_ref().map(|s| &s.fields[..]),
            _ => None,
        };
        self.fields.iter().chain(own.unwrap_or_default())
    }

    /// Whether `query` (already lower-cased) matches this connector's name, id, category or
    /// description: what the Marketplace search and `catalog list` filter by.
    pub fn matches(&self, query: &str) -> bool {
        crate::card::search_finds(
            query,
            [
                &self.name,
                &self.id,
                self.category.label(),
                &self.description,
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_parse_by_id_or_label_in_any_case() {
        assert_eq!(Category::parse("crm"), Some(Category::Crm));
        assert_eq!(Category::parse("Data & Analytics"), Some(Category::Data));
        assert_eq!(Category::parse(" hris/hcm "), Some(Category::Hris));
        assert_eq!(Category::parse("gardening"), None);
        for c in Category::ALL {
            assert_eq!(Category::parse(c.id()), Some(c));
            assert_eq!(Category::parse(c.label()), Some(c));
        }
    }

    #[test]
    fn ids_match_serde_names() {
        for c in Category::ALL {
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.id())
            );
        }
        for t in ConnectionType::ALL {
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.id())
            );
        }
    }
}
