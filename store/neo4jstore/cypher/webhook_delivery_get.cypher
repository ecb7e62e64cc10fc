// The delivery log's entry of one endpoint and event.
MATCH (d:WebhookDelivery {key: $key})
RETURN d
