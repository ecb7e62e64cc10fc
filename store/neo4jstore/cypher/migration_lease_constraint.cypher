// The one migration lease node per database: concurrent MERGEs on its name meet on one node.
// Made before the lease is taken, so not a migration; IF NOT EXISTS makes it idempotent.
CREATE CONSTRAINT migration_lease_name IF NOT EXISTS FOR (l:MigrationLease) REQUIRE l.name IS UNIQUE
