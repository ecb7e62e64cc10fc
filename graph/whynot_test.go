package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/seed"
)

const whyNotRouted = `query($in: WhyNotRoutedInput!) { whyNotRouted(input: $in) {
	business { id name } rule message margin missingSignals remedies
	candidates { business { id name } rank score pathTrust offersToday rule } } }`

type whyNotAnswer struct {
	WhyNotRouted struct {
		Business       struct{ ID, Name string }
		Rule           string
		Message        string
		Margin         *float64
		MissingSignals []string
		Remedies       []string
		Candidates     []struct {
			Business         struct{ ID, Name string }
			Rank             int
			Score, PathTrust float64
			OffersToday      int
			Rule             string
		}
	}
}

// TestWhyNotRouted asks, through the HTTP handler, why Dave's lead for an attorney went to
// Andy's Attorney Services and not to other businesses: as their owners (who learn the rule,
// the margin and the remedies, and nothing of Andy's, of the customer or of anyone's score) and
// as an admin (who sees the candidates and their scores). A member whom Dave never vouched for
// cannot ask about the lead (NOT_FOUND, as if it did not exist), but may ask about a
// hypothetical one.
func TestWhyNotRouted(t *testing.T) {
	forEachStore(t, testWhyNotRouted)
}

func testWhyNotRouted(t *testing.T, open storeOpener) {
	s := newTestServerOn(t, open)
	var sub struct {
		SubmitLead struct {
			Lead struct {
				ID     string
				Offers []struct{ Business struct{ Name string } }
			}
		}
	}
	ok(t, s.do(t, s.callerToken(t, owner), submitLead, leadInput("whynot-0001")), &sub)
	lead := sub.SubmitLead.Lead
	if len(lead.Offers) != 1 || lead.Offers[0].Business.Name != "Andy's Attorney Services" {
		t.Fatalf("Dave's lead went to %+v, want Andy's", lead.Offers)
	}
	ask := func(caller, business string, in map[string]any) response {
		t.Helper()
		in["businessId"] = gid("Business", business)
		return s.do(t, caller, whyNotRouted, map[string]any{"in": in})
	}
	real := func() map[string]any { return map[string]any{"leadId": lead.ID} }
	harper := s.token(t, "user-harper-cole-law", auth.Member)

	// Dave trusts Harper Cole Law (0.35): it may ask, and ranked below Andy's (0.92).
	r := ask(harper, "harper-cole-law", real())
	var got whyNotAnswer
	ok(t, r, &got)
	w := got.WhyNotRouted
	if w.Rule != "RANKED_BELOW" || w.Margin == nil || *w.Margin <= 0 || !contains(w.MissingSignals, "PATH_TRUST") || len(w.Remedies) == 0 {
		t.Fatalf("Harper: %+v", w)
	}
	if w.Candidates != nil {
		t.Fatalf("a member sees the candidates: %+v", w.Candidates)
	}
	t.Logf("Harper: %+v", w)
	noLeak(t, r, "harper-cole-law", "daves-collision")

	// Mike's Tyre (Dave's partner) does not offer the service.
	r = ask(s.token(t, "user-mike", auth.Member), "mikes-tyre", real())
	ok(t, r, &got)
	if w := got.WhyNotRouted; w.Rule != "SERVICE_NOT_OFFERED" || !strings.Contains(strings.Join(w.Remedies, " "), "add the service Personal Injury Attorney") {
		t.Fatalf("Mike's: %+v", w)
	}
	noLeak(t, r, "mikes-tyre", "daves-collision")

	// Andy's was offered it.
	ok(t, ask(s.token(t, "user-andy", auth.Member), "andys-attorney", real()), &got)
	if got.WhyNotRouted.Rule != "OFFERED" {
		t.Fatalf("Andy's: %+v", got.WhyNotRouted)
	}

	// Dave never vouched for Marlow Injury Law: the lead does not exist for it, as one with
	// an unknown id does not; a hypothetical lead from Dave it may ask about.
	marlow := s.token(t, "user-marlow-injury-law", auth.Member)
	for _, id := range []string{lead.ID, gid("Lead", "01JZZZZZZZZZZZZZZZZZZZZZZZ")} {
		if r := ask(marlow, "marlow-injury-law", map[string]any{"leadId": id}); r.code() != "NOT_FOUND" || !nullData(r.Data) {
			t.Fatalf("Marlow asks about lead %s: %+v %s", id, r.Errors, r.Data)
		}
	}
	hypothetical := map[string]any{"hypothetical": map[string]any{"service": "personal-injury-attorney",
		"location": map[string]any{"lat": 39.80, "lng": -89.65}, "referrerId": gid("Business", "daves-collision")}}
	r = ask(marlow, "marlow-injury-law", hypothetical)
	ok(t, r, &got)
	if w := got.WhyNotRouted; w.Rule == "OFFERED" || w.Rule == "" || w.Message == "" {
		t.Fatalf("Marlow, a hypothetical lead: %+v", w)
	}
	t.Logf("Marlow, hypothetical: %+v", got.WhyNotRouted)
	noLeak(t, r, "marlow-injury-law", "daves-collision")

	// Marlow may not ask for Harper's.
	if r := ask(marlow, "harper-cole-law", hypothetical); r.code() != "FORBIDDEN" {
		t.Fatalf("Marlow asks for Harper's: %+v", r.Errors)
	}
	// Exactly one of leadId and hypothetical.
	both := real()
	both["hypothetical"] = hypothetical["hypothetical"]
	for _, in := range []map[string]any{{}, both} {
		if r := ask(harper, "harper-cole-law", in); r.code() != "BAD_USER_INPUT" || r.field() != "input.leadId" {
			t.Fatalf("input %v: %+v", in, r.Errors)
		}
	}
	bad := map[string]any{"hypothetical": map[string]any{"service": "no-such-service",
		"location": map[string]any{"lat": 39.80, "lng": -89.65}, "referrerId": gid("Business", "daves-collision")}}
	if r := ask(harper, "harper-cole-law", bad); r.code() != "BAD_USER_INPUT" || r.field() != "input.hypothetical.service" {
		t.Fatalf("an unknown service: %+v", r.Errors)
	}

	// An admin sees every candidate weighed, with scores: Andy's offered first.
	ok(t, ask(s.callerToken(t, admin), "harper-cole-law", real()), &got)
	w = got.WhyNotRouted
	if w.Rule != "RANKED_BELOW" || len(w.Candidates) < 2 || w.Candidates[0].Business.Name != "Andy's Attorney Services" ||
		w.Candidates[0].Rule != "OFFERED" || w.Candidates[0].Score <= 0 {
		t.Fatalf("admin: %+v", w)
	}
	var harperSeen bool
	for _, c := range w.Candidates {
		if c.Business.Name == "Harper & Cole Injury Law" {
			harperSeen = c.Rule == "RANKED_BELOW" && c.Score < w.Candidates[0].Score
		}
	}
	if !harperSeen {
		t.Fatalf("admin: Harper is not among the candidates, ranked below: %+v", w.Candidates)
	}
}

// noLeak fails if a member's response names or identifies any business of the example network
// but the ones allowed (the asker and the lead's referrer), carries the customer's details, or
// a score or candidate.
func noLeak(t *testing.T, r response, allowed ...string) {
	t.Helper()
	body, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	for rec, err := range seed.Example() {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Business == nil || contains(allowed, rec.Business.ID) {
			continue
		}
		for _, s := range []string{rec.Business.ID, gid("Business", rec.Business.ID), rec.Business.Name} {
			if strings.Contains(text, s) {
				t.Fatalf("the response names %q (%s): %s", s, rec.Business.ID, text)
			}
		}
	}
	for _, s := range []string{"Pat Driver", "pat@example.com", "555 0142", "neck pain", `"score":`, `"pathTrust":`, `"candidates":[`, "Andy"} {
		if strings.Contains(text, s) {
			t.Fatalf("the response carries %q: %s", s, text)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
