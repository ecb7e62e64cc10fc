package matching

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

// selectTop must put exactly the k best (by value, then node) in front, whatever the input:
// ties, duplicates, sorted and reversed runs, and k at or beyond the ends.
func TestSelectTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 2000 {
		n := rng.IntN(300)
		rs := make([]reached, n)
		for i := range rs {
			rs[i] = reached{v: int32(rng.IntN(n + 1)), score: float64(rng.IntN(1 + trial%20))}
		}
		switch trial % 3 {
		case 1:
			slices.SortFunc(rs, func(a, b reached) int { return cmp.Compare(a.score, b.score) })
		case 2:
			slices.SortFunc(rs, func(a, b reached) int { return cmp.Compare(b.score, a.score) })
		}
		k := rng.IntN(n + 2)
		want := slices.Clone(rs)
		order := func(a, b reached) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.v, b.v)) }
		slices.SortFunc(want, order)
		got := slices.Clone(rs)
		selectTop(got, k)
		top := min(k, n)
		front := slices.Clone(got[:top])
		slices.SortFunc(front, order)
		if !slices.Equal(front, want[:top]) {
			t.Fatalf("n=%d k=%d: front %v; want %v", n, k, front, want[:top])
		}
		rest := slices.Clone(got)
		slices.SortFunc(rest, order)
		if !slices.Equal(rest, want) {
			t.Fatalf("n=%d k=%d: selectTop lost or duplicated elements", n, k)
		}
	}
}

// TrustRank on the walk read from the graph must equal the power iteration done on the graph
// itself, as it was computed before the walk was split out.
func TestTrustWalkRank(t *testing.T) {
	for name, g := range map[string]*Graph{"example": exampleGraph(t), "synthetic": syntheticSmall(t)} {
		want := referenceTrustRank(g)
		got := g.readTrustWalk().rank()
		if !slices.Equal(got, want) {
			t.Fatalf("%s: TrustRank differs from the reference", name)
		}
		var sum float32
		for _, r := range got {
			sum += r
		}
		if sum < 0.5 || sum > 1.01 {
			t.Errorf("%s: ranks sum to %v; want about 1 (less the rank that leaks from dead ends)", name, sum)
		}
	}
	if r := NewGraph().readTrustWalk().rank(); len(r) != 0 {
		t.Errorf("empty graph: %v", r)
	}
}

func syntheticSmall(t *testing.T) *Graph {
	g, err := BuildRecords(t.Context(), seed.Synthetic(2000, 3), nil)
	must(t, err)
	return g
}

func referenceTrustRank(g *Graph) []float32 {
	n := len(g.ids)
	seeds := 0
	for v := range n {
		if g.verified[v] && g.status[v] == statusActive {
			seeds++
		}
	}
	rank := make([]float32, n)
	if seeds == 0 {
		for v := range rank {
			rank[v] = 1
		}
		return rank
	}
	const damping = 0.85
	jump := make([]float32, n)
	for v := range n {
		if g.verified[v] && g.status[v] == statusActive {
			jump[v] = 1 / float32(seeds)
		}
	}
	copy(rank, jump)
	next := make([]float32, n)
	for range 20 {
		for v := range next {
			next[v] = (1 - damping) * jump[v]
		}
		for x := int32(0); x < int32(n); x++ {
			if rank[x] == 0 {
				continue
			}
			ls := g.links.get(x)
			total := 0.0
			for _, lk := range ls {
				total += g.edgeTrustOf(lk)
			}
			if total == 0 {
				continue
			}
			for _, lk := range ls {
				if w := g.edgeTrustOf(lk); w > 0 {
					next[lk.to] += damping * rank[x] * float32(w/total)
				}
			}
		}
		rank, next = next, rank
	}
	return rank
}

// The global trust is stale exactly when what it reads (businesses, trust, partnerships) has
// changed since the walk it was computed from was read.
func TestTrustRankStaleness(t *testing.T) {
	g := exampleGraph(t)
	g.RefreshTrust()
	if g.trustEdits != g.trustRankEdits {
		t.Fatalf("fresh TrustRank counted as stale: edits %d, computed at %d", g.trustEdits, g.trustRankEdits)
	}
	// A change the global trust does not read leaves it fresh.
	must(t, g.SetComplement(partnergraph.Complement{From: g.svcs[0].id, To: g.svcs[1].id, Weight: 0.5, Source: partnergraph.SourceCurated}))
	if g.trustEdits != g.trustRankEdits {
		t.Fatal("TrustRank stale after a change to complements, which it does not read")
	}
	ids := g.ids
	must(t, g.SetTrust(partnergraph.Trust{From: ids[0], To: ids[1], Score: 0.9}))
	if g.trustEdits == g.trustRankEdits {
		t.Fatal("TrustRank not stale after a write")
	}
}
