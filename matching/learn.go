package matching

import (
	"context"
	"math"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Lead outcomes feed routing: acceptance and answering in time shape a business's acceptance
// rate, and each outcome nudges the trust of the edges the lead travelled. The nudges are
// bounded and fade, so that a run of luck does not rewrite what members said of each other.
const (
	outcomeBound    = 0.2                 // the most outcomes can add to or take from an edge's trust
	outcomeHalfLife = 90 * 24 * time.Hour // how fast a nudge fades
	priorOffers     = 2                   // acceptance starts at 1/2, as if 1 of 2 offers was accepted
)

// nudges are what each outcome of an offer (an offer or lead status) does to the edges of the
// offer's path.
var nudges = map[string]float64{
	string(partnergraph.OfferAccepted): 0.02,
	string(partnergraph.OfferDeclined): -0.01,
	string(partnergraph.OfferExpired):  -0.03, // not answering in time is worse than a clear no
	string(partnergraph.LeadWon):       0.05,
	string(partnergraph.LeadLost):      0,
	// A lead returned with the return accepted was bad: the edges that carried it, from the
	// referrer on, lose more than a won lead gains, so a referrer whose leads come back gets
	// fewer routes through those edges (docs/DECISIONS.md, "Returns").
	partnergraph.OutcomeReturned: -0.1,
}

// adjustment is the outcome nudge of one directed edge, as of a time.
type adjustment struct {
	delta float64
	at    time.Time
}

func (a adjustment) now(t time.Time) float64 {
	return a.delta * math.Exp2(-t.Sub(a.at).Hours()/outcomeHalfLife.Hours())
}

// Learn records what became of offer o of lead l at time at: outcome is ACCEPTED, DECLINED
// or EXPIRED (the offer's answer), WON or LOST (the lead's close), or RETURNED (an accepted
// return of the lead, o being its accepted offer). It nudges the trust of the
// edges of the offer's path, counts the recipient's answers for its acceptance rate, and, for
// accepted and won leads, learns how often the referrer's services lead to the lead's service
// (the LEARNED layer of complements). Unknown outcomes, businesses and services are skipped.
// Each outcome of an offer with an id counts once: the lead service, a rebuild's Replay and
// the change feed's follower may each name it (see SetOutcomeMemory).
func (g *Graph) Learn(o partnergraph.Offer, l partnergraph.Lead, outcome string, at time.Time) {
	nudge, ok := nudges[outcome]
	if !ok || len(o.Path) == 0 {
		return
	}
	g.write(func() error {
		if g.learnedBefore(o, outcome, at) {
			return nil
		}
		if g.outcomes == nil {
			g.outcomes = map[[2]int32]adjustment{}
			g.answered, g.acceptedN = map[int32]int{}, map[int32]int{}
			g.pairTried, g.pairWon = map[[2]uint16]int{}, map[[2]uint16]int{}
		}
		var prev int32 = -1
		for _, id := range o.Path {
			v, ok := g.index[id]
			if !ok {
				return nil
			}
			if prev >= 0 && nudge != 0 {
				k := [2]int32{prev, v}
				g.outcomes[k] = g.outcomes[k].add(nudge, at)
			}
			prev = v
		}
		g.countLeadPair(g.index[o.Path[0]], prev, outcome)
		switch partnergraph.OfferStatus(outcome) {
		case partnergraph.OfferAccepted, partnergraph.OfferDeclined, partnergraph.OfferExpired:
			g.answered[prev]++
			if outcome == string(partnergraph.OfferAccepted) {
				g.acceptedN[prev]++
			}
			g.accept[prev] = float32((float64(g.acceptedN[prev]) + priorOffers/2) / (float64(g.answered[prev]) + priorOffers))
		}
		g.learnComplements(l, outcome)
		return nil
	})
}

// learnComplements counts, for each service of the referrer, the leads for l's service that a
// partner accepted and that were won, and sets the LEARNED complement weight to the smoothed
// share won: what the network's outcomes say of how the two services go together.
func (g *Graph) learnComplements(l partnergraph.Lead, outcome string) {
	if outcome != string(partnergraph.OfferAccepted) && outcome != string(partnergraph.LeadWon) {
		return
	}
	ref, ok := g.index[l.ReferrerID]
	to, ok2 := g.svcIndex[l.ServiceID]
	if !ok || !ok2 {
		return
	}
	for _, from := range g.services.get(ref) {
		if from == to {
			continue
		}
		k := [2]uint16{from, to}
		if outcome == string(partnergraph.LeadWon) {
			g.pairWon[k]++
		} else {
			g.pairTried[k]++
		}
		w := (float64(g.pairWon[k]) + 0.5) / (float64(g.pairTried[k]) + 1)
		g.setComplement(partnergraph.Complement{From: g.svcs[from].id, To: l.ServiceID, Weight: math.Min(1, w), Source: partnergraph.SourceLearned})
	}
}

// Replay learns every outcome the store holds since the time, in the order they happened, so
// that a projection built at start knows what the lead lifecycle taught the last one.
func (g *Graph) Replay(ctx context.Context, s partnergraph.Store, since time.Time) (int, error) {
	n := 0
	err := s.Outcomes(ctx, since, func(o partnergraph.Offer, l partnergraph.Lead) error {
		if o.RespondedAt != nil {
			g.Learn(o, l, string(o.Status), *o.RespondedAt)
			n++
		}
		if o.Status == partnergraph.OfferAccepted && l.ClosedAt != nil && (l.Status == partnergraph.LeadWon || l.Status == partnergraph.LeadLost) {
			g.Learn(o, l, string(l.Status), *l.ClosedAt)
			n++
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	m, err := g.replayReturns(ctx, s, since)
	return n + m, err
}

// replayReturns learns the returns accepted since the time. Returns are few next to offers,
// so each reads its offer and lead on its own.
func (g *Graph) replayReturns(ctx context.Context, s partnergraph.Store, since time.Time) (int, error) {
	n := 0
	p := partnergraph.Page{First: partnergraph.MaxPageSize}
	for {
		page, err := s.Returns(ctx, partnergraph.ReturnAccepted, p)
		if err != nil {
			return n, err
		}
		for _, r := range page.Items {
			if r.DecidedAt == nil || r.DecidedAt.Before(since) {
				continue
			}
			if err := g.followReturn(ctx, s, r.LeadID); err != nil {
				return n, err
			}
			n++
		}
		if !page.HasNext {
			return n, nil
		}
		p.After = page.Cursors[len(page.Cursors)-1]
	}
}

// add returns the adjustment with a nudge at time at added, bounded; outcomes replayed out of
// order decay to the later of the two times, so the result does not depend on their order
// (but for the bound).
func (a adjustment) add(nudge float64, at time.Time) adjustment {
	if a.at.IsZero() || at.After(a.at) {
		d := a.now(at) + nudge
		return adjustment{delta: math.Max(-outcomeBound, math.Min(outcomeBound, d)), at: at}
	}
	d := a.delta + nudge*math.Exp2(-a.at.Sub(at).Hours()/outcomeHalfLife.Hours())
	return adjustment{delta: math.Max(-outcomeBound, math.Min(outcomeBound, d)), at: a.at}
}

// routeTrust is the trust routing gives the step from u along lk: the edge's trust (or its
// active partnership's) with the outcome nudge, in [0,1]. Outcomes never make an edge where
// members made none.
func (g *Graph) routeTrust(u int32, lk link) float64 {
	w := g.edgeTrustOf(lk)
	if w == 0 {
		return 0
	}
	if a, ok := g.outcomes[[2]int32{u, lk.to}]; ok {
		w = math.Max(0, math.Min(1, w+a.now(time.Now())))
	}
	return w
}
