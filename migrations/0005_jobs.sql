-- The background scheduler (DESIGN.md section 6, issue 13). Each connection's next refresh and
-- next health check are rows here, kept in the vault so a restart, or a laptop waking from sleep,
-- catches up on what it missed; the hosts sleep until the earliest `due_at`.
CREATE TABLE jobs (
    connection_id  TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('refresh', 'check')),
    -- Unix seconds; NULL when there is nothing to do (no expiry to beat, needs reconnect).
    due_at         INTEGER,
    -- What the plan was made from (the token's expiry and last refresh, the last check and the
    -- interval): when the connection changes under it (a refresh by the CLI, a new interval),
    -- the plan is made again.
    planned_from   TEXT    NOT NULL DEFAULT '',
    -- Transient failures in a row: the back-off's exponent.
    failures       INTEGER NOT NULL DEFAULT 0,
    last_run_at    INTEGER,
    last_outcome   TEXT,
    PRIMARY KEY (connection_id, kind)
);
CREATE INDEX jobs_by_due ON jobs (due_at) WHERE due_at IS NOT NULL;

-- Per connection; NULL is the default (15 minutes).
ALTER TABLE connections ADD COLUMN health_interval_s INTEGER;
-- The last state the person was told of ('ok', 'failing', 'reconnect'), so an alert is raised
-- once per change of state, never on each failed try.
ALTER TABLE connections ADD COLUMN alert_state TEXT;

-- Only one scheduler acts at a time per vault, however many hosts run: the holder renews its
-- lease while it runs; a warm spare takes over once the lease lapses.
CREATE TABLE scheduler_lease (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    holder    TEXT    NOT NULL,
    host      TEXT    NOT NULL,
    pid       INTEGER NOT NULL,
    since     INTEGER NOT NULL,
    until     INTEGER NOT NULL
);
