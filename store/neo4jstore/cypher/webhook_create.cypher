// Creates an endpoint of the business $businessId with its cursors at the current ends of the
// business's inbox and lead events, so that it receives what is written after it. No row when
// the business does not exist.
MATCH (b:Business {id: $businessId})
CALL {
  WITH b
  MATCH (o:Offer)
  WHERE o.businessId = b.id
  RETURN coalesce(max(o.seq), 0) AS offerCursor
}
CALL {
  WITH b
  MATCH (e:LeadEvent)
  WHERE e.referrerId = b.id
  RETURN coalesce(max(e.seq), 0) AS eventCursor
}
CREATE (w:Webhook {id: $id, businessId: b.id, url: $url, events: $events, secret: $secret, previousSecret: '',
                   enabled: true, disabledReason: '', createdAt: $createdAt, offerCursor: offerCursor,
                   eventCursor: eventCursor, attempts: 0, leaseHolder: '', leaseUntil: 0})
RETURN w
