package matching

import (
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
}

// adjustment is the outcome nudge of one directed edge, as of a time.
type adjustment struct {
	delta float64
	at    time.Time
}

func (a adjustment) now(t time.Time) float64 {
	return a.delta * math.Exp2(-t.Sub(a.at).Hours()/outcomeHalfLife.Hours())
}

// Learn records what became of an offer made along path (business ids from the referrer to
// the recipient) at time at: outcome is ACCEPTED, DECLINED or EXPIRED (the offer's answer), or
// WON or LOST (the lead's close). Unknown outcomes and businesses are skipped.
func (g *Graph) Learn(path []string, outcome string, at time.Time) {
	nudge, ok := nudges[outcome]
	if !ok || len(path) == 0 {
		return
	}
	g.write(func() error {
		if g.outcomes == nil {
			g.outcomes = map[[2]int32]adjustment{}
			g.answered, g.acceptedN = map[int32]int{}, map[int32]int{}
		}
		var prev int32 = -1
		for _, id := range path {
			v, ok := g.index[id]
			if !ok {
				return nil
			}
			if prev >= 0 && nudge != 0 {
				k := [2]int32{prev, v}
				d := g.outcomes[k].now(at) + nudge
				g.outcomes[k] = adjustment{delta: math.Max(-outcomeBound, math.Min(outcomeBound, d)), at: at}
			}
			prev = v
		}
		switch partnergraph.OfferStatus(outcome) {
		case partnergraph.OfferAccepted, partnergraph.OfferDeclined, partnergraph.OfferExpired:
			g.answered[prev]++
			if outcome == string(partnergraph.OfferAccepted) {
				g.acceptedN[prev]++
			}
			g.accept[prev] = float32((float64(g.acceptedN[prev]) + priorOffers/2) / (float64(g.answered[prev]) + priorOffers))
		}
		return nil
	})
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
