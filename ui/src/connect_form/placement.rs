//! Where the core's refusal of a connect shows: at the field the error names (`field`, set by
//! the core; the message text is never read for it), under the form with "Store without
//! checking" when the service could not be reached, else under the form; and whether the field
//! it sits at is emptied for retyping.

use super::fields::{NAME, SECRET, URL};
use crate::api::ShownError;
use keyport_model::{login, ConfigField, ErrorCode};

/// Where a refused connect shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorPlace {
    /// Under this field, which is marked invalid.
    Field(String),
    /// Under the form, with "Store without checking" (the service could not be reached).
    Unreachable,
    /// Under the form.
    Form,
}

/// What the core calls the connection's name.
const CORE_NAME: &str = "name";

/// What the core may call the one secret of a key, token or basic-auth form.
const KEY_SECRETS: [&str; 4] = [SECRET, "api_key", "token", login::PASSWORD];

/// The settings a database URL holds, which URL entry asks for as one field.
const URL_PARTS: [&str; 7] = [
    login::HOST,
    login::PORT,
    login::USER,
    login::PASSWORD,
    login::DATABASE,
    login::TLS,
    login::AUTH_SOURCE,
];

/// Where `error` shows in a form of `fields` (the name field beside them).
pub fn error_place(error: &ShownError, fields: &[ConfigField]) -> ErrorPlace {
    if matches!(
        error.kind(),
        ErrorCode::ProviderUnavailable | ErrorCode::DbUnreachable
    ) {
        return ErrorPlace::Unreachable;
    }
    error
        .field
        .as_deref()
        .and_then(|field| form_key(field, fields))
        .map_or(ErrorPlace::Form, ErrorPlace::Field)
}

/// The form's field for the core's `field`: the field of that key; the name field; the one
/// secret of a key form, whatever the core calls it; in URL entry, the URL for any part of the
/// login. `None` when the form has no such field.
fn form_key(field: &str, fields: &[ConfigField]) -> Option<String> {
    let has = |key: &str| fields.iter().any(|f| f.key == key);
    let key = if has(field) {
        field
    } else if field == CORE_NAME {
        NAME
    } else if has(SECRET) && KEY_SECRETS.contains(&field) {
        SECRET
    } else if has(URL) && URL_PARTS.contains(&field) {
        URL
    } else {
        return None;
    };
    Some(key.to_owned())
}

/// Whether a refusal empties the field it sits at so the person types it again: a refused key
/// or password. A key file, a URL (it holds more than the password) and every other field keep
/// what was typed.
pub fn clears_field(code: ErrorCode, key: &str) -> bool {
    matches!(
        code,
        ErrorCode::ProviderKeyRejected | ErrorCode::DbAuthFailed
    ) && key != URL
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect_form::fields::{form_fields, DbEntry, KEY_FILE};
    use crate::test_support::{database, field, service_account};
    use keyport_model::{ConnectionType, DbDriver, ServiceAccountFormat};

    /// A refusal with `code`, at `field` if given.
    fn refused(code: ErrorCode, field: Option<&str>) -> ShownError {
        ShownError {
            field: field.map(str::to_owned),
            ..ShownError::new(code, "the message names host, port and database")
        }
    }

    #[test]
    fn a_refusal_shows_at_the_field_the_core_names() {
        let c = database(DbDriver::Mongodb, 27017, &["mongodb"], &["tls=false"]);
        let fields = form_fields(&c, ConnectionType::Database, DbEntry::Fields);
        let at = |key: &str| ErrorPlace::Field(key.to_owned());
        let place = |code, field| error_place(&refused(code, field), &fields);
        assert_eq!(
            place(ErrorCode::DbAuthFailed, Some("password")),
            at("password")
        );
        assert_eq!(
            place(ErrorCode::DbNotFound, Some("database")),
            at("database")
        );
        assert_eq!(
            place(ErrorCode::ConnectionInvalid, Some("auth_source")),
            at("auth_source")
        );
        assert_eq!(place(ErrorCode::ConnectionInvalid, Some("name")), at(NAME));
        // The message is never read: without a field the refusal shows under the form.
        assert_eq!(place(ErrorCode::ConnectionInvalid, None), ErrorPlace::Form);
        assert_eq!(place(ErrorCode::DbAuthFailed, None), ErrorPlace::Form);
        // A field this form does not have: under the form too.
        assert_eq!(
            place(ErrorCode::ConnectionInvalid, Some("region")),
            ErrorPlace::Form
        );
        assert_eq!(
            place(ErrorCode::DbUnreachable, Some("host")),
            ErrorPlace::Unreachable
        );
    }

    #[test]
    fn url_entry_takes_every_part_of_the_login() {
        let c = database(DbDriver::Postgres, 5432, &["postgresql"], &["prefer"]);
        let url = form_fields(&c, ConnectionType::Database, DbEntry::Url);
        for part in ["url", "host", "port", "password", "database", "tls"] {
            assert_eq!(
                error_place(&refused(ErrorCode::ConnectionInvalid, Some(part)), &url),
                ErrorPlace::Field(URL.to_owned()),
                "{part}"
            );
        }
        assert!(clears_field(ErrorCode::DbAuthFailed, "password"));
        assert!(!clears_field(ErrorCode::DbAuthFailed, URL));
    }

    #[test]
    fn a_key_form_takes_its_secret_by_any_of_its_names() {
        let sa = service_account(vec![
            field("access_key_id", true, false),
            field("secret_access_key", true, true),
        ]);
        let key = form_fields(&sa, ConnectionType::ApiKey, DbEntry::Fields);
        for name in ["secret", "api_key", "token", "password"] {
            assert_eq!(
                error_place(&refused(ErrorCode::ProviderKeyRejected, Some(name)), &key),
                ErrorPlace::Field(SECRET.to_owned()),
                "{name}"
            );
        }
        assert!(clears_field(ErrorCode::ProviderKeyRejected, SECRET));
        let fields = form_fields(&sa, ConnectionType::ServiceAccount, DbEntry::Fields);
        assert_eq!(
            error_place(
                &refused(ErrorCode::ServiceAccountInvalid, Some("secret_access_key")),
                &fields
            ),
            ErrorPlace::Field("secret_access_key".to_owned())
        );
        assert_eq!(
            error_place(&refused(ErrorCode::ProviderUnavailable, None), &fields),
            ErrorPlace::Unreachable
        );
    }

    #[test]
    fn a_broken_key_file_shows_at_its_path_and_keeps_it() {
        let mut sa = service_account(vec![field("key_json", true, true)]);
        sa.service_account.as_mut().unwrap().format = ServiceAccountFormat::GcpJsonKey;
        let fields = form_fields(&sa, ConnectionType::ServiceAccount, DbEntry::Fields);
        assert_eq!(
            error_place(
                &refused(ErrorCode::ServiceAccountInvalid, Some(KEY_FILE)),
                &fields
            ),
            ErrorPlace::Field(KEY_FILE.to_owned())
        );
        assert!(!clears_field(ErrorCode::ServiceAccountInvalid, KEY_FILE));
    }
}
