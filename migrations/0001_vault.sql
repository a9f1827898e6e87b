-- The vault: key slots wrapping the data key, sealed connection records, pending OAuth flows,
-- OAuth apps, the hash-chained audit log, metric events, settings and the unlock throttle.

CREATE TABLE vault_meta (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    vault_id      TEXT    NOT NULL,
    key_version   INTEGER NOT NULL,
    created_at    TEXT    NOT NULL
);

-- Each slot wraps the same data key (DEK). `params` is JSON (KDF algorithm, iterations, salt) and
-- is bound into the wrap's associated data, so editing it breaks the slot instead of weakening it.
CREATE TABLE key_slots (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('passphrase', 'keyring')),
    params        TEXT    NOT NULL,
    key_version   INTEGER NOT NULL,
    wrapped_dek   BLOB    NOT NULL,
    created_at    TEXT    NOT NULL,
    UNIQUE (kind)
);

CREATE TABLE connections (
    id                     TEXT    PRIMARY KEY,
    profile_id             TEXT    NOT NULL DEFAULT 'default',
    connector_id           TEXT    NOT NULL,
    installation_id        TEXT,
    connection_type        TEXT    NOT NULL,
    name                   TEXT    NOT NULL,
    secret                 BLOB    NOT NULL,
    key_version            INTEGER NOT NULL,
    oauth_provider         TEXT,
    scopes                 TEXT    NOT NULL DEFAULT '[]',
    token_expires_at       TEXT,
    metadata               TEXT    NOT NULL DEFAULT '{}',
    status                 TEXT    NOT NULL DEFAULT 'active',
    health_status          TEXT    NOT NULL DEFAULT 'unknown',
    verified               INTEGER NOT NULL DEFAULT 0,
    last_health_check      TEXT,
    last_used_at           TEXT,
    error_count            INTEGER NOT NULL DEFAULT 0,
    last_error             TEXT,
    last_error_at          TEXT,
    created_by             TEXT    NOT NULL,
    origin                 TEXT    NOT NULL DEFAULT '{}',
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    last_rotated_at        TEXT,
    rotation_interval_days INTEGER,
    consent_given          INTEGER NOT NULL DEFAULT 0,
    consent_at             TEXT,
    data_residency         TEXT
);
CREATE INDEX connections_by_connector ON connections (connector_id);

CREATE TABLE oauth_apps (
    connector_id   TEXT    PRIMARY KEY,
    client_id      TEXT    NOT NULL,
    client_secret  BLOB,
    key_version    INTEGER NOT NULL,
    created_at     TEXT    NOT NULL
);

CREATE TABLE oauth_flows (
    state_hash    TEXT    PRIMARY KEY,
    connector_id  TEXT    NOT NULL,
    config        TEXT    NOT NULL DEFAULT '{}',
    verifier      BLOB    NOT NULL,
    key_version   INTEGER NOT NULL,
    redirect_uri  TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    used_at       TEXT
);

-- Each row's hash covers the previous row's hash: an edited, deleted or reordered row breaks
-- the chain at that row. The last row's seq and hash are also kept in `settings`
-- ('audit_head'), so a cut-off tail is caught too.
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL,
    event          TEXT    NOT NULL,
    connection_id  TEXT,
    detail         TEXT    NOT NULL DEFAULT '',
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL
);

CREATE TABLE metric_events (
    id               INTEGER PRIMARY KEY,
    at               TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    connector_id     TEXT,
    connection_type  TEXT,
    value            REAL,
    ok               INTEGER
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Wrong-passphrase throttle, kept in the vault so a restart does not reset it.
CREATE TABLE unlock_failures (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    count       INTEGER NOT NULL,
    last_at     TEXT    NOT NULL
);
