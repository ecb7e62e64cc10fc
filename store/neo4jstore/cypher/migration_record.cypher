// Records that a schema migration was applied, merged on its constrained version.
MERGE (m:Migration {version: $version})
ON CREATE SET m.name = $name, m.appliedAt = $appliedAt
