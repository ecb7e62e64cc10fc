// Returns of accepted leads and the reversals of the commissions they void (issue 16 §2). One
// (:LeadReturn) per lead (its leadId is unique: concurrent first requests meet on it); one
// (:CommissionReversal) per commission (commissionId is unique: a commission is reversed at
// most once). Indexes: the due returns and the listing by state, a referrer's returns, and a
// lead's or a business's reversals.
CREATE CONSTRAINT lead_return_lead_id IF NOT EXISTS FOR (r:LeadReturn) REQUIRE r.leadId IS UNIQUE;
CREATE CONSTRAINT commission_reversal_id IF NOT EXISTS FOR (v:CommissionReversal) REQUIRE v.id IS UNIQUE;
CREATE CONSTRAINT commission_reversal_commission_id IF NOT EXISTS FOR (v:CommissionReversal) REQUIRE v.commissionId IS UNIQUE;
CREATE RANGE INDEX lead_return_due IF NOT EXISTS FOR (r:LeadReturn) ON (r.state, r.contestBy);
CREATE RANGE INDEX lead_return_listing IF NOT EXISTS FOR (r:LeadReturn) ON (r.state, r.requestedAt, r.leadId);
CREATE RANGE INDEX lead_return_referrer IF NOT EXISTS FOR (r:LeadReturn) ON (r.referrerId);
CREATE RANGE INDEX commission_reversal_lead IF NOT EXISTS FOR (v:CommissionReversal) ON (v.leadId);
CREATE RANGE INDEX commission_reversal_payer IF NOT EXISTS FOR (v:CommissionReversal) ON (v.payerId);
CREATE RANGE INDEX commission_reversal_payee IF NOT EXISTS FOR (v:CommissionReversal) ON (v.payeeId)
