// Deletes the trust edge $from -> $to and says how many were deleted.
OPTIONAL MATCH (:Business {id: $from})-[t:TRUSTS]->(:Business {id: $to})
DELETE t
RETURN count(t) AS deleted
