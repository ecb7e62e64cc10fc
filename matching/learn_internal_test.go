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

// TestReturnedLeadLowersTrust: an accepted return is a bad outcome for the edges that carried
// the lead, worse than a won lead is good, so a referrer whose leads come back is routed less
// through them; it is not an answer, so the recipient's acceptance rate stays; and one return
// named twice (the lead service and the feed) counts once.
func TestReturnedLeadLowersTrust(t *testing.T) {
	g, err := BuildRecords(context.Background(), seed.Example(), nil)
	if err != nil {
		t.Fatal(err)
	}
	from, to := g.index["daves-collision"], g.index["springfield-towing"]
	before := g.edgeTrust(from, to)
	if before == 0 {
		t.Fatal("the example has no trust from daves-collision to springfield-towing")
	}
	o := partnergraph.Offer{ID: "offer-1", Path: []string{"daves-collision", "springfield-towing"}}
	l := partnergraph.Lead{ID: "lead-1", ReferrerID: "daves-collision", ServiceID: "towing"}
	now := time.Now()
	g.Learn(o, l, string(partnergraph.OfferAccepted), now)
	g.Learn(o, l, string(partnergraph.LeadWon), now)
	won, accept := g.edgeTrust(from, to), g.accept[to]
	g.Learn(o, l, partnergraph.OutcomeReturned, now)
	returned := g.edgeTrust(from, to)
	g.Learn(o, l, partnergraph.OutcomeReturned, now)
	if again := g.edgeTrust(from, to); math.Abs(again-returned) > 1e-6 { // the nudges fade with the clock
		t.Fatalf("the same return learned twice moved the trust again: %.4f, then %.4f", returned, again)
	}
	if !(won > before && returned < before) {
		t.Fatalf("trust daves-collision → springfield-towing: %.4f before, %.4f accepted and won, %.4f returned: want the return to leave it below where it started", before, won, returned)
	}
	if g.accept[to] != accept {
		t.Fatalf("a return changed the recipient's acceptance rate: %v, then %v", accept, g.accept[to])
	}
}
