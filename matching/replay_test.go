package matching_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// TestReplayRestoresOutcomes: what the lead lifecycle taught one projection, a projection
// built later from the store learns again by Replay, so a restart forgets nothing.
func TestReplayRestoresOutcomes(t *testing.T) {
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, sqlitestore.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		t.Fatal(err)
	}
	live, err := matching.Build(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := leads.New(s, live, leads.NewHub(), leads.Config{Learner: live})
	for i := range 3 {
		l := attorneyLead()
		l.ID, l.IdempotencyKey = "", "replay-key-"+string(rune('a'+i))
		l.Customer = partnergraph.Customer{Name: "Pat", Email: "pat@example.com"}
		l.Consent = partnergraph.Consent{Text: "Pat agreed to be referred.", GivenAt: time.Now().Add(-time.Hour)}
		l, _, err := svc.Submit(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		offers, _ := s.OffersOfLead(ctx, l.ID)
		if _, err := svc.Decline(ctx, offers[0].ID, "busy"); err != nil {
			t.Fatal(err)
		}
	}
	trustOf := func(g *matching.Graph) float64 {
		cands, _, _ := g.Route(attorneyLead(), nil, 20, nil)
		for _, c := range cands {
			if c.BusinessID == "andys-attorney" {
				return c.PathTrust
			}
		}
		t.Fatal("Andy is not a candidate")
		return 0
	}
	fresh, err := matching.Build(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := trustOf(fresh)
	n, err := fresh.Replay(ctx, s, time.Now().AddDate(-1, 0, 0))
	if err != nil || n == 0 {
		t.Fatalf("Replay: %d outcomes, %v", n, err)
	}
	after, want := trustOf(fresh), trustOf(live)
	if after >= before || after-want > 1e-9 || want-after > 1e-9 {
		t.Fatalf("path trust: %.4f before replay, %.4f after, %.4f in the live projection", before, after, want)
	}
}
