//! The vault: one SQLite file (WAL) in the data dir holding key slots, sealed records and the
//! audit log. A random data key (DEK) seals every record; key slots wrap the DEK, one by
//! passphrase (PBKDF2) and one by the OS keyring, and either slot unlocks. Every multi-step write
//! is one transaction, so a crash leaves the old state or the new one, never a mix.

mod dir;
mod error;
mod kdf;
mod keyring_slot;
mod seal;
mod secret;
mod throttle;

pub use dir::{secure, staging_lock, Tightened, BACKUP_SNAPSHOT, RESTORE_STAGING};
pub use error::{BackupProblem, Refused, VaultError};
pub use kdf::KdfParams;
pub use keyring_slot::{available as keyring_available, backend_name as keyring_backend};
pub use seal::{open as open_raw, seal as seal_raw, Aad, SealError};
pub use secret::{DataKey, Passphrase, SecretValue};

use crate::store;
use error::io;
use keyport_model::{KdfView, KeySlotView, VaultStatus};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::time::Duration;
use zeroize::Zeroizing;

pub const DB_FILE: &str = "vault.db";
pub use keyport_model::MIN_PASSPHRASE_CHARS;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// An open vault file. Metadata reads need nothing more; secrets need an [`Unlocked`] key.
pub struct Vault {
    pool: SqlitePool,
    dir: PathBuf,
}

/// The data key, opened from a slot. Dropping it zeroizes the key.
pub struct Unlocked {
    dek: DataKey,
    key_version: i64,
    vault_id: String,
}

impl Unlocked {
    pub fn seal(&self, kind: &str, row: &str, plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        seal::seal_with(&self.dek, self.aad(kind, row), plaintext)
            .map_err(|_| VaultError::Corrupt("sealing failed".into()))
    }

    pub fn open(&self, kind: &str, row: &str, sealed: &[u8]) -> Result<SecretValue, VaultError> {
        seal::open_with(&self.dek, self.aad(kind, row), sealed)
            .map(SecretValue::from_opened)
            .map_err(|SealError| {
                VaultError::Corrupt(format!("the sealed {kind} `{row}` does not open"))
            })
    }

    fn aad<'a>(&self, kind: &'a str, row: &'a str) -> Aad<'a> {
        Aad {
            kind,
            row,
            key_version: self.key_version,
        }
    }

    /// A second handle on the same key, for work that must not hold the session's lock.
    pub fn duplicate(&self) -> Unlocked {
        Unlocked {
            dek: self.dek.duplicate(),
            key_version: self.key_version,
            vault_id: self.vault_id.clone(),
        }
    }

    pub fn key_version(&self) -> i64 {
        self.key_version
    }

    /// Refuses when another process rotated the key since this one unlocked: a record sealed
    /// with the retired key would never open again. Call it inside the write transaction.
    pub async fn check_current(
        &self,
        tx: &mut sqlx::SqliteConnection,
        vault: &Vault,
    ) -> Result<(), VaultError> {
        let current = store::keys::key_version(&mut *tx)
            .await
            .map_err(vault.io_err())?;
        if current != self.key_version {
            return Err(VaultError::KeyRetired);
        }
        Ok(())
    }

    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }
}

/// The current time as stored: RFC 3339 in UTC.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn slot_aad_row(kind: &str, params: &str) -> String {
    format!("{kind}|{params}")
}

impl Vault {
    pub fn db_path(dir: &Path) -> PathBuf {
        dir.join(DB_FILE)
    }

