// Deletes every node but the migration records (tests only: the contract suite wants an
// empty store for each test).
MATCH (n)
WHERE NOT n:Migration
DETACH DELETE n
