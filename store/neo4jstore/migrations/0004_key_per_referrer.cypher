// An idempotency key belongs to its referrer: the same key from two businesses makes two
// leads, so that no business can find or block another's lead by guessing its key. A composite
// property uniqueness constraint (Community edition has these; only key and existence
// constraints need Enterprise) on (referrerId, idempotencyKey) replaces the one on the key
// alone. Like that one, it ignores leads without a key (purged), and its index serves
// lead_by_key. It is created before the old one is dropped, so keys are unique at every moment
// and concurrent writers never see a lead without a uniqueness rule.
CREATE CONSTRAINT lead_referrer_key IF NOT EXISTS FOR (l:Lead) REQUIRE (l.referrerId, l.idempotencyKey) IS UNIQUE;
DROP CONSTRAINT lead_idempotency_key IF EXISTS
