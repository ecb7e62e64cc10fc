// Ends the leases $holder holds (found through the Webhook(leaseHolder) index) and returns
// how many: a leaseUntil of 0 has run out, and sorts first for the next claim.
MATCH (w:Webhook)
WHERE w.leaseHolder = $holder
SET w.leaseHolder = '', w.leaseUntil = 0
RETURN count(w) AS released
