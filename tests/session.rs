//! The desktop app's vault session (src/session.rs): init, lock, unlock, the idle timer, and
//! connecting only while unlocked.

use crate::support::{block_on, Keyport, PASSPHRASE};
use keyport::catalog::Catalog;
use keyport::error::Coded;
use keyport::manager::ManagerError;
use keyport::model::{ConnectRequest, ConnectionType, ErrorCode};
use keyport::session::{Session, DEFAULT_IDLE_MINUTES};
use keyport::vault::{Passphrase, SecretValue, VaultError};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The code and the form field a refusal reaches the page with.
fn placed<T, E: Coded>(result: &Result<T, E>) -> (ErrorCode, Option<String>) {
    match result {
        Err(e) => {
            let shown = e.to_command_error();
            (shown.code, shown.field)
        }
        Ok(_) => panic!("expected a refusal"),
    }
}

fn at(code: ErrorCode, field: &str) -> (ErrorCode, Option<String>) {
    (code, Some(field.to_owned()))
}

fn request() -> ConnectRequest {
    ConnectRequest {
        connector_id: "stripe".into(),
        connection_type: ConnectionType::ApiKey,
        name: None,
        config: BTreeMap::new(),
        username: None,
        // These tests are about the session, not the service (offline here).
        verify: false,
    }
}

/// A session over a new vault, unlocked.
async fn unlocked_session(kp: &Keyport) -> Session {
    let session = Session::new(kp.data_dir().to_path_buf());
    session
        .init(&Passphrase::new(PASSPHRASE.into()), false)
        .await
        .unwrap();
    session
}

/// The form's one secret field for a key.
fn key(secret: &[u8]) -> BTreeMap<String, SecretValue> {
    BTreeMap::from([("secret".to_owned(), SecretValue::new(secret.to_vec()))])
}

#[test]
fn session_locks_unlocks_and_auto_locks_when_idle() {
    let kp = Keyport::new();
    block_on(async {
        let catalog = Catalog::builtin();
        let session = Session::new(kp.data_dir().to_path_buf());
        let view = session.view().await.unwrap();
        assert!(!view.vault.initialized && !view.unlocked);
        assert_eq!(view.idle_lock_minutes, DEFAULT_IDLE_MINUTES);
        assert!(
            session.connections().await.unwrap().is_empty(),
            "no vault: an empty list, not an error"
        );

        let view = session
            .init(&Passphrase::new(PASSPHRASE.into()), false)
            .await
            .unwrap();
        assert!(view.vault.initialized && view.unlocked);
        let stored = session
            .connect(&catalog, request(), key(b"sk_test_session"), None)
            .await
            .unwrap();
        assert_eq!(stored.connector_id, "stripe");

        let view = session.lock().await.unwrap();
        assert!(!view.unlocked);
        let refused = session.connect(&catalog, request(), key(b"x"), None).await;
        assert!(
            matches!(refused, Err(ManagerError::Vault(VaultError::Locked))),
            "connecting needs the key"
        );
        assert_eq!(
            session.connections().await.unwrap().len(),
            1,
            "listing needs no key"
        );

        assert!(matches!(
            session
                .unlock(&Passphrase::new("wrong passphrase".into()))
                .await,
            Err(VaultError::WrongPassphrase)
        ));
        assert!(
            session
                .unlock(&Passphrase::new(PASSPHRASE.into()))
                .await
                .unwrap()
                .unlocked
        );

        // The idle timer: nothing happens before the idle time, the key is dropped after it.
        session.set_idle_minutes(1).await.unwrap();
        session.touch();
        assert!(!session.lock_if_idle(Instant::now() + Duration::from_secs(59)));
        assert!(session.view().await.unwrap().unlocked);
        assert!(session.lock_if_idle(Instant::now() + Duration::from_secs(61)));
        assert!(!session.view().await.unwrap().unlocked);
        // "Never" never locks.
        session
            .unlock(&Passphrase::new(PASSPHRASE.into()))
            .await
            .unwrap();
        session.set_idle_minutes(0).await.unwrap();
        assert!(!session.lock_if_idle(Instant::now() + Duration::from_secs(86_400)));
        assert!(session.set_idle_minutes(100_000).await.is_err());

        // The setting lives in the vault: a new session (an app restart) keeps it.
        let again = Session::new(kp.data_dir().to_path_buf());
        assert_eq!(again.view().await.unwrap().idle_lock_minutes, 0);

        // A reveal asks for the passphrase even while unlocked.
        let pw = Passphrase::new(PASSPHRASE.into());
        assert!(session.view().await.unwrap().unlocked);
        assert!(matches!(
            session
                .reveal(&stored.id, &Passphrase::new("wrong passphrase".into()))
                .await,
            Err(VaultError::WrongPassphrase)
        ));
        let secret = session.reveal(&stored.id, &pw).await.unwrap();
        assert_eq!(secret.expose_to_caller(), b"sk_test_session");

        // Rotation swaps the session's key for the new one: connecting still works.
        session.rotate_key(&pw).await.unwrap();
        let after = session
            .connect(&catalog, request(), key(b"sk_after_rotation"), None)
            .await
            .unwrap();
        let opened = session
            .reveal(&after.id, &pw)
            .await
            .expect("sealed with the new key");
        assert_eq!(opened.expose_to_caller(), b"sk_after_rotation");
        // A rotation by another process (the CLI) retires the key this session holds: it is
        // refused rather than used to seal a record nothing could open again.
        let other = keyport::vault::Vault::open(kp.data_dir()).await.unwrap();
        other.rotate_key(&pw).await.unwrap();
        let stale = session.connect(&catalog, request(), key(b"x"), None).await;
        assert!(
            matches!(stale, Err(ManagerError::Vault(VaultError::KeyRetired))),
            "a retired key is not used"
        );
        assert!(
            !session.view().await.unwrap().unlocked,
            "and the session asks for an unlock"
        );
        session.unlock(&pw).await.unwrap();
        let next = Passphrase::new("another good passphrase".into());
        session.change_passphrase(&pw, &next).await.unwrap();
        assert!(session.reveal(&stored.id, &next).await.is_ok());
    });
}

