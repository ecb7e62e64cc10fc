package matching

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// longTests reports whether PG_LONG_TESTS=1 asks for the long runs: the larger sizes, too slow
// under -race for every `go test` (README, "The two commands"; .ci/run runs them in a step of
// their own).
func longTests() bool { return os.Getenv("PG_LONG_TESTS") == "1" }

// exampleStore returns an in-memory store loaded with the example network.
func exampleStore(t testing.TB) *sqlitestore.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, sqlitestore.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		t.Fatal(err)
	}
	return s
}

// exampleGraph returns the projection of the example network, built from the store.
func exampleGraph(t testing.TB) *Graph {
	t.Helper()
	g, err := Build(context.Background(), exampleStore(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// suggest returns the member's suggestions, failing the test on an error.
func suggest(t *testing.T, g *Graph, id string, first int) []Suggestion {
	t.Helper()
	ss, err := g.Suggest(id, first)
	if err != nil {
		t.Fatalf("Suggest(%q): %v", id, err)
	}
	return ss
}

func ids(ss []Suggestion) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.BusinessID
	}
	return out
}

func find(ss []Suggestion, id string) (Suggestion, bool) {
	for _, s := range ss {
		if s.BusinessID == id {
			return s, true
		}
	}
	return Suggestion{}, false
}

func component(s Suggestion, sig Signal) float64 {
	for _, c := range s.Components {
		if c.Signal == sig {
			return c.Value
		}
	}
	return -1
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// tiny builds small hand-made graphs for the signal tests: services a, b, c, d with curated
// complements, businesses placed by kilometres east of a common origin.
type tiny struct {
	t *testing.T
	g *Graph
}

func newTiny(t *testing.T) *tiny {
	t.Helper()
	tn := &tiny{t: t, g: NewGraph()}
	for _, s := range []string{"a", "b", "c", "d"} {
		tn.g.PutService(partnergraph.Service{ID: s, Name: strings.ToUpper(s) + " service", Sector: "Test"})
	}
	tn.complement("a", "b", 0.9)
	tn.complement("a", "c", 0.5)
	return tn
}

func (tn *tiny) complement(from, to string, w float64) {
	tn.t.Helper()
	must(tn.t, tn.g.SetComplement(partnergraph.Complement{From: from, To: to, Weight: w, Source: partnergraph.SourceCurated}))
}

// business adds a verified-or-not active business km kilometres east of the origin.
func (tn *tiny) business(id string, km float64, verified bool, services ...string) {
	tn.t.Helper()
	b := partnergraph.Business{
		ID: id, Name: "Business " + strings.ToUpper(id), Location: partnergraph.Point{Lat: 40, Lng: -90 + km/85.4},
		City: "Testville", ServiceRadiusKm: 25, Status: partnergraph.BusinessActive, Verified: verified,
	}
	must(tn.t, tn.g.PutBusiness(b, services))
}

func (tn *tiny) trust(from, to string, score float64) {
	tn.t.Helper()
	must(tn.t, tn.g.SetTrust(partnergraph.Trust{From: from, To: to, Score: score}))
}

func (tn *tiny) partner(a, b string, st partnergraph.PartnershipStatus) {
	tn.t.Helper()
	must(tn.t, tn.g.PutPartnership(partnergraph.Partnership{ProposerID: a, PartnerID: b, Status: st}))
}

func (tn *tiny) network(id string, members ...string) {
	tn.t.Helper()
	must(tn.t, tn.g.PutNetwork(partnergraph.Network{ID: id, Name: "Network " + id, Region: "Testville"}))
	for _, m := range members {
		must(tn.t, tn.g.Join(partnergraph.Membership{BusinessID: m, NetworkID: id}))
	}
}

// order returns the suggestions' ids for the member with only one signal weighed.
func (tn *tiny) order(member string, w Weights) []string {
	tn.t.Helper()
	must(tn.t, tn.g.SetWeights(w))
	return ids(suggest(tn.t, tn.g, member, 100))
}

// before reports whether a comes before b in the list (and both are in it).
func before(list []string, a, b string) bool {
	i, j := slices.Index(list, a), slices.Index(list, b)
	return i >= 0 && j >= 0 && i < j
}

// records returns a record stream from literal records, for builds and evaluations.
func records(rs ...partnergraph.Record) func(func(partnergraph.Record, error) bool) {
	return func(yield func(partnergraph.Record, error) bool) {
		for i, r := range rs {
			r.Line = i + 1
			if !yield(r, nil) {
				return
			}
		}
	}
}

func bizRecord(id string, km float64, services ...string) partnergraph.Record {
	return partnergraph.Record{Business: &partnergraph.BusinessRecord{
		Business: partnergraph.Business{ID: id, Name: "Business " + id, Location: partnergraph.Point{Lat: 40, Lng: -90 + km/85.4},
			ServiceRadiusKm: 25, Status: partnergraph.BusinessActive},
		Services: services,
	}}
}

func partnershipRecord(id, a, b string, day int) partnergraph.Record {
	return partnergraph.Record{Partnership: &partnergraph.Partnership{
		ID: id, ProposerID: a, PartnerID: b, Status: partnergraph.PartnershipActive,
		CreatedAt: time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC),
	}}
}

func describe(ss []Suggestion) string {
	var sb strings.Builder
	for _, s := range ss {
		fmt.Fprintf(&sb, "%s %.3f %q\n", s.BusinessID, s.Score, s.Reasons)
	}
	return sb.String()
}
