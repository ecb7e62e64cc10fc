// The names of every constraint (tests only).
SHOW CONSTRAINTS YIELD name
RETURN name
