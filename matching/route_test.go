package matching_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/seed"
)

func exampleGraph(t *testing.T) *matching.Graph {
	t.Helper()
	g, err := matching.BuildRecords(context.Background(), seed.Example(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func attorneyLead() *partnergraph.Lead {
	return &partnergraph.Lead{ID: "l1", ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney",
		Location: partnergraph.Point{Lat: 39.80, Lng: -89.65}, MaxOffers: 1}
}

func TestRouteFollowsTrust(t *testing.T) {
	g := exampleGraph(t)
	cands, reason, err := g.Route(attorneyLead(), nil, 5, nil)
	if err != nil || len(cands) == 0 {
		t.Fatalf("Route: %v %q", err, reason)
	}
	top := cands[0]
	if top.BusinessID != "andys-attorney" {
		t.Fatalf("a lead from Dave for an attorney goes first to %s (%v), want Andy's", top.BusinessID, top.Reasons)
	}
	if len(top.Path) < 2 || top.Path[0] != "daves-collision" || top.Path[len(top.Path)-1] != "andys-attorney" {
		t.Fatalf("path = %v", top.Path)
	}
	if !strings.HasPrefix(top.Reasons[0], "via ") || !strings.Contains(top.Reasons[0], "Andy's Attorney Services (0.") {
		t.Fatalf("reasons = %v", top.Reasons)
	}
	for i, c := range cands {
		if c.PathTrust <= 0 || c.PathTrust > 1 || len(c.Path) > matching.MaxHops+1 {
			t.Fatalf("candidate %d: trust %v path %v", i, c.PathTrust, c.Path)
		}
		if i > 0 && c.Score > cands[i-1].Score {
			t.Fatal("candidates are not ranked by score")
		}
		if c.BusinessID == "daves-collision" {
			t.Fatal("the referrer is a candidate")
		}
	}
}

func TestRouteExclusions(t *testing.T) {
	g := exampleGraph(t)
	cands, _, err := g.Route(attorneyLead(), map[string]bool{"andys-attorney": true}, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if c.BusinessID == "andys-attorney" {
			t.Fatal("an excluded business is a candidate")
		}
	}
	// Nobody offers the service: unroutable, with a reason.
	l := attorneyLead()
	l.ServiceID = "no-such-service"
	cands, reason, err := g.Route(l, nil, 5, nil)
	if err != nil || len(cands) != 0 || reason == "" {
		t.Fatalf("unknown service: %v %q %v", cands, reason, err)
	}
	// A customer far from every attorney's service area.
	l = attorneyLead()
	l.Location = partnergraph.Point{Lat: 10, Lng: 10}
	if cands, reason, _ := g.Route(l, nil, 5, nil); len(cands) != 0 || reason == "" {
		t.Fatalf("far customer: %v %q", cands, reason)
	}
	// Suspended businesses get no leads.
	if err := g.Apply(partnergraph.Record{Business: &partnergraph.BusinessRecord{Business: partnergraph.Business{
		ID: "andys-attorney", Name: "Andy's Attorney Services", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65},
		Status: partnergraph.BusinessSuspended, ServiceRadiusKm: 40, DailyLeadCap: 20}, Services: []string{"personal-injury-attorney"}}}); err != nil {
		t.Fatal(err)
	}
	cands, _, _ = g.Route(attorneyLead(), nil, 10, nil)
	for _, c := range cands {
		if c.BusinessID == "andys-attorney" {
			t.Fatal("a suspended business is a candidate")
		}
	}
}

// TestRouteTrustFloor: a ring of businesses that only trust each other, which no verified
// business trusts, gets no leads even with a path from the referrer.
func TestRouteTrustFloor(t *testing.T) {
	g := exampleGraph(t)
	shill := partnergraph.Business{ID: "shill-law", Name: "Shill Law", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65},
		Status: partnergraph.BusinessActive, ServiceRadiusKm: 40, DailyLeadCap: 20}
	if err := g.PutBusiness(shill, []string{"personal-injury-attorney"}); err != nil {
		t.Fatal(err)
	}
	// Dave is verified: what he trusts is above the floor.
	if err := g.SetTrust(partnergraph.Trust{From: "daves-collision", To: "shill-law", Score: 0.9}); err != nil {
		t.Fatal(err)
	}
	g.RefreshTrust()
	cands, _, _ := g.Route(attorneyLead(), nil, 20, nil)
	if !hasCandidate(cands, "shill-law") {
		t.Fatal("a business trusted by a verified one is below the floor")
	}
	// An island: two unverified businesses trust each other; one refers a lead.
	island := []partnergraph.Business{
		{ID: "island-a", Name: "Island A", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65}, Status: partnergraph.BusinessActive, ServiceRadiusKm: 40},
		{ID: "island-b", Name: "Island B", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65}, Status: partnergraph.BusinessActive, ServiceRadiusKm: 40},
	}
	for _, b := range island {
		if err := g.PutBusiness(b, []string{"personal-injury-attorney"}); err != nil {
			t.Fatal(err)
		}
	}
	g.SetTrust(partnergraph.Trust{From: "island-a", To: "island-b", Score: 1})
	g.SetTrust(partnergraph.Trust{From: "island-b", To: "island-a", Score: 1})
	g.RefreshTrust()
	l := attorneyLead()
	l.ReferrerID = "island-a"
	cands, reason, _ := g.Route(l, nil, 5, nil)
	if hasCandidate(cands, "island-b") {
		t.Fatalf("an island no verified business reaches gets leads: %v (%q)", cands, reason)
	}
}

