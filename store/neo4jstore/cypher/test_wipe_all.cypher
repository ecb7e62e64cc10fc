// Deletes every node, migration records included (tests only: a database with no schema).
MATCH (n)
DETACH DELETE n
