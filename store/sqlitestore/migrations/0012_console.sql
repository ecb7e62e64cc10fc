-- The console's health view (NetworkHealth) counts the leads and the offers created in a time
-- range: these indexes make each count a range scan of the rows in the range, not of all.
CREATE INDEX leads_by_created ON leads (created_at);
CREATE INDEX offers_by_created ON offers (created_at);
