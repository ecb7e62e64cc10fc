// One page of endpoints, of the business $businessId (every business for null), oldest first
// then by id, after the keyset ($afterCreatedAt, $afterId) (null on the first page).
MATCH (w:Webhook)
WHERE ($businessId IS NULL OR w.businessId = $businessId)
  AND ($afterCreatedAt IS NULL OR w.createdAt > $afterCreatedAt OR (w.createdAt = $afterCreatedAt AND w.id > $afterId))
RETURN w
ORDER BY w.createdAt, w.id
LIMIT $limit