func hasCandidate(cs []partnergraph.Candidate, id string) bool {
	for _, c := range cs {
		if c.BusinessID == id {
			return true
		}
	}
	return false
}

func TestRouteFallbackVerified(t *testing.T) {
	g := exampleGraph(t)
	g.PutBusiness(partnergraph.Business{ID: "loner", Name: "Loner", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65}, Status: partnergraph.BusinessActive, ServiceRadiusKm: 40}, []string{"collision-repair"})
	l := attorneyLead()
	l.ReferrerID = "loner"
	if cands, reason, _ := g.Route(l, nil, 3, nil); len(cands) != 0 || !strings.Contains(reason, "no trusted path") {
		t.Fatalf("no path, no fallback: %v %q", cands, reason)
	}
	g.SetRouteOptions(matching.RouteOptions{FallbackVerified: true})
	cands, _, _ := g.Route(l, nil, 3, nil)
	if len(cands) == 0 || !strings.Contains(cands[0].Reasons[0], "verified") {
		t.Fatalf("fallback: %v", cands)
	}
}

// TestOutcomesFeedRouting: declines and expiries lower, acceptances and wins raise, the trust
// of the edges a lead travelled and the recipient's acceptance rate, within bounds.
func TestOutcomesFeedRouting(t *testing.T) {
	g := exampleGraph(t)
	path := func() (float64, float64) {
		cands, _, _ := g.Route(attorneyLead(), nil, 20, nil)
		for _, c := range cands {
			if c.BusinessID == "andys-attorney" {
				return c.PathTrust, c.Score
			}
		}
		t.Fatal("Andy is not a candidate")
		return 0, 0
	}
	trust0, score0 := path()
	now := time.Now()
	offer := partnergraph.Offer{Path: []string{"daves-collision", "andys-attorney"}}
	lead := *attorneyLead()
	for range 3 {
		g.Learn(offer, lead, string(partnergraph.OfferExpired), now)
	}
	trust1, score1 := path()
	if trust1 >= trust0 || score1 >= score0 {
		t.Fatalf("after three expiries: trust %.3f → %.3f, score %.3f → %.3f; want both lower", trust0, trust1, score0, score1)
	}
	for range 100 {
		g.Learn(offer, lead, string(partnergraph.OfferAccepted), now)
		g.Learn(offer, lead, string(partnergraph.LeadWon), now)
	}
	trust2, _ := path()
	if trust2 <= trust1 || trust2 > trust0+0.2+1e-9 || trust2 > 1 {
		t.Fatalf("after many wins: trust %.3f (from %.3f, first %.3f); want higher, at most +0.2 and 1", trust2, trust1, trust0)
	}
}

// attorneyNear is an attorney serving the attorney lead's customer.
func attorneyNear(id string) partnergraph.Business {
	return partnergraph.Business{ID: id, Name: id, Location: partnergraph.Point{Lat: 39.80, Lng: -89.65},
		Status: partnergraph.BusinessActive, ServiceRadiusKm: 40, DailyLeadCap: 20}
}

