// One page of the returns in a state, oldest request first, after the keyset
// ($afterRequestedAt, $afterId) (null for the first page).
MATCH (r:LeadReturn)
WHERE r.state = $state AND r.requestedAt IS NOT NULL AND r.leadId IS NOT NULL
  AND ($afterRequestedAt IS NULL OR r.requestedAt > $afterRequestedAt
       OR (r.requestedAt = $afterRequestedAt AND r.leadId > $afterId))
RETURN r
ORDER BY r.requestedAt, r.leadId
LIMIT $limit
