// Indexes for the business listing filters and orders, near-me search, full-text search and
// the newest-first partnership listing.
CREATE RANGE INDEX business_status IF NOT EXISTS FOR (b:Business) ON (b.status);
CREATE RANGE INDEX business_name IF NOT EXISTS FOR (b:Business) ON (b.name, b.id);
CREATE POINT INDEX business_location IF NOT EXISTS FOR (b:Business) ON (b.location);
CREATE FULLTEXT INDEX business_search IF NOT EXISTS FOR (b:Business) ON EACH [b.name, b.description];
CREATE RANGE INDEX partnership_created IF NOT EXISTS FOR (p:Partnership) ON (p.createdAt, p.id)
