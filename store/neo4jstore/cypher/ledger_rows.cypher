// The raw rows of a business's ledger, one per partner and kind: 'given' counts the offers of
// the leads the business referred, by recipient; 'received' the offers it was made, by
// referrer; 'owed' and 'earned' sum the commissions it pays and earns, by partner and
// currency; 'reversed_owed' and 'reversed_earned' sum the reversals of those commissions
// (returns accepted after the lead was won), each a ledger line of its own. Offers and commissions between a business and itself do not count. The store
// turns the rows into ledger lines.
MATCH (:Business {id: $businessId})<-[:REFERRED_BY]-(l:Lead)-[:HAS_OFFER]->(o:Offer)
WHERE o.businessId <> $businessId
RETURN 'given' AS kind, o.businessId AS partnerId, '' AS currency, count(o) AS leads,
       count(CASE WHEN o.status = 'ACCEPTED' THEN 1 END) AS accepted,
       count(CASE WHEN o.status = 'ACCEPTED' AND l.status = 'WON' THEN 1 END) AS won,
       0 AS amountMinor
UNION ALL
MATCH (:Business {id: $businessId})<-[:TO]-(o:Offer)<-[:HAS_OFFER]-(l:Lead)
WHERE l.referrerId <> $businessId
RETURN 'received' AS kind, l.referrerId AS partnerId, '' AS currency, count(o) AS leads,
       count(CASE WHEN o.status = 'ACCEPTED' THEN 1 END) AS accepted,
       count(CASE WHEN o.status = 'ACCEPTED' AND l.status = 'WON' THEN 1 END) AS won,
       0 AS amountMinor
UNION ALL
MATCH (c:Commission)
WHERE c.payerId = $businessId AND c.payeeId <> $businessId
RETURN 'owed' AS kind, c.payeeId AS partnerId, c.currency AS currency, 0 AS leads, 0 AS accepted,
       0 AS won, sum(c.amountMinor) AS amountMinor
UNION ALL
MATCH (c:Commission)
WHERE c.payeeId = $businessId AND c.payerId <> $businessId
RETURN 'earned' AS kind, c.payerId AS partnerId, c.currency AS currency, 0 AS leads, 0 AS accepted,
       0 AS won, sum(c.amountMinor) AS amountMinor
UNION ALL
MATCH (v:CommissionReversal)
WHERE v.payerId = $businessId AND v.payeeId <> $businessId
RETURN 'reversed_owed' AS kind, v.payeeId AS partnerId, v.currency AS currency, 0 AS leads, 0 AS accepted,
       0 AS won, sum(v.amountMinor) AS amountMinor
UNION ALL
MATCH (v:CommissionReversal)
WHERE v.payeeId = $businessId AND v.payerId <> $businessId
RETURN 'reversed_earned' AS kind, v.payerId AS partnerId, v.currency AS currency, 0 AS leads, 0 AS accepted,
       0 AS won, sum(v.amountMinor) AS amountMinor
