package matching

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

func TestOutcomeNudgeFades(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := adjustment{delta: 0.2, at: at}
	for _, c := range []struct {
		after time.Duration
		want  float64
	}{{0, 0.2}, {outcomeHalfLife, 0.1}, {2 * outcomeHalfLife, 0.05}} {
		if got := a.now(at.Add(c.after)); math.Abs(got-c.want) > 1e-9 {
			t.Fatalf("after %s: %.4f, want %.4f", c.after, got, c.want)
		}
	}
}

// TestOutcomesLearnComplements: won leads raise the LEARNED weight of the referrer's service →
// the lead's service, which the effective complement blends with the curated one.
func TestOutcomesLearnComplements(t *testing.T) {
	g, err := BuildRecords(context.Background(), seed.Example(), nil)
	if err != nil {
		t.Fatal(err)
	}
	from, to := g.svcIndex["collision-repair"], g.svcIndex["towing"]
	before := g.compWeight(from, to)
	o := partnergraph.Offer{Path: []string{"daves-collision", "springfield-towing"}}
	l := partnergraph.Lead{ReferrerID: "daves-collision", ServiceID: "towing"}
	now := time.Now()
	for range 5 {
		g.Learn(o, l, string(partnergraph.OfferAccepted), now)
		g.Learn(o, l, string(partnergraph.LeadWon), now)
	}
	won := g.compWeight(from, to)
	for range 20 {
		g.Learn(o, l, string(partnergraph.OfferAccepted), now) // accepted, never won
	}
	lost := g.compWeight(from, to)
	if !(won > lost) || math.IsNaN(won) || won > 1 || before == won {
		t.Fatalf("complement collision-repair → towing: %.3f before, %.3f after wins, %.3f after accepted leads that were not won", before, won, lost)
	}
}
