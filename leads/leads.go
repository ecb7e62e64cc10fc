// Package leads runs the lead lifecycle: submit (idempotent), offer along trusted edges,
// accept, decline, expire, re-route, close with a commission. The store's inboxes are the
// truth; the hub only wakes the subscribers that read them.
package leads

import (
	"cmp"
	"context"
	"math"
	"slices"

	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Store is what the lifecycle reads and writes: the lead store's methods it calls, and the
// businesses and partnerships it routes and pays by. Each method is partnergraph.Store's, and
// does what it documents there; any partnergraph.Store is a Store.
type Store interface {
	// Business returns the business with the id, or ENOTFOUND.
	Business(ctx context.Context, id string) (*partnergraph.Business, error)
	// BusinessesByID returns the businesses with these ids that exist, keyed by id.
	BusinessesByID(ctx context.Context, ids []string) (map[string]*partnergraph.Business, error)
	// Partnerships lists partnerships matching f, newest first.
	Partnerships(ctx context.Context, f partnergraph.PartnershipFilter, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Partnership], error)

	// SubmitLead writes a new lead with its first offers and events, once per idempotency key.
	SubmitLead(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer, events []partnergraph.LeadEvent) (existing *partnergraph.Lead, created bool, err error)
	// Lead returns the lead, or ENOTFOUND.
	Lead(ctx context.Context, id string) (*partnergraph.Lead, error)
	// Offer returns the offer, or ENOTFOUND.
	Offer(ctx context.Context, id string) (*partnergraph.Offer, error)
	// OffersOfLead returns every offer of a lead, by rank.
	OffersOfLead(ctx context.Context, leadID string) ([]partnergraph.Offer, error)
	// Inbox returns up to limit offers made to the business with Seq > after, by Seq.
	Inbox(ctx context.Context, businessID string, after int64, limit int) ([]partnergraph.Offer, error)
	// LeadEvents returns up to limit events of the referrer's leads with Seq > after, by Seq.
	LeadEvents(ctx context.Context, referrerID string, after int64, limit int) ([]partnergraph.LeadEvent, error)
	// Apply writes a transition atomically, or nothing (ECONFLICT).
	Apply(ctx context.Context, t partnergraph.Transition) error
	// DueOffers returns up to limit PENDING offers whose ExpiresAt is at or before now.
	DueOffers(ctx context.Context, now time.Time, limit int) ([]partnergraph.Offer, error)
	// OffersSince counts the offers made to each business at or after since.
	OffersSince(ctx context.Context, businessIDs []string, since time.Time) (map[string]int, error)
	// EraseLead and EraseClosedLeads erase leads' customer data (see Service.Erase).
	partnergraph.LeadErasure

	// RequestReturn writes a lead's return, once per lead.
	RequestReturn(ctx context.Context, r partnergraph.LeadReturn) (partnergraph.LeadReturn, bool, error)
	// LeadReturn returns the lead's return, or ENOTFOUND.
	LeadReturn(ctx context.Context, leadID string) (*partnergraph.LeadReturn, error)
	// MoveReturn moves a return one step from a state (a compare-and-set), voiding the lead
	// when it is accepted.
	MoveReturn(ctx context.Context, next partnergraph.LeadReturn, from partnergraph.ReturnState) (partnergraph.LeadReturn, error)
	// DueReturns returns REQUESTED returns whose contest window ended by now.
	DueReturns(ctx context.Context, now time.Time, limit int) ([]partnergraph.LeadReturn, error)
}

var _ Store = partnergraph.Store(nil)

// Router ranks the businesses a lead may go to. It leaves out the referrer, the businesses in
// exclude, and businesses that are not active or do not offer the service or serve the place.
// With no candidate it returns the reason (for the referrer). With a trace it accounts in it
// for the traced business, from the same decisions (see partnergraph.RouteTrace).
type Router interface {
	Route(l *partnergraph.Lead, exclude map[string]bool, n int, trace *partnergraph.RouteTrace) ([]partnergraph.Candidate, string, error)
}

