// Up to $limit changes after seq $after, by seq (the change_seq constraint's index serves
// both the filter and the order).
MATCH (c:Change)
WHERE c.seq > $after
RETURN c
ORDER BY c.seq
LIMIT $limit
