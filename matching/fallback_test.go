package matching

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// noEmpty is a town where the members below have nothing the ranker reads: "lone" has no
// services and no links; "odd" offers a service nothing complements; "net" has neither but
// belongs to a network. Around them: "star", verified and trusted by three businesses that
// accepts its leads; "plain", unknown; "far", as trusted as star but 3,000 km away; and the
// network's members.
func noEmpty(t *testing.T) *tiny {
	tn := newTiny(t)
	tn.business("lone", 0, false)
	tn.business("odd", 0.5, false, "d")
	tn.business("net", 1, false)
	tn.business("star", 2, true, "a")
	tn.business("plain", 3, false, "b")
	tn.business("far", 3000, true, "a")
	tn.business("fan1", 4, false, "c")
	tn.business("fan2", 5, false, "c")
	tn.business("fan3", 6, false, "c")
	for _, fan := range []string{"fan1", "fan2", "fan3"} {
		tn.trust(fan, "star", 0.9)
		tn.trust(fan, "far", 0.9)
	}
	tn.partner("fan1", "fan2", partnergraph.PartnershipActive)
	tn.business("club1", 8, false)
	tn.business("club2", 9, false)
	tn.network("club", "net", "club1", "club2")
	return tn
}

func TestNoEmptyAnswers(t *testing.T) {
	tn := noEmpty(t)
	for _, tc := range []struct {
		member string
		first  []string // the first suggestions, in order
		reason string   // the first one's reasons include this
	}{
		// No services, no links: the best trusted nearby first, the far one after the near ones.
		{"lone", []string{"star"}, "well trusted near you"},
		// A service nothing complements: the same.
		{"odd", []string{"star"}, "well trusted near you"},
		// The network's members first, then the well trusted.
		{"net", []string{"club1", "club2", "star"}, "both in Network club"},
	} {
		t.Run(tc.member, func(t *testing.T) {
			ss := suggest(t, tn.g, tc.member, 20)
			got := ids(ss)
			if len(got) < len(tc.first) || !slices.Equal(got[:len(tc.first)], tc.first) {
				t.Fatalf("suggestions %v; want them to start with %v\n%s", got, tc.first, describe(ss))
			}
			if !slices.ContainsFunc(ss[0].Reasons, func(r string) bool { return strings.Contains(r, tc.reason) }) {
				t.Errorf("reasons of %s: %q; want one with %q", got[0], ss[0].Reasons, tc.reason)
			}
			if !before(got, "star", "far") || !before(got, "star", "plain") {
				t.Errorf("suggestions %v; want star before far and plain", got)
			}
			if slices.Contains(got, tc.member) {
				t.Errorf("suggestions %v include the member", got)
			}
			for _, s := range ss {
				if len(s.Reasons) == 0 || len(s.Components) != len(partnerSignals) {
					t.Errorf("suggestion %+v lacks reasons or components", s)
				}
			}
		})
	}
}

// TestNoEmptyAnswersAfterLeave: a business that left the network is no longer suggested as
// one of its members.
func TestNoEmptyAnswersAfterLeave(t *testing.T) {
	tn := noEmpty(t)
	must(t, tn.g.Leave("club1", "club"))
	ss := suggest(t, tn.g, "net", 20)
	if got := ids(ss); got[0] != "club2" || !strings.HasPrefix(ss[0].Reasons[0], "both in") {
		t.Fatalf("suggestions %v; want club2 first as the one member left\n%s", got, describe(ss))
	}
	if c1, ok := find(ss, "club1"); ok && strings.HasPrefix(c1.Reasons[0], "both in") {
		t.Errorf("club1 still suggested as a member: %q", c1.Reasons)
	}
}

// TestNoEmptyAnswersFarAway: a member with no one within its search radius (here at the other
// end of the map, as one imported without a real location would be) gets the best trusted
// anywhere, and is told so.
func TestNoEmptyAnswersFarAway(t *testing.T) {
	tn := noEmpty(t)
	must(t, tn.g.PutBusiness(partnergraph.Business{ID: "island", Name: "Island", Location: partnergraph.Point{Lat: -40, Lng: 90},
		ServiceRadiusKm: 25, Status: partnergraph.BusinessActive}, nil))
	ss := suggest(t, tn.g, "island", 5)
	got := ids(ss)
	if len(got) != 5 || (got[0] != "star" && got[0] != "far") {
		t.Fatalf("suggestions %v; want 5, a trusted one first\n%s", got, describe(ss))
	}
	if !slices.ContainsFunc(ss[0].Reasons, func(r string) bool { return strings.Contains(r, "none near you") }) {
		t.Errorf("reasons %q; want one saying none is near", ss[0].Reasons)
	}
}

// TestNoEmptyAnswersEvaluation: in a graph of businesses with no services at one place, as
// the real graphs are converted, a member left without links by the split (cold start) gets
// the best trusted businesses, ties broken by their links: B, with two partners, before A and
// C, with one each.
func TestNoEmptyAnswersEvaluation(t *testing.T) {
	recs := []partnergraph.Record{bizRecord("A", 0), bizRecord("B", 0), bizRecord("C", 0), bizRecord("D", 0),
		partnershipRecord("p1", "A", "B", 1), partnershipRecord("p2", "B", "C", 2), partnershipRecord("p3", "D", "B", 3)}
	rep, err := Evaluate(context.Background(), records(recs...), EvalOptions{Mode: EvalTemporal})
	must(t, err)
	ours, random := rep.Cold.Rows[0], rep.Cold.Rows[len(EvalMethods)-1]
	if rep.Cold.Members != 1 || ours.MRR != 1 || math.Abs(random.MRR-11.0/18) > 1e-12 {
		t.Errorf("cold start: ours %+v, random %+v; want MRR 1 and 11/18\n%s", ours, random, rep)
	}
}

// TestNoEmptyAnswersConcurrent: members with nothing related ask at once while trust changes,
// so the shared list of best trusted businesses is read and recomputed concurrently (run with
// -race).
func TestNoEmptyAnswersConcurrent(t *testing.T) {
	tn := noEmpty(t)
	tn.g.leaders.get(tn.g)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if ss, err := tn.g.Suggest([]string{"lone", "odd", "net"}[i%3], 5); err != nil || len(ss) == 0 {
					t.Errorf("suggest: %d, %v", len(ss), err)
					return
				}
			}
		}()
	}
	for j := range 50 {
		must(t, tn.g.SetTrust(partnergraph.Trust{From: "fan1", To: "plain", Score: float64(j%10) / 10}))
		tn.g.mu.Lock()
		tn.g.leaders.at = time.Time{} // due for recomputation
		tn.g.mu.Unlock()
	}
	wg.Wait()
}
