// One page of an endpoint's delivery log, newest first (by first attempt) then by event id
// descending, before the keyset ($afterCreatedAt, $afterId) (null on the first page).
MATCH (d:WebhookDelivery)
WHERE d.webhookId = $webhookId
  AND ($afterCreatedAt IS NULL OR d.createdAt < $afterCreatedAt OR (d.createdAt = $afterCreatedAt AND d.eventId < $afterId))
RETURN d
ORDER BY d.createdAt DESC, d.eventId DESC
LIMIT $limit
