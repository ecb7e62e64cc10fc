// Writes what partnergraph.Lead.Erase leaves of the lead: its customer data replaced by the
// tombstone, its idempotency key removed (free again, as a purge frees it), its location
// coarsened. The caller holds the lead's lock (lead_lock); the erasedAt condition keeps the
// first tombstone all the same. Returns whether it erased the lead.
MATCH (l:Lead {id: $id})
WHERE l.erasedAt IS NULL
SET l.customerName = '',
    l.customerEmail = '',
    l.customerPhone = '',
    l.notes = '',
    l.inputHash = '',
    l.location = $location,
    l.erasedAt = $erasedAt,
    l.erasedBy = $erasedBy
REMOVE l.idempotencyKey
RETURN count(l) AS erased
