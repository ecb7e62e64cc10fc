// Creates lead events (each row with its seq already assigned) and returns how many.
UNWIND $events AS row
CREATE (e:LeadEvent {
  seq: row.seq,
  kind: row.kind,
  leadId: row.leadId,
  referrerId: row.referrerId,
  status: row.status,
  message: row.message,
  webhookId: row.webhookId,
  at: row.at
})
RETURN count(e) AS created
