// The commission a won lead earned, if any: a lead earns at most one (the Commission.leadId
// uniqueness constraint, whose index this reads), and whether it was reversed (then it reads
// as VOID).
MATCH (c:Commission {leadId: $leadId})
RETURN c, EXISTS { MATCH (:CommissionReversal {commissionId: c.id}) } AS voided
