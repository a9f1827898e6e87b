//! A connection URL pasted or typed into a database's Host field: whether the text is one of
//! the connector's URLs, so the form asks the core (`api::database_url_fields`, which reads it
//! through the `url` crate) for the fields it names instead of keeping the text as the host.
//! The page reads no part of the URL itself.

use keyport_model::DatabaseSpec;

/// What shows under the Host field once a URL given there filled in the login.
pub const URL_FILLED: &str = "Filled in from the URL";

/// Whether `text` starts like a connection URL of the connector (`redis://`, `POSTGRES://`):
/// only then is it sent to the core to be read; anything else stays as typed.
pub fn names_scheme(spec: &DatabaseSpec, text: &str) -> bool {
    let text = text.trim_start();
    spec.url_schemes.iter().any(|scheme| {
        text.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
            && text[scheme.len()..].starts_with("://")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::database;
    use keyport_model::DbDriver;

    #[test]
    fn only_the_connectors_own_schemes_go_to_the_core() {
        let c = database(
            DbDriver::Postgres,
            5432,
            &["postgresql", "postgres"],
            &["prefer"],
        );
        let spec = c.database.as_ref().unwrap();
        for text in [
            "postgresql://app:pw@db/x",
            " POSTGRES://db/orders",
            "postgres://",
        ] {
            assert!(names_scheme(spec, text), "{text}");
        }
        for text in [
            "db.example.com",
            "",
            "postgres:/db",
            "mysql://app:pw@db/x",
            "https://db.example.com/",
            "postgresq",
            "é://x",
        ] {
            assert!(!names_scheme(spec, text), "{text}");
        }
    }
}
