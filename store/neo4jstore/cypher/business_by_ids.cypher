// The businesses with these ids that exist.
UNWIND $ids AS id
MATCH (b:Business {id: id})
RETURN b
