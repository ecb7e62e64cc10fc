// One page of services by id, after $afterId (export).
MATCH (s:Service)
WHERE s.id > $afterId
RETURN s.id AS id, s.name AS name, s.sector AS sector
ORDER BY id
LIMIT $limit
