// Per referrer: the offers of its leads that partners accepted, its leads' returns, and how
// many of those were accepted. (CALL (id) { }: the variable scope clause of Neo4j 5.23 and
// later.)
UNWIND $ids AS id
CALL (id) {
  MATCH (:Business {id: id})<-[:REFERRED_BY]-(:Lead)-[:HAS_OFFER]->(o:Offer)
  WHERE o.status = 'ACCEPTED'
  RETURN count(o) AS accepted
}
CALL (id) {
  MATCH (r:LeadReturn {referrerId: id})
  RETURN count(r) AS returns, count(CASE WHEN r.state = 'ACCEPTED' THEN 1 END) AS returnsAccepted
}
RETURN id, accepted, returns, returnsAccepted
