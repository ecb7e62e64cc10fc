// The commission a won lead earned, if any: a lead earns at most one (the Commission.leadId
// uniqueness constraint, whose index this reads).
MATCH (c:Commission {leadId: $leadId})
RETURN c
