//! Errors of the vault layer. Messages never carry a secret; store errors keep their detail
//! out of the message (it names the data folder instead).

use keyport_model::ErrorCode;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    #[error("no vault here yet; create one with `keyport vault init`")]
    NotInitialized,
    #[error("a vault already exists in {0}")]
    AlreadyInitialized(String),
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("too many wrong passphrases; try again in {0} s")]
    Throttled(u64),
    #[error(
        "the vault is locked; set KEYPORT_PASSPHRASE or run in a terminal to enter the passphrase"
    )]
    Locked,
    #[error("the vault's key was rotated by another Keyport process; unlock again")]
    KeyRetired,
    #[error("the passphrase must be at least {0} characters")]
    WeakPassphrase(usize),
    #[error("the vault in {path} could not be read or written ({detail}); check free space and permissions")]
    Io { path: String, detail: String },
    #[error("the vault file has been damaged or edited: {0}")]
    Corrupt(String),
    #[error("no connection has the id `{0}`; `keyport connections list` shows them")]
    ConnectionNotFound(String),
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error("this is not a usable Keyport backup: {0}")]
    BackupInvalid(BackupProblem),
    /// Making a backup failed in a step that has no cause a person could fix.
    #[error("the backup could not be made ({0}); nothing was written")]
    BackupNotMade(&'static str),
    #[error("wrong passphrase for this backup; use the passphrase the vault had when the backup was made")]
    BackupWrongPassphrase,
    #[error("this backup belongs to another vault; restore it into an empty data dir instead")]
    BackupOtherVault,
    #[error("{0}")]
    AuditBroken(String),
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    /// The HTTP client a health sweep needs could not be made (an unusable timeout setting).
    #[error(transparent)]
    Client(#[from] crate::http::ClientError),
    #[error("{var} is not valid UTF-8; set it to the passphrase as text")]
    PassphraseNotText { var: String },
    #[error("the backup file is damaged (its contents do not match their seal); the passphrase is right, but this copy cannot be restored")]
    BackupDamaged,
}

/// A connection (or a setting) that cannot be stored as given, each with the field it concerns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Refused {
    #[error("{connector} does not connect by {kind}; it offers {offered}")]
    NotOffered {
        connector: String,
        kind: &'static str,
        offered: String,
    },
    #[error(transparent)]
    Setting(#[from] crate::catalog::ConfigError),
    #[error("basic auth needs a user name (--basic USER)")]
    NeedsUserName,
    #[error("{0} takes no user name")]
    TakesNoUserName(&'static str),
    #[error("the secret is empty")]
    EmptySecret,
    #[error("the secret is longer than 64 KB")]
    SecretTooLong,
    #[error("the name is empty")]
    EmptyName,
    #[error("a name is at most {0} characters")]
    NameTooLong(usize),
    /// Says which character (`holds a control character U+001B`), never the whole name.
    #[error("the name {0}; choose a name without it")]
    NameHolds(String),
    #[error("the idle time is at most a day (1440 minutes)")]
    IdleTooLong,
    #[error("the health-check interval is 1 minute to 7 days (10080 minutes)")]
    HealthInterval,
    #[error("the two passphrases differ")]
    PassphrasesDiffer,
}

impl Refused {
    pub fn field(&self) -> Option<&str> {
        match self {
            Refused::NotOffered { .. } => Some("connection_type"),
            Refused::Setting(e) => e.field.as_deref(),
            Refused::NeedsUserName | Refused::TakesNoUserName(_) => Some("username"),
            Refused::EmptySecret | Refused::SecretTooLong => Some("secret"),
            Refused::EmptyName | Refused::NameTooLong(_) | Refused::NameHolds(_) => Some("name"),
            Refused::IdleTooLong => Some("idle_lock_minutes"),
            Refused::HealthInterval => Some("health_interval"),
            Refused::PassphrasesDiffer => Some("passphrase"),
        }
    }
}

impl VaultError {
    /// The form field the error concerns, when it concerns one.
    pub fn field(&self) -> Option<&str> {
        match self {
            VaultError::Refused(refused) => refused.field(),
            _ => None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            VaultError::NotInitialized => ErrorCode::VaultNotInitialized,
            VaultError::AlreadyInitialized(_) => ErrorCode::VaultAlreadyInitialized,
            VaultError::WrongPassphrase => ErrorCode::VaultWrongPassphrase,
            VaultError::Throttled(_) => ErrorCode::VaultThrottled,
            VaultError::Locked | VaultError::KeyRetired => ErrorCode::VaultLocked,
            VaultError::WeakPassphrase(_) => ErrorCode::VaultWeakPassphrase,
            VaultError::Io { .. } => ErrorCode::VaultIo,
            VaultError::Corrupt(_) => ErrorCode::VaultCorrupt,
            VaultError::ConnectionNotFound(_) => ErrorCode::ConnectionNotFound,
            VaultError::Refused(_) => ErrorCode::ConnectionInvalid,
            VaultError::BackupInvalid(_) => ErrorCode::BackupInvalid,
            VaultError::BackupNotMade(_) => ErrorCode::Internal,
            VaultError::BackupWrongPassphrase => ErrorCode::BackupWrongPassphrase,
            VaultError::BackupOtherVault => ErrorCode::BackupOtherVault,
            VaultError::AuditBroken(_) => ErrorCode::AuditBroken,
            VaultError::File(e) => e.code(),
            VaultError::Client(e) => e.code(),
            VaultError::PassphraseNotText { .. } => ErrorCode::VaultWrongPassphrase,
            VaultError::BackupDamaged => ErrorCode::BackupInvalid,
        }
    }
}

/// Why a file is not a backup Keyport can restore.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupProblem {
    #[error("the file is not a backup, or it is cut short")]
    NotBackup,
    #[error("unknown backup format")]
    UnknownFormat,
    #[error("the payload is damaged")]
    PayloadDamaged,
    #[error("its key parameters are not acceptable")]
    KeyParameters,
    #[error("its header cannot be read back")]
    Header,
    #[error("the key check is damaged")]
    KeyCheckDamaged,
    #[error("the database inside does not open")]
    DatabaseUnopenable,
    #[error("its contents do not match its header")]
    HeaderMismatch,
    #[error("{0} connection(s) in it do not open")]
    ConnectionsUnreadable(usize),
    /// The audit log inside does not verify, in `audit::verify`'s words.
    #[error("{0}")]
    AuditBroken(String),
}

/// Maps a store error to `Io`, keeping only its kind: sqlx messages can quote SQL and values.
pub fn io(path: &std::path::Path) -> impl Fn(sqlx::Error) -> VaultError + 'static {
    let path = path.display().to_string();
    move |err| VaultError::Io {
        path: path.clone(),
        detail: match &err {
            sqlx::Error::Io(e) => e.kind().to_string(),
            sqlx::Error::Database(e) => e
                .code()
                .map(|c| format!("SQLite error {c}"))
                .unwrap_or_else(|| "database error".into()),
            sqlx::Error::Migrate(_) => "the schema could not be brought up to date".into(),
            _ => "storage error".into(),
        },
    }
}
