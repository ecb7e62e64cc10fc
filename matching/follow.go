package matching

import (
	"context"
	"fmt"
	"time"

	"github.com/partnergraph/partnergraph"
)

// ApplyChange brings the graph in step with one change of the store's feed (a write of this
// server or of another one on the same store) by re-reading the record the change names and
// setting, or removing, what the graph holds of it. The graph's state after it depends only
// on what the store holds then, not on what the graph held, so applying a change twice, or
// one that Projected already applied, is harmless; changes must still be applied in the
// feed's order, so that the graph never goes back to an older state for long.
//
// A WEIGHTS change adopts the newest fitted weights (FollowWeights).
// An OUTCOME is learned (see Learn: once per offer and outcome, however often it is named), and
// so is a RETURN (an accepted return: the lead's accepted offer RETURNED).
// A server skips the outcomes of its own Store handle, which its lead service learned when it
// wrote them, but for those it may have learned into a projection that a rebuild replaced.
// OFFER, LEAD_EVENT and IMPORT changes are not the graph's: the caller wakes subscribers, or
// rebuilds the graph. Errors: the store's (a caller retries the change), and the graph's
// EINVALID for a record it cannot hold (a caller skips it).
func (g *Graph) ApplyChange(ctx context.Context, s partnergraph.Store, c partnergraph.Change) error {
	switch c.Kind {
	case partnergraph.ChangeBusiness:
		return g.followBusiness(ctx, s, c.ID)
	case partnergraph.ChangeService:
		return g.followService(ctx, s, c.ID)
	case partnergraph.ChangeComplement:
		return g.followComplement(ctx, s, c.ID, c.To)
	case partnergraph.ChangeNetwork:
		return g.followNetwork(ctx, s, c.ID)
	case partnergraph.ChangeMembership:
		return g.followMembership(ctx, s, c.ID, c.To)
	case partnergraph.ChangeTrust:
		return g.followTrust(ctx, s, c.ID, c.To)
	case partnergraph.ChangePartnership:
		return g.followPartnership(ctx, s, c.ID)
	case partnergraph.ChangeOutcome:
		return g.followOutcome(ctx, s, c.ID)
	case partnergraph.ChangeReturn:
		return g.followReturn(ctx, s, c.ID)
	case partnergraph.ChangeWeights:
		return g.FollowWeights(ctx, s)
	}
	return nil
}

// FollowWeights adopts the newest fitted weights the store holds (AdoptFit), as a server does
// at start and on a WEIGHTS change of the feed; none saved yet leaves the weights as they are.
// Errors: the store's; EINVALID for weights the graph cannot use.
func (g *Graph) FollowWeights(ctx context.Context, s partnergraph.Store) error {
	fw, err := s.FittedWeights(ctx)
	if err != nil {
		return gone(err)
	}
	return g.AdoptFit(fw)
}

// gone turns ENOTFOUND (of the store: the record is gone; of the graph: what it would remove
// is not there) into nothing to apply, and keeps other errors.
func gone(err error) error {
	if partnergraph.ErrorCode(err) == partnergraph.ENOTFOUND {
		return nil
	}
	return err
}

// followBusiness re-reads a business with its services. The store never deletes businesses,
// so one that is not found was not committed: nothing to apply.
func (g *Graph) followBusiness(ctx context.Context, s partnergraph.Store, id string) error {
	b, err := s.Business(ctx, id)
	if err != nil {
		return gone(err)
	}
	svcs, err := s.ServicesOf(ctx, []string{id})
	if err != nil {
		return err
	}
	list := svcs[id]
	if list == nil {
		list = []string{} // none: nil would keep the services the graph holds
	}
	return g.PutBusiness(*b, list)
}

// knowBusinesses reads the businesses the graph has not seen yet, so that an edge whose change
// comes before its business's (the order of changes within one transaction is the store's)
// still finds both ends.
func (g *Graph) knowBusinesses(ctx context.Context, s partnergraph.Store, ids ...string) error {
	for _, id := range ids {
		g.mu.RLock()
		_, ok := g.index[id]
		g.mu.RUnlock()
		if ok {
			continue
		}
		if err := g.followBusiness(ctx, s, id); err != nil {
			return err
		}
	}
	return nil
}

func (g *Graph) followService(ctx context.Context, s partnergraph.Store, id string) error {
	all, err := s.Services(ctx)
	if err != nil {
		return err
	}
	for _, svc := range all {
		if svc.ID == id {
			g.PutService(svc)
		}
	}
	return nil
}

