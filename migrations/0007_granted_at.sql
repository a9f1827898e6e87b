-- When the person last signed in to (or gave the credential of) each connection: connecting and
-- reconnecting set it, a refresh does not. A grant with a lifetime (Google's 7 days for apps in
-- Testing, the catalog's `keep_alive.lifetime_days`) ends that long after it, so the scheduler
-- warns a day before (issue 13). Until now the connection's creation is the best guess.
ALTER TABLE connections ADD COLUMN granted_at TEXT;
UPDATE connections SET granted_at = created_at;
