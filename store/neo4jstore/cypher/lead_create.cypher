// Creates a lead and links it to its referrer. A taken id, or a key the referrer already used,
// fails on the lead_id or lead_referrer_key constraint.
MATCH (r:Business {id: $referrerId})
CREATE (l:Lead {
  id: $id,
  idempotencyKey: $idempotencyKey,
  inputHash: $inputHash,
  referrerId: $referrerId,
  serviceId: $serviceId,
  location: $location,
  customerName: $customerName,
  customerEmail: $customerEmail,
  customerPhone: $customerPhone,
  consentText: $consentText,
  consentGivenAt: $consentGivenAt,
  notes: $notes,
  mode: $mode,
  maxOffers: $maxOffers,
  status: $status,
  reason: $reason,
  valueMinor: $valueMinor,
  currency: $currency,
  createdAt: $createdAt,
  closedAt: $closedAt
})
CREATE (l)-[:REFERRED_BY]->(r)
RETURN l.id AS id
