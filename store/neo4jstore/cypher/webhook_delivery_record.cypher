// After webhook_lock: records an attempt in the endpoint's delivery log, one node per event
// (the endpoint's lock keeps concurrent MERGEs of one key apart).
MERGE (d:WebhookDelivery {key: $key})
ON CREATE SET d.webhookId = $webhookId, d.eventId = $eventId, d.event = $event, d.seq = $seq,
              d.attempts = 0, d.createdAt = $at
SET d.attempts = d.attempts + 1, d.status = $status, d.statusCode = $statusCode, d.latencyNs = $latencyNs,
    d.lastError = $lastError, d.response = $response, d.updatedAt = $at
RETURN d.key AS key
