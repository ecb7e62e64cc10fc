package matching

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/leads"
)

// changesAfter returns every change of the store after the position.
func changesAfter(t *testing.T, s partnergraph.Store, after int64) []partnergraph.Change {
	t.Helper()
	var all []partnergraph.Change
	for {
		cs, err := s.Changes(context.Background(), after, 1000)
		must(t, err)
		all = append(all, cs...)
		if len(cs) < 1000 {
			return all
		}
		after = cs[len(cs)-1].Seq
	}
}

// sameAsStore fails the test unless g holds what a graph built from the store now holds: the
// same counts, and the same suggestions (ids and scores) for every business.
func sameAsStore(t *testing.T, g *Graph, s partnergraph.Store) {
	t.Helper()
	fresh, err := Build(context.Background(), s, nil)
	must(t, err)
	if got, want := g.Stats(), fresh.Stats(); got.Businesses != want.Businesses || got.Services != want.Services ||
		got.Complements != want.Complements || got.Networks != want.Networks || got.Memberships != want.Memberships ||
		got.Links != want.Links || got.Trust != want.Trust || got.Partnerships != want.Partnerships {
		t.Fatalf("graph %+v, built from the store %+v", got, want)
	}
	for _, id := range fresh.ids {
		got, want := suggest(t, g, id, 20), suggest(t, fresh, id, 20)
		if describe(got) != describe(want) {
			t.Fatalf("suggestions for %s:\n%s\nfrom the store:\n%s", id, describe(got), describe(want))
		}
	}
}

// TestApplyChangeFollowsEveryWrite: a graph built before writes of every kind that the store
// made (as another server would) holds, after applying the feed's changes, what a graph built
// from the store afterwards holds; applying them all a second time changes nothing.
func TestApplyChangeFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	s := exampleStore(t)
	head, err := s.ChangesHead(ctx)
	must(t, err)
	g, err := Build(ctx, s, nil)
	must(t, err)

	must(t, s.PutService(ctx, partnergraph.Service{ID: "windscreens", Name: "Windscreens", Sector: "auto"}))
	must(t, s.SetComplement(ctx, partnergraph.Complement{From: "collision-repair", To: "windscreens", Weight: 0.9, Source: partnergraph.SourceCurated}))
	cs, err := s.Complements(ctx)
	must(t, err)
	must(t, s.RemoveComplement(ctx, cs[0].From, cs[0].To))
	w := &partnergraph.Business{Name: "Wendy's Windscreens", Location: partnergraph.Point{Lat: 39.80, Lng: -89.64}, City: "Springfield"}
	must(t, s.CreateBusiness(ctx, w, "user-wendy"))
	must(t, s.SetBusinessServices(ctx, w.ID, []string{"windscreens"}))
	_, err = s.UpdateBusiness(ctx, "mikes-tyre", partnergraph.BusinessPatch{Verified: new(true)})
	must(t, err)
	n := &partnergraph.Network{Name: "Glass guild", Region: "Springfield"}
	must(t, s.CreateNetwork(ctx, n, w.ID))
	_, err = s.Join(ctx, partnergraph.Membership{BusinessID: "daves-collision", NetworkID: n.ID})
	must(t, err)
	_, err = s.Join(ctx, partnergraph.Membership{BusinessID: "mikes-tyre", NetworkID: n.ID})
	must(t, err)
	must(t, s.Leave(ctx, "mikes-tyre", n.ID))
	_, err = s.SetTrust(ctx, partnergraph.Trust{From: w.ID, To: "daves-collision", Score: 0.8})
	must(t, err)
	_, err = s.SetTrust(ctx, partnergraph.Trust{From: "daves-collision", To: w.ID, Score: 0.6})
	must(t, err)
	must(t, s.RemoveTrust(ctx, "daves-collision", "andys-attorney"))
	p := &partnergraph.Partnership{ProposerID: w.ID, PartnerID: "daves-collision", Terms: partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 1000, Currency: "USD"}}
	must(t, s.CreatePartnership(ctx, p))
	_, err = s.SetPartnershipStatus(ctx, p.ID, []partnergraph.PartnershipStatus{partnergraph.PartnershipProposed}, partnergraph.PartnershipEnded)
	must(t, err)
	p2 := &partnergraph.Partnership{ProposerID: "daves-collision", PartnerID: w.ID, Terms: p.Terms}
	must(t, s.CreatePartnership(ctx, p2))

	changes := changesAfter(t, s, head)
	if len(changes) < 15 {
		t.Fatalf("%d changes after the writes", len(changes))
	}
	for round := range 2 {
		for _, c := range changes {
			if err := g.ApplyChange(ctx, s, c); err != nil {
				t.Fatalf("round %d: apply %+v: %v", round, c, err)
			}
		}
		sameAsStore(t, g, s)
	}
	// The change of the ended partnership, applied again after the open one that followed it,
	// leaves the pair's newest partnership in place.
	for _, c := range changes {
		if c.Kind == partnergraph.ChangePartnership && c.ID == p.ID {
			must(t, g.ApplyChange(ctx, s, c))
		}
	}
	sameAsStore(t, g, s)
}

