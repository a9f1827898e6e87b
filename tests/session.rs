//! The desktop app's vault session (src/session.rs): init, lock, unlock, the idle timer, and
//! connecting only while unlocked.

use crate::support::{Keyport, PASSPHRASE};
use keyport::catalog::Catalog;
use keyport::manager::ManagerError;
use keyport::model::{ConnectRequest, ConnectionType};
use keyport::session::{Session, DEFAULT_IDLE_MINUTES};
use keyport::vault::{Passphrase, SecretValue, VaultError};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

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

#[test]
fn session_locks_unlocks_and_auto_locks_when_idle() {
    let kp = Keyport::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
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
            .connect(
                &catalog,
                request(),
                SecretValue::new(b"sk_test_session".to_vec()),
            )
            .await
            .unwrap();
        assert_eq!(stored.connector_id, "stripe");

        let view = session.lock().await.unwrap();
        assert!(!view.unlocked);
        let refused = session
            .connect(&catalog, request(), SecretValue::new(b"x".to_vec()))
            .await;
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
            .connect(
                &catalog,
                request(),
                SecretValue::new(b"sk_after_rotation".to_vec()),
            )
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
        let stale = session
            .connect(&catalog, request(), SecretValue::new(b"x".to_vec()))
            .await;
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