    /// Connects and migrates; the caller holds the open lock. A new vault file is created
    /// owner-only before SQLite opens it, and SQLite gives its WAL and shm files the same mode.
    async fn connect(dir: &Path, create: bool) -> Result<SqlitePool, VaultError> {
        let path = Self::db_path(dir);
        if create {
            match crate::files::create_private(&path) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(VaultError::Io {
                        path: path.display().to_string(),
                        detail: e.kind().to_string(),
                    })
                }
            }
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed transaction survives power loss, not just a process kill.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .pragma("mmap_size", "268435456")
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(io(&path))?;
        MIGRATOR.run(&pool).await.map_err(|e| io(&path)(e.into()))?;
        Ok(pool)
    }

    /// Opens the vault in `dir`; `NotInitialized` when there is none.
    pub async fn open(dir: &Path) -> Result<Vault, VaultError> {
        if !Self::db_path(dir).is_file() {
            return Err(VaultError::NotInitialized);
        }
        dir::secure(dir)?;
        let pool = {
            let _lock = dir::lock(dir, dir::OPEN_LOCK)?;
            Self::connect(dir, false).await?
        };
        let vault = Vault {
            pool,
            dir: dir.to_path_buf(),
        };
        if vault.meta().await?.is_none() {
            return Err(VaultError::NotInitialized);
        }
        Ok(vault)
    }

    /// Creates a vault with a passphrase slot and, when asked and available, a keyring slot.
    /// Returns whether the keyring slot was made.
    pub async fn init(
        dir: &Path,
        passphrase: &Passphrase,
        use_keyring: bool,
    ) -> Result<(Vault, bool), VaultError> {
        check_strength(passphrase)?;
        crate::files::private_dir(dir)?;
        dir::secure(dir)?;
        // Held until the vault's first row commits: the loser of two concurrent inits then
        // finds the winner's vault instead of colliding with it.
        let _lock = dir::lock(dir, dir::OPEN_LOCK)?;
        let pool = Self::connect(dir, true).await?;
        let vault = Vault {
            pool,
            dir: dir.to_path_buf(),
        };
        if vault.meta().await?.is_some() {
            return Err(VaultError::AlreadyInitialized(dir.display().to_string()));
        }
        let vault_id = uuid::Uuid::new_v4().to_string();
        let unlocked = Unlocked {
            dek: DataKey::random().map_err(|_| VaultError::Corrupt("no randomness".into()))?,
            key_version: 1,
            vault_id: vault_id.clone(),
        };
        let params = KdfParams::fresh().map_err(|_| VaultError::Corrupt("no randomness".into()))?;
        let kek = derive_key(params.clone(), passphrase).await?;
        let keyring_key = if use_keyring {
            let id = vault_id.clone();
            tokio::task::spawn_blocking(move || keyring_slot::create(&id))
                .await
                .ok()
                .flatten()
        } else {
            None
        };
        let path = vault.db_path_buf();
        let mut tx = vault.write().await?;
        store::keys::insert_meta(&mut *tx, &vault_id, &now())
            .await
            .map_err(io(&path))?;
        write_slot(
            &mut tx,
            &path,
            "passphrase",
            &params_json(&params),
            &kek,
            &unlocked,
        )
        .await?;
        if let Some(key) = &keyring_key {
            write_slot(&mut tx, &path, "keyring", "{}", key, &unlocked).await?;
        }
        let detail = if keyring_key.is_some() {
            "passphrase and keyring slots"
        } else {
            "passphrase slot"
        };
        crate::audit::append(&mut tx, "init", None, detail)
            .await
            .map_err(io(&path))?;
        tx.commit().await.map_err(io(&path))?;
        Ok((vault, keyring_key.is_some()))
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn db_path_buf(&self) -> PathBuf {
        Self::db_path(&self.dir)
    }

    /// A write transaction holding SQLite's write lock from its first statement (`BEGIN
    /// IMMEDIATE`). A deferred one that reads and then writes fails at once with SQLITE_BUSY
    /// when another process wrote in between; this one waits its turn (the busy timeout).
    pub async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, VaultError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(self.io_err())
    }

    /// Maps a store error to `vault.io`, naming this vault's file.
    pub(crate) fn io_err(&self) -> impl Fn(sqlx::Error) -> VaultError + 'static {
        io(&self.db_path_buf())
    }

    async fn meta(&self) -> Result<Option<(String, i64)>, VaultError> {
        let path = self.db_path_buf();
        store::keys::meta(&self.pool).await.map_err(io(&path))
    }

    pub async fn vault_id(&self) -> Result<String, VaultError> {
        Ok(self.meta().await?.ok_or(VaultError::NotInitialized)?.0)
    }

    async fn slot(&self, kind: &str) -> Result<Option<(String, i64, Vec<u8>)>, VaultError> {
        let path = self.db_path_buf();
        store::keys::slot(&self.pool, kind).await.map_err(io(&path))
    }

    /// What `vault status` shows.
    pub async fn status(&self) -> Result<VaultStatus, VaultError> {
        let path = self.db_path_buf();
        let rows = store::keys::slots(&self.pool).await.map_err(io(&path))?;
        let mut key_slots = Vec::new();
        let mut kdf = None;
        let mut has_keyring_slot = false;
        for (kind, params, created_at) in rows {
            if kind == "passphrase" {
                kdf = serde_json::from_str::<KdfParams>(&params)
                    .ok()
                    .map(|p| KdfView {
                        algorithm: p.algorithm,
                        iterations: p.iterations,
                    });
            }
            has_keyring_slot |= kind == "keyring";
            key_slots.push(KeySlotView { kind, created_at });
        }
        let connections = store::connections::count(&self.pool)
            .await
            .map_err(io(&path))?;
        let keyring_works = has_keyring_slot && self.unlock_keyring().await.is_some();
        Ok(VaultStatus {
            initialized: true,
            locked: !keyring_works,
            key_slots,
            kdf,
            connections: connections.max(0) as u64,
            keyring: keyring_works.then(|| keyring_slot::backend_name().to_owned()),
        })
    }

    /// Unlocks with the passphrase, subject to the wrong-passphrase throttle.
    pub async fn unlock_passphrase(&self, passphrase: &Passphrase) -> Result<Unlocked, VaultError> {
        // One try at a time: a right passphrase in many processes at once must not look like a
        // burst of failures, and a burst of guesses must each see the count the others left.
        let dir = self.dir.clone();
        let _turn = tokio::task::spawn_blocking(move || dir::lock(&dir, dir::UNLOCK_LOCK))
            .await
            .map_err(|_| VaultError::Io {
                path: self.dir.display().to_string(),
                detail: "waiting for another unlock failed".into(),
            })??;
        throttle::claim(self).await?;
        match self.try_passphrase(passphrase).await? {
            Some(unlocked) => {
                throttle::reset(self).await?;
                Ok(unlocked)
            }
            None => {
                throttle::audit_failure(self).await?;
                Err(VaultError::WrongPassphrase)
            }
        }
    }

    async fn try_passphrase(
        &self,
        passphrase: &Passphrase,
    ) -> Result<Option<Unlocked>, VaultError> {
        let (params_text, version, wrapped, kek) = self.passphrase_kek(passphrase).await?;
        self.unwrap_slot("passphrase", &params_text, version, &wrapped, &kek)
            .await
    }

    /// The passphrase slot (its parameters, key version and wrapped key) and the key-encryption
    /// key `passphrase` derives under its parameters.
    async fn passphrase_kek(
        &self,
        passphrase: &Passphrase,
    ) -> Result<(String, i64, Vec<u8>, Zeroizing<[u8; 32]>), VaultError> {
        let (params_text, version, wrapped) = self
            .slot("passphrase")
            .await?
            .ok_or_else(|| VaultError::Corrupt("the passphrase slot is missing".into()))?;
        let params: KdfParams = serde_json::from_str(&params_text).map_err(|_| {
            VaultError::Corrupt("the passphrase slot's parameters are unreadable".into())
        })?;
        let kek = derive_key(params, passphrase).await?;
        Ok((params_text, version, wrapped, kek))
    }

    /// Unlocks with the OS keyring slot, when there is one and the keyring holds its key.
    pub async fn unlock_keyring(&self) -> Option<Unlocked> {
        let (params, version, wrapped) = self.slot("keyring").await.ok()??;
        let id = self.vault_id().await.ok()?;
        let key = tokio::task::spawn_blocking(move || keyring_slot::load(&id))
            .await
            .ok()??;
        self.unwrap_slot("keyring", &params, version, &wrapped, &key)
            .await
            .ok()?
    }

    async fn unwrap_slot(
        &self,
        kind: &str,
        params: &str,
        version: i64,
        wrapped: &[u8],
        kek: &[u8; 32],
    ) -> Result<Option<Unlocked>, VaultError> {
        let (vault_id, current) = self.meta().await?.ok_or(VaultError::NotInitialized)?;
        let aad = Aad {
            kind: "slot",
            row: &slot_aad_row(kind, params),
            key_version: version,
        };
        let Ok(dek) = seal::open(kek, aad, wrapped) else {
            return Ok(None);
        };
        let dek = DataKey::from_slice(&dek).ok_or_else(|| {
            VaultError::Corrupt("a key slot holds a key of the wrong size".into())
        })?;
        if version != current {
            return Err(VaultError::Corrupt(
                "a key slot is from another key version".into(),
            ));
        }
        Ok(Some(Unlocked {
            dek,
            key_version: current,
            vault_id,
        }))
    }

    /// Rewraps the data key under a new passphrase; records are untouched.
    pub async fn change_passphrase(
        &self,
        old: &Passphrase,
        new: &Passphrase,
    ) -> Result<(), VaultError> {
        check_strength(new)?;
        let unlocked = self.unlock_passphrase(old).await?;
        let params = KdfParams::fresh().map_err(|_| VaultError::Corrupt("no randomness".into()))?;
        let kek = derive_key(params.clone(), new).await?;
        let mut tx = self.write().await?;
        let path = self.db_path_buf();
        store::keys::delete_slots(&mut *tx, Some("passphrase"))
            .await
            .map_err(io(&path))?;
        write_slot(
            &mut tx,
            &path,
            "passphrase",
            &params_json(&params),
            &kek,
            &unlocked,
        )
        .await?;
        crate::audit::append(&mut tx, "change_passphrase", None, "")
            .await
            .map_err(io(&path))?;
        tx.commit().await.map_err(io(&path))
    }

    /// A new data key: every sealed value is resealed and every slot rewrapped, in one
    /// transaction. Needs the passphrase (to rewrap its slot).
    pub async fn rotate_key(&self, passphrase: &Passphrase) -> Result<(), VaultError> {
        let old = self.unlock_passphrase(passphrase).await?;
        let new = Unlocked {
            dek: DataKey::random().map_err(|_| VaultError::Corrupt("no randomness".into()))?,
            key_version: old.key_version + 1,
            vault_id: old.vault_id.clone(),
        };
        let (params_text, _, _, kek) = self.passphrase_kek(passphrase).await?;
        let keyring_key = match self.slot("keyring").await? {
            Some(_) => {
                let id = old.vault_id.clone();
                tokio::task::spawn_blocking(move || keyring_slot::load(&id))
                    .await
                    .ok()
                    .flatten()
            }
            None => None,
        };
        let path = self.db_path_buf();
        let mut tx = self.write().await?;
        for column in store::keys::Sealed::ALL {
            let kind = column.kind();
            let rows = store::keys::sealed(&mut *tx, column)
                .await
                .map_err(io(&path))?;
            for (id, sealed) in rows {
                let plain = old.open(kind, &id, &sealed)?;
                let resealed = new.seal(kind, &id, plain.expose_to_caller())?;
                store::keys::reseal(&mut *tx, column, &id, &resealed, new.key_version)
                    .await
                    .map_err(io(&path))?;
            }
        }
        store::keys::delete_slots(&mut *tx, None)
            .await
            .map_err(io(&path))?;
        write_slot(&mut tx, &path, "passphrase", &params_text, &kek, &new).await?;
        // A keyring that is gone now leaves the vault on its passphrase slot alone.
        if let Some(key) = &keyring_key {
            write_slot(&mut tx, &path, "keyring", "{}", key, &new).await?;
        }
        store::keys::set_key_version(&mut *tx, new.key_version)
            .await
            .map_err(io(&path))?;
        crate::audit::append(
            &mut tx,
            "rotate_key",
            None,
            &format!("key version {}", new.key_version),
        )
        .await
        .map_err(io(&path))?;
        tx.commit().await.map_err(io(&path))
    }

    /// Writes everything to the main file and closes (before a file-level swap).
    pub async fn close(self) {
        let _ = store::checkpoint(&self.pool).await;
        self.pool.close().await;
    }
}

