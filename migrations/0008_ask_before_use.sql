-- "Ask before use" (issue 14): a connection so marked is handed to a program only once the
-- person allowed it in the desktop app. `ask_requests` is how a `keyport` process waiting for
-- that answer and the app meet (both open this file; neither listens on a socket); a row lives
-- while its asker waits. `ask_allowed` keeps the programs allowed "always", per connection.
ALTER TABLE connections ADD COLUMN ask_before_use INTEGER NOT NULL DEFAULT 0;

CREATE TABLE ask_allowed (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    -- The executable the credential goes to, by its absolute path.
    program TEXT NOT NULL,
    allowed_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, program)
);

CREATE TABLE ask_requests (
    id TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    program TEXT NOT NULL,
    -- Who asked, as the audit log names it (executable, pid, parent, working directory).
    asker TEXT NOT NULL,
    -- Unix seconds; past `expires_at` the asker has stopped waiting (no answer is a Deny).
    asked_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    answer TEXT CHECK (answer IN ('once', 'always', 'deny'))
);
