// Creates a partnership and links both parties to it. A taken id fails on the
// Partnership.id constraint, a second open partnership for the pair on Partnership.openPair.
MATCH (a:Business {id: $proposerId})
MATCH (b:Business {id: $partnerId})
CREATE (p:Partnership {
  id: $id,
  proposerId: $proposerId,
  partnerId: $partnerId,
  pairKey: $pairKey,
  openPair: $openPair,
  status: $status,
  feeType: $feeType,
  amountMinor: $amountMinor,
  percentBp: $percentBp,
  currency: $currency,
  message: $message,
  createdAt: $createdAt,
  respondedAt: $respondedAt,
  endedAt: $endedAt
})
CREATE (a)-[:PARTY {role: 'PROPOSER'}]->(p)
CREATE (b)-[:PARTY {role: 'PARTNER'}]->(p)
