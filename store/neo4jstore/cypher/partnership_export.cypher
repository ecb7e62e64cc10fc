// One page of partnerships oldest first then by id, after the keyset ($afterCreatedAt,
// $afterId) (null on the first page), so that an import replays them in creation order.
MATCH (p:Partnership)
WHERE $afterCreatedAt IS NULL OR p.createdAt > $afterCreatedAt OR (p.createdAt = $afterCreatedAt AND p.id > $afterId)
RETURN p
ORDER BY p.createdAt, p.id
LIMIT $limit
