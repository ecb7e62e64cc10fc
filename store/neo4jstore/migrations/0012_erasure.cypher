// The retention loop (EraseClosedLeads) reads leads by when they closed.
CREATE RANGE INDEX lead_closed IF NOT EXISTS FOR (l:Lead) ON (l.closedAt)
