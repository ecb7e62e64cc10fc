// One page of the commissions a business pays or earns, newest first then by id descending,
// before the keyset ($afterCreatedAt, $afterId) (null for the first page). Each side is read
// from its own (payerId|payeeId, createdAt, id) index and limited before the two are merged,
// so a page costs the same however many commissions the business has. A business never pays
// itself, so the two sides never share a commission. (CALL () { }: the variable scope clause
// of Neo4j 5.23 and later.) A reversed commission reads as VOID.
CALL () {
  MATCH (c:Commission)
  WHERE c.payerId = $businessId AND c.createdAt IS NOT NULL AND c.id IS NOT NULL
    AND ($afterCreatedAt IS NULL OR c.createdAt < $afterCreatedAt OR (c.createdAt = $afterCreatedAt AND c.id < $afterId))
  RETURN c
  ORDER BY c.createdAt DESC, c.id DESC
  LIMIT $limit
  UNION ALL
  MATCH (c:Commission)
  WHERE c.payeeId = $businessId AND c.createdAt IS NOT NULL AND c.id IS NOT NULL
    AND ($afterCreatedAt IS NULL OR c.createdAt < $afterCreatedAt OR (c.createdAt = $afterCreatedAt AND c.id < $afterId))
  RETURN c
  ORDER BY c.createdAt DESC, c.id DESC
  LIMIT $limit
}
RETURN c, EXISTS { MATCH (:CommissionReversal {commissionId: c.id}) } AS voided
ORDER BY c.createdAt DESC, c.id DESC
LIMIT $limit
