// The trust edge $from -> $to.
MATCH (a:Business {id: $from})-[t:TRUSTS]->(b:Business {id: $to})
RETURN a.id AS from, b.id AS to, t.score AS score, t.note AS note, t.source AS source, t.updatedAt AS updatedAt,
       coalesce(t.setBy, '') AS setBy
