// One page of partnerships, newest first then by id descending, before the keyset
// ($afterCreatedAt, $afterId) (on the first page a time after every partnership); a non-null
// $status filters. The range on createdAt seeks the index partnership_created (createdAt, id)
// backwards, which also gives the order (the IS NOT NULL lets the planner use its second
// property). The tie-break is a CASE, not an OR, and the first page is a time, not a null:
// with either, the planner scanned and sorted every partnership for every page.
MATCH (p:Partnership)
WHERE p.createdAt <= $afterCreatedAt AND p.id IS NOT NULL
  AND CASE WHEN p.createdAt < $afterCreatedAt THEN true ELSE p.id < $afterId END
  AND ($status IS NULL OR p.status = $status)
RETURN p
ORDER BY p.createdAt DESC, p.id DESC
LIMIT $limit
