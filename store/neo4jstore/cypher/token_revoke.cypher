// Records that the subject's tokens issued before $before are revoked and returns the time
// recorded. The time only moves forward: the node is locked before its time is read, so that
// concurrent revocations end at the latest of them.
MERGE (r:TokenRevocation {subject: $subject})
ON CREATE SET r.revokedBefore = $before
SET r._lock = true
REMOVE r._lock
SET r.revokedBefore = CASE WHEN r.revokedBefore < $before THEN $before ELSE r.revokedBefore END
RETURN r.revokedBefore AS revokedBefore
