package graph_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/auth"
)

// TestColdStartSuggestions is the partner-suggestion promise on the example network: a tyre
// shop that has just registered in Dave's town is told about Dave's Collision and Andy's
// Attorney Services before anything else, and never about other tyre shops.
func TestColdStartSuggestions(t *testing.T) {
	s := newTestServer(t)
	tok := s.token(t, "user-newtyres", auth.Member)
	var reg struct {
		RegisterBusiness struct{ Business struct{ ID string } }
	}
	ok(t, s.do(t, tok, `mutation { registerBusiness(input: {name: "New Tyres", city: "Springfield", country: "US",
		location: {lat: 39.80, lng: -89.65}, services: ["tyres"]}) { business { id } } }`, nil), &reg)
	var got struct {
		PartnerSuggestions []struct {
			Business struct {
				Name     string
				Services []struct{ Slug string }
			}
			Score      float64
			Components []struct {
				Signal string
				Value  float64
				Weight float64
			}
			Reasons []string
		}
		NetworkSuggestions []struct {
			Network struct{ Name string }
			Reasons []string
		}
	}
	ok(t, s.do(t, tok, `query($id: ID!) {
		partnerSuggestions(businessId: $id, first: 10) { business { name services { slug } } score components { signal value weight } reasons }
		networkSuggestions(businessId: $id, first: 3) { network { name } reasons }
	}`, map[string]any{"id": reg.RegisterBusiness.Business.ID}), &got)
	if len(got.PartnerSuggestions) < 2 {
		t.Fatalf("%d suggestions", len(got.PartnerSuggestions))
	}
	top := []string{got.PartnerSuggestions[0].Business.Name, got.PartnerSuggestions[1].Business.Name}
	slices.Sort(top)
	if !slices.Equal(top, []string{"Andy's Attorney Services", "Dave's Collision"}) {
		t.Fatalf("top two = %v, want Dave's Collision and Andy's Attorney Services", top)
	}
	for _, sg := range got.PartnerSuggestions {
		for _, svc := range sg.Business.Services {
			if svc.Slug == "tyres" {
				t.Fatalf("a competitor is suggested: %s", sg.Business.Name)
			}
		}
		if sg.Score < 0 || sg.Score > 1 || len(sg.Reasons) == 0 || len(sg.Components) == 0 {
			t.Fatalf("suggestion %+v", sg)
		}
	}
	if !strings.Contains(strings.Join(got.PartnerSuggestions[0].Reasons, " "), "complements") {
		t.Fatalf("top reasons %v do not explain the complement", got.PartnerSuggestions[0].Reasons)
	}
	if len(got.NetworkSuggestions) == 0 {
		t.Fatal("no network suggestions for a new Springfield business")
	}

	// Suggestions are private to the business: another member is refused.
	r := s.do(t, s.token(t, "user-dave", auth.Member), `query($id: ID!) { partnerSuggestions(businessId: $id) { score } }`,
		map[string]any{"id": reg.RegisterBusiness.Business.ID})
	if r.code() != "FORBIDDEN" {
		t.Fatalf("another member asking: %+v", r.Errors)
	}
}

// TestSuggestionsSeeWrites: a partnership proposed through the API removes the partner from
// the next suggestions (the projection follows committed writes).
func TestSuggestionsSeeWrites(t *testing.T) {
	s := newTestServer(t)
	tok := s.token(t, "user-newtyres", auth.Member)
	var reg struct {
		RegisterBusiness struct{ Business struct{ ID string } }
	}
	ok(t, s.do(t, tok, `mutation { registerBusiness(input: {name: "New Tyres", location: {lat: 39.80, lng: -89.65}, services: ["tyres"]}) { business { id } } }`, nil), &reg)
	me := reg.RegisterBusiness.Business.ID
	names := func() []string {
		var got struct {
			PartnerSuggestions []struct{ Business struct{ Name string } }
		}
		ok(t, s.do(t, tok, `query($id: ID!) { partnerSuggestions(businessId: $id, first: 10) { business { name } } }`, map[string]any{"id": me}), &got)
		var out []string
		for _, sg := range got.PartnerSuggestions {
			out = append(out, sg.Business.Name)
		}
		return out
	}
	if !slices.Contains(names(), "Dave's Collision") {
		t.Fatal("Dave's Collision is not suggested before the proposal")
	}
	ok(t, s.do(t, tok, `mutation($p: ID!, $q: ID!) { proposePartnership(input: {proposerId: $p, partnerId: $q, terms: {type: FLAT, amount: "20", currency: "USD"}}) { partnership { id } } }`,
		map[string]any{"p": me, "q": bizID("daves-collision")}), &struct{}{})
	if slices.Contains(names(), "Dave's Collision") {
		t.Fatal("a pending partner is still suggested")
	}
}

