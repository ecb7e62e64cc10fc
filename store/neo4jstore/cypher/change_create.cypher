// Appends a write's changes to the change feed, in the write's own transaction: one
// (:Change) node per row, each with its seq already assigned from the write's reservation
// (seqs.go). The nodes link to nothing, so concurrent writers lock nothing in common here.
UNWIND $changes AS row
CREATE (c:Change {seq: row.seq, kind: row.kind, id: row.id, to: row.to, origin: $origin, at: $at})
RETURN count(c) AS created
