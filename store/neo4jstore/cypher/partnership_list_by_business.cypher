// One page of the partnerships $businessId is a party to, newest first then by id
// descending, before the keyset ($afterCreatedAt, $afterId) (on the first page a time after
// every partnership); a non-null $status filters. The page starts from the business (a seek
// of its unique id) and sorts only its partnerships. The tie-break is a CASE, not an OR, as in
// partnership_list_all.
MATCH (:Business {id: $businessId})-[:PARTY]->(p:Partnership)
WHERE p.createdAt <= $afterCreatedAt
  AND CASE WHEN p.createdAt < $afterCreatedAt THEN true ELSE p.id < $afterId END
  AND ($status IS NULL OR p.status = $status)
RETURN p
ORDER BY p.createdAt DESC, p.id DESC
LIMIT $limit
