// Leads created in [$from, $to), by bucket ($bucketMillis long from $from) and status now. The
// Lead(createdAt) range index serves the range.
MATCH (l:Lead)
WHERE l.createdAt >= $from AND l.createdAt < $to
RETURN (l.createdAt.epochMillis - $from.epochMillis) / $bucketMillis AS bucket, l.status AS status, count(*) AS n