fn secrets(pairs: &[(&str, &str)]) -> BTreeMap<String, SecretValue> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), SecretValue::new(v.as_bytes().to_vec())))
        .collect()
}

/// The desktop wizard's forms: a database login by fields or by URL, a service account by its
/// secret fields; the secrets arrive by key, and a form that mixes them up is refused.
#[test]
fn wizard_forms_connect_databases_and_service_accounts() {
    let redis = crate::support::servers::redis("wizard-pw-71");
    let kp = Keyport::new();
    block_on(async {
        let catalog = Catalog::builtin();
        let session = unlocked_session(&kp).await;
        let port = redis.port.to_string();
        let database = |config: &[(&str, &str)]| ConnectRequest {
            connector_id: "redis".into(),
            connection_type: ConnectionType::Database,
            name: Some("Cache".into()),
            config: config
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            username: None,
            verify: true,
        };
        let fields = [
            ("host", "127.0.0.1"),
            ("port", port.as_str()),
            ("user", ""),
            ("tls", "none"),
        ];
        let wrong = session
            .connect(
                &catalog,
                database(&fields),
                secrets(&[("password", "nope")]),
                None,
            )
            .await;
        assert!(
            matches!(wrong, Err(ManagerError::DbAuthFailed { .. })),
            "{wrong:?}"
        );
        let mixed = session
            .connect(
                &catalog,
                database(&fields),
                secrets(&[("url", "redis://x")]),
                None,
            )
            .await;
        assert_eq!(placed(&mixed), at(ErrorCode::ConnectionInvalid, "url"));
        let stray = session
            .connect(
                &catalog,
                database(&fields),
                secrets(&[("secret", "wizard-pw-71")]),
                None,
            )
            .await;
        assert_eq!(placed(&stray), at(ErrorCode::ConnectionInvalid, "secret"));
        assert!(session.connections().await.unwrap().is_empty());

        let by_fields = session
            .connect(
                &catalog,
                database(&fields),
                secrets(&[("password", "wizard-pw-71")]),
                None,
            )
            .await
            .unwrap();
        assert!(by_fields.verified);
        assert_eq!(by_fields.metadata["port"], port);
        let url = format!("redis://:wizard-pw-71@127.0.0.1:{port}/0");
        let by_url = session
            .connect(&catalog, database(&[]), secrets(&[("url", &url)]), None)
            .await
            .unwrap();
        assert!(by_url.verified);

        // A service account's secret fields: AWS takes two, the others one.
        let aws = |config: &[(&str, &str)]| ConnectRequest {
            connector_id: "aws".into(),
            connection_type: ConnectionType::ServiceAccount,
            name: None,
            config: config
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            username: None,
            verify: false,
        };
        let id = [
            ("access_key_id", "AKIAIOSFODNN7EXAMPLE"),
            ("region", "eu-west-1"),
        ];
        let stored = session
            .connect(
                &catalog,
                aws(&id),
                secrets(&[(
                    "secret_access_key",
                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                )]),
                None,
            )
            .await
            .unwrap();
        assert_eq!(stored.metadata["access_key_id"], "AKIAIOSFODNN7EXAMPLE");
        let revealed = session
            .reveal(&stored.id, &Passphrase::new(PASSPHRASE.into()))
            .await
            .unwrap();
        let kept: serde_json::Value = serde_json::from_slice(revealed.expose_to_caller()).unwrap();
        assert_eq!(kept["Version"], 1, "kept as credential_process JSON");
        assert_eq!(
            kept["SecretAccessKey"],
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        );
        let no_secret = session
            .connect(&catalog, aws(&id), secrets(&[]), None)
            .await;
        assert_eq!(
            placed(&no_secret),
            at(ErrorCode::ServiceAccountInvalid, "secret_access_key")
        );
        let azure = ConnectRequest {
            connector_id: "azure".into(),
            connection_type: ConnectionType::ServiceAccount,
            name: None,
            config: BTreeMap::new(),
            username: None,
            verify: false,
        };
        let stray = session
            .connect(
                &catalog,
                azure,
                secrets(&[("client_secret", "x"), ("password", "y")]),
                None,
            )
            .await;
        assert_eq!(placed(&stray), at(ErrorCode::ConnectionInvalid, "password"));
    });
}

