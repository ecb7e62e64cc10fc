// Creates a lead's return. A second return of the lead fails on the LeadReturn.leadId
// constraint.
CREATE (r:LeadReturn {
  leadId: $leadId,
  offerId: $offerId,
  recipientId: $recipientId,
  referrerId: $referrerId,
  reason: $reason,
  note: $note,
  state: $state,
  requestedBy: $requestedBy,
  requestedAt: $requestedAt,
  contestBy: $contestBy,
  contestedBy: $contestedBy,
  contestedAt: $contestedAt,
  contestNote: $contestNote,
  decidedBy: $decidedBy,
  decidedAt: $decidedAt,
  decisionNote: $decisionNote
})
RETURN r