fn params_json(params: &KdfParams) -> String {
    serde_json::to_string(params).unwrap_or_default()
}

async fn write_slot(
    tx: &mut sqlx::SqliteConnection,
    path: &Path,
    kind: &str,
    params: &str,
    kek: &[u8; 32],
    unlocked: &Unlocked,
) -> Result<(), VaultError> {
    let aad = Aad {
        kind: "slot",
        row: &slot_aad_row(kind, params),
        key_version: unlocked.key_version,
    };
    let wrapped = seal::seal(kek, aad, unlocked.dek.expose_for_cipher())
        .map_err(|_| VaultError::Corrupt("wrapping the key failed".into()))?;
    store::keys::insert_slot(
        &mut *tx,
        &store::keys::NewSlot {
            kind,
            params,
            key_version: unlocked.key_version,
            wrapped: &wrapped,
            at: &now(),
        },
    )
    .await
    .map_err(io(path))
}

fn check_strength(passphrase: &Passphrase) -> Result<(), VaultError> {
    let chars = String::from_utf8_lossy(passphrase.expose_for_kdf())
        .chars()
        .count();
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(VaultError::WeakPassphrase(MIN_PASSPHRASE_CHARS));
    }
    Ok(())
}

/// PBKDF2 off the async threads (it takes about half a second by design).
pub async fn derive_key(
    params: KdfParams,
    passphrase: &Passphrase,
) -> Result<Zeroizing<[u8; 32]>, VaultError> {
    let pw = passphrase.duplicate();
    tokio::task::spawn_blocking(move || params.derive(&pw))
        .await
        .ok()
        .flatten()
        .ok_or_else(|| {
            VaultError::Corrupt("the passphrase slot's parameters are not acceptable".into())
        })
}
