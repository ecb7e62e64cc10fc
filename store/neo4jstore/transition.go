package neo4jstore

import (
	"context"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// checkAnswers is the compare-and-set check of a transition's answers, in order, against the
// offers as stored (found, keyed by id): ENOTFOUND for an unknown offer, ECONFLICT for an offer
// of another lead or one that is not PENDING (an offer answered twice in one transition is not
// PENDING the second time).
func checkAnswers(leadID string, answers []partnergraph.OfferAnswer, found map[string]partnergraph.Offer) error {
	answered := map[string]partnergraph.OfferStatus{}
	for _, a := range answers {
		o, ok := found[a.OfferID]
		if !ok {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "offer %q not found", a.OfferID)
		}
		if o.LeadID != leadID {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "offer %q is not an offer of lead %q", a.OfferID, leadID)
		}
		status := o.Status
		if st, ok := answered[a.OfferID]; ok {
			status = st
		}
		if status != partnergraph.OfferPending {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "offer %q is %s, not PENDING", a.OfferID, status)
		}
		answered[a.OfferID] = a.Status
	}
	return nil
}

// nextLead is the lead after the transition's own changes (status, reason, close time, value).
func nextLead(l partnergraph.Lead, t *partnergraph.Transition, at time.Time) partnergraph.Lead {
	if t.LeadTo != "" {
		l.Status, l.Reason = t.LeadTo, t.Reason
		if t.LeadTo == partnergraph.LeadWon || t.LeadTo == partnergraph.LeadLost {
			l.ClosedAt = &at
		}
	}
	if t.Currency != "" {
		l.ValueMinor, l.Currency = t.ValueMinor, t.Currency
	}
	return l
}

// checkCommission returns ENOTFOUND naming the field for an unknown partnership, payer or
// payee, and ECONFLICT for a taken id or a lead that already has a commission.
func checkCommission(c *partnergraph.Commission, found refsFound) error {
	if !found.partnerships[c.PartnershipID] {
		return notFound("commission.partnershipId", "partnership", c.PartnershipID)
	}
	if !found.businesses[c.PayerID] {
		return notFound("commission.payerId", "business", c.PayerID)
	}
	if !found.businesses[c.PayeeID] {
		return notFound("commission.payeeId", "business", c.PayeeID)
	}
	if found.commissionsTaken[c.ID] {
		return partnergraph.Errorf(partnergraph.ECONFLICT, "commission %q already exists", c.ID)
	}
	if found.leadsWithCommission[c.LeadID] {
		return partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q already has a commission", c.LeadID)
	}
	return nil
}

// applied is what one run of Apply's transaction wrote.
type applied struct {
	offers     []partnergraph.Offer
	events     []partnergraph.LeadEvent
	commission *partnergraph.Commission
}

// Apply implements partnergraph.LeadStore: one write transaction (numbered from seqs reserved
// for it when it writes offers or events: seqs.go) that takes the lead's write lock, then checks the lead's
// status and each answered offer's PENDING status and writes; every transition of a lead takes
// that lock, so two answers racing for a SHARED lead cannot both win. EINVALID for a malformed
// transition (LeadFrom must name at least one status); ENOTFOUND for an unknown lead, offer,
// business or partnership; ECONFLICT if the lead is not in LeadFrom, an answered offer is not
// PENDING or belongs to another lead, its pending offers are not t.Pending (with
// t.CheckPending, compared under the lead's lock), a new offer would take its recipient past its
// daily cap (naming "dailyLeadCap", counted under the recipient's lock), a new id is taken, or the
// lead already has a commission.
// On success the elements of t.NewOffers and t.Events and *t.Commission hold what was written
// (ids, Seq); on error nothing is written and they are left as they were.
func (s *Store) Apply(ctx context.Context, t partnergraph.Transition) error {
	at, no, c, err := t.Prepare(now())
	if err != nil {
		return err
	}
	var res applied
	err = s.numbered(ctx, applySeqs(&t, no), func(ctx context.Context, r *reservation) error {
		var err error
		res, err = write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (applied, error) {
			return s.applyTransition(ctx, tx, r, &t, at, no, c)
		})
		return err
	})
	if isConstraintViolation(err) {
		err = partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q: a new offer or commission conflicts with a stored one", t.LeadID)
	}
	if err != nil {
		return wrap("apply lead transition", err)
	}
	copy(t.NewOffers, res.offers)
	copy(t.Events, res.events)
	if res.commission != nil {
		*t.Commission = *res.commission
	}
	return nil
}

// applySeqs is how many seqs a transition with these new offers numbers: its offers, events
// and changes. The changes name the lead's referrer, read in the transaction; only their
// number is needed here.
func applySeqs(t *partnergraph.Transition, newOffers []partnergraph.Offer) int {
	return len(newOffers) + len(t.Events) + len(leadChanges("", t.OutcomeOffers(), newOffers, len(t.Events)))
}

