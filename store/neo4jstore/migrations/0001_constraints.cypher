// Uniqueness constraints (Community edition): every id, plus openPair, which only PROPOSED and
// ACTIVE partnerships carry, so a pair has at most one open partnership even under
// concurrent writers. Each constraint also gives its property a range index.
CREATE CONSTRAINT business_id IF NOT EXISTS FOR (b:Business) REQUIRE b.id IS UNIQUE;
CREATE CONSTRAINT service_id IF NOT EXISTS FOR (s:Service) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT network_id IF NOT EXISTS FOR (n:Network) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT partnership_id IF NOT EXISTS FOR (p:Partnership) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT partnership_open_pair IF NOT EXISTS FOR (p:Partnership) REQUIRE p.openPair IS UNIQUE;
CREATE CONSTRAINT user_sub IF NOT EXISTS FOR (u:User) REQUIRE u.sub IS UNIQUE;
CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (m:Migration) REQUIRE m.version IS UNIQUE
