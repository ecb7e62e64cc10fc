// The time before which the subject's tokens are revoked; no row if they never were.
MATCH (r:TokenRevocation {subject: $subject})
RETURN r.revokedBefore AS revokedBefore
