// Every offer of a lead, by rank then seq: no row for an unknown lead, one row with a null
// offer for a lead without offers.
MATCH (l:Lead {id: $leadId})
OPTIONAL MATCH (l)-[:HAS_OFFER]->(o:Offer)
RETURN o
ORDER BY o.rank, o.seq
