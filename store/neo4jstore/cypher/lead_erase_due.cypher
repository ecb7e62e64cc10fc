// Takes the write locks of up to $limit leads closed before $before that still hold customer
// data, the longest closed first, and returns those that still do once locked: a concurrent
// erasure that committed while this one waited for a lock is seen, and its lead left alone.
MATCH (l:Lead)
WHERE l.closedAt < $before AND l.erasedAt IS NULL
WITH l
ORDER BY l.closedAt
LIMIT $limit
SET l._lock = true
REMOVE l._lock
WITH l
WHERE l.erasedAt IS NULL
RETURN l
