// One page of the partnerships $businessId is a party to, newest first then by id
// descending, before the keyset ($afterCreatedAt, $afterId); a non-null $status filters.
MATCH (:Business {id: $businessId})-[:PARTY]->(p:Partnership)
WHERE ($status IS NULL OR p.status = $status)
  AND ($afterCreatedAt IS NULL OR p.createdAt < $afterCreatedAt OR (p.createdAt = $afterCreatedAt AND p.id < $afterId))
RETURN p
ORDER BY p.createdAt DESC, p.id DESC
LIMIT $limit