// TestSuggestionsNeverEmpty: a business that has just registered with no services and no
// partners still gets partner suggestions through the API: the best trusted businesses near
// it, and its reasons say so.
func TestSuggestionsNeverEmpty(t *testing.T) {
	s := newTestServer(t)
	tok := s.token(t, "user-blank", auth.Member)
	var reg struct {
		RegisterBusiness struct{ Business struct{ ID string } }
	}
	ok(t, s.do(t, tok, `mutation { registerBusiness(input: {name: "Blank Slate", city: "Springfield", country: "US",
		location: {lat: 39.80, lng: -89.65}}) { business { id } } }`, nil), &reg)
	var got struct {
		PartnerSuggestions []struct {
			Business   struct{ Name string }
			Components []struct{ Signal string }
			Reasons    []string
		}
	}
	ok(t, s.do(t, tok, `query($id: ID!) {
		partnerSuggestions(businessId: $id, first: 5) { business { name } components { signal } reasons }
	}`, map[string]any{"id": reg.RegisterBusiness.Business.ID}), &got)
	if len(got.PartnerSuggestions) != 5 {
		t.Fatalf("%d suggestions for a business with no services and no partners; want 5", len(got.PartnerSuggestions))
	}
	for _, sg := range got.PartnerSuggestions {
		if len(sg.Reasons) == 0 || !strings.HasPrefix(sg.Reasons[0], "well trusted near you") || len(sg.Components) == 0 {
			t.Errorf("suggestion %s: reasons %q; want the first to say it is well trusted near", sg.Business.Name, sg.Reasons)
		}
	}
}

// TestSuggestionWeightsDefaults: without a fit (the example network's history is too small),
// the API says the suggestions use the default
// weights and why, and each suggestion says so too.
func TestSuggestionWeightsDefaults(t *testing.T) {
	s := newTestServer(t)
	var got struct {
		SuggestionWeights struct {
			Fitted           bool
			Reason           string
			ValidationMode   *string
			BestSingleSignal *string
			FittedAt         *string
			Weights          []struct {
				Signal string
				Weight float64
			}
		}
		PartnerSuggestions []struct{ WeightsFitted bool }
	}
	ok(t, s.do(t, s.token(t, "admin", auth.Admin), `query($id: ID!) {
		suggestionWeights { fitted reason validationMode bestSingleSignal fittedAt weights { signal weight } }
		partnerSuggestions(businessId: $id, first: 3) { weightsFitted } }`, map[string]any{"id": gid("Business", "daves-collision")}), &got)
	w := got.SuggestionWeights
	// The server's start-up fit may have run by now (it finds too little history here) or not
	// (no fit yet): either way the defaults stand, and the reason says why.
	if w.Fitted || !strings.HasPrefix(w.Reason, "default weights: ") || w.BestSingleSignal != nil {
		t.Errorf("suggestionWeights %+v; want the defaults, and why", w)
	}
	sum := 0.0
	for _, sw := range w.Weights {
		sum += sw.Weight
	}
	if len(w.Weights) != 10 || w.Weights[1].Signal != "SOCIAL" || w.Weights[1].Weight != 0.45 || sum < 0.999 || sum > 1.001 {
		t.Errorf("weights %+v; want the 10 signals, SOCIAL 0.45, summing to 1", w.Weights)
	}
	if len(got.PartnerSuggestions) == 0 || got.PartnerSuggestions[0].WeightsFitted {
		t.Errorf("partnerSuggestions %+v; want weightsFitted false", got.PartnerSuggestions)
	}
}
