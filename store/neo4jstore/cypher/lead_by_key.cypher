// The leads that referrers stored under idempotency keys, one question per row of $keys
// ({i, referrerId, key}; keys are per referrer; purged keys are absent, so they match nothing):
// a row for each key that holds a lead, named by its i. The lead_referrer_key constraint's
// index serves each look-up. A batch of submissions asks for all its keys at once.
UNWIND $keys AS k
MATCH (l:Lead {referrerId: k.referrerId, idempotencyKey: k.key})
RETURN k.i AS i, l
