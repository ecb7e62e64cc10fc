// The $top businesses that referred the most leads created in [$from, $to), with how many of
// them are WON. The Lead(createdAt) range index serves the range.
MATCH (l:Lead)
WHERE l.createdAt >= $from AND l.createdAt < $to
WITH l.referrerId AS businessId, count(*) AS leads, sum(CASE WHEN l.status = 'WON' THEN 1 ELSE 0 END) AS won
RETURN businessId, leads, won
ORDER BY leads DESC, businessId
LIMIT $top
