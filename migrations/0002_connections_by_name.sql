-- The Connections page and `connections list` show connections by name; with this index SQLite
-- walks them in order instead of sorting every row on each listing.
CREATE INDEX connections_by_name ON connections (name COLLATE NOCASE, created_at);