/// The desktop's key-file picker: the core reads the file and the page gets only its path and
/// what it says about itself; connecting reads the file again.
#[test]
fn key_files_are_read_by_the_core_and_described_without_their_secret() {
    let kp = Keyport::new();
    let key = kp.write(
        "sa.json",
        &serde_json::json!({
            "type": "service_account",
            "project_id": "keyport-test-123",
            "private_key": "-----BEGIN PRIVATE KEY-----\nplanted-key-material\n-----END PRIVATE KEY-----\n",
            "client_email": "keyport@keyport-test-123.iam.gserviceaccount.com",
        })
        .to_string(),
    );
    crate::service_accounts::rsa_pair(&kp, "rsa_key");
    let pem = kp.data_dir().join("rsa_key.key");
    let broken = kp.write("cut.json", "{\"type\": \"service_account\", \"private_");
    block_on(async {
        let catalog = Catalog::builtin();
        let session = unlocked_session(&kp).await;
        let gcp = session.describe_key_file(&catalog, "gcp", &key).unwrap();
        let facts: Vec<(&str, &str)> = gcp
            .facts
            .iter()
            .map(|f| (f.label.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            facts,
            [
                (
                    "Service account",
                    "keyport@keyport-test-123.iam.gserviceaccount.com"
                ),
                ("Project", "keyport-test-123")
            ]
        );
        assert!(!format!("{gcp:?}").contains("planted-key-material"));
        let snowflake = session
            .describe_key_file(&catalog, "snowflake", &pem)
            .unwrap();
        assert_eq!(snowflake.facts[0].label, "Public key fingerprint");
        assert!(snowflake.facts[0].value.starts_with("SHA256:"));
        let cut = session.describe_key_file(&catalog, "gcp", &broken);
        assert!(cut.as_ref().unwrap_err().to_string().contains("cut off"));
        assert_eq!(
            placed(&cut),
            at(ErrorCode::ServiceAccountInvalid, "key_file")
        );
        let missing = session.describe_key_file(&catalog, "gcp", &kp.data_dir().join("nope.json"));
        assert!(
            matches!(&missing, Err(e @ ManagerError::File(keyport::files::FileError::NotFound { .. })) if e.to_string().ends_with("nope.json does not exist")),
            "{missing:?}"
        );
        assert_eq!(placed(&missing), at(ErrorCode::FileNotFound, "key_file"));
        // An unknown connector keeps the catalog's own code.
        let unknown = session.describe_key_file(&catalog, "no-such-connector", &key);
        assert_eq!(placed(&unknown), (ErrorCode::CatalogUnknownConnector, None));

        let request = |connector: &str| ConnectRequest {
            connector_id: connector.into(),
            connection_type: ConnectionType::ServiceAccount,
            name: None,
            config: BTreeMap::new(),
            username: None,
            verify: false,
        };
        let stored = session
            .connect(&catalog, request("gcp"), BTreeMap::new(), Some(&key))
            .await
            .unwrap();
        assert_eq!(
            stored.metadata["client_email"],
            "keyport@keyport-test-123.iam.gserviceaccount.com"
        );
        let twice = session
            .connect(
                &catalog,
                request("gcp"),
                secrets(&[("key_json", "{}")]),
                Some(&key),
            )
            .await;
        assert_eq!(placed(&twice), at(ErrorCode::ConnectionInvalid, "key_file"));
        let no_file = session
            .connect(&catalog, request("azure"), BTreeMap::new(), Some(&key))
            .await;
        assert!(no_file
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("takes no key file"));
        assert_eq!(
            placed(&no_file),
            at(ErrorCode::ConnectionInvalid, "key_file")
        );
        assert_eq!(session.connections().await.unwrap().len(), 1);
    });
}

/// The OAuth app form and the sign-in's settings: each refusal reaches the page at its field.
#[test]
fn oauth_refusals_name_the_field_they_concern() {
    let kp = Keyport::new();
    block_on(async {
        let catalog = Catalog::builtin();
        let session = unlocked_session(&kp).await;
        let app = |client_id: &'static str, redirect: Option<&'static str>| {
            session.set_oauth_app(&catalog, "shopify", client_id, None, redirect)
        };
        assert_eq!(
            placed(&app("has a space", None).await),
            at(ErrorCode::ConnectionInvalid, "client_id")
        );
        assert_eq!(
            placed(&app("abc123", Some("http://example.com/back")).await),
            at(ErrorCode::ConnectionInvalid, "redirect_uri")
        );
        let config = BTreeMap::from([("shop".to_owned(), "Not A Shop".to_owned())]);
        let bad_shop = session
            .start_oauth(&catalog, "shopify", &config, None)
            .await;
        assert_eq!(placed(&bad_shop), at(ErrorCode::ConnectionInvalid, "shop"));
        let message = bad_shop.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("is not a valid shop name"), "{message}");
        let unknown = session
            .start_oauth(&catalog, "no-such-connector", &config, None)
            .await;
        assert_eq!(placed(&unknown), (ErrorCode::CatalogUnknownConnector, None));
    });
}

