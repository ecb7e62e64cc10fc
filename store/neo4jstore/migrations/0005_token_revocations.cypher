// Token revocations: one (:TokenRevocation {subject, revokedBefore}) node per token subject,
// which the uniqueness constraint keeps to one (concurrent first revocations meet on it).
CREATE CONSTRAINT token_revocation_subject IF NOT EXISTS FOR (r:TokenRevocation) REQUIRE r.subject IS UNIQUE
