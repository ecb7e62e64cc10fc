// Answered offers in the order answered, for the start-up replay of outcomes (outcome_page):
// without it, every page sorted every answered offer, quadratic in their number.
CREATE RANGE INDEX offer_responded IF NOT EXISTS FOR (o:Offer) ON (o.respondedAt, o.seq)
