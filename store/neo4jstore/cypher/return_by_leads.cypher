// The returns of the leads $leadIds that have one (the LeadReturn.leadId constraint's index).
UNWIND $leadIds AS leadId
MATCH (r:LeadReturn {leadId: leadId})
RETURN r
