package matching

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

// exampleEdges reads the example network's trust edges and the newest partnership of each
// pair straight from its records, as a second account of what the projection must give.
func exampleEdges(t *testing.T) (map[[2]string]partnergraph.Trust, map[[2]string]partnergraph.PartnershipStatus) {
	t.Helper()
	trust := map[[2]string]partnergraph.Trust{}
	pairs := map[[2]string]partnergraph.Partnership{}
	for r, err := range seed.Example() {
		must(t, err)
		if r.Trust != nil {
			trust[[2]string{r.Trust.From, r.Trust.To}] = *r.Trust
		}
		if p := r.Partnership; p != nil {
			k := [2]string{min(p.ProposerID, p.PartnerID), max(p.ProposerID, p.PartnerID)}
			if old, ok := pairs[k]; !ok || !p.CreatedAt.Before(old.CreatedAt) {
				pairs[k] = *p
			}
		}
	}
	st := map[[2]string]partnergraph.PartnershipStatus{}
	for k, p := range pairs {
		st[k] = p.Status
	}
	return trust, st
}

// TestNeighbourhood checks Dave's neighbourhood against the example network's records: the
// businesses one and two hops away along trust (either way) and partnerships, every edge
// between them and no other, breadth-first under a cap, filters, and admin overrides.
func TestNeighbourhood(t *testing.T) {
	g := exampleGraph(t)
	trust, pairs := exampleEdges(t)
	const dave = "daves-collision"
	neighbours := func(v string) []string {
		var out []string
		for k := range trust {
			if k[0] == v {
				out = append(out, k[1])
			} else if k[1] == v {
				out = append(out, k[0])
			}
		}
		for k := range pairs {
			if k[0] == v {
				out = append(out, k[1])
			} else if k[1] == v {
				out = append(out, k[0])
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	ids := func(n Neighbourhood) []string {
		var out []string
		for _, v := range n.Nodes {
			out = append(out, v.ID)
		}
		return out
	}
	// checkEdges: exactly the records' edges among the nodes, with their scores and statuses.
	checkEdges := func(t *testing.T, n Neighbourhood) {
		t.Helper()
		in := map[string]bool{}
		for _, v := range n.Nodes {
			in[v.ID] = true
		}
		wantTrust := 0
		for k := range trust {
			if in[k[0]] && in[k[1]] {
				wantTrust++
			}
		}
		for _, e := range n.Trust {
			r, ok := trust[[2]string{e.From, e.To}]
			if !ok || math.Abs(r.Score-e.Score) > 1.0/254 || !in[e.From] || !in[e.To] {
				t.Errorf("trust %+v: records have %+v (%v)", e, r, ok)
			}
		}
		if len(n.Trust) != wantTrust {
			t.Errorf("%d trust edges, want %d", len(n.Trust), wantTrust)
		}
		wantPairs := 0
		for k := range pairs {
			if in[k[0]] && in[k[1]] {
				wantPairs++
			}
		}
		for _, p := range n.Partnerships {
			if st, ok := pairs[[2]string{p.A, p.B}]; !ok || st != p.Status {
				t.Errorf("partnership %+v: records have %v (%v)", p, st, ok)
			}
		}
		if len(n.Partnerships) != wantPairs {
			t.Errorf("%d partnerships, want %d", len(n.Partnerships), wantPairs)
		}
	}
	get := func(t *testing.T, center string, o NeighbourhoodOptions) Neighbourhood {
		t.Helper()
		n, err := g.Neighbourhood(center, o)
		must(t, err)
		return n
	}

	t.Run("one hop", func(t *testing.T) {
		n := get(t, dave, NeighbourhoodOptions{Depth: 1, MaxNodes: 500})
		got := ids(n)
		if got[0] != dave || n.Nodes[0].Hops != 0 {
			t.Fatalf("first node %+v, want Dave at 0 hops", n.Nodes[0])
		}
		want := append([]string{dave}, neighbours(dave)...)
		if slices.Sort(got); !slices.Equal(got, sortedCopy(want)) || n.Truncated {
			t.Errorf("nodes %v truncated %v, want %v", got, n.Truncated, sortedCopy(want))
		}
		for _, v := range n.Nodes[1:] {
			if v.Hops != 1 {
				t.Errorf("%s at %d hops, want 1", v.ID, v.Hops)
			}
		}
		checkEdges(t, n)
		d := n.Nodes[0]
		if d.Name != "Dave's Collision" || d.Sector == "" || !slices.Contains(d.Services, "collision-repair") || d.City == "" || d.TrustReceived <= 0 {
			t.Errorf("Dave's node %+v", d)
		}
	})
	t.Run("two hops", func(t *testing.T) {
		n := get(t, dave, NeighbourhoodOptions{Depth: 2, MaxNodes: 500})
		want := map[string]bool{dave: true}
		for _, a := range neighbours(dave) {
			want[a] = true
			for _, b := range neighbours(a) {
				want[b] = true
			}
		}
		got := ids(n)
		if len(got) != len(want) || n.Truncated {
			t.Errorf("%d nodes (truncated %v), want %d", len(got), n.Truncated, len(want))
		}
		hops := 0
		for _, v := range n.Nodes {
			if !want[v.ID] || v.Hops < hops {
				t.Errorf("%s at %d hops: not within two, or out of breadth-first order", v.ID, v.Hops)
			}
			hops = v.Hops
		}
		checkEdges(t, n)
	})
	t.Run("capped", func(t *testing.T) {
		n := get(t, dave, NeighbourhoodOptions{Depth: 2, MaxNodes: 3})
		if len(n.Nodes) != 3 || !n.Truncated {
			t.Fatalf("%d nodes truncated %v, want 3 and truncated", len(n.Nodes), n.Truncated)
		}
		// The strongest two links of Dave's come first.
		all := get(t, dave, NeighbourhoodOptions{Depth: 1, MaxNodes: 500})
		if !slices.Equal(ids(n), ids(all)[:3]) {
			t.Errorf("capped %v, want the first three of %v", ids(n), ids(all))
		}
		checkEdges(t, n)
		exact := get(t, dave, NeighbourhoodOptions{Depth: 1, MaxNodes: len(all.Nodes)})
		if exact.Truncated {
			t.Errorf("a cap of exactly the neighbourhood's size is not truncated")
		}
	})
	t.Run("filter", func(t *testing.T) {
		n := get(t, dave, NeighbourhoodOptions{Depth: 2, MaxNodes: 500, Service: "tyres"})
		if len(n.Nodes) < 2 {
			t.Fatalf("no tyre business near Dave: %v", ids(n))
		}
		for _, v := range n.Nodes[1:] {
			if !slices.Contains(v.Services, "tyres") {
				t.Errorf("%s offers %v, not tyres", v.ID, v.Services)
			}
		}
		city := n.Nodes[1].City
		for _, v := range get(t, dave, NeighbourhoodOptions{Depth: 2, MaxNodes: 500, City: city}).Nodes[1:] {
			if v.City != city {
				t.Errorf("%s in %q, want %q", v.ID, v.City, city)
			}
		}
	})
	t.Run("override", func(t *testing.T) {
		g := exampleGraph(t)
		must(t, g.SetTrust(partnergraph.Trust{From: dave, To: "mikes-tyre", Score: 0.1, Source: partnergraph.SourceAdmin}))
		n, err := g.Neighbourhood(dave, NeighbourhoodOptions{Depth: 1, MaxNodes: 500})
		must(t, err)
		for _, e := range n.Trust {
			if want := e.From == dave && e.To == "mikes-tyre"; e.Overridden != want {
				t.Errorf("%+v: overridden %v, want %v", e, e.Overridden, want)
			}
		}
		// A member setting the edge again takes the override back.
		must(t, g.SetTrust(partnergraph.Trust{From: dave, To: "mikes-tyre", Score: 0.9, Source: partnergraph.SourceMember}))
		n, _ = g.Neighbourhood(dave, NeighbourhoodOptions{Depth: 1, MaxNodes: 500})
		for _, e := range n.Trust {
			if e.Overridden {
				t.Errorf("%+v still overridden", e)
			}
		}
	})
	t.Run("override built", func(t *testing.T) {
		st := exampleStore(t)
		_, err := st.SetTrust(context.Background(), partnergraph.Trust{From: dave, To: "mikes-tyre", Score: 0.1, Source: partnergraph.SourceAdmin})
		must(t, err)
		g, err := Build(context.Background(), st, nil)
		must(t, err)
		n, err := g.Neighbourhood("mikes-tyre", NeighbourhoodOptions{Depth: 1, MaxNodes: 500})
		must(t, err)
		found := false
		for _, e := range n.Trust {
			if e.From == dave && e.To == "mikes-tyre" {
				found = e.Overridden
			} else if e.Overridden {
				t.Errorf("%+v overridden", e)
			}
		}
		if !found {
			t.Errorf("the built projection lost the override")
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, c := range []struct {
			center string
			o      NeighbourhoodOptions
			code   partnergraph.Code
			field  string
		}{
			{"nobody", NeighbourhoodOptions{Depth: 1, MaxNodes: 5}, partnergraph.ENOTFOUND, ""},
			{dave, NeighbourhoodOptions{Depth: 3, MaxNodes: 5}, partnergraph.EINVALID, "depth"},
			{dave, NeighbourhoodOptions{Depth: 0, MaxNodes: 5}, partnergraph.EINVALID, "depth"},
			{dave, NeighbourhoodOptions{Depth: 1, MaxNodes: 0}, partnergraph.EINVALID, "maxNodes"},
			{dave, NeighbourhoodOptions{Depth: 1, MaxNodes: MaxNeighbourhoodNodes + 1}, partnergraph.EINVALID, "maxNodes"},
			{dave, NeighbourhoodOptions{Depth: 1, MaxNodes: 5, Service: "no-such"}, partnergraph.EINVALID, "filter.service"},
			{dave, NeighbourhoodOptions{Depth: 1, MaxNodes: 5, Network: "no-such"}, partnergraph.ENOTFOUND, ""},
		} {
			_, err := g.Neighbourhood(c.center, c.o)
			var e *partnergraph.Error
			if partnergraph.ErrorCode(err) != c.code || !errors.As(err, &e) || e.Field != c.field {
				t.Errorf("%s %+v: got %v, want %s %q", c.center, c.o, err, c.code, c.field)
			}
		}
	})
}

func sortedCopy(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

// BenchmarkNeighbourhood draws depth-2 neighbourhoods of random businesses of the synthetic
// network of PG_BENCH_N businesses, at the default cap and the largest, and reports the
// median and 99th percentile latency and the nodes and edges returned, e.g.
//
//	PG_BENCH_N=1000000 go test ./matching/ -run '^$' -bench Neighbourhood -benchtime 200x
func BenchmarkNeighbourhood(b *testing.B) {
	g, _, _ := syntheticGraph(b)
	for _, max := range []int{DefaultNeighbourhoodNodes, MaxNeighbourhoodNodes} {
		b.Run(fmt.Sprintf("max%d", max), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			var lat []time.Duration
			nodes, edges := 0, 0
			for b.Loop() {
				id := g.ids[rng.IntN(len(g.ids))]
				t0 := time.Now()
				n, err := g.Neighbourhood(id, NeighbourhoodOptions{Depth: 2, MaxNodes: max})
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				nodes += len(n.Nodes)
				edges += len(n.Trust) + len(n.Partnerships)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(nodes)/float64(len(lat)), "nodes")
			b.ReportMetric(float64(edges)/float64(len(lat)), "edges")
		})
	}
}
