// Deletes the endpoint and its delivery log; no row when there is no such endpoint.
MATCH (w:Webhook {id: $id})
CALL {
  WITH w
  MATCH (d:WebhookDelivery)
  WHERE d.webhookId = w.id
  DELETE d
}
DELETE w
RETURN $id AS id
