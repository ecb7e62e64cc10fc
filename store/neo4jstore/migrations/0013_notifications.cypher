// A business's feed carries notices besides the status changes of its leads
// (partnergraph.LeadEventKind, the LeadEvent's kind; events written before have none and read
// as STATUS). LeadErasures reads a business's LEAD_ERASED events by seq through the first
// index, without the status changes between them; ReleaseWebhooks finds the endpoints a
// stopping server leases by their holder through the second.
CREATE RANGE INDEX lead_event_kind_feed IF NOT EXISTS FOR (e:LeadEvent) ON (e.referrerId, e.kind, e.seq);
CREATE RANGE INDEX webhook_lease_holder IF NOT EXISTS FOR (w:Webhook) ON (w.leaseHolder)
