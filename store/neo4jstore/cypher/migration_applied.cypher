// The versions of the schema migrations applied so far.
MATCH (m:Migration)
RETURN m.version AS version
