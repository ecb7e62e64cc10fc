// Creates leads ($leads: one row each, with the fields of leadParams) and links each to its
// referrer, and returns how many it created: a batch of submissions writes all its leads in
// one statement. A taken id, or a key the referrer already used, fails on the lead_id or
// lead_referrer_key constraint.
UNWIND $leads AS row
MATCH (r:Business {id: row.referrerId})
CREATE (l:Lead {
  id: row.id,
  idempotencyKey: row.idempotencyKey,
  inputHash: row.inputHash,
  referrerId: row.referrerId,
  serviceId: row.serviceId,
  location: row.location,
  customerName: row.customerName,
  customerEmail: row.customerEmail,
  customerPhone: row.customerPhone,
  consentText: row.consentText,
  consentGivenAt: row.consentGivenAt,
  notes: row.notes,
  mode: row.mode,
  maxOffers: row.maxOffers,
  status: row.status,
  reason: row.reason,
  valueMinor: row.valueMinor,
  currency: row.currency,
  createdAt: row.createdAt,
  closedAt: row.closedAt
})
CREATE (l)-[:REFERRED_BY]->(r)
RETURN count(l) AS created
