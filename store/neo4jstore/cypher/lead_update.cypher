// Writes a lead's status, reason, close time and value after a transition (a null closedAt
// removes the property).
MATCH (l:Lead {id: $id})
SET l.status = $status,
    l.reason = $reason,
    l.closedAt = $closedAt,
    l.valueMinor = $valueMinor,
    l.currency = $currency
