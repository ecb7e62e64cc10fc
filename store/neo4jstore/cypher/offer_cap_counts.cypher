// For each recipient and UTC day of new offers: the business's daily lead cap and how many
// offers it was made that day, [$from, $to) (the Offer(businessId, createdAt) index serves
// it). Read under the seq counter's lock, which every writer of offers holds until it commits,
// so that the count cannot change before this transaction's offers are written. An unknown
// business gets no row.
UNWIND $rows AS r
MATCH (b:Business {id: r.businessId})
OPTIONAL MATCH (o:Offer)
  WHERE o.businessId = r.businessId AND o.createdAt >= r.from AND o.createdAt < r.to
RETURN r.i AS i, b.dailyLeadCap AS cap, count(o) AS offers
