// Creates a lead and links it to its referrer. A taken id or idempotency key fails on the
// Lead.id or Lead.idempotencyKey constraint.
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
