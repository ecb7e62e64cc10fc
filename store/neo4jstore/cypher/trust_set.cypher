// Creates or replaces trust edges. The caller has checked that both businesses of every row
// exist (SetTrust locks them; an import checks before it writes, and businesses are never
// deleted); the MERGE locks both ends, so concurrent writers of one edge make it once.
UNWIND $rows AS row
MATCH (a:Business)
WHERE a.id = row.from
MATCH (b:Business)
WHERE b.id = row.to
MERGE (a)-[t:TRUSTS]->(b)
SET t.score = row.score,
    t.note = row.note,
    t.source = row.source,
    t.updatedAt = row.updatedAt,
    t.setBy = row.setBy
