// Takes a write lock on each business that exists, in the order of $ids (sorted by the
// caller, so that concurrent writers lock in one order), and returns its id. The lock is held
// until the transaction ends: later statements of the transaction read the latest committed
// state, and no other writer can change it underneath.
UNWIND $ids AS id
MATCH (b:Business {id: id})
SET b._lock = true
REMOVE b._lock
RETURN b.id AS id
