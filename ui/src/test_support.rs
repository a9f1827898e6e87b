//! Fixtures the native unit tests share: connectors (bare, database, service account), a field,
//! a key section, a connection, a session.

use keyport_model::{
    Category, CheckRequest, ConfigField, ConnectionStatus, ConnectionType, ConnectionView,
    Connector, DatabaseSpec, DbDriver, HealthStatus, Icon, KeyAuth, KeyLocation,
    ServiceAccountFormat, ServiceAccountSpec, SessionView, VaultStatus,
};
use std::collections::BTreeMap;

/// An API-key connector with nothing else set.
pub fn connector(id: &str, name: &str, category: Category, description: &str) -> Connector {
    Connector {
        id: id.to_owned(),
        name: name.to_owned(),
        category,
        connection_types: vec![ConnectionType::ApiKey],
        description: description.to_owned(),
        api_docs_url: format!("https://example.com/{id}"),
        setup_instructions: vec!["Create a key.".to_owned()],
        icon: Icon {
            monogram: name[..1].to_owned(),
            color: "#333333".to_owned(),
        },
        api_base_url: None,
        fields: Vec::new(),
        oauth2: None,
        api_key: None,
        basic_auth: None,
        bearer_token: None,
        database: None,
        service_account: None,
        env: Vec::new(),
        mcp_servers: Vec::new(),
        custom: false,
    }
}

/// A field labelled with its own key.
pub fn field(key: &str, required: bool, secret: bool) -> ConfigField {
    ConfigField {
        key: key.to_owned(),
        label: key.to_owned(),
        help: None,
        pattern: None,
        example: None,
        default: None,
        options: Vec::new(),
        required,
        secret,
    }
}

/// A bearer-token section labelled `API token`.
pub fn key_auth_section() -> KeyAuth {
    KeyAuth {
        secret_label: "API token".to_owned(),
        location: KeyLocation::Header,
        name: Some("Authorization".to_owned()),
        template: Some("Bearer {secret}".to_owned()),
        username: None,
        password: None,
        check: CheckRequest {
            method: "GET".to_owned(),
            url: "https://example.com/me".to_owned(),
            expect_status: 200,
            headers: BTreeMap::new(),
            body: None,
            docs_url: "https://example.com".to_owned(),
        },
        docs_url: "https://example.com".to_owned(),
    }
}

/// A healthy, checked connection with no settings.
pub fn connection(connector_id: &str, kind: ConnectionType) -> ConnectionView {
    ConnectionView {
        id: "c1".to_owned(),
        name: "Connection".to_owned(),
        connector_id: connector_id.to_owned(),
        connection_type: kind,
        status: ConnectionStatus::Active,
        health_status: HealthStatus::Healthy,
        verified: true,
        scopes: Vec::new(),
        token_expires_at: None,
        metadata: BTreeMap::new(),
        last_health_check: None,
        last_used_at: None,
        error_count: 0,
        last_error: None,
        created_by: "desktop".to_owned(),
        created_at: "2026-12-01T00:00:00Z".to_owned(),
        updated_at: "2026-12-01T00:00:00Z".to_owned(),
        is_expired: false,
        needs_refresh: false,
        is_healthy: true,
        next_refresh_at: None,
        next_check_at: None,
        health_interval_minutes: None,
        needs_reconnect: false,
        granted_at: None,
        ask_before_use: false,
    }
}

/// A session: a vault that exists or not, unlocked or not, without key slots or keyring.
pub fn session(initialized: bool, unlocked: bool) -> SessionView {
    SessionView {
        vault: VaultStatus {
            initialized,
            locked: !unlocked,
            key_slots: Vec::new(),
            kdf: None,
            connections: 0,
            keyring: None,
        },
        unlocked,
        idle_lock_minutes: 15,
    }
}

/// A database connector (`redis` by id) for `driver`, its port, URL schemes and TLS modes.
pub fn database(driver: DbDriver, port: u16, schemes: &[&str], tls: &[&str]) -> Connector {
    let mut c = connector("redis", "Redis", Category::Databases, "Key-value store");
    c.connection_types = vec![ConnectionType::Database];
    c.database = Some(DatabaseSpec {
        driver,
        default_port: port,
        url_schemes: schemes.iter().map(|s| s.to_string()).collect(),
        tls_modes: tls.iter().map(|s| s.to_string()).collect(),
        docs_url: "https://example.com".to_owned(),
    });
    c
}

/// An AWS-like connector: a service account of `fields`, or an API key.
pub fn service_account(fields: Vec<ConfigField>) -> Connector {
    let mut c = connector("aws", "AWS", Category::Cloud, "Cloud");
    c.connection_types = vec![ConnectionType::ServiceAccount, ConnectionType::ApiKey];
    c.api_key = Some(key_auth_section());
    c.service_account = Some(ServiceAccountSpec {
        format: ServiceAccountFormat::AwsAccessKey,
        fields,
        token_url: None,
        scopes: Vec::new(),
        check: None,
        docs_url: "https://example.com".to_owned(),
    });
    c
}

/// A map of owned strings.
pub fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The keys of `fields`, in order.
pub fn keys(fields: &[ConfigField]) -> Vec<&str> {
    fields.iter().map(|f| f.key.as_str()).collect()
}
