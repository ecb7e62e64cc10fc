// The lead stored under an idempotency key (purged keys are absent, so they match nothing).
MATCH (l:Lead {idempotencyKey: $key})
RETURN l
