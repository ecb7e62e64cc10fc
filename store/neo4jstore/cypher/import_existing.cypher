// Which of the ids an import refers to, without creating them at an earlier line, the database
// holds (the import's check before it writes anything), by kind.
UNWIND $services AS id
MATCH (s:Service {id: id})
RETURN 'service' AS kind, s.id AS id
UNION ALL
UNWIND $businesses AS id
MATCH (b:Business {id: id})
RETURN 'business' AS kind, b.id AS id
UNION ALL
UNWIND $networks AS id
MATCH (n:Network {id: id})
RETURN 'network' AS kind, n.id AS id
