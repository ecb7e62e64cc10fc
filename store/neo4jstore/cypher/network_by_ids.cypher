// The networks with these ids that exist.
UNWIND $ids AS id
MATCH (n:Network {id: id})
RETURN n
