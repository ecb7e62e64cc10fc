// The compare-and-set of a return's state, with who did the step, when and why: it moves only
// from $from, and returns how many it moved (0 or 1).
MATCH (r:LeadReturn {leadId: $leadId})
WHERE r.state = $from
SET r.state = $state,
    r.contestedBy = $contestedBy,
    r.contestedAt = $contestedAt,
    r.contestNote = $contestNote,
    r.decidedBy = $decidedBy,
    r.decidedAt = $decidedAt,
    r.decisionNote = $decisionNote
RETURN count(r) AS updated
