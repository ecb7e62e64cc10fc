// Creates a lead's new offers (each row with its seq already assigned), each linked to the
// lead and to its recipient, and returns how many it created. A taken id fails on the
// Offer.id constraint.
MATCH (l:Lead {id: $leadId})
UNWIND $offers AS row
MATCH (b:Business {id: row.businessId})
CREATE (l)-[:HAS_OFFER]->(o:Offer {
  id: row.id,
  leadId: $leadId,
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
