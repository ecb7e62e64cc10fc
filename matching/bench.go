package matching

import (
	"context"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/partnergraph/partnergraph"
)

// BenchQueries is how many suggestions, routes and updates Bench times unless told otherwise.
const BenchQueries = 2000

// BenchReport holds what Bench measured.
type BenchReport struct {
	Records      int
	Stats        Stats
	Build        time.Duration
	HeapBytes    uint64 // heap in use after a collection, with the graph built
	Suggest      Latency
	Networks     Latency       // SuggestNetworks
	Route        Latency       // routing candidates for one lead
	TrustRank    time.Duration // the global trust floor's computation, before the first route
	TrustRead    time.Duration // the part of it that holds the read lock
	Update       Latency       // one SetTrust
	Compact      time.Duration
	GOMAXPROCS   int // processors the latencies were measured on
	SuggestFirst int // suggestions asked per query
	Queries      int // timed of each kind
}

// Latency summarises timings.
type Latency struct {
	P50, P99, Max time.Duration
}

func latency(ds []time.Duration) Latency {
	slices.Sort(ds)
	return Latency{P50: ds[len(ds)/2], P99: ds[len(ds)*99/100], Max: ds[len(ds)-1]}
}

// Bench builds a graph from the records (the synthetic generator's, for a network of a chosen
// size) without a store, and measures what operators size a deployment by: the build time
// (reading the records included), the heap the graph takes, the latency of suggestions for
// queries random active members (BenchQueries if queries is 0; tests ask for a few, since the
// race detector makes each one slow), of as many routes and incremental updates (SetTrust
// between random businesses), and of the compaction that folds updates into the base arrays (writers wait for
// it, readers do not). Latencies are measured on one processor (GOMAXPROCS 1 for the
// duration), one query at a time, so they are what one core delivers. It writes a table to w
// unless w is nil. The seed draws the members and pairs. A matching package cannot import the
// generator (package seed), so the caller passes its records: seed.Synthetic(n, seed).
//
// Errors: those of BuildRecords; EINVALID if the records hold fewer than two active
// businesses or queries is negative; the context's error if it ends.
func Bench(ctx context.Context, records iter.Seq2[partnergraph.Record, error], seed int64, queries int, w io.Writer) (BenchReport, error) {
	var rep BenchReport
	if queries < 0 {
		return rep, partnergraph.Errorf(partnergraph.EINVALID, "bench queries must be positive, got %d", queries)
	}
	if queries == 0 {
		queries = BenchQueries
	}
	rep.Queries = queries
	start := time.Now()
	g, err := BuildRecords(ctx, records, func(n int) { rep.Records = n })
	if err != nil {
		return rep, err
	}
	rep.Build = time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.HeapBytes = ms.HeapAlloc
	rep.Stats = g.Stats()

	var active []int32
	for v, st := range g.status {
		if st == statusActive {
			active = append(active, int32(v))
		}
	}
	if len(active) < 2 {
		return rep, partnergraph.Errorf(partnergraph.EINVALID, "bench needs at least two active businesses, got %d", len(active))
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xbe9c))
	rep.GOMAXPROCS, rep.SuggestFirst = 1, 20
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))

	sug := make([]time.Duration, queries)
	nets := make([]time.Duration, queries)
	for i := range queries {
		if i%100 == 0 {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
		}
		id := g.ids[active[rng.IntN(len(active))]]
		t0 := time.Now()
		if _, err := g.Suggest(id, rep.SuggestFirst); err != nil {
			return rep, err
		}
		t1 := time.Now()
		if _, err := g.SuggestNetworks(id, 10); err != nil {
			return rep, err
		}
		sug[i], nets[i] = t1.Sub(t0), time.Since(t1)
	}
	t0 := time.Now()
	g.refreshTrustRank()
	rep.TrustRank = time.Since(t0)
	g.mu.RLock()
	t0 = time.Now()
	g.readTrustWalk()
	rep.TrustRead = time.Since(t0)
	g.mu.RUnlock()
	route := make([]time.Duration, queries)
	for i := range queries {
		l := benchLead(g, rng, active)
		t0 := time.Now()
		if _, _, err := g.Route(l, nil, 5, nil); err != nil {
			return rep, err
		}
		route[i] = time.Since(t0)
	}
	upd := make([]time.Duration, queries)
	for i := range queries {
		ia, ib := rng.IntN(len(active)), rng.IntN(len(active))
		if ia == ib {
			ib = (ia + 1) % len(active)
		}
		t := partnergraph.Trust{From: g.ids[active[ia]], To: g.ids[active[ib]], Score: rng.Float64()}
		t0 := time.Now()
		if err := g.SetTrust(t); err != nil {
			return rep, err
		}
		upd[i] = time.Since(t0)
	}
	rep.Suggest, rep.Networks, rep.Route, rep.Update = latency(sug), latency(nets), latency(route), latency(upd)
	t0 = time.Now()
	g.Compact()
	rep.Compact = time.Since(t0)
	if w != nil {
		_, err = io.WriteString(w, rep.String())
	}
	return rep, err
}

// benchLead is a lead from a random active member for the service of one of its neighbours
// (so that a trusted path likely exists), at the member's place.
func benchLead(g *Graph, rng *rand.Rand, active []int32) *partnergraph.Lead {
	u := active[rng.IntN(len(active))]
	svc := ""
	if ls := g.links.get(u); len(ls) > 0 {
		if ss := g.services.get(ls[rng.IntN(len(ls))].to); len(ss) > 0 {
			svc = g.svcs[ss[0]].id
		}
	}
	return &partnergraph.Lead{ReferrerID: g.ids[u], ServiceID: svc, Location: g.point(u)}
}

// String prints the report as a table.
func (r BenchReport) String() string {
	s := r.Stats
	lat := func(name string, l Latency) string {
		return fmt.Sprintf("%-28s p50 %10v   p99 %10v   max %10v\n", name, l.P50, l.P99, l.Max)
	}
	return fmt.Sprintf("graph: %d businesses, %d links (%d trust edges, %d open partnerships), %d networks, %d memberships, %d records\n",
		s.Businesses, s.Links, s.Trust, s.Partnerships, s.Networks, s.Memberships, r.Records) +
		fmt.Sprintf("%-28s %v\n", "build", r.Build.Round(time.Millisecond)) +
		fmt.Sprintf("%-28s %.1f MiB (%.0f bytes per business)\n", "heap after GC", float64(r.HeapBytes)/(1<<20), float64(r.HeapBytes)/float64(max(1, s.Businesses))) +
		fmt.Sprintf("latency on %d core, %d queries each:\n", r.GOMAXPROCS, r.Queries) +
		lat(fmt.Sprintf("Suggest (first %d)", r.SuggestFirst), r.Suggest) +
		lat("SuggestNetworks (first 10)", r.Networks) +
		lat("Route (a lead, 5 candidates)", r.Route) +
		lat("update (SetTrust)", r.Update) +
		fmt.Sprintf("%-28s %v (before the first route; again at most once a minute after writes), %v of it under the read lock\n", "global trust (TrustRank)", r.TrustRank.Round(time.Millisecond), r.TrustRead.Round(time.Millisecond)) +
		fmt.Sprintf("%-28s %v (writers wait, readers go on)\n", "compaction", r.Compact.Round(time.Millisecond))
}
