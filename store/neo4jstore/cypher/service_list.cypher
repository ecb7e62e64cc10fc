// Every service, by sector then name (then id, so that the order is total).
MATCH (s:Service)
RETURN s.id AS id, s.name AS name, s.sector AS sector
ORDER BY sector, name, id
