// One page of networks by id, after $afterId (export).
MATCH (n:Network)
WHERE n.id > $afterId
RETURN n
ORDER BY n.id
LIMIT $limit
