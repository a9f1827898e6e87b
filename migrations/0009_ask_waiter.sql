-- The `keyport` process that waits for a request's answer (issue 14), so a request whose waiter
-- was killed leaves the app's question at once instead of at its expiry. NULL in rows written
-- before this column: those stay until they expire.
ALTER TABLE ask_requests ADD COLUMN waiter_pid INTEGER;
