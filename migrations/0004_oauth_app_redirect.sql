-- Services that register only https redirect URLs (Slack, HubSpot, Shopify, QuickBooks): the
-- person registers one they choose and pastes the address the browser lands on; the app row
-- keeps that URL so each flow is started with, and bound to, exactly it.
ALTER TABLE oauth_apps ADD COLUMN redirect_uri TEXT;

-- The name the person gave a connection they started by OAuth, kept with the pending flow
-- until the sign-in completes.
ALTER TABLE oauth_flows ADD COLUMN name TEXT;
