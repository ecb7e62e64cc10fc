// One page of networks by name then id, after the keyset ($afterName, $afterId).
MATCH (n:Network)
WHERE n.name >= $afterName
  AND (n.name > $afterName OR n.id > $afterId)
RETURN n
ORDER BY n.name, n.id
LIMIT $limit
