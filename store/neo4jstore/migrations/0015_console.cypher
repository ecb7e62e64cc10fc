// The console's health view (NetworkHealth) counts the offers made in a time range: a range
// index on their creation time (leads have lead_created, migration 0003).
CREATE RANGE INDEX offer_created IF NOT EXISTS FOR (o:Offer) ON (o.createdAt)
