package matching

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

// benchN is the size of the synthetic network of the large benchmarks: PG_BENCH_N, 10,000 by
// default so that a plain -bench run is quick. PG_BENCH_N=1000000 measures the target scale
// (about a minute to generate and build, 2 GB of memory at the peak of the build).
func benchN(tb testing.TB) int {
	s := os.Getenv("PG_BENCH_N")
	if s == "" {
		return 10_000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 10 {
		tb.Fatalf("PG_BENCH_N=%q: want a number of businesses, at least 10", s)
	}
	return n
}

var synthetic struct {
	sync.Mutex
	n     int
	g     *Graph
	build time.Duration
	heap  uint64
}

// syntheticGraph builds (once per size) the synthetic network of benchN businesses.
func syntheticGraph(b *testing.B) (*Graph, time.Duration, uint64) {
	b.Helper()
	n := benchN(b)
	synthetic.Lock()
	defer synthetic.Unlock()
	if synthetic.n != n {
		synthetic.g = nil
		runtime.GC()
		start := time.Now()
		g, err := BuildRecords(context.Background(), seed.Synthetic(n, 1), nil)
		if err != nil {
			b.Fatal(err)
		}
		synthetic.build = time.Since(start)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		synthetic.n, synthetic.g, synthetic.heap = n, g, ms.HeapAlloc
	}
	return synthetic.g, synthetic.build, synthetic.heap
}

// benchSuggest asks for suggestions for random active members one at a time, and reports the
// median and 99th percentile latency besides the mean.
func benchSuggest(b *testing.B, g *Graph) {
	var members []string
	for v, st := range g.status {
		if st == statusActive {
			members = append(members, g.ids[v])
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		id := members[rng.IntN(len(members))]
		t0 := time.Now()
		if _, err := g.Suggest(id, 20); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

func BenchmarkSuggest(b *testing.B) {
	b.Run("example", func(b *testing.B) {
		benchSuggest(b, exampleGraph(b))
	})
	b.Run("synthetic", func(b *testing.B) {
		g, _, _ := syntheticGraph(b)
		b.ReportMetric(float64(len(g.ids)), "businesses")
		benchSuggest(b, g)
	})
}

func BenchmarkSuggestNetworks(b *testing.B) {
	g, _, _ := syntheticGraph(b)
	rng := rand.New(rand.NewPCG(3, 4))
	for b.Loop() {
		if _, err := g.SuggestNetworks(g.ids[rng.IntN(len(g.ids))], 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoute routes a lead from a random active member for the service of one of its
// neighbours, at the member's place, as the bench command does.
func BenchmarkRoute(b *testing.B) {
	g, _, _ := syntheticGraph(b)
	g.refreshTrustRank()
	var active []int32
	for v, st := range g.status {
		if st == statusActive {
			active = append(active, int32(v))
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	var lat []time.Duration
	for b.Loop() {
		l := benchLead(g, rng, active)
		t0 := time.Now()
		if _, _, err := g.Route(l, nil, 5, nil); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkUpdate is one incremental update: a trust edge between two random businesses.
func BenchmarkUpdate(b *testing.B) {
	g, _, _ := syntheticGraph(b)
	rng := rand.New(rand.NewPCG(5, 6))
	n := len(g.ids)
	for b.Loop() {
		i, j := rng.IntN(n), rng.IntN(n)
		if i == j {
			j = (i + 1) % n
		}
		if err := g.SetTrust(partnergraph.Trust{From: g.ids[i], To: g.ids[j], Score: 0.5}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild reports the build of the synthetic network (generating its records included)
// and the heap the graph takes after a collection.
func BenchmarkBuild(b *testing.B) {
	g, build, heap := syntheticGraph(b)
	for b.Loop() {
		runtime.KeepAlive(g)
	}
	b.ReportMetric(build.Seconds(), "build-s")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(heap)/float64(len(g.ids)), "heap-B/business")
}

func TestBench(t *testing.T) {
	var sb strings.Builder
	rep, err := Bench(context.Background(), seed.Synthetic(1500, 2), 1, 50, &sb)
	must(t, err)
	if rep.Stats.Businesses != 1500 || rep.Records == 0 || rep.HeapBytes == 0 || rep.Suggest.P50 <= 0 || rep.Update.P99 <= 0 || rep.Queries != 50 {
		t.Errorf("report %+v", rep)
	}
	for _, w := range []string{"1500 businesses", "build", "heap after GC", "Suggest (first 20)", "update (SetTrust)", "p99", "50 queries each"} {
		if !strings.Contains(sb.String(), w) {
			t.Errorf("table lacks %q:\n%s", w, sb.String())
		}
	}
	if _, err := Bench(context.Background(), records(bizRecord("only", 0, "a")), 1, 0, nil); partnergraph.ErrorCode(err) != partnergraph.EINVALID {
		t.Errorf("Bench with one business: %v; want EINVALID", err)
	}
}
