-- Customer data that can be erased (partnergraph.Lead.Erase): the tombstone that replaces it,
-- when and by whom. A lead whose erased_at is NULL still holds its customer's data.
ALTER TABLE leads ADD COLUMN erased_at INTEGER;
ALTER TABLE leads ADD COLUMN erased_by TEXT NOT NULL DEFAULT '';

-- The retention loop (EraseClosedLeads) reads the closed leads that still hold customer data,
-- oldest first; erased and open leads are not in the index, so it stays as small as the work.
CREATE INDEX leads_closed_unerased ON leads (closed_at) WHERE erased_at IS NULL AND closed_at IS NOT NULL;
