// For each recipient and UTC day [$from, $to) of the offers that this transaction has just
// written ($rows: i, businessId, from, to, n of them): the business's daily lead cap, and how
// many offers it had that day before these. The count is kept on one (:OfferDay {businessId,
// day}) node per recipient and day, which this statement locks and moves up by n; a node made
// now starts from the day's offers as stored, these included (the Offer(businessId,
// createdAt) index serves the count). Every writer of offers runs this as its last statement,
// so writers to one recipient take turns only from here to their commit, and no offer is
// counted twice or missed. $rows are sorted by business and day, so that concurrent writers
// lock in one order. An unknown business gets no row.
UNWIND $rows AS r
MATCH (b:Business {id: r.businessId})
MERGE (d:OfferDay {businessId: r.businessId, day: r.from})
SET d._lock = true
REMOVE d._lock
WITH r, b, d
SET d.offers = coalesce(d.offers + r.n, COUNT {
  MATCH (o:Offer)
  WHERE o.businessId = r.businessId AND o.createdAt >= r.from AND o.createdAt < r.to
})
RETURN r.i AS i, b.dailyLeadCap AS cap, d.offers - r.n AS offers
