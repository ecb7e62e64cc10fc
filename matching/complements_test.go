package matching

import (
	"math"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// TestComplements: the matrix holds each pair's curated and learned weights apart, with the
// weight matching uses, and a pair that only learning gave.
func TestComplements(t *testing.T) {
	g := exampleGraph(t)
	cell := func(from, to string) (ComplementWeights, bool) {
		for _, c := range g.Complements() {
			if c.From == from && c.To == to {
				return c, true
			}
		}
		return ComplementWeights{}, false
	}
	must(t, g.SetComplement(partnergraph.Complement{From: "tyres", To: "towing", Weight: 0.3, Source: partnergraph.SourceCurated}))
	if c, ok := cell("tyres", "towing"); !ok || c.Curated != 0.3 || !math.IsNaN(c.Learned) || c.Effective != 0.3 {
		t.Errorf("curated only: %+v (%v)", c, ok)
	}
	// Mike's Tyre refers a towing lead that Dave accepts and wins: tyres → towing is learned.
	at := time.Now()
	o := partnergraph.Offer{ID: "o-learn", Path: []string{"mikes-tyre", "daves-collision"}}
	l := partnergraph.Lead{ID: "l-learn", ReferrerID: "mikes-tyre", ServiceID: "towing"}
	g.Learn(o, l, string(partnergraph.OfferAccepted), at)
	g.Learn(o, l, string(partnergraph.LeadWon), at)
	c, ok := cell("tyres", "towing")
	if !ok || c.Curated != 0.3 || math.IsNaN(c.Learned) || c.Learned <= 0 || c.Effective != g.compWeight(g.svcIndex["tyres"], g.svcIndex["towing"]) {
		t.Errorf("both layers: %+v (%v)", c, ok)
	}
	if c.Effective == c.Curated || c.Effective == c.Learned {
		t.Errorf("effective %v: want the blend of %v and %v", c.Effective, c.Curated, c.Learned)
	}
	all := g.Complements()
	for i := 1; i < len(all); i++ {
		if a, b := all[i-1], all[i]; a.From > b.From || (a.From == b.From && a.To >= b.To) {
			t.Errorf("not by from then to: %+v before %+v", a, b)
		}
	}
}
