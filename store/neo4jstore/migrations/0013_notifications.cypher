// A business's feed carries notices besides the status changes of its leads
// (partnergraph.LeadEventKind, the LeadEvent's kind; events written before have none and read
// as STATUS). LeadErasures reads a business's LEAD_ERASED events by seq through this index,
// without the status changes between them.
CREATE RANGE INDEX lead_event_kind_feed IF NOT EXISTS FOR (e:LeadEvent) ON (e.referrerId, e.kind, e.seq)
