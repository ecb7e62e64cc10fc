// Every node but the migration records, as store/neo4jstore/cypher/test_wipe.cypher: a server
// starting on the emptied database finds it migrated.
MATCH (n) WHERE NOT n:Migration DETACH DELETE n
