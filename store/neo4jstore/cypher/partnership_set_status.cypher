// Writes a partnership's new status, answer and end times, and its openPair (null once closed).
MATCH (p:Partnership {id: $id})
SET p.status = $status,
    p.openPair = $openPair,
    p.respondedAt = $respondedAt,
    p.endedAt = $endedAt
RETURN p
