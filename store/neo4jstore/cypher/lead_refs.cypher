// Which referenced objects exist and which new ids are taken, in one round trip: what
// SubmitLead and Apply check before they write, so that the error can name the field.
// Businesses, services and partnerships are never deleted, so what exists stays; a new id
// that a concurrent writer takes after this check fails on its uniqueness constraint instead.
RETURN [x IN $businessIds WHERE EXISTS { MATCH (:Business {id: x}) }] AS businesses,
       [x IN $serviceIds WHERE EXISTS { MATCH (:Service {id: x}) }] AS services,
       [x IN $partnershipIds WHERE EXISTS { MATCH (:Partnership {id: x}) }] AS partnerships,
       [x IN $leadIds WHERE EXISTS { MATCH (:Lead {id: x}) }] AS leadsTaken,
       [x IN $offerIds WHERE EXISTS { MATCH (:Offer {id: x}) }] AS offersTaken,
       [x IN $commissionIds WHERE EXISTS { MATCH (:Commission {id: x}) }] AS commissionsTaken,
       [x IN $commissionLeadIds WHERE EXISTS { MATCH (:Commission {leadId: x}) }] AS leadsWithCommission
