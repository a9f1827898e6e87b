-- A sign-in started to reconnect an existing connection (issue 13): completing it replaces that
-- connection's grant and keeps its id, name and settings, instead of adding a new connection.
ALTER TABLE oauth_flows ADD COLUMN reconnects TEXT;
