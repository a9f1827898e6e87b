-- A sign-in started to reconnect an existing connection (issue 13): completing it replaces that
-- connection's grant and keeps its id, name and settings, instead of adding a new connection.
ALTER TABLE oauth_flows ADD COLUMN reconnects TEXT;

-- The last change of state the person was told of ('ok>failing') and when (unix seconds): the
-- same change of one connection is told at most once per 30 minutes (UI.md section 8).
ALTER TABLE connections ADD COLUMN alert_told TEXT;
ALTER TABLE connections ADD COLUMN alert_told_at INTEGER;
