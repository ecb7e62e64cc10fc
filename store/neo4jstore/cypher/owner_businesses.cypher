// The ids of the businesses the user owns, sorted.
MATCH (:User {sub: $sub})-[:OWNS]->(b:Business)
RETURN b.id AS id
ORDER BY id
