// Up to $limit LEAD_ERASED events of a business's feed after seq $after, by seq (the
// LeadEvent(referrerId, kind, seq) index serves the filter and the order, skipping the status
// changes between them).
MATCH (e:LeadEvent)
WHERE e.referrerId = $referrerId AND e.kind = 'LEAD_ERASED' AND e.seq > $after
RETURN e
ORDER BY e.seq
LIMIT $limit
