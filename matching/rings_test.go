package matching

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

// plantAt is just after the synthetic network's last business joined (mid-2025), so that the
// newest tenth of the synthetic businesses counts as recent beside the planted ring.
var plantAt = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

func testPlant() seed.Plant {
	return seed.Plant{Prefix: "plant", At: plantAt, Where: partnergraph.Point{Lat: 40.2, Lng: -89.9}, Ring: 5, LeadsPerPair: 2, Cluster: 5}
}

func concat(seqs ...iter.Seq2[partnergraph.Record, error]) iter.Seq2[partnergraph.Record, error] {
	return func(yield func(partnergraph.Record, error) bool) {
		for _, s := range seqs {
			for r, err := range s {
				if !yield(r, err) {
					return
				}
			}
		}
	}
}

// plantedGraph builds a synthetic network of n businesses with p planted in it, and learns the
// ring's lead outcomes.
func plantedGraph(t testing.TB, n int, p seed.Plant) *Graph {
	t.Helper()
	g, err := BuildRecords(context.Background(), concat(seed.Synthetic(n, 1), p.Records()), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range p.Outcomes() {
		g.Learn(o.Offer, o.Lead, o.Outcome, o.At)
	}
	return g
}

func suspicious(t *testing.T, g *Graph, now time.Time) []SuspiciousGroup {
	t.Helper()
	opts := DefaultRingOptions
	opts.Now = now
	groups, err := g.SuspiciousGroups(opts)
	if err != nil {
		t.Fatal(err)
	}
	return groups
}

func describeGroups(gs []SuspiciousGroup) string {
	var b strings.Builder
	for _, s := range gs {
		fmt.Fprintf(&b, "\n  %s %s score %.2f members %v %+v", s.Kind, s.Subject, s.Score, s.Members, s.Evidence)
	}
	return b.String()
}

// TestSuspiciousGroupsFindsPlantedRings: in a synthetic network of 3,000 businesses, the
// planted ring is found as a dense clique and as a lead loop, and the boosted business as
// trusted by one cluster, each with exactly the planted members; nothing else is reported.
func TestSuspiciousGroupsFindsPlantedRings(t *testing.T) {
	p := testPlant()
	g := plantedGraph(t, 3000, p)
	got := suspicious(t, g, plantAt.AddDate(0, 0, 10))
	ring, cluster := p.RingIDs(), p.ClusterIDs()
	want := []struct {
		kind    GroupKind
		subject string
		members []string
	}{
		{DenseClique, "", ring},
		{LeadLoop, "", ring},
		{OneClusterTrust, p.BoostedID(), cluster},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d groups, want %d:%s", len(got), len(want), describeGroups(got))
	}
	for _, w := range want {
		i := slices.IndexFunc(got, func(s SuspiciousGroup) bool { return s.Kind == w.kind })
		if i < 0 {
			t.Fatalf("no %s group:%s", w.kind, describeGroups(got))
		}
		s := got[i]
		if s.Subject != w.subject || !slices.Equal(s.Members, w.members) {
			t.Errorf("%s: subject %q members %v, want %q %v", w.kind, s.Subject, s.Members, w.subject, w.members)
		}
	}
	k := len(ring)
	leads := k * (k - 1) * p.LeadsPerPair
	for _, s := range got {
		e := s.Evidence
		switch s.Kind {
		case DenseClique:
			if e.Density != 1 || e.MutualTrust != k*(k-1)/2 || e.Trust != k*(k-1) || e.Recent != k || e.Unverified != k || e.Leads != leads || s.Score != 1 {
				t.Errorf("clique evidence %+v score %v: want density 1, %d mutual pairs, %d edges, all recent and unverified, %d leads, score 1", e, s.Score, k*(k-1)/2, k*(k-1), leads)
			}
		case LeadLoop:
			if e.Leads != leads || e.Declined+e.Expired != leads || e.BadRate() != 1 || e.Accepted != 0 {
				t.Errorf("loop evidence %+v: want %d leads, all declined or expired", e, leads)
			}
		case OneClusterTrust:
			if e.Trusters != len(cluster) || e.ClusterShare != 1 || e.Density != 1 || e.Recent != 0 || e.Trust != len(cluster)*len(cluster) {
				t.Errorf("cluster evidence %+v: want %d trusters, share 1, density 1, none recent, %d trust edges", e, len(cluster), len(cluster)*len(cluster))
			}
		}
	}
}

// TestSuspiciousGroupsNearClique: a ring with two trust edges missing (one pair trusting one
// way only, another not at all) is still a dense clique, and a recent outsider trusting a
// member both ways is not drawn into it.
func TestSuspiciousGroupsNearClique(t *testing.T) {
	p := testPlant()
	p.Ring, p.Cluster, p.LeadsPerPair = 6, 0, 0
	g := plantedGraph(t, 300, p)
	ring := p.RingIDs()
	must(t, g.RemoveTrust(ring[0], ring[1]))
	must(t, g.RemoveTrust(ring[2], ring[3]))
	must(t, g.RemoveTrust(ring[3], ring[2]))
	must(t, g.PutBusiness(partnergraph.Business{ID: "outsider", Name: "Outsider", CreatedAt: plantAt}, []string{"tyres"}))
	must(t, g.SetTrust(partnergraph.Trust{From: "outsider", To: ring[4], Score: 1}))
	must(t, g.SetTrust(partnergraph.Trust{From: ring[4], To: "outsider", Score: 1}))
	got := suspicious(t, g, plantAt.AddDate(0, 0, 10))
	if len(got) != 1 || got[0].Kind != DenseClique || !slices.Equal(got[0].Members, ring) {
		t.Fatalf("want the ring as one dense clique, got:%s", describeGroups(got))
	}
	if e := got[0].Evidence; e.MutualTrust != 13 || e.Trust != 27 || e.Density != 13.0/15 {
		t.Errorf("evidence %+v: want 13 of 15 pairs mutual, 27 trust edges", e)
	}
	if s := got[0].Score; s != 13.0/15*0.5 {
		t.Errorf("score %v: want density × 0.5 for a ring without leads", s)
	}
}

// TestSuspiciousGroupsThresholds: what falls short of a threshold is not reported: a ring
// registered before the recent window, a verified member, accepted leads, a cluster giving
// less than 90% of the trust.
func TestSuspiciousGroupsThresholds(t *testing.T) {
	p := testPlant()
	now := plantAt.AddDate(0, 0, 10)
	kinds := func(gs []SuspiciousGroup) []GroupKind {
		var out []GroupKind
		for _, s := range gs {
			out = append(out, s.Kind)
		}
		slices.Sort(out)
		return out
	}
	t.Run("registered long ago", func(t *testing.T) {
		g := plantedGraph(t, 300, p)
		got := suspicious(t, g, plantAt.AddDate(1, 0, 0))
		if k := kinds(got); !slices.Equal(k, []GroupKind{LeadLoop, OneClusterTrust}) {
			t.Errorf("a year on the ring is no longer new: got %v:%s", k, describeGroups(got))
		}
	})
	t.Run("verified members", func(t *testing.T) {
		g := plantedGraph(t, 300, p)
		for _, id := range p.RingIDs()[:2] {
			must(t, g.PutBusiness(partnergraph.Business{ID: id, Name: id, Verified: true}, nil))
		}
		// Three unverified members are fewer than four.
		if k := kinds(suspicious(t, g, now)); slices.Contains(k, DenseClique) {
			t.Errorf("got %v: want no dense clique with two members verified", k)
		}
	})
	t.Run("an update without the registration time", func(t *testing.T) {
		g := plantedGraph(t, 300, p)
		// Store.UpdateBusiness returns the business as stored, but a projection must not take a
		// zero time for "registered in 1970".
		must(t, g.PutBusiness(partnergraph.Business{ID: p.RingIDs()[0], Name: "Renamed"}, nil))
		got := suspicious(t, g, now)
		if i := slices.IndexFunc(got, func(s SuspiciousGroup) bool { return s.Kind == DenseClique }); i < 0 || !slices.Equal(got[i].Members, p.RingIDs()) {
			t.Errorf("want the whole ring still found:%s", describeGroups(got))
		}
	})
	t.Run("accepted leads", func(t *testing.T) {
		q := p
		q.Prefix = "acc"
		g := plantedGraph(t, 300, q)
		for _, o := range q.Outcomes() { // as many again, accepted: half the leads go somewhere
			o.Offer.ID += "-again"
			g.Learn(o.Offer, o.Lead, string(partnergraph.OfferAccepted), o.At)
		}
		got := suspicious(t, g, now)
		if k := kinds(got); slices.Contains(k, LeadLoop) {
			t.Errorf("got %v: want no lead loop at a bad rate of one half:%s", k, describeGroups(got))
		}
		if got[0].Kind != DenseClique || got[0].Evidence.Accepted != 40 || got[0].Evidence.DeclineRate() != 0.25 {
			t.Errorf("clique evidence %+v: want 40 of 80 leads accepted, a quarter declined", got[0].Evidence)
		}
	})
	t.Run("trust from elsewhere", func(t *testing.T) {
		g := plantedGraph(t, 300, p)
		must(t, g.SetTrust(partnergraph.Trust{From: "syn-0000007", To: p.BoostedID(), Score: 0.95}))
		if k := kinds(suspicious(t, g, now)); slices.Contains(k, OneClusterTrust) {
			t.Errorf("got %v: the cluster gives 5/6 of the trust, below 0.9", k)
		}
	})
	t.Run("one kind", func(t *testing.T) {
		g := plantedGraph(t, 300, p)
		opts := DefaultRingOptions
		opts.Now, opts.Kinds = now, []GroupKind{LeadLoop}
		got, err := g.SuspiciousGroups(opts)
		if err != nil {
			t.Fatal(err)
		}
		if k := kinds(got); !slices.Equal(k, []GroupKind{LeadLoop}) {
			t.Errorf("got %v, want the lead loop alone", k)
		}
	})
	t.Run("options out of range", func(t *testing.T) {
		g := plantedGraph(t, 300, p)
		for _, o := range []RingOptions{{}, {Density: 1.5}} {
			if _, err := g.SuspiciousGroups(o); partnergraph.ErrorCode(err) != partnergraph.EINVALID {
				t.Errorf("options %+v: got %v, want EINVALID", o, err)
			}
		}
	})
}

// TestSuspiciousGroupsNoFalseAlarmOnExample: the example network has nothing suspicious, as of
// now and as of the day after its newest business registered (when all of it is recent).
func TestSuspiciousGroupsNoFalseAlarmOnExample(t *testing.T) {
	g := exampleGraph(t)
	newest := time.Time{}
	for r, err := range seed.Example() {
		must(t, err)
		if r.Business != nil && r.Business.CreatedAt.After(newest) {
			newest = r.Business.CreatedAt
		}
	}
	for _, now := range []time.Time{time.Now(), newest.AddDate(0, 0, 1)} {
		if got := suspicious(t, g, now); len(got) != 0 {
			t.Errorf("as of %s: want no group, got:%s", now.Format(time.DateOnly), describeGroups(got))
		}
	}
}

// TestDenseGroups checks the peeling on small graphs: a clique with a pendant node, two
// cliques joined by one edge, a path.
func TestDenseGroups(t *testing.T) {
	undirected := func(n int, edges ...[2]int) [][]int {
		adj := make([][]int, n)
		for _, e := range edges {
			adj[e[0]] = append(adj[e[0]], e[1])
			adj[e[1]] = append(adj[e[1]], e[0])
		}
		return adj
	}
	clique := func(nodes ...int) [][2]int {
		var es [][2]int
		for i, a := range nodes {
			for _, b := range nodes[i+1:] {
				es = append(es, [2]int{a, b})
			}
		}
		return es
	}
	for _, c := range []struct {
		name string
		adj  [][]int
		want [][]int
	}{
		{"clique and pendant", undirected(6, append(clique(0, 1, 2, 3, 4), [2]int{4, 5})...), [][]int{{0, 1, 2, 3, 4}}},
		{"two cliques and a bridge", undirected(9, append(append(clique(0, 1, 2, 3), clique(4, 5, 6, 7, 8)...), [2]int{3, 4})...), [][]int{{0, 1, 2, 3}, {4, 5, 6, 7, 8}}},
		{"path", undirected(5, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 4}), nil},
		{"clique of 3", undirected(3, clique(0, 1, 2)...), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := denseGroups(c.adj, 0.8, 4)
			slices.SortFunc(got, slices.Compare)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestComponents: a 3-loop, a 2-loop feeding it, and a node that only points in.
func TestComponents(t *testing.T) {
	adj := [][]int{{1}, {2}, {0}, {4, 0}, {3}, {3}}
	got := components(adj)
	slices.SortFunc(got, slices.Compare)
	if want := "[[0 1 2] [3 4] [5]]"; fmt.Sprint(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

// BenchmarkSuspiciousGroups runs the whole search on a synthetic network of PG_BENCH_N
// businesses (10,000 by default) with the ring and the boosted business planted, and one
// honest lead outcome per business learned on a random trust link (60% accepted, 25% declined,
// 15% expired), as of just after the last synthetic business joined (the newest tenth is
// recent). It reports the groups found, the heap the graph takes, and B/op for what one search
// allocates; it fails if a planted group is missed.
//
//	PG_BENCH_N=100000 go test ./matching/ -run '^$' -bench SuspiciousGroups -benchtime 5x
func BenchmarkSuspiciousGroups(b *testing.B) {
	n := benchN(b)
	p := testPlant()
	runtime.GC()
	start := time.Now()
	g := plantedGraph(b, n, p)
	build := time.Since(start)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range n {
		u := int32(rng.IntN(len(g.ids)))
		ls := g.links.get(u)
		if len(ls) == 0 || g.status[u] != statusActive {
			continue
		}
		l := ls[rng.IntN(len(ls))]
		if l.out == 0 {
			continue
		}
		outcome := partnergraph.OfferAccepted
		switch x := rng.Float64(); {
		case x < 0.25:
			outcome = partnergraph.OfferDeclined
		case x < 0.40:
			outcome = partnergraph.OfferExpired
		}
		at := plantAt.AddDate(0, 0, -rng.IntN(365))
		o := partnergraph.Offer{ID: fmt.Sprintf("bench-%d", i), Path: []string{g.ids[u], g.ids[l.to]}}
		g.Learn(o, partnergraph.Lead{ReferrerID: g.ids[u], ServiceID: "tyres"}, string(outcome), at)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	opts := DefaultRingOptions
	opts.Now = plantAt.AddDate(0, 0, 10)
	var groups []SuspiciousGroup
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var err error
		if groups, err = g.SuspiciousGroups(opts); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	found := map[GroupKind]bool{}
	for _, s := range groups {
		if s.Key() == p.RingIDs()[0] || s.Subject == p.BoostedID() {
			found[s.Kind] = true
		}
	}
	if len(found) != 3 {
		b.Fatalf("planted groups found: %v, want all three kinds:%s", found, describeGroups(groups))
	}
	b.ReportMetric(float64(len(g.ids)), "businesses")
	b.ReportMetric(float64(len(groups)), "groups")
	b.ReportMetric(float64(len(g.leadPairs)), "lead-pairs")
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "graph-heap-MB")
	b.ReportMetric(build.Seconds(), "build-s")
	if testing.Verbose() {
		b.Log(describeGroups(groups))
	}
}

// TestSuspiciousGroupsWhileWriting runs searches while trust edges and lead outcomes are
// written, for the race detector: the search reads the lead counts and links that Learn and
// SetTrust change.
func TestSuspiciousGroupsWhileWriting(t *testing.T) {
	p := testPlant()
	g := plantedGraph(t, 300, p)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ring := p.RingIDs()
		for i := range 200 {
			a, b := ring[i%len(ring)], ring[(i+1)%len(ring)]
			g.Learn(partnergraph.Offer{ID: fmt.Sprintf("w-%d", i), Path: []string{a, b}}, partnergraph.Lead{ReferrerID: a, ServiceID: "tyres"}, string(partnergraph.OfferDeclined), plantAt)
			if err := g.SetTrust(partnergraph.Trust{From: a, To: "syn-0000001", Score: float64(i%10) / 10}); err != nil {
				t.Error(err) // not Fatal: this is not the test's goroutine
				return
			}
		}
	}()
	for range 20 {
		suspicious(t, g, plantAt.AddDate(0, 0, 10))
	}
	<-done
}

// TestSuspiciousGroupsReturnLoop: a ring whose members accept each other's leads and then
// return them (each return accepted) is a lead loop: a returned lead went nowhere, like a
// declined one. Accepting alone (the "accepted leads" case above) is not.
func TestSuspiciousGroupsReturnLoop(t *testing.T) {
	p := testPlant()
	p.Prefix = "ret"
	g, err := BuildRecords(context.Background(), concat(seed.Synthetic(300, 1), p.Records()), nil)
	must(t, err)
	for _, o := range p.Outcomes() {
		o.Offer.Status = partnergraph.OfferAccepted
		g.Learn(o.Offer, o.Lead, string(partnergraph.OfferAccepted), o.At)
		g.Learn(o.Offer, o.Lead, partnergraph.OutcomeReturned, o.At.Add(time.Hour))
	}
	opts := DefaultRingOptions
	opts.Now, opts.Kinds = plantAt.AddDate(0, 0, 10), []GroupKind{LeadLoop}
	got, err := g.SuspiciousGroups(opts)
	must(t, err)
	if len(got) != 1 || !slices.Equal(got[0].Members, p.RingIDs()) {
		t.Fatalf("want the ring as the one lead loop, got:%s", describeGroups(got))
	}
	k := len(p.RingIDs())
	leads := k * (k - 1) * p.LeadsPerPair
	e := got[0].Evidence
	if e.Leads != leads || e.Accepted != leads || e.Returned != leads || e.ReturnRate() != 1 || e.BadRate() != 1 || got[0].Score != 1 {
		t.Errorf("loop evidence %+v score %v: want %d leads, all accepted and returned, bad rate 1, score 1", e, got[0].Score, leads)
	}
}
