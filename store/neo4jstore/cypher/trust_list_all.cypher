// One page of every trust edge by from then to, after the keyset ($afterFrom, $afterTo). The
// range on a.id seeks the unique index business_id in that order; only the edges of one
// business are sorted by to. The tie-break is a CASE, not an OR: a planner may split an OR into
// a union with a label scan and a sort of every edge (see outcome_page).
MATCH (a:Business)-[t:TRUSTS]->(b:Business)
WHERE a.id >= $afterFrom
  AND CASE WHEN a.id > $afterFrom THEN true ELSE b.id > $afterTo END
RETURN a.id AS from, b.id AS to, t.score AS score, t.note AS note, t.source AS source, t.updatedAt AS updatedAt,
       coalesce(t.setBy, '') AS setBy
ORDER BY from, to
LIMIT $limit
