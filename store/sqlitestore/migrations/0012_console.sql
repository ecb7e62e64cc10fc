-- The console's health view (NetworkHealth) counts the leads and the offers created in a time
-- range: these indexes make each count a range scan of the rows in the range, not of all.
CREATE INDEX leads_by_created ON leads (created_at);
CREATE INDEX offers_by_created ON offers (created_at);

-- Who last set a trust edge through the API (partnergraph.Trust.SetBy): with updated_at and
-- source ADMIN, the audit of an admin's override.
ALTER TABLE trust ADD COLUMN set_by TEXT NOT NULL DEFAULT '';
