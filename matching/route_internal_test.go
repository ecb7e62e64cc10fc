package matching

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
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
