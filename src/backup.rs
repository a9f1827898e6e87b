//! Encrypted backups of the whole vault. A backup is the vault's database (a consistent copy
//! from `VACUUM INTO`, records still sealed by the data key) sealed again with a key derived from
//! the passphrase, under a header the seal authenticates. Restoring checks everything on a copy
//! first (the passphrase, the vault it belongs to, every record opening, the audit chain) and
//! only then swaps files, so a refused or interrupted restore changes nothing.

use crate::files::{self, FileError};
use crate::vault::{now, Aad, BackupProblem, Passphrase, Vault, VaultError};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const FORMAT: &str = "keyport-backup/1";
/// A vault of 10,000 connections is a few MB; anything far larger is not a backup of ours.
const MAX_BACKUP_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    vault_id: String,
    created_at: String,
    kdf: crate::vault::KdfParams,
}

#[derive(Serialize, Deserialize)]
struct BackupFile {
    #[serde(flatten)]
    header: Header,
    /// Base64 of an empty seal under the backup key: it opens exactly when the passphrase is
    /// right, so a payload that then fails to open is known to be damaged, not mistyped.
    /// Backups made before it existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_check: Option<String>,
    /// Base64 of `nonce || ciphertext || tag`.
    payload: String,
}

fn not_made(step: &'static str) -> VaultError {
    VaultError::BackupNotMade(step)
}

fn key_check_aad() -> Aad<'static> {
    Aad {
        kind: "backup_key_check",
        row: "",
        key_version: 1,
    }
}

/// Refuses an output path that is, or would become, one of the vault's own files (the database,
/// its WAL and shm, through a link or not): writing there destroys the vault.
fn refuse_vault_files(dir: &Path, out: &Path) -> Result<(), VaultError> {
    let db = Vault::db_path(dir);
    let own: Vec<PathBuf> = ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| path_with_suffix(&db, suffix))
        .collect();
    let named_like_ours = || {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let same_dir = match (std::fs::canonicalize(parent), std::fs::canonicalize(dir)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        same_dir
            && own
                .iter()
                .any(|f| f.file_name().is_some_and(|n| Some(n) == out.file_name()))
    };
    if own.iter().any(|f| files::same_file(f, out)) || named_like_ours() {
        return Err(FileError::IsVaultFile {
            path: out.display().to_string(),
        }
        .into());
    }
    Ok(())
}

/// Writes an encrypted backup of `vault` to `out`, refusing an existing file unless `replace`.
/// Needs the vault's passphrase, which is also what restoring it will ask for.
pub async fn create(
    vault: &Vault,
    passphrase: &Passphrase,
    out: &Path,
    replace: bool,
) -> Result<(), VaultError> {
    refuse_vault_files(vault.dir(), out)?;
    if !replace && std::fs::symlink_metadata(out).is_ok() {
        return Err(FileError::Exists {
            path: out.display().to_string(),
        }
        .into());
    }
    let unlocked = vault.unlock_passphrase(passphrase).await?;
    let mut tx = vault.write().await?;
    crate::audit::append(&mut tx, "backup", None, "")
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    let bytes = {
        let _staging = crate::vault::staging_lock(vault.dir())?;
        let snapshot = vault.dir().join(format!(
            "{}{}.db",
            crate::vault::BACKUP_SNAPSHOT,
            uuid::Uuid::new_v4()
        ));
        // Created owner-only and empty, as `VACUUM INTO` accepts, so the copy is never readable
        // by others even for a moment.
        files::create_private(&snapshot).map_err(|e| VaultError::Io {
            path: snapshot.display().to_string(),
            detail: e.kind().to_string(),
        })?;
        let vacuumed = crate::store::copy_into(vault.pool(), &snapshot.display().to_string())
            .await
            .map_err(vault.io_err());
        let bytes =
            vacuumed.and_then(|_| Ok(files::read_limited(&snapshot, MAX_BACKUP_BYTES, "vault")?));
        let _ = std::fs::remove_file(&snapshot);
        zeroize::Zeroizing::new(bytes?)
    };
    let kdf = crate::vault::KdfParams::fresh().map_err(|_| not_made("no randomness"))?;
    let header = Header {
        format: FORMAT.to_owned(),
        vault_id: unlocked.vault_id().to_owned(),
        created_at: now(),
        kdf,
    };
    let key = crate::vault::derive_key(header.kdf.clone(), passphrase).await?;
    let aad_row = serde_json::to_string(&header).map_err(|_| not_made("header"))?;
    let sealed = crate::vault::seal_raw(
        &key,
        Aad {
            kind: "backup",
            row: &aad_row,
            key_version: 1,
        },
        &bytes,
    )
    .map_err(|_| not_made("sealing failed"))?;
    let key_check = crate::vault::seal_raw(&key, key_check_aad(), b"")
        .map_err(|_| not_made("sealing failed"))?;
    let file = BackupFile {
        header,
        key_check: Some(B64.encode(key_check)),
        payload: B64.encode(sealed),
    };
    let text = serde_json::to_vec_pretty(&file).map_err(|_| not_made("encoding"))?;
    files::write_private(out, &text, replace)?;
    Ok(())
}

