// UNROUTABLE leads created in [$from, $to) by kind: the first of $kinds ({kind, contains})
// whose text the reason contains, else $other. The Lead(createdAt) range index serves the range.
MATCH (l:Lead)
WHERE l.createdAt >= $from AND l.createdAt < $to AND l.status = 'UNROUTABLE'
WITH coalesce([k IN $kinds WHERE l.reason CONTAINS k.contains | k.kind][0], $other) AS kind
RETURN kind, count(*) AS n
