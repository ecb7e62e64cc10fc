// Deletes up to $limit changes written before $before and at or below the seq watermark
// $upto (so that the marker never passes a change that may still commit), and raises the trim
// marker to the highest seq deleted, in the same transaction: a reader that reads the feed
// and then the marker sees either the changes or the marker that says they are gone. The
// marker's lock is taken first, so concurrent trims take turns rather than delete one change
// twice.
MERGE (t:ChangeTrim {name: 'changes'})
ON CREATE SET t.upTo = 0
SET t._lock = true
REMOVE t._lock
WITH t
OPTIONAL MATCH (c:Change)
WHERE c.at < $before AND c.seq <= $upto
WITH t, c
LIMIT $limit
WITH t, collect(c) AS batch
WITH t, batch, reduce(top = 0, c IN batch | CASE WHEN c.seq > top THEN c.seq ELSE top END) AS top
SET t.upTo = CASE WHEN top > t.upTo THEN top ELSE t.upTo END
FOREACH (c IN batch | DELETE c)
RETURN size(batch) AS deleted
