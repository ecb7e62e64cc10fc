// Creates the commission of a won lead. A taken id fails on the Commission.id constraint, a
// second commission for the lead on Commission.leadId.
CREATE (c:Commission {
  id: $id,
  leadId: $leadId,
  partnershipId: $partnershipId,
  payerId: $payerId,
  payeeId: $payeeId,
  amountMinor: $amountMinor,
  currency: $currency,
  status: $status,
  createdAt: $createdAt
})
