//! Fixtures the native unit tests share: a bare connector, a field, a key section.

use keyport_model::{
    Category, CheckRequest, ConfigField, ConnectionStatus, ConnectionType, ConnectionView,
    Connector, HealthStatus, Icon, KeyAuth, KeyLocation,
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
    }
}