// Learner hears what became of each offer (ACCEPTED, DECLINED, EXPIRED) and each accepted
// lead (WON, LOST), with the path the lead travelled, so that routing learns from outcomes.
// matching.Graph is one.
type Learner interface {
	Learn(o partnergraph.Offer, l partnergraph.Lead, outcome string, at time.Time)
}

// nearTie is the score step within which candidates count as tied, and recent load decides.
const nearTie = 0.02

// maxAttempts bounds how often one step of the lifecycle reads again and decides again after
// the store answered that what it decided on changed meanwhile (ECONFLICT: another offer of
// the lead was answered, or a recipient reached its daily cap). Each such conflict means that
// another step committed, so a step that loses this often in a row returns the conflict, which
// its caller may retry.
const maxAttempts = 8

// Config tunes the lifecycle.
type Config struct {
	// OfferTTL is how long a recipient has to answer an offer (default 30 minutes).
	OfferTTL time.Duration
	// Now is the clock (tests use a fake one); default time.Now.
	Now func() time.Time
	// Log reports expiry failures; default slog.Default().
	Log *slog.Logger
	// Learner, if set, hears outcomes.
	Learner Learner
	// Returns are the return and contest windows (zero: partnergraph's defaults).
	Returns partnergraph.Windows
}

// Service runs the lead lifecycle over a store and a router.
type Service struct {
	store  Store
	router Router
	hub    *Hub
	ttl    time.Duration
	now    func() time.Time
	log    *slog.Logger
	learn  Learner
	// windows are the return and contest windows.
	windows partnergraph.Windows
}