// followComplement sets the complement as the store holds it, or removes it (both layers, as
// Projected's RemoveComplement does) when the store has none.
func (g *Graph) followComplement(ctx context.Context, s partnergraph.Store, from, to string) error {
	all, err := s.Complements(ctx)
	if err != nil {
		return err
	}
	for _, c := range all {
		if c.From == from && c.To == to {
			return g.SetComplement(c)
		}
	}
	return gone(g.RemoveComplement(from, to))
}

func (g *Graph) followNetwork(ctx context.Context, s partnergraph.Store, id string) error {
	n, err := s.Network(ctx, id)
	if err != nil {
		return gone(err)
	}
	return g.PutNetwork(*n)
}

// followMembership joins or leaves so that the graph matches the store.
func (g *Graph) followMembership(ctx context.Context, s partnergraph.Store, businessID, networkID string) error {
	if err := g.knowBusinesses(ctx, s, businessID); err != nil {
		return err
	}
	g.mu.RLock()
	_, known := g.netIndex[networkID]
	g.mu.RUnlock()
	if !known {
		if err := g.followNetwork(ctx, s, networkID); err != nil {
			return err
		}
	}
	ms, err := s.MembershipsOf(ctx, []string{businessID})
	if err != nil {
		return err
	}
	for _, m := range ms[businessID] {
		if m.NetworkID == networkID {
			return gone(g.Join(m))
		}
	}
	return gone(g.Leave(businessID, networkID))
}

// followTrust sets the trust edge as the store holds it, or removes it when the store has none.
func (g *Graph) followTrust(ctx context.Context, s partnergraph.Store, from, to string) error {
	t, err := s.TrustEdge(ctx, from, to)
	if partnergraph.ErrorCode(err) == partnergraph.ENOTFOUND {
		return gone(g.RemoveTrust(from, to))
	}
	if err != nil {
		return err
	}
	if err := g.knowBusinesses(ctx, s, from, to); err != nil {
		return err
	}
	return gone(g.SetTrust(t))
}

// followPartnership sets the pair of the partnership to the status of the pair's newest
// partnership, which is what the graph keeps of a pair: re-applying the change of an older,
// ended partnership must not hide the open one that followed it.
func (g *Graph) followPartnership(ctx context.Context, s partnergraph.Store, id string) error {
	p, err := s.Partnership(ctx, id)
	if err != nil {
		return gone(err)
	}
	if err := g.knowBusinesses(ctx, s, p.ProposerID, p.PartnerID); err != nil {
		return err
	}
	newest, err := newestOfPair(ctx, s, p.ProposerID, p.PartnerID)
	if err != nil {
		return err
	}
	if newest == nil {
		newest = p
	}
	return gone(g.PutPartnership(*newest))
}

