// Drops a constraint by name (tests only).
DROP CONSTRAINT $name
