// Hands out $n seqs: moves the counter up by $n and returns its new value, the last of them.
// Runs after seq_lock in the same transaction, so the value it reads is the latest.
MATCH (c:Counter {name: 'seq'})
SET c.value = c.value + $n
RETURN c.value AS last
