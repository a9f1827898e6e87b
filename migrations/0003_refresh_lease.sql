-- One refresh at a time per connection, across every Keyport process (DESIGN.md section 6): a
-- process claims the refresh by writing its owner id and a deadline here; others wait for the
-- claim to clear (or to lapse, when its owner died) and then use the token it stored.
ALTER TABLE connections ADD COLUMN refresh_lease_owner TEXT;
ALTER TABLE connections ADD COLUMN refresh_lease_until INTEGER;
