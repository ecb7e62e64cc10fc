// An accepted return closes a lead that is still ACCEPTED as LOST, so that it can never be won
// and earn a commission; a closed lead keeps its status (a WON lead's commission is reversed
// instead).
MATCH (l:Lead {id: $leadId})
WHERE l.status = 'ACCEPTED'
SET l.status = 'LOST', l.reason = $reason, l.closedAt = $at
