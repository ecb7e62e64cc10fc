// The seq counter's value: every seq up to it has been reserved (seq_reserve). A feed reader
// reads it first, then the open reservations (seq_open), then the feed, each in a statement of
// its own so that the three reads happen in that order.
OPTIONAL MATCH (c:Counter {name: 'seq'})
RETURN coalesce(c.value, 0) AS top
