MATCH (l:Lead {id: $id})
RETURN l
