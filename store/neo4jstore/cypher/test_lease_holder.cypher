// The holder of the migration lease, if anyone holds it (tests only).
MATCH (l:MigrationLease {name: 'schema'})
WHERE l.holder IS NOT NULL
RETURN l.holder AS holder
