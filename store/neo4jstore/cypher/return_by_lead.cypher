// The lead's return, if any (the LeadReturn.leadId constraint's index).
MATCH (r:LeadReturn {leadId: $leadId})
RETURN r
