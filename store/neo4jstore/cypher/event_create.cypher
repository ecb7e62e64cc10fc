// Creates lead events (each row with its seq already assigned) and returns how many.
UNWIND $events AS row
CREATE (e:LeadEvent {
  seq: row.seq,
  leadId: row.leadId,
  referrerId: row.referrerId,
  status: row.status,
  message: row.message,
  at: row.at
})
RETURN count(e) AS created
