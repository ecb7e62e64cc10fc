// The partnership with the id.
MATCH (p:Partnership {id: $id})
RETURN p