/// Restores `file` into `dir`, replacing the vault there (if any) only when the backup is of that
/// same vault and everything in it checks out.
pub async fn restore(dir: &Path, file: &Path, passphrase: &Passphrase) -> Result<(), VaultError> {
    let text = files::read_limited(file, MAX_BACKUP_BYTES, "Keyport backup")?;
    let parsed: BackupFile = serde_json::from_slice(&text)
        .map_err(|_| VaultError::BackupInvalid(BackupProblem::NotBackup))?;
    if parsed.header.format != FORMAT {
        return Err(VaultError::BackupInvalid(BackupProblem::UnknownFormat));
    }
    let sealed = B64
        .decode(parsed.payload.as_bytes())
        .map_err(|_| VaultError::BackupInvalid(BackupProblem::PayloadDamaged))?;
    let key = crate::vault::derive_key(parsed.header.kdf.clone(), passphrase)
        .await
        .map_err(|_| VaultError::BackupInvalid(BackupProblem::KeyParameters))?;
    let aad_row = serde_json::to_string(&parsed.header)
        .map_err(|_| VaultError::BackupInvalid(BackupProblem::Header))?;
    let key_is_right = match &parsed.key_check {
        Some(check) => {
            let check = B64
                .decode(check.as_bytes())
                .map_err(|_| VaultError::BackupInvalid(BackupProblem::KeyCheckDamaged))?;
            let right = crate::vault::open_raw(&key, key_check_aad(), &check).is_ok();
            Some(right)
        }
        None => None,
    };
    if key_is_right == Some(false) {
        return Err(VaultError::BackupWrongPassphrase);
    }
    let db = crate::vault::open_raw(
        &key,
        Aad {
            kind: "backup",
            row: &aad_row,
            key_version: 1,
        },
        &sealed,
    )
    .map_err(|_| match key_is_right {
        Some(true) => VaultError::BackupDamaged,
        _ => VaultError::BackupWrongPassphrase,
    })?;

    // The vault already here, if any, must be the one the backup was made of.
    let current = match Vault::open(dir).await {
        Ok(v) => Some(v),
        Err(VaultError::NotInitialized) => None,
        Err(e) => return Err(e),
    };
    if let Some(current) = &current {
        if current.vault_id().await? != parsed.header.vault_id {
            return Err(VaultError::BackupOtherVault);
        }
    }

    // Check the restored database on a copy beside the vault; the staging lock tells a later
    // start that a copy left behind belongs to a dead process.
    files::private_dir(dir)?;
    let _staging_lock = crate::vault::staging_lock(dir)?;
    let staging = dir.join(format!(
        "{}{}",
        crate::vault::RESTORE_STAGING,
        uuid::Uuid::new_v4()
    ));
    files::private_dir(&staging)?;
    let checked = check_staged(&staging, &db, &parsed.header.vault_id, passphrase).await;
    if let Err(e) = checked {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if let Some(current) = current {
        current.close().await;
    }
    let target = Vault::db_path(dir);
    let staged = Vault::db_path(&staging);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(path_with_suffix(&target, suffix));
    }
    // One rename: a crash before it leaves the old vault, after it the restored one.
    let swapped = std::fs::rename(&staged, &target).map_err(|e| VaultError::Io {
        path: target.display().to_string(),
        detail: e.kind().to_string(),
    });
    let _ = std::fs::remove_dir_all(&staging);
    swapped?;
    let vault = Vault::open(dir).await?;
    let mut tx = vault.write().await?;
    crate::audit::append(&mut tx, "restore", None, "")
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())
}

async fn check_staged(
    staging: &Path,
    db: &[u8],
    vault_id: &str,
    passphrase: &Passphrase,
) -> Result<(), VaultError> {
    let path = Vault::db_path(staging);
    files::write_private(&path, db, false)?;
    let staged = Vault::open(staging)
        .await
        .map_err(|_| VaultError::BackupInvalid(BackupProblem::DatabaseUnopenable))?;
    if staged.vault_id().await? != vault_id {
        return Err(VaultError::BackupInvalid(BackupProblem::HeaderMismatch));
    }
    let unlocked = staged
        .unlock_passphrase(passphrase)
        .await
        .map_err(|_| VaultError::BackupWrongPassphrase)?;
    let bad = crate::connections::unreadable(&staged, &unlocked).await?;
    if !bad.is_empty() {
        return Err(VaultError::BackupInvalid(
            BackupProblem::ConnectionsUnreadable(bad.len()),
        ));
    }
    if let Err(why) = crate::audit::verify(staged.pool())
        .await
        .map_err(staged.io_err())?
    {
        return Err(VaultError::BackupInvalid(BackupProblem::AuditBroken(why)));
    }
    staged.close().await;
    Ok(())
}

fn path_with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyport_model::ErrorCode;

    /// A refusal is a case of its own under the backup's code, found before any passphrase is
    /// tried.
    #[test]
    fn a_file_that_is_no_backup_is_refused_for_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let passphrase = Passphrase::new("correct horse battery staple".into());
        let refusal = |name: &str, text: &str| {
            let file = dir.path().join(name);
            std::fs::write(&file, text).unwrap();
            runtime
                .block_on(restore(&dir.path().join("vault"), &file, &passphrase))
                .unwrap_err()
        };
        let junk = refusal("junk.kpbackup", "this is not a backup");
        assert!(matches!(
            junk,
            VaultError::BackupInvalid(BackupProblem::NotBackup)
        ));
        assert_eq!(junk.code(), ErrorCode::BackupInvalid);
        assert_eq!(
            junk.to_string(),
            "this is not a usable Keyport backup: the file is not a backup, or it is cut short"
        );
    }
}
