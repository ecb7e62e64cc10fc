// Deletes reservations of seqs (seq_reserve) once the writes numbered from them have
// committed or failed, so that readers of feeds may read past them. Each is matched by its
// element id and its first seq, because an element id can be reused once its node is deleted.
UNWIND $reservations AS x
MATCH (r:SeqReservation)
WHERE elementId(r) = x.id AND r.first = x.first
DELETE r
