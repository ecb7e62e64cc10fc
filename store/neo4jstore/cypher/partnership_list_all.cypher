// One page of partnerships, newest first then by id descending, before the keyset
// ($afterCreatedAt, $afterId) (null on the first page); a non-null $status filters.
MATCH (p:Partnership)
WHERE ($status IS NULL OR p.status = $status)
  AND ($afterCreatedAt IS NULL OR p.createdAt < $afterCreatedAt OR (p.createdAt = $afterCreatedAt AND p.id < $afterId))
RETURN p
ORDER BY p.createdAt DESC, p.id DESC
LIMIT $limit
