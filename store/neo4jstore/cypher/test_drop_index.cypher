// Drops an index by name (tests only).
DROP INDEX $name
