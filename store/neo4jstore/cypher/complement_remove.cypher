// Deletes the complement $from -> $to and says how many were deleted.
OPTIONAL MATCH (:Service {id: $from})-[c:COMPLEMENTS]->(:Service {id: $to})
DELETE c
RETURN count(c) AS deleted
