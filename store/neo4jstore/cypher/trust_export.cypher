// One page of trust edges for the export, a row per business: up to $limit businesses after
// $afterFrom by id, each with the edges it gives as [to, score, note, source, updatedAt, setBy]
// lists (empty when it gives none). The unique index business_id gives the businesses in
// order, so a page sorts nothing, and a row per business rather than per edge carries each
// edge once, without its from: reading 1.5M edges a row each (trust_list_all) was most of a
// projection build from Neo4j, per row on the server and over Bolt.
MATCH (a:Business)
WHERE a.id > $afterFrom
WITH a
ORDER BY a.id
LIMIT $limit
RETURN a.id AS from,
       [(a)-[t:TRUSTS]->(b:Business) | [b.id, t.score, t.note, t.source, t.updatedAt, coalesce(t.setBy, '')]] AS edges
