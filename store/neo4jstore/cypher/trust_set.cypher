// Creates or replaces trust edges. The caller has locked both businesses of every row.
UNWIND $rows AS row
MATCH (a:Business)
WHERE a.id = row.from
MATCH (b:Business)
WHERE b.id = row.to
MERGE (a)-[t:TRUSTS]->(b)
SET t.score = row.score,
    t.note = row.note,
    t.source = row.source,
    t.updatedAt = row.updatedAt
