// The open (PROPOSED or ACTIVE) partnerships of these pairs.
UNWIND $pairs AS pair
MATCH (p:Partnership {openPair: pair})
RETURN p.id AS id, p.openPair AS pair
