// Deletes the membership and says how many were deleted.
OPTIONAL MATCH (:Business {id: $businessId})-[m:MEMBER_OF]->(:Network {id: $networkId})
DELETE m
RETURN count(m) AS deleted
