// Deletes a reservation of seqs (seq_reserve) once the writes numbered from it have committed
// or failed, so that readers of feeds may read past it. Matched by element id and its first
// seq, because an element id can be reused once its node is deleted.
MATCH (r:SeqReservation)
WHERE elementId(r) = $id AND r.first = $first
DELETE r
