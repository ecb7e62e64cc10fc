// Takes the write locks of the leads $ids and returns those that still hold customer data
// once locked: a concurrent erasure that committed while this one waited for a lock is seen,
// and its lead left alone.
UNWIND $ids AS id
MATCH (l:Lead {id: id})
SET l._lock = true
REMOVE l._lock
WITH l
WHERE l.erasedAt IS NULL
RETURN l