// TestRouteNewTrustedBusinessAtOnce: a business that registers after TrustRank was computed
// and that a verified business trusts gets leads at once, not after the next recomputation
// (up to TrustRankInterval later, on every server).
func TestRouteNewTrustedBusinessAtOnce(t *testing.T) {
	g := exampleGraph(t)
	g.RefreshTrust()
	if err := g.PutBusiness(attorneyNear("new-law"), []string{"personal-injury-attorney"}); err != nil {
		t.Fatal(err)
	}
	// Dave, the referrer, is verified and now trusts the newcomer.
	if err := g.SetTrust(partnergraph.Trust{From: "daves-collision", To: "new-law", Score: 0.9}); err != nil {
		t.Fatal(err)
	}
	cands, reason, _ := g.Route(attorneyLead(), nil, 20, nil)
	if !hasCandidate(cands, "new-law") {
		t.Fatalf("a new business trusted by a verified referrer gets no lead until TrustRank is recomputed: %v (%q)", cands, reason)
	}
}

// TestRouteNewIslandStillBelowFloor: businesses added since the last computation that only
// trust each other, with no trust from anyone TrustRank ranked, still get no leads; nor does
// a newcomer trusted only by a business that was itself below the floor.
func TestRouteNewIslandStillBelowFloor(t *testing.T) {
	g := exampleGraph(t)
	g.RefreshTrust()
	for _, id := range []string{"ring-a", "ring-b", "ring-c"} {
		if err := g.PutBusiness(attorneyNear(id), []string{"personal-injury-attorney"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range [][2]string{{"ring-a", "ring-b"}, {"ring-b", "ring-c"}, {"ring-c", "ring-a"}, {"ring-a", "ring-c"}, {"ring-b", "ring-a"}} {
		if err := g.SetTrust(partnergraph.Trust{From: e[0], To: e[1], Score: 1}); err != nil {
			t.Fatal(err)
		}
	}
	l := attorneyLead()
	l.ReferrerID = "ring-a"
	if cands, reason, _ := g.Route(l, nil, 20, nil); hasCandidate(cands, "ring-b") || hasCandidate(cands, "ring-c") {
		t.Fatalf("a new ring that only trusts itself gets leads: %v (%q)", cands, reason)
	}
	// After a computation the ring is known and below the floor; a newcomer it trusts is too.
	g.RefreshTrust()
	if err := g.PutBusiness(attorneyNear("ring-d"), []string{"personal-injury-attorney"}); err != nil {
		t.Fatal(err)
	}
	g.SetTrust(partnergraph.Trust{From: "ring-a", To: "ring-d", Score: 1})
	if cands, reason, _ := g.Route(l, nil, 20, nil); hasCandidate(cands, "ring-b") || hasCandidate(cands, "ring-d") {
		t.Fatalf("a ring below the floor lifts itself or its newcomer: %v (%q)", cands, reason)
	}
}

// TestRouteBelowFloorTrustedNowAtOnce: a business TrustRank left below the floor that a
// verified business starts to trust gets leads at once.
func TestRouteBelowFloorTrustedNowAtOnce(t *testing.T) {
	g := exampleGraph(t)
	if err := g.PutBusiness(attorneyNear("late-law"), []string{"personal-injury-attorney"}); err != nil {
		t.Fatal(err)
	}
	// Known to TrustRank, trusted by nobody: below the floor.
	g.RefreshTrust()
	if cands, _, _ := g.Route(attorneyLead(), nil, 20, nil); hasCandidate(cands, "late-law") {
		t.Fatal("a business nobody trusts is a candidate")
	}
	if err := g.SetTrust(partnergraph.Trust{From: "daves-collision", To: "late-law", Score: 0.9}); err != nil {
		t.Fatal(err)
	}
	cands, reason, _ := g.Route(attorneyLead(), nil, 20, nil)
	if !hasCandidate(cands, "late-law") {
		t.Fatalf("a business just trusted by a verified one stays below the floor until TrustRank is recomputed: %v (%q)", cands, reason)
	}
}

// TestRouteTrace: a trace names the rule that left a business out, from the same decisions
// that rank the candidates; the agreement over a whole synthetic network is
// leads.TestWhyNotAgreesWithRouting.
func TestRouteTrace(t *testing.T) {
	g := exampleGraph(t)
	trace := func(l *partnergraph.Lead, id string) *partnergraph.RouteTrace {
		t.Helper()
		tr := &partnergraph.RouteTrace{BusinessID: id}
		if _, _, err := g.Route(l, nil, 1, tr); err != nil {
			t.Fatal(err)
		}
		return tr
	}
	cands, _, _ := g.Route(attorneyLead(), nil, 1, nil)
	if tr := trace(attorneyLead(), cands[0].BusinessID); tr.Rule != partnergraph.RuleOffered || tr.Position != 1 || tr.Self == nil || tr.Self.Score != cands[0].Score {
		t.Fatalf("the first candidate: %+v", tr)
	}
	if tr := trace(attorneyLead(), "daves-collision"); tr.Rule != partnergraph.RuleReferrer {
		t.Fatalf("the referrer: %+v", tr)
	}
	if tr := trace(attorneyLead(), "mikes-tyre"); tr.Rule != partnergraph.RuleServiceNotOffered || tr.ServiceName == "" {
		t.Fatalf("a tyre shop for an attorney's lead: %+v", tr)
	}
	all, _, _ := g.Route(attorneyLead(), nil, 100, nil)
	if len(all) > 1 {
		tr := trace(attorneyLead(), all[1].BusinessID)
		if tr.Rule != partnergraph.RuleRankedBelow || tr.Position != 2 || tr.Signals[all[0].BusinessID] == (partnergraph.RouteSignals{}) {
			t.Fatalf("the second of %d, one asked for: %+v", len(all), tr)
		}
	}
	// A ring no verified business reaches: a path, but below the floor.
	for _, b := range []partnergraph.Business{
		{ID: "island-a", Name: "Island A", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65}, Status: partnergraph.BusinessActive, ServiceRadiusKm: 40},
		{ID: "island-b", Name: "Island B", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65}, Status: partnergraph.BusinessActive, ServiceRadiusKm: 40},
	} {
		if err := g.PutBusiness(b, []string{"personal-injury-attorney"}); err != nil {
			t.Fatal(err)
		}
	}
	g.SetTrust(partnergraph.Trust{From: "island-a", To: "island-b", Score: 1})
	g.SetTrust(partnergraph.Trust{From: "island-b", To: "island-a", Score: 1})
	g.RefreshTrust()
	l := attorneyLead()
	l.ReferrerID = "island-a"
	if tr := trace(l, "island-b"); tr.Rule != partnergraph.RuleBelowTrustFloor {
		t.Fatalf("a ring no verified business reaches: %+v", tr)
	}
	if tr := trace(l, "andys-attorney"); tr.Rule != partnergraph.RuleNoTrustedPath || tr.Referrer != "Island A" {
		t.Fatalf("no path from the ring: %+v", tr)
	}
	far := attorneyLead()
	far.Location = partnergraph.Point{Lat: 10, Lng: 10}
	if tr := trace(far, "andys-attorney"); tr.Rule != partnergraph.RuleOutsideRadius || tr.DistanceKm <= tr.RadiusKm {
		t.Fatalf("a far customer: %+v", tr)
	}
}

// TestUnroutableKinds: the reasons routing gives for no candidate fall under the kinds the
// health view counts them by (partnergraph.UnroutableKinds).
func TestUnroutableKinds(t *testing.T) {
	g := exampleGraph(t)
	nobody := attorneyLead()
	nobody.ServiceID = "no-such-service"
	g.PutBusiness(partnergraph.Business{ID: "loner", Name: "Loner", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65}, Status: partnergraph.BusinessActive, ServiceRadiusKm: 40}, []string{"collision-repair"})
	island := attorneyLead()
	island.ReferrerID = "loner"
	for _, c := range []struct {
		lead *partnergraph.Lead
		want partnergraph.UnroutableKind
	}{
		{nobody, partnergraph.UnroutableNoProvider},
		{island, partnergraph.UnroutableNoTrustedPath},
	} {
		cands, reason, err := g.Route(c.lead, nil, 3, nil)
		if err != nil || len(cands) != 0 || partnergraph.UnroutableKindOf(reason) != c.want {
			t.Errorf("%s from %s: %d candidates, %q (%v), want none of kind %s", c.lead.ServiceID, c.lead.ReferrerID, len(cands), reason, err, c.want)
		}
	}
}
