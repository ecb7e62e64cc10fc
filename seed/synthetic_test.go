package seed

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// digest hashes the records of a stream, failing the test on the first error.
func digest(t *testing.T, n int, seed int64) ([32]byte, map[string]int) {
	t.Helper()
	h := sha256.New()
	counts := map[string]int{}
	for r, err := range Synthetic(n, seed) {
		if err != nil {
			t.Fatalf("Synthetic(%d, %d): %v", n, seed, err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
		counts[r.Kind()]++
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, counts
}

func TestSyntheticDeterministic(t *testing.T) {
	a, counts := digest(t, 800, 7)
	b, _ := digest(t, 800, 7)
	c, _ := digest(t, 800, 8)
	if a != b {
		t.Error("two runs with the same seed differ")
	}
	if a == c {
		t.Error("different seeds give the same network")
	}
	if counts["business"] != 800 {
		t.Errorf("%d businesses; want 800", counts["business"])
	}
}

// TestSyntheticShape checks what the evaluation and the benchmarks rely on: every record valid,
// references to earlier records only, unique ids and edge keys, one open partnership per pair,
// about 20 edges per business, partnerships spread over time, and mostly local edges between
// complementary services.
func TestSyntheticShape(t *testing.T) {
	const n = 3000
	complements := map[[2]string]bool{}
	type biz struct {
		loc      partnergraph.Point
		services []string
		radius   float64
	}
	businesses := map[string]biz{}
	networks := map[string]bool{}
	members := map[[2]string]bool{}
	trust := map[[2]string]bool{}
	partnerships := map[string]bool{}
	open := map[[2]string]bool{}
	var edges, local, complementary, hubs int
	years := map[int]int{}
	inDegree := map[string]int{}
	edge := func(line int, a, b string) {
		t.Helper()
		ba, ok1 := businesses[a]
		bb, ok2 := businesses[b]
		if !ok1 || !ok2 {
			t.Fatalf("record %d: edge %s-%s refers to a business not yielded before", line, a, b)
		}
		edges++
		inDegree[b]++
		if partnergraph.DistanceKm(ba.loc, bb.loc) <= 50 {
			local++
		}
		for _, s := range ba.services {
			for _, u := range bb.services {
				if complements[[2]string{s, u}] || complements[[2]string{u, s}] {
					complementary++
					return
				}
			}
		}
	}
	line := 0
	for r, err := range Synthetic(n, 1) {
		line++
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("record %d (%s): %v", line, r.Kind(), err)
		}
		switch {
		case r.Complement != nil:
			complements[[2]string{r.Complement.From, r.Complement.To}] = true
		case r.Business != nil:
			b := r.Business
			if _, ok := businesses[b.ID]; ok {
				t.Fatalf("business %q repeated", b.ID)
			}
			businesses[b.ID] = biz{b.Location, b.Services, b.ServiceRadiusKm}
		case r.Network != nil:
			if networks[r.Network.ID] {
				t.Fatalf("network %q repeated", r.Network.ID)
			}
			networks[r.Network.ID] = true
		case r.Membership != nil:
			m := r.Membership
			k := [2]string{m.BusinessID, m.NetworkID}
			if _, ok := businesses[m.BusinessID]; !ok || !networks[m.NetworkID] || members[k] {
				t.Fatalf("membership %v dangles or repeats", k)
			}
			members[k] = true
		case r.Trust != nil:
			k := [2]string{r.Trust.From, r.Trust.To}
			if trust[k] {
				t.Fatalf("trust %v repeated", k)
			}
			trust[k] = true
			edge(line, k[0], k[1])
		case r.Partnership != nil:
			p := r.Partnership
			if partnerships[p.ID] {
				t.Fatalf("partnership %q repeated", p.ID)
			}
			partnerships[p.ID] = true
			if p.Status.Open() {
				k := [2]string{min(p.ProposerID, p.PartnerID), max(p.ProposerID, p.PartnerID)}
				if open[k] {
					t.Fatalf("pair %v has two open partnerships", k)
				}
				open[k] = true
			}
			years[p.CreatedAt.Year()]++
			edge(line, p.ProposerID, p.PartnerID)
		}
	}
	for _, d := range inDegree {
		if d >= 40 {
			hubs++
		}
	}
	perBusiness := float64(edges) / n
	t.Logf("%d edges (%.1f per business), %.0f%% within 50 km, %.0f%% complementary, %d businesses with 40+ incoming edges, %d networks, %d memberships, partnerships by year %v",
		edges, perBusiness, 100*float64(local)/float64(edges), 100*float64(complementary)/float64(edges), hubs, len(networks), len(members), years)
	if perBusiness < 16 || perBusiness > 24 {
		t.Errorf("%.1f edges per business; want about 20", perBusiness)
	}
	if float64(local) < 0.85*float64(edges) {
		t.Errorf("%d of %d edges within 50 km; want most", local, edges)
	}
	if float64(complementary) < 0.5*float64(edges) {
		t.Errorf("%d of %d edges between complementary services; want most", complementary, edges)
	}
	if hubs == 0 {
		t.Error("no hub business")
	}
	if len(years) < 5 {
		t.Errorf("partnerships created in %d years; want them spread over time", len(years))
	}
	if len(networks) == 0 || len(members) < n/4 {
		t.Errorf("%d networks, %d memberships; want networks by town and sector that many join", len(networks), len(members))
	}
}

func TestSyntheticImports(t *testing.T) {
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, sqlitestore.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stats, err := s.Import(ctx, Synthetic(300, 3))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if stats["business"] != 300 || stats["partnership"] == 0 || stats["trust"] == 0 {
		t.Errorf("imported %v", stats)
	}
}

func TestSyntheticInvalid(t *testing.T) {
	for _, n := range []int{0, -1} {
		var errs []error
		for _, err := range Synthetic(n, 1) {
			errs = append(errs, err)
		}
		if len(errs) != 1 || partnergraph.ErrorCode(errs[0]) != partnergraph.EINVALID {
			t.Errorf("Synthetic(%d): %v; want one EINVALID error", n, errs)
		}
	}
}

func TestSyntheticStops(t *testing.T) {
	var kinds []string
	for r, err := range Synthetic(100, 1) {
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, r.Kind())
		if r.Kind() == "business" {
			break
		}
	}
	if !slices.Contains(kinds, "service") || kinds[len(kinds)-1] != "business" {
		t.Errorf("kinds %v; want services first and the stream to stop at the first business", kinds)
	}
}
