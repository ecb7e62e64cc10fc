// One page of partnerships oldest first then by id, after the keyset ($afterCreatedAt,
// $afterId) (the first page starts at the earliest time), so that an import replays them in
// creation order. The range on createdAt alone seeks the index partnership_created
// (createdAt, id), which also gives the order, so a page reads only its own rows. The keyset's
// tie-break is a CASE, not an OR: the planner splits `a AND (b OR c)` into a union with a
// label scan, and with that (or the IS NULL of the first page that this replaced) every page
// scanned and sorted every partnership, which made an export quadratic.
MATCH (p:Partnership)
WHERE p.createdAt >= $afterCreatedAt AND p.id IS NOT NULL
  AND CASE WHEN p.createdAt > $afterCreatedAt THEN true ELSE p.id > $afterId END
RETURN p
ORDER BY p.createdAt, p.id
LIMIT $limit
