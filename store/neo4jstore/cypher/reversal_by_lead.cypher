// The reversals of a lead's commission (none or one).
MATCH (v:CommissionReversal {leadId: $leadId})
RETURN v
ORDER BY v.createdAt, v.id
