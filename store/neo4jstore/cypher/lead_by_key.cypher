// The lead that a referrer stored under an idempotency key (keys are per referrer; purged keys
// are absent, so they match nothing). The lead_referrer_key constraint's index serves it.
MATCH (l:Lead {referrerId: $referrerId, idempotencyKey: $key})
RETURN l
