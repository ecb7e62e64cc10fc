// Requested returns whose contest window ended, the longest overdue first.
MATCH (r:LeadReturn)
WHERE r.state = 'REQUESTED' AND r.contestBy <= $now
RETURN r
ORDER BY r.contestBy, r.leadId
LIMIT $limit
