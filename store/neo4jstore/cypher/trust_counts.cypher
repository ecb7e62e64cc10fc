// How many trust edges leave and enter each of these businesses, for those that have any.
UNWIND $ids AS id
MATCH (b:Business {id: id})
WITH b,
     COUNT { (b)-[:TRUSTS]->(:Business) } AS outgoing,
     COUNT { (b)<-[:TRUSTS]-(:Business) } AS incoming
WHERE outgoing > 0 OR incoming > 0
RETURN b.id AS id, outgoing, incoming