/// The vault layer's refusals reach a page at the field they concern, as every other layer's
/// do: a connection's name, the idle time, a user name where none is taken.
#[test]
fn vault_refusals_name_their_field() {
    let kp = Keyport::new();
    block_on(async {
        let session = unlocked_session(&kp).await;
        let catalog = Catalog::builtin();
        let stored = session
            .connect(&catalog, request(), key(b"rk_test_123"), None)
            .await
            .unwrap();
        let shown = |err: VaultError| {
            let e = err.to_command_error();
            (e.code, e.field)
        };
        let name = (ErrorCode::ConnectionInvalid, Some("name".to_owned()));
        for bad in ["   ", "bad\u{1b}[31mname", &"n".repeat(101)] {
            assert_eq!(
                shown(session.rename(&stored.id, bad).await.unwrap_err()),
                name
            );
        }
        assert_eq!(
            shown(session.set_idle_minutes(24 * 60 + 1).await.unwrap_err()),
            (
                ErrorCode::ConnectionInvalid,
                Some("idle_lock_minutes".to_owned())
            )
        );
        let mut with_user = request();
        with_user.username = Some("someone".into());
        let refused = session
            .connect(&catalog, with_user, key(b"rk_test_456"), None)
            .await
            .unwrap_err()
            .to_command_error();
        assert_eq!(refused.field.as_deref(), Some("username"), "{refused:?}");
        assert_eq!(session.connections().await.unwrap().len(), 1);
    });
}
