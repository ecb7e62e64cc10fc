// Writes what partnergraph.Offer.Erase leaves of each offer of an erased lead: no decline
// reason, and its reasons without the distance to the customer.
UNWIND $offers AS x
MATCH (o:Offer {id: x.id})
SET o.declineReason = '',
    o.reasons = x.reasons
