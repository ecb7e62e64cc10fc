// Leads, their offers (inbox entries), the referrers' lead events, commissions and the seq
// counter. Uniqueness constraints (Community edition) on every id, on Lead.idempotencyKey
// (purged keys are removed, and uniqueness ignores nodes without the property, so a purged
// key can be used again), on the seqs, on Commission.leadId (a lead earns one commission) and
// on Counter.name (concurrent first uses of the counter meet on one node).
CREATE CONSTRAINT lead_id IF NOT EXISTS FOR (l:Lead) REQUIRE l.id IS UNIQUE;
CREATE CONSTRAINT lead_idempotency_key IF NOT EXISTS FOR (l:Lead) REQUIRE l.idempotencyKey IS UNIQUE;
CREATE CONSTRAINT offer_id IF NOT EXISTS FOR (o:Offer) REQUIRE o.id IS UNIQUE;
CREATE CONSTRAINT offer_seq IF NOT EXISTS FOR (o:Offer) REQUIRE o.seq IS UNIQUE;
CREATE CONSTRAINT lead_event_seq IF NOT EXISTS FOR (e:LeadEvent) REQUIRE e.seq IS UNIQUE;
CREATE CONSTRAINT commission_id IF NOT EXISTS FOR (c:Commission) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT commission_lead_id IF NOT EXISTS FOR (c:Commission) REQUIRE c.leadId IS UNIQUE;
CREATE CONSTRAINT counter_name IF NOT EXISTS FOR (c:Counter) REQUIRE c.name IS UNIQUE;
// Range indexes: a business's inbox by seq, the due offers, offers made to a business since a
// time (daily caps), a referrer's event feed by seq, leads by creation time (purge), and the
// commissions a business pays or earns, newest first.
CREATE RANGE INDEX offer_inbox IF NOT EXISTS FOR (o:Offer) ON (o.businessId, o.seq);
CREATE RANGE INDEX offer_due IF NOT EXISTS FOR (o:Offer) ON (o.status, o.expiresAt);
CREATE RANGE INDEX offer_business_created IF NOT EXISTS FOR (o:Offer) ON (o.businessId, o.createdAt);
CREATE RANGE INDEX lead_event_feed IF NOT EXISTS FOR (e:LeadEvent) ON (e.referrerId, e.seq);
CREATE RANGE INDEX lead_created IF NOT EXISTS FOR (l:Lead) ON (l.createdAt);
CREATE RANGE INDEX commission_payer IF NOT EXISTS FOR (c:Commission) ON (c.payerId, c.createdAt, c.id);
CREATE RANGE INDEX commission_payee IF NOT EXISTS FOR (c:Commission) ON (c.payeeId, c.createdAt, c.id)