// newestOfPair returns the newest partnership between a and b, or nil.
func newestOfPair(ctx context.Context, s partnergraph.Store, a, b string) (*partnergraph.Partnership, error) {
	page := partnergraph.Page{First: partnergraph.MaxPageSize}
	for {
		ps, err := s.Partnerships(ctx, partnergraph.PartnershipFilter{BusinessID: a}, page)
		if err != nil {
			return nil, err
		}
		for _, p := range ps.Items { // newest first
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

// followOutcome learns what another server's lead service learned when it answered the offer:
// the answer, and, for an accepted offer whose lead was closed, the close. Learn takes each
// (offer, outcome) once, so reading the same offer for its answer and again for its close
// counts each once.
func (g *Graph) followOutcome(ctx context.Context, s partnergraph.Store, offerID string) error {
	o, err := s.Offer(ctx, offerID)
	if err != nil {
		return gone(err)
	}
	l, err := s.Lead(ctx, o.LeadID)
	if err != nil {
		return fmt.Errorf("lead of offer %q: %w", o.ID, err)
	}
	switch o.Status {
	case partnergraph.OfferAccepted, partnergraph.OfferDeclined, partnergraph.OfferExpired:
		if o.RespondedAt != nil {
			g.Learn(*o, *l, string(o.Status), *o.RespondedAt)
		}
	}
	if o.Status == partnergraph.OfferAccepted && l.ClosedAt != nil && (l.Status == partnergraph.LeadWon || l.Status == partnergraph.LeadLost) {
		g.Learn(*o, *l, string(l.Status), *l.ClosedAt)
	}
	return nil
}

// followReturn learns an accepted return of the lead as the RETURNED outcome of its accepted
// offer, as the lead service that decided it did; Learn takes it once per offer, so a server
// applying its own RETURN change, or a replay and the feed naming one return, count it once.
// A return that is not (or no longer visible as) accepted teaches nothing.
func (g *Graph) followReturn(ctx context.Context, s partnergraph.Store, leadID string) error {
	r, err := s.LeadReturn(ctx, leadID)
	if err != nil {
		return gone(err)
	}
	if r.State != partnergraph.ReturnAccepted || r.DecidedAt == nil {
		return nil
	}
	o, err := s.Offer(ctx, r.OfferID)
	if err != nil {
		return fmt.Errorf("offer of the return of lead %q: %w", leadID, err)
	}
	l, err := s.Lead(ctx, leadID)
	if err != nil {
		return fmt.Errorf("lead of return %q: %w", leadID, err)
	}
	g.Learn(*o, *l, partnergraph.OutcomeReturned, *r.DecidedAt)
	return nil
}

// DefaultOutcomeMemory is how long Learn remembers which outcomes of which offers it learned,
// unless SetOutcomeMemory says otherwise: as long as the change feed keeps the changes that
// could name them again (its default retention, 7 days), and a day more.
const DefaultOutcomeMemory = 8 * 24 * time.Hour

// SetOutcomeMemory sets how long Learn remembers the outcomes it learned, so that one named
// again (by the change feed, or by a rebuild's replay) is not counted twice. It must be at
// least the change feed's retention.
func (g *Graph) SetOutcomeMemory(d time.Duration) {
	g.mu.Lock()
	g.outcomeMemory = d
	g.mu.Unlock()
}

// learnKey names one outcome of one offer.
type learnKey struct {
	offer, outcome string
}

// learnedBefore reports whether the outcome of offer o was learned already, and remembers it
// if it happened within the memory; it runs under the write lock. Offers without an id (tests
// that teach the graph directly) are always learned.
func (g *Graph) learnedBefore(o partnergraph.Offer, outcome string, at time.Time) bool {
	if o.ID == "" {
		return false
	}
	k := learnKey{o.ID, outcome}
	if _, ok := g.learned[k]; ok {
		return true
	}
	memory := g.outcomeMemory
	if memory == 0 {
		memory = DefaultOutcomeMemory
	}
	now := time.Now()
	if now.Sub(at) > memory {
		return false // too old to be named again: not worth remembering
	}
	if g.learned == nil {
		g.learned = map[learnKey]time.Time{}
	}
	g.learned[k] = at
	// Forget what is too old whenever the memory has doubled since it was last pruned, so
	// that pruning costs O(1) per outcome.
	if len(g.learned) >= 2*g.learnedPruned+1024 {
		for k, t := range g.learned {
			if now.Sub(t) > memory {
				delete(g.learned, k)
			}
		}
		g.learnedPruned = len(g.learned)
	}
	return false
}

// Replace makes g hold what rebuilt holds: a projection built again from the store (after an
// import, or after the change feed was trimmed past what g applied) while handlers, the router
// and the lead service kept using g. g keeps its configuration (weights, blend, route options,
// outcome memory); rebuilt must not be used afterwards. The global trust stays as rebuilt
// computed it, and is marked stale if rebuilt's was.
func (g *Graph) Replace(rebuilt *Graph) {
	// A background TrustRank computation would write ranks of the old graph after the swap:
	// wait for it, and keep another from starting until the swap is done.
	for !g.trustRanking.CompareAndSwap(false, true) {
		time.Sleep(10 * time.Millisecond)
	}
	defer g.trustRanking.Store(false)
	g.wmu.Lock()
	defer g.wmu.Unlock()
	g.mu.Lock()
	defer g.mu.Unlock()
	r := rebuilt
	g.svcIndex, g.svcs, g.comp = r.svcIndex, r.svcs, r.comp
	g.index, g.ids, g.names = r.index, r.ids, r.names
	g.lat, g.lng, g.radius, g.status, g.verified, g.city = r.lat, r.lng, r.radius, r.status, r.verified, r.city
	g.created = r.created
	g.accept, g.deg, g.wdeg, g.inTrust = r.accept, r.deg, r.wdeg, r.inTrust
	g.services, g.nets, g.links = r.services, r.nets, r.links
	g.cities, g.cityIndex = r.cities, r.cityIndex
	g.networks, g.netIndex = r.networks, r.netIndex
	g.grid = r.grid
	g.trustRank, g.trustRankAt = r.trustRank, r.trustRankAt
	// Edits count on from g's, so that no rank computed before the swap passes for current.
	edits := g.trustEdits + r.trustEdits + 1
	g.trustEdits, g.trustRankEdits = edits, edits
	if r.trustRankEdits != r.trustEdits {
		g.trustRankEdits = edits - 1
	}
	g.outcomes, g.answered, g.acceptedN, g.pairTried, g.pairWon = r.outcomes, r.answered, r.acceptedN, r.pairTried, r.pairWon
	g.learned, g.learnedPruned = r.learned, r.learnedPruned
	g.leaders.drop() // its node numbers are the old graph's
	g.leadPairs = r.leadPairs
}
