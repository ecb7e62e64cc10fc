// Deletes the endpoint and its delivery log; no row when there is no such endpoint.
MATCH (w:Webhook {id: $id})
OPTIONAL MATCH (d:WebhookDelivery)
WHERE d.webhookId = w.id
WITH w, collect(d) AS log
FOREACH (d IN log | DELETE d)
DELETE w
RETURN $id AS id