// TestApplyChangeLearnsOtherServersOutcomesOnce: an OUTCOME change of another server is learned
// as the lead service that wrote it learned it (the answer, and the close of a lead closed by
// then), once however often it is applied, and not again by the graph that learned it when it
// wrote it.
func TestApplyChangeLearnsOtherServersOutcomesOnce(t *testing.T) {
	ctx := context.Background()
	s := exampleStore(t)
	writer, err := Build(ctx, s, nil)
	must(t, err)
	follower, err := Build(ctx, s, nil)
	must(t, err)
	head, err := s.ChangesHead(ctx)
	must(t, err)
	svc := leads.New(s, writer, leads.NewHub(), leads.Config{Learner: writer})
	l := &partnergraph.Lead{ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65},
		IdempotencyKey: "follow-key-1", Customer: partnergraph.Customer{Name: "Pat", Email: "pat@example.com"},
		Consent: partnergraph.Consent{Text: "Pat agreed to be referred.", GivenAt: time.Now().Add(-time.Hour)}}
	l, _, err = svc.Submit(ctx, l)
	must(t, err)
	offers, err := s.OffersOfLead(ctx, l.ID)
	must(t, err)
	_, err = svc.Accept(ctx, offers[0].ID)
	must(t, err)
	// Closed as won: the stores append no change of the close that names the offer, but the
	// accept's OUTCOME, read after it, finds the lead closed and learns the close too.
	_, _, err = svc.Close(ctx, l.ID, partnergraph.LeadWon, 100000, "USD")
	must(t, err)

	route := func(g *Graph) string {
		cands, _, err := g.Route(&partnergraph.Lead{ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney", Location: l.Location}, nil, 10, nil)
		must(t, err)
		out := ""
		for _, c := range cands {
			out += fmt.Sprintf("%s %.6f %.6f; ", c.BusinessID, math.Round(c.Score*1e6)/1e6, c.PathTrust)
		}
		return out
	}
	before := route(follower)
	var outcomes []partnergraph.Change
	for _, c := range changesAfter(t, s, head) {
		if c.Kind == partnergraph.ChangeOutcome {
			outcomes = append(outcomes, c)
		}
	}
	if len(outcomes) == 0 {
		t.Fatal("accepting an offer appended no OUTCOME change")
	}
	want := route(writer)
	for range 3 {
		for _, c := range outcomes {
			must(t, follower.ApplyChange(ctx, s, c))
			must(t, writer.ApplyChange(ctx, s, c))
		}
	}
	if got := route(follower); got != want || got == before {
		t.Fatalf("route after another server's outcome, applied 3 times:\n%s\nthe writer's:\n%s\nbefore:\n%s", got, want, before)
	}
	if got := route(writer); got != want {
		t.Fatalf("the writer learned its own outcome again from the feed:\n%s\nwas:\n%s", got, want)
	}
}

// TestReplaceTakesEveryField: Replace moves every field of the rebuilt graph into the graph
// that readers hold, but for the locks and the configuration it keeps. A field added to Graph
// must be moved by Replace or listed here with why not.
func TestReplaceTakesEveryField(t *testing.T) {
	kept := map[string]string{
		"mu": "lock", "wmu": "lock", "trustRanking": "guards the graph's own background computation",
		"scratch": "working memory, sized on use", "leaders": "a cache of node numbers, dropped (checked below)",
		"weights": "configuration", "fitted": "configuration (the fit adopted)", "fit": "configuration (the fit adopted)", "joined": "counts on, for the fit's schedule",
		"blend": "configuration", "route": "configuration", "outcomeMemory": "configuration",
		"trustEdits": "counts on (checked below)", "trustRankEdits": "counts on (checked below)",
	}
	g := exampleGraph(t)
	must(t, g.SetWeights(Weights{Complement: 1}))
	o := partnergraph.Offer{ID: "o1", Path: []string{"daves-collision", "andys-attorney"}}
	g.Learn(o, partnergraph.Lead{ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney"}, string(partnergraph.OfferAccepted), time.Now())
	g.RefreshTrust()

	r := NewGraph()
	must(t, r.Apply(bizRecord("a", 0, "tyres")))
	must(t, r.Apply(bizRecord("b", 1, "glass")))
	must(t, r.SetTrust(partnergraph.Trust{From: "a", To: "b", Score: 0.5}))
	must(t, r.PutNetwork(partnergraph.Network{ID: "n", Name: "N"}))
	must(t, r.Join(partnergraph.Membership{BusinessID: "a", NetworkID: "n"}))
	r.Learn(partnergraph.Offer{ID: "o2", Path: []string{"a", "b"}}, partnergraph.Lead{ReferrerID: "a", ServiceID: "glass"}, string(partnergraph.OfferAccepted), time.Now())
	r.RefreshTrust()
	edits := g.trustEdits
	g.mu.RLock()
	g.leaders.get(g) // as a member with nothing near would
	g.mu.RUnlock()

	g.Replace(r)
	gv, rv := reflect.ValueOf(g).Elem(), reflect.ValueOf(r).Elem()
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		if _, ok := kept[name]; ok {
			continue
		}
		if got, want := fmt.Sprint(gv.Field(i)), fmt.Sprint(rv.Field(i)); got != want {
			t.Errorf("Replace left field %s as it was: %.80s, rebuilt %.80s", name, got, want)
		}
	}
	if g.weights.Complement != 1 {
		t.Errorf("Replace changed the weights to %+v", g.weights)
	}
	if g.leaders.list != nil {
		t.Errorf("Replace kept the best trusted businesses of the old graph: %v", g.leaders.list)
	}
	if g.trustEdits <= edits || g.trustRankEdits != g.trustEdits {
		t.Errorf("trust edits %d (were %d), rank computed at %d: want more, and current", g.trustEdits, edits, g.trustRankEdits)
	}
	if _, err := g.Suggest("a", 5); err != nil {
		t.Fatalf("suggest after Replace: %v", err)
	}
}

// TestApplyChangeAdoptsFittedWeights: a fit saved by one server (through its Projected store)
// is adopted by another that follows the feed, and by a server that starts afterwards (the
// store keeps it); a fit that kept the defaults restores them everywhere.
func TestApplyChangeAdoptsFittedWeights(t *testing.T) {
	ctx := context.Background()
	s := exampleStore(t)
	head, err := s.ChangesHead(ctx)
	must(t, err)
	writer, err := Build(ctx, s, nil)
	must(t, err)
	follower, err := Build(ctx, s, nil)
	must(t, err)

	fw := partnergraph.FittedWeights{Weights: Weights{AdamicAdar: 3, Social: 1}.named(), Fitted: true, Reason: "test", At: time.Now().UTC()}
	must(t, Project(s, writer, slog.New(slog.DiscardHandler)).SaveFittedWeights(ctx, fw))
	want := weightsOf(Weights{AdamicAdar: 3, Social: 1}.normalized())
	if got, fitted := writer.Weights(); got != want || !fitted {
		t.Fatalf("writer's weights %+v, fitted %v; want %+v", got, fitted, want)
	}
	for _, c := range changesAfter(t, s, head) {
		must(t, follower.ApplyChange(ctx, s, c))
	}
	if got, fitted := follower.Weights(); got != want || !fitted {
		t.Fatalf("follower's weights %+v, fitted %v; want %+v", got, fitted, want)
	}
	if ss := suggest(t, follower, "daves-collision", 1); !ss[0].Fitted || ss[0].Components[iAdamicAdar].Weight != want.AdamicAdar {
		t.Errorf("follower's suggestion %+v; want the fitted weights", ss[0])
	}

	restarted, err := Build(ctx, s, nil)
	must(t, err)
	must(t, restarted.FollowWeights(ctx, s))
	if got, fitted := restarted.Weights(); got != want || !fitted {
		t.Fatalf("after a restart: weights %+v, fitted %v; want %+v", got, fitted, want)
	}

	head, err = s.ChangesHead(ctx)
	must(t, err)
	fw.Fitted, fw.Weights = false, DefaultWeights.named()
	must(t, s.SaveFittedWeights(ctx, fw))
	for _, c := range changesAfter(t, s, head) {
		must(t, follower.ApplyChange(ctx, s, c))
	}
	if got, fitted := follower.Weights(); got != DefaultWeights || fitted {
		t.Errorf("after a fit that kept the defaults: %+v, fitted %v", got, fitted)
	}
}