// applyTransition is one run of Apply's transaction, numbered from r (nil when it writes
// neither offers, events nor changes): the new offers, then the events, then the changes.
// It changes none of its arguments.
func (s *Store) applyTransition(ctx context.Context, tx neo4j.ManagedTransaction, r *reservation, t *partnergraph.Transition, at time.Time, newOffers []partnergraph.Offer, c *partnergraph.Commission) (applied, error) {
	if err := r.check(ctx, tx); err != nil {
		return applied{}, err
	}
	recs, err := run(ctx, tx, leadLock, map[string]any{"id": t.LeadID})
	if err != nil {
		return applied{}, err
	}
	if len(recs) == 0 {
		return applied{}, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q not found", t.LeadID)
	}
	l, err := leadByIDIn(ctx, tx, t.LeadID)
	if err != nil {
		return applied{}, err
	}
	if !slices.Contains(t.LeadFrom, l.Status) {
		return applied{}, partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q is %s, not %v", l.ID, l.Status, t.LeadFrom)
	}
	if t.CheckPending {
		// Under the lead's lock: every transition of the lead takes it, so the pending offers
		// read here are those the transition commits on.
		pending, err := pendingOfLead(ctx, tx, l.ID)
		if err != nil {
			return applied{}, err
		}
		if err := t.ComparePending(pending); err != nil {
			return applied{}, err
		}
	}
	if len(t.Answer) > 0 {
		ids := make([]string, len(t.Answer))
		for i, a := range t.Answer {
			ids[i] = a.OfferID
		}
		found, err := offersByID(ctx, tx, ids)
		if err != nil {
			return applied{}, err
		}
		if err := checkAnswers(l.ID, t.Answer, found); err != nil {
			return applied{}, err
		}
	}
	next := nextLead(*l, t, at)

	q := refs{businessIDs: businessIDsOf(newOffers), offerIDs: offerIDsOf(newOffers)}
	if c != nil {
		q.businessIDs = append(q.businessIDs, c.PayerID, c.PayeeID)
		q.partnershipIDs = []string{c.PartnershipID}
		q.commissionIDs = []string{c.ID}
		q.commissionLeadIDs = []string{c.LeadID}
	}
	var found refsFound
	if len(newOffers) > 0 || c != nil {
		if found, err = checkRefs(ctx, tx, q); err != nil {
			return applied{}, err
		}
	}
	if err := checkNewOffers(newOffers, found); err != nil {
		return applied{}, err
	}
	out := applied{offers: slices.Clone(newOffers), events: slices.Clone(t.Events)}
	for i := range out.events {
		if err := out.events[i].Prepare(&next, at); err != nil {
			return applied{}, err
		}
	}
	if c != nil {
		if err := checkCommission(c, found); err != nil {
			return applied{}, err
		}
		cc := *c
		out.commission = &cc
	}

	if len(t.Answer) > 0 {
		rows := make([]any, len(t.Answer))
		for i, a := range t.Answer {
			rows[i] = map[string]any{"id": a.OfferID, "status": string(a.Status), "declineReason": a.DeclineReason}
		}
		recs, err := run(ctx, tx, offerAnswer, map[string]any{"answers": rows, "at": at})
		if err != nil {
			return applied{}, err
		}
		if err := wantCount(recs, "answered", len(t.Answer)); err != nil {
			return applied{}, err
		}
	}
	if t.LeadTo != "" || t.Currency != "" {
		_, err := run(ctx, tx, leadUpdate, map[string]any{
			"id":         next.ID,
			"status":     string(next.Status),
			"reason":     next.Reason,
			"closedAt":   optTime(next.ClosedAt),
			"valueMinor": next.ValueMinor,
			"currency":   next.Currency,
		})
		if err != nil {
			return applied{}, err
		}
	}
	if r != nil {
		assignSeqs(r.first, out.offers, out.events)
	}
	if err := createOffersAndEvents(ctx, tx, out.offers, out.events); err != nil {
		return applied{}, err
	}
	if r != nil {
		changes := leadChanges(l.ReferrerID, t.OutcomeOffers(), out.offers, len(out.events))
		if err := s.appendChanges(ctx, tx, r.first+int64(len(out.offers)+len(out.events)), changes); err != nil {
			return applied{}, err
		}
	}
	if c != nil {
		if _, err := run(ctx, tx, commissionCreate, commissionParams(c)); err != nil {
			return applied{}, err
		}
	}
	if err := checkCaps(ctx, tx, out.offers); err != nil {
		return applied{}, err
	}
	return out, nil
}

// pendingOfLead returns the ids of the lead's PENDING offers, read in the transaction.
func pendingOfLead(ctx context.Context, tx neo4j.ManagedTransaction, leadID string) ([]string, error) {
	offers, err := offersOfLead(ctx, tx, leadID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, o := range offers {
		if o.Status == partnergraph.OfferPending {
			out = append(out, o.ID)
		}
	}
	return out, nil
}