// New returns a Service. Subscribers are woken through hub.
func New(store Store, router Router, hub *Hub, cfg Config) *Service {
	if cfg.OfferTTL == 0 {
		cfg.OfferTTL = 30 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Service{store: store, router: router, hub: hub, ttl: cfg.OfferTTL, now: cfg.Now, log: cfg.Log, learn: cfg.Learner, windows: cfg.Returns}
}

// Hub returns the hub that wakes the service's subscribers.
func (s *Service) Hub() *Hub { return s.hub }

// Submit validates the lead, routes it and writes it with its first offers, durably, before
// it returns. The same idempotency key with the same input returns the first lead
// (created=false); with another input it is CONFLICT. A key is the referrer's own: another
// referrer's lead under the same key is neither returned nor a conflict. Errors: BAD_USER_INPUT naming the field,
// NOT_FOUND for an unknown referrer or service, FORBIDDEN for a suspended referrer.
func (s *Service) Submit(ctx context.Context, l *partnergraph.Lead) (lead *partnergraph.Lead, created bool, err error) {
	if err := l.Validate(); err != nil {
		return nil, false, err
	}
	referrer, err := s.store.Business(ctx, l.ReferrerID)
	if err != nil {
		return nil, false, partnergraph.WithFieldPrefix("referrerId", err)
	}
	if referrer.Status != partnergraph.BusinessActive {
		return nil, false, partnergraph.Errorf(partnergraph.EFORBIDDEN, "business %q is %s and cannot refer leads", referrer.ID, strings.ToLower(string(referrer.Status)))
	}
	now := s.now().UTC()
	l.ID, l.InputHash, l.CreatedAt = partnergraph.NewID(), l.Hash(), now
	// The store counts each recipient's offers against its daily cap when it writes them; when
	// a concurrent submit took a candidate's last place, route again on the new counts.
	for attempt := 1; ; attempt++ {
		offers, reason, err := s.nextOffers(ctx, l, map[string]bool{}, l.MaxOffers, 1, now, nil)
		if err != nil {
			return nil, false, err
		}
		l.Status, l.Reason = partnergraph.LeadOffered, ""
		events := []partnergraph.LeadEvent{s.event(l, partnergraph.LeadOffered, fmt.Sprintf("offered to %d partner(s)", len(offers)), now)}
		if len(offers) == 0 {
			l.Status, l.Reason = partnergraph.LeadUnroutable, reason
			events = []partnergraph.LeadEvent{s.event(l, partnergraph.LeadUnroutable, reason, now)}
		}
		existing, created, err := s.store.SubmitLead(ctx, l, offers, events)
		if partnergraph.CapReached(err) && attempt < maxAttempts {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		if created {
			s.wake(l.ReferrerID, offers)
		}
		return existing, created, nil
	}
}

// nextOffers asks the router for up to n candidates not in exclude and under their daily cap,
// and makes them offers ranked from rank on. With none it returns the reason. With w it also
// accounts for w's business and records every candidate it weighed (see WhyNot): the
// explanation of a routing decision is this function run again, not a copy of it.
func (s *Service) nextOffers(ctx context.Context, l *partnergraph.Lead, exclude map[string]bool, n, rank int, now time.Time, w *why) ([]partnergraph.Offer, string, error) {
	var trace *partnergraph.RouteTrace
	if w != nil {
		trace = &w.trace
	}
	// Ask for more than n: some may be at their daily cap.
	cands, reason, err := s.router.Route(l, exclude, n+5, trace)
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.BusinessID
	}
	dayStart := now.Truncate(24 * time.Hour)
	counts, err := s.store.OffersSince(ctx, ids, dayStart)
	if err != nil {
		return nil, "", err
	}
	if w != nil {
		// Routed again, a lead must not count its own offers against the caps.
		for id, k := range w.own {
			counts[id] -= k
		}
	}
	byID, err := s.store.BusinessesByID(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	// Fairness among near-ties: candidates whose scores round to the same nearTie step go
	// to the one with fewer offers today, so one business does not take every close call.
	slices.SortStableFunc(cands, func(a, b partnergraph.Candidate) int {
		if c := cmp.Compare(nearTieStep(b.Score), nearTieStep(a.Score)); c != 0 {
			return c
		}
		return cmp.Compare(counts[a.BusinessID], counts[b.BusinessID])
	})
	var offers []partnergraph.Offer
	capped := 0
	for i, c := range cands {
		outcome := partnergraph.RuleRankedBelow // the offers were made before it came up
		if len(offers) < n {
			outcome = admit(byID[c.BusinessID], counts[c.BusinessID])
		}
		if w != nil {
			w.weighed(c, i+1, counts[c.BusinessID], outcome)
		}
		switch outcome {
		case partnergraph.RuleDailyCap:
			capped++
		case partnergraph.RuleOffered:
			offers = append(offers, partnergraph.Offer{
				ID: partnergraph.NewID(), LeadID: l.ID, BusinessID: c.BusinessID, Rank: rank + len(offers),
				Path: c.Path, PathTrust: c.PathTrust, Score: c.Score, Reasons: c.Reasons,
				Status: partnergraph.OfferPending, CreatedAt: now, ExpiresAt: now.Add(s.ttl),
			})
		}
	}
	if len(offers) == 0 && capped > 0 {
		reason = fmt.Sprintf("%d candidate(s) reached their daily lead cap", capped)
	}
	if len(offers) == 0 && reason == "" {
		reason = "no more candidates"
	}
	return offers, reason, nil
}

// admit is the lifecycle's own rule for a ranked candidate: it must be active in the store
// (the projection may lag it by a write) and under its daily cap.
func admit(b *partnergraph.Business, offersToday int) partnergraph.RoutingRule {
	switch {
	case b == nil || b.Status != partnergraph.BusinessActive:
		return partnergraph.RuleNotActive
	case offersToday >= b.DailyLeadCap:
		return partnergraph.RuleDailyCap
	}
	return partnergraph.RuleOffered
}

// nearTieStep is the step of nearTie that a score falls in: candidates in the same step are
// near-tied.
func nearTieStep(score float64) float64 { return math.Floor(score / nearTie) }

func (s *Service) event(l *partnergraph.Lead, status partnergraph.LeadStatus, msg string, at time.Time) partnergraph.LeadEvent {
	return partnergraph.LeadEvent{LeadID: l.ID, ReferrerID: l.ReferrerID, Status: status, Message: msg, At: at}
}

// wake tells the subscribers of the offers' inboxes and of the referrer's feed to re-read.
func (s *Service) wake(referrerID string, offers []partnergraph.Offer) {
	s.hub.Notify(eventsKey(referrerID))
	for _, o := range offers {
		s.hub.Notify(inboxKey(o.BusinessID))
	}
}

// Accept gives the offer's lead to its recipient: the customer's details become visible to
// that business. In a SHARED lead the other pending offers are withdrawn. Errors: NOT_FOUND,
// CONFLICT when the offer is no longer pending or another recipient accepted first.
func (s *Service) Accept(ctx context.Context, offerID string) (*partnergraph.Offer, error) {
	for attempt := 1; ; attempt++ {
		o, l, err := s.pending(ctx, offerID)
		if err != nil {
			return nil, err
		}
		err = s.accept(ctx, l, o)
		if partnergraph.ErrorCode(err) == partnergraph.ECONFLICT && attempt < maxAttempts {
			continue // the lead changed since it was read: read it again
		}
		if err != nil {
			return nil, err
		}
		return s.store.Offer(ctx, o.ID)
	}
}

// accept is one attempt of Accept, on the pending offer and its lead as read: it withdraws the
// offers that were pending then, and the store refuses it (ECONFLICT) if they are no longer
// the lead's pending offers, so that none is left PENDING on an accepted lead.
func (s *Service) accept(ctx context.Context, l *partnergraph.Lead, o *partnergraph.Offer) error {
	now := s.now().UTC()
	answers := []partnergraph.OfferAnswer{{OfferID: o.ID, Status: partnergraph.OfferAccepted}}
	all, err := s.store.OffersOfLead(ctx, l.ID)
	if err != nil {
		return err
	}
	pending := pendingIDs(all)
	for _, id := range pending {
		if id != o.ID {
			answers = append(answers, partnergraph.OfferAnswer{OfferID: id, Status: partnergraph.OfferWithdrawn})
		}
	}
	err = s.store.Apply(ctx, partnergraph.Transition{
		LeadID: l.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered}, LeadTo: partnergraph.LeadAccepted,
		Answer: answers, At: now, CheckPending: true, Pending: pending,
		Events: []partnergraph.LeadEvent{s.event(l, partnergraph.LeadAccepted, "accepted by "+o.BusinessID, now)},
	})
	if err != nil {
		return err
	}
	s.learned(*o, *l, string(partnergraph.OfferAccepted), now)
	s.wake(l.ReferrerID, nil)
	return nil
}

// pendingIDs returns the ids of the PENDING offers among offers.
func pendingIDs(offers []partnergraph.Offer) []string {
	var out []string
	for _, o := range offers {
		if o.Status == partnergraph.OfferPending {
			out = append(out, o.ID)
		}
	}
	return out
}

// learned tells the learner, if any, of an outcome.
func (s *Service) learned(o partnergraph.Offer, l partnergraph.Lead, outcome string, at time.Time) {
	if s.learn != nil {
		s.learn.Learn(o, l, outcome, at)
	}
}

// Decline records the recipient's no and offers the lead to the next candidate; when there is
// none (and no other offer is pending) the lead becomes UNROUTABLE and the referrer is told.
// Errors: NOT_FOUND, CONFLICT when the offer is no longer pending, BAD_USER_INPUT for a reason
// over 500 characters.
func (s *Service) Decline(ctx context.Context, offerID, reason string) (*partnergraph.Offer, error) {
	if len(reason) > 500 {
		return nil, partnergraph.Invalidf("reason", "must be at most 500 characters")
	}
	if err := s.answerNo(ctx, offerID, partnergraph.OfferDeclined, reason); err != nil {
		return nil, err
	}
	return s.store.Offer(ctx, offerID)
}

// ExpireDue expires every offer whose time ran out and moves each lead on. It reads due
// offers from the store, so expiry survives restarts. It returns how many it expired.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := s.store.DueOffers(ctx, s.now(), 100)
		if err != nil || len(due) == 0 {
			return n, err
		}
		progress := false
		for _, o := range due {
			// Another expiry loop (of this server or another) may expire the same offers: the
			// answer is a compare-and-set, so exactly one of them expires each and moves its
			// lead on.
			err := s.answerNo(ctx, o.ID, partnergraph.OfferExpired, "not answered in time")
			if partnergraph.ErrorCode(err) == partnergraph.ECONFLICT {
				continue // answered meanwhile
			}
			if err != nil {
				return n, err
			}
			n++
			progress = true
		}
		if !progress {
			return n, nil
		}
	}
}

