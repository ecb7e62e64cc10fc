package matching

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

func TestMetrics(t *testing.T) {
	for _, c := range []struct {
		name     string
		ranked   []int32
		relevant []int32
		k        int
		p, r, rr float64
	}{
		{"second of three", []int32{5, 3, 9}, []int32{3}, 2, 0.5, 1, 0.5},
		{"miss", []int32{1, 2, 3}, []int32{7, 8}, 10, 0, 0, 0},
		{"one of two in the cut, the other below", []int32{7, 1, 8}, []int32{7, 8}, 2, 0.5, 0.5, 1},
		{"found beyond the cut", []int32{1, 2, 3, 4}, []int32{4}, 2, 0, 0, 0.25},
		{"empty ranking", nil, []int32{4}, 10, 0, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, r, rr := metrics(c.ranked, c.relevant, c.k)
			if p != c.p || r != c.r || rr != c.rr {
				t.Errorf("metrics = %v, %v, %v; want %v, %v, %v", p, r, rr, c.p, c.r, c.rr)
			}
		})
	}
}

// tinySplit is a path A–B–C whose newest partnership, A–C, closes the triangle: every method
// should find it first, from both ends.
func tinySplit() []partnergraph.Record {
	return []partnergraph.Record{
		{Service: &partnergraph.Service{ID: "a", Name: "A", Sector: "T"}},
		{Service: &partnergraph.Service{ID: "b", Name: "B", Sector: "T"}},
		{Complement: &partnergraph.Complement{From: "a", To: "b", Weight: 0.9, Source: partnergraph.SourceCurated}},
		bizRecord("A", 0, "a"), bizRecord("B", 1, "c"), bizRecord("C", 2, "b"),
		partnershipRecord("p1", "A", "B", 1),
		partnershipRecord("p2", "B", "C", 2),
		partnershipRecord("p3", "A", "C", 3),
	}
}

func TestEvaluateTinySplit(t *testing.T) {
	rep, err := Evaluate(context.Background(), records(tinySplit()...), EvalOptions{Mode: EvalTemporal})
	must(t, err)
	if rep.Hidden != 1 || rep.Partnerships != 3 || rep.Members != 2 || rep.Affected != 2 || rep.TrainLinks != 2 || rep.K != 10 {
		t.Fatalf("report %+v; want 1 of 3 partnerships held out, 2 members, 2 training links", rep)
	}
	want := []string{MethodRanker, MethodCommon, MethodAdamicAdar, MethodResource, MethodPreferential, MethodPageRank}
	if len(rep.Rows) != len(want) {
		t.Fatalf("%d rows; want %d", len(rep.Rows), len(want))
	}
	for i, row := range rep.Rows {
		if row.Method != want[i] || math.Abs(row.Precision-0.1) > 1e-12 || row.Recall != 1 || row.MRR != 1 {
			t.Errorf("row %+v; want %s with P@10 0.1, R@10 1, MRR 1", row, want[i])
		}
	}
	s := rep.String()
	for _, w := range []string{"mode temporal", "held out 1 of 3 active partnerships", "P@10", "resource allocation"} {
		if !strings.Contains(s, w) {
			t.Errorf("report lacks %q:\n%s", w, s)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		recs []partnergraph.Record
		opts EvalOptions
	}{
		{"mode", tinySplit(), EvalOptions{Mode: "sideways"}},
		{"k", tinySplit(), EvalOptions{K: 101}},
		{"hold-out", tinySplit(), EvalOptions{HoldOut: 1}},
		{"nothing to hold out", tinySplit()[:5], EvalOptions{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Evaluate(ctx, records(c.recs...), c.opts); partnergraph.ErrorCode(err) != partnergraph.EINVALID {
				t.Errorf("Evaluate: %v; want EINVALID", err)
			}
		})
	}
}

// TestEvaluateBeatsBaselines is the acceptance test of the ranker: on a synthetic network, in
// both modes, it beats every baseline on every metric. Every run checks it on 1,000 businesses
// (150 members asked); PG_LONG_TESTS=1 on 4,000 (600 asked), which took 24 s under -race.
func TestEvaluateBeatsBaselines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two synthetic networks")
	}
	n, members := 1000, 150
	if longTests() {
		n, members = 4000, 600
	}
	for _, mode := range []string{EvalRandom, EvalTemporal} {
		t.Run(mode, func(t *testing.T) {
			rep, err := Evaluate(context.Background(), seed.Synthetic(n, 1), EvalOptions{Mode: mode, Seed: 1, MaxMembers: members})
			must(t, err)
			t.Logf("\n%s", rep)
			ours := rep.Rows[0]
			for _, b := range rep.Rows[1:] {
				if ours.Precision <= b.Precision || ours.Recall <= b.Recall || ours.MRR <= b.MRR {
					t.Errorf("%s does not beat %s:\n%s", ours.Method, b.Method, rep)
				}
			}
		})
	}
}
