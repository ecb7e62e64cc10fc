// One page of networks by name then id, after the keyset ($afterName, $afterId). The range on
// name seeks the index network_name (name, id), which also gives the order (the IS NOT NULL
// lets the planner use its second property). The tie-break is a CASE, not an OR: a planner
// splits an OR into a union with a label scan and a sort of every network.
MATCH (n:Network)
WHERE n.name >= $afterName AND n.id IS NOT NULL
  AND CASE WHEN n.name > $afterName THEN true ELSE n.id > $afterId END
RETURN n
ORDER BY n.name, n.id
LIMIT $limit