// Run expires due offers every interval until ctx ends.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	s.every(ctx, interval, "expire offers", s.ExpireDue)
}

// every calls work at once and then every interval until ctx ends, logging its errors as
// what failed: the lead service's background loops (expiry, returns, retention) differ only
// in their work.
func (s *Service) every(ctx context.Context, interval time.Duration, what string, work func(context.Context) (int, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := work(ctx); err != nil && ctx.Err() == nil {
			s.log.Error(what, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// answerNo answers a pending offer with a no (declined, expired) and moves its lead on. When
// the store refuses the step because the lead's pending offers changed since they were read
// (another no, at the same time) or a new recipient reached its cap, it reads the offer and its
// lead again and decides again, so that exactly one of several concurrent noes finds nothing
// else pending and moves the lead on. ECONFLICT when the offer is no longer pending (or after
// maxAttempts conflicts); NOT_FOUND for an unknown offer.
func (s *Service) answerNo(ctx context.Context, offerID string, status partnergraph.OfferStatus, reason string) error {
	for attempt := 1; ; attempt++ {
		o, l, err := s.pending(ctx, offerID)
		if err != nil {
			return err
		}
		err = s.moveOn(ctx, l, o, status, reason)
		if partnergraph.ErrorCode(err) != partnergraph.ECONFLICT || attempt == maxAttempts {
			return err
		}
	}
}

// moveOn is one attempt of answerNo: it answers the offer and, if no other offer of the lead
// is still pending, offers the lead to the next candidates or marks it UNROUTABLE. The
// transition carries the pending offers it decided on, and the store refuses it (ECONFLICT)
// when they changed before it committed.
func (s *Service) moveOn(ctx context.Context, l *partnergraph.Lead, o *partnergraph.Offer, status partnergraph.OfferStatus, reason string) error {
	now := s.now().UTC()
	all, err := s.store.OffersOfLead(ctx, l.ID)
	if err != nil {
		return err
	}
	exclude := map[string]bool{}
	for _, other := range all {
		exclude[other.BusinessID] = true
	}
	pending := pendingIDs(all)
	stillPending := 0
	for _, id := range pending {
		if id != o.ID {
			stillPending++
		}
	}
	t := partnergraph.Transition{
		LeadID: l.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered}, At: now,
		Answer:       []partnergraph.OfferAnswer{{OfferID: o.ID, Status: status, DeclineReason: reason}},
		CheckPending: true, Pending: pending,
	}
	if stillPending == 0 {
		next, why, err := s.nextOffers(ctx, l, exclude, l.MaxOffers, len(all)+1, now, nil)
		if err != nil {
			return err
		}
		t.NewOffers = next
		if len(next) == 0 {
			t.LeadTo, t.Reason = partnergraph.LeadUnroutable, why
			t.Events = []partnergraph.LeadEvent{s.event(l, partnergraph.LeadUnroutable, why, now)}
		} else {
			t.Events = []partnergraph.LeadEvent{s.event(l, partnergraph.LeadOffered, fmt.Sprintf("%s by %s; offered to %d more partner(s)", strings.ToLower(string(status)), o.BusinessID, len(next)), now)}
		}
	}
	if err := s.store.Apply(ctx, t); err != nil {
		return err
	}
	s.learned(*o, *l, string(status), now)
	s.wake(l.ReferrerID, t.NewOffers)
	return nil
}

// pending loads an offer that is still waiting for an answer, and its lead.
func (s *Service) pending(ctx context.Context, offerID string) (*partnergraph.Offer, *partnergraph.Lead, error) {
	o, err := s.store.Offer(ctx, offerID)
	if err != nil {
		return nil, nil, err
	}
	if o.Status != partnergraph.OfferPending {
		return nil, nil, partnergraph.Errorf(partnergraph.ECONFLICT, "offer %q is %s", o.ID, strings.ToLower(string(o.Status)))
	}
	l, err := s.store.Lead(ctx, o.LeadID)
	return o, l, err
}

// Close records the outcome of an accepted lead. On WON a commission is owed to the referrer
// by the business that won it, from the terms of their active partnership (none without one).
// valueMinor is the won job's value in minor units of currency. Errors: NOT_FOUND, CONFLICT
// when the lead is not ACCEPTED, BAD_USER_INPUT for a bad outcome, value or currency.
func (s *Service) Close(ctx context.Context, leadID string, outcome partnergraph.LeadStatus, valueMinor int64, currency string) (*partnergraph.Lead, *partnergraph.Commission, error) {
	if outcome != partnergraph.LeadWon && outcome != partnergraph.LeadLost {
		return nil, nil, partnergraph.Invalidf("outcome", "must be WON or LOST")
	}
	if valueMinor < 0 {
		return nil, nil, partnergraph.Invalidf("value", "must not be negative")
	}
	l, err := s.store.Lead(ctx, leadID)
	if err != nil {
		return nil, nil, err
	}
	won, err := s.acceptedOffer(ctx, l)
	if err != nil {
		return nil, nil, err
	}
	winner := won.BusinessID
	now := s.now().UTC()
	t := partnergraph.Transition{
		LeadID: l.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadAccepted}, LeadTo: outcome, At: now,
		Closes: won.ID, ValueMinor: valueMinor, Currency: currency,
		Events: []partnergraph.LeadEvent{s.event(l, outcome, "closed as "+strings.ToLower(string(outcome))+" by "+winner, now)},
	}
	if outcome == partnergraph.LeadWon {
		c, err := s.commission(ctx, l, winner, valueMinor, currency, now)
		if err != nil {
			return nil, nil, err
		}
		t.Commission = c
	}
	if err := s.store.Apply(ctx, t); err != nil {
		return nil, nil, err
	}
	s.learned(*won, *l, string(outcome), now)
	s.wake(l.ReferrerID, nil)
	l, err = s.store.Lead(ctx, l.ID)
	return l, t.Commission, err
}

// acceptedOffer returns the lead's accepted offer.
func (s *Service) acceptedOffer(ctx context.Context, l *partnergraph.Lead) (*partnergraph.Offer, error) {
	offers, err := s.store.OffersOfLead(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	for _, o := range offers {
		if o.Status == partnergraph.OfferAccepted {
			return &o, nil
		}
	}
	return nil, partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q is %s, not accepted", l.ID, strings.ToLower(string(l.Status)))
}

// commission computes the referral fee from the active partnership between the referrer and
// the winner, or returns nil when they have none. A PERCENT fee needs the value in the terms'
// currency; a FLAT fee does not depend on the value.
func (s *Service) commission(ctx context.Context, l *partnergraph.Lead, winner string, valueMinor int64, currency string, now time.Time) (*partnergraph.Commission, error) {
	p, err := s.activePartnership(ctx, l.ReferrerID, winner)
	if err != nil || p == nil {
		return nil, err
	}
	if p.Terms.Type == partnergraph.FeePercent && currency != p.Terms.Currency {
		return nil, partnergraph.Invalidf("currency", "must be %s, the currency of the partnership's terms", p.Terms.Currency)
	}
	return &partnergraph.Commission{
		ID: partnergraph.NewID(), LeadID: l.ID, PartnershipID: p.ID, PayerID: winner, PayeeID: l.ReferrerID,
		AmountMinor: p.Terms.Fee(valueMinor), Currency: p.Terms.Currency, Status: partnergraph.CommissionOwed, CreatedAt: now,
	}, nil
}

// activePartnership finds the ACTIVE partnership of the pair, or nil.
func (s *Service) activePartnership(ctx context.Context, a, b string) (*partnergraph.Partnership, error) {
	page := partnergraph.Page{First: partnergraph.MaxPageSize}
	for {
		ps, err := s.store.Partnerships(ctx, partnergraph.PartnershipFilter{BusinessID: a, Status: partnergraph.PartnershipActive}, page)
		if err != nil {
			return nil, err
		}
		for _, p := range ps.Items {
			if p.Other(a) == b {
				return p, nil
			}
		}
		if !ps.HasNext {
			return nil, nil
		}
		page.After = ps.Cursors[len(ps.Cursors)-1]
	}
}
