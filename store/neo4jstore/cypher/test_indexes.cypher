// The names of every index but the token lookup indexes, which constraints do not own (tests
// only).
SHOW INDEXES YIELD name, type
WHERE type <> 'LOOKUP'
RETURN name
