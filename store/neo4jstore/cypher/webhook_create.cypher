// Creates an endpoint of the business $businessId with its cursors at the current ends of the
// business's inbox and lead events, so that it receives what is written after it. No row when
// the business does not exist.
MATCH (b:Business {id: $businessId})
OPTIONAL MATCH (o:Offer)
WHERE o.businessId = b.id
WITH b, coalesce(max(o.seq), 0) AS offerCursor
OPTIONAL MATCH (e:LeadEvent)
WHERE e.referrerId = b.id
WITH b, offerCursor, coalesce(max(e.seq), 0) AS eventCursor
CREATE (w:Webhook {id: $id, businessId: b.id, url: $url, events: $events, secret: $secret, previousSecret: '',
                   enabled: true, disabledReason: '', createdAt: $createdAt, offerCursor: offerCursor,
                   eventCursor: eventCursor, attempts: 0, leaseHolder: '', leaseUntil: 0})
RETURN w
