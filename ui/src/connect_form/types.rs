//! Which connection types the connect dialog offers for a connector, and the line under each
//! choice of its type chooser.

use keyport_model::{ConnectionType, Connector};

/// Whether the connector has the catalog section the form for `kind` needs.
fn has_section(connector: &Connector, kind: ConnectionType) -> bool {
    match kind {
        ConnectionType::Oauth2 => connector.oauth2.is_some(),
        ConnectionType::Database => connector.database.is_some(),
        ConnectionType::ServiceAccount => connector.service_account.is_some(),
        key => connector.key_auth(key).is_some(),
    }
}

/// The types the connect dialog offers for this connector, in the connector's order: each type
/// it lists and has a section for.
pub fn form_types(connector: &Connector) -> Vec<ConnectionType> {
    connector
        .connection_types
        .iter()
        .copied()
        .filter(|t| has_section(connector, *t))
        .collect()
}

/// What the sheet says instead of a Connect button when the dialog cannot connect this connector.
pub fn connect_note(connector: &Connector) -> Option<&'static str> {
    form_types(connector)
        .is_empty()
        .then_some("This connector's file describes no way to connect; use the CLI to check it")
}

/// The line under each choice of the type chooser.
pub fn type_hint(connector: &Connector, kind: ConnectionType) -> String {
    match kind {
        ConnectionType::Oauth2 => "Sign in with your browser".to_owned(),
        ConnectionType::Database => "Host and password, or a connection URL".to_owned(),
        ConnectionType::ServiceAccount => connector
            .fields_for(kind)
            .find(|f| f.secret)
            .map_or_else(|| "A machine identity".to_owned(), |f| f.label.clone()),
        key => connector
            .key_auth(key)
            .map_or_else(|| kind.badge().to_owned(), |a| a.secret_label.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{connector, database, field, key_auth_section, service_account};
    use keyport_model::{Category, DbDriver};

    #[test]
    fn every_type_with_a_section_gets_a_form() {
        let mut c = connector("jira", "Jira", Category::Crm, "Issues");
        c.connection_types = vec![
            ConnectionType::Oauth2,
            ConnectionType::BasicAuth,
            ConnectionType::ApiKey,
        ];
        c.basic_auth = Some(key_auth_section());
        assert_eq!(form_types(&c), [ConnectionType::BasicAuth]);
        assert_eq!(connect_note(&c), None);
        c.basic_auth = None;
        assert!(form_types(&c).is_empty());
        assert!(connect_note(&c).is_some());
        let db = database(DbDriver::Redis, 6379, &["redis"], &["none"]);
        assert_eq!(form_types(&db), [ConnectionType::Database]);
        let sa = service_account(vec![field("secret_access_key", true, true)]);
        assert_eq!(
            form_types(&sa),
            [ConnectionType::ServiceAccount, ConnectionType::ApiKey]
        );
        assert_eq!(
            type_hint(&sa, ConnectionType::ServiceAccount),
            "secret_access_key"
        );
        assert_eq!(type_hint(&sa, ConnectionType::ApiKey), "API token");
        assert_eq!(
            type_hint(&db, ConnectionType::Database),
            "Host and password, or a connection URL"
        );
    }
}
