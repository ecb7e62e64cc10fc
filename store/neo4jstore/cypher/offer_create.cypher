// Creates new offers (each row with its lead's id and its seq already assigned; the offers of
// a batch of submissions may belong to several leads), each linked to its lead and to its
// recipient, and returns how many it created. A taken id fails on the Offer.id constraint.
UNWIND $offers AS row
MATCH (l:Lead {id: row.leadId})
MATCH (b:Business {id: row.businessId})
CREATE (l)-[:HAS_OFFER]->(o:Offer {
  id: row.id,
  leadId: row.leadId,
  businessId: row.businessId,
  seq: row.seq,
  rank: row.rank,
  path: row.path,
  pathTrust: row.pathTrust,
  score: row.score,
  reasons: row.reasons,
  status: row.status,
  declineReason: row.declineReason,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  respondedAt: row.respondedAt
})-[:TO]->(b)
RETURN count(o) AS created
