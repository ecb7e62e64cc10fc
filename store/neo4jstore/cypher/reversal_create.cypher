// Creates the reversal of a commission: a ledger line of its own; the commission is never
// changed. A second reversal of the commission fails on CommissionReversal.commissionId.
CREATE (v:CommissionReversal {
  id: $id,
  commissionId: $commissionId,
  leadId: $leadId,
  payerId: $payerId,
  payeeId: $payeeId,
  amountMinor: $amountMinor,
  currency: $currency,
  reason: $reason,
  createdAt: $createdAt
})
