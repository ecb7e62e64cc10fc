package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
)

// BenchmarkFollowLag measures the lag from a write's acknowledgement on server A (a new trust
// edge through A's API) to its effect on server B's projection, both on one SQLite file (and on
// one Neo4j database when NEO4J_URI is set), at a steady rate of writes, with the default follow
// interval. It prints the lag's p50, p99 and max in milliseconds, and the rate the one writer
// reached. One run writes two seconds' worth of
// edges (at least 50) whatever b.N: run it with -benchtime 1x.
//
//	go test ./server/ -run '^$' -bench FollowLag -benchtime 1x
func BenchmarkFollowLag(b *testing.B) {
	stores := []string{"sqlite"}
	if _, ok := neo4jtest.FromEnv(); ok {
		stores = append(stores, "neo4j")
	}
	for _, store := range stores {
		for _, rate := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("store=%s/writes=%d/s", store, rate), func(b *testing.B) {
				c := newCluster
				if store == "neo4j" {
					c = newNeo4jCluster
				}
				benchFollowLag(b, c(b), rate)
			})
		}
	}
}

// benchFollowLag runs one measurement of BenchmarkFollowLag on the cluster.
func benchFollowLag(b *testing.B, c *cluster, rate int) {
	a, follower := c.start(b, nil), c.start(b, nil)
	n := max(50, 2*rate)
	pairs := untrustedPairs(b, a.store, n)
	admin := c.token(b, "admin", auth.Admin)

	// B's trust edges grow by one per write, in the order written: the k-th new edge
	// shows the k-th write.
	base := follower.pg.Matching.Stats().Trust
	seen := make([]time.Time, n)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for k := 0; k < n; {
			got := follower.pg.Matching.Stats().Trust - base
			now := time.Now()
			for ; k < got && k < n; k++ {
				seen[k] = now
			}
			time.Sleep(time.Millisecond)
		}
	}()
	acked := make([]time.Time, n)
	every := time.Second / time.Duration(rate)
	start := time.Now()
	b.ResetTimer()
	for i, p := range pairs {
		time.Sleep(time.Until(start.Add(time.Duration(i) * every)))
		a.ok(b, admin, `mutation($in: SetTrustInput!) { setTrust(input: $in) { trust { score } } }`,
			map[string]any{"in": map[string]any{"fromId": apiID(p[0]), "toId": apiID(p[1]), "score": 0.5}}, nil)
		acked[i] = time.Now()
	}
	wrote := time.Since(start)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		b.Fatal("B did not apply every write within 30 s")
	}
	b.StopTimer()
	lags := make([]float64, n)
	for i := range n {
		lags[i] = max(0, seen[i].Sub(acked[i]).Seconds()*1000)
	}
	slices.Sort(lags)
	b.ReportMetric(lags[n/2], "p50-ms")
	b.ReportMetric(lags[n*99/100], "p99-ms")
	b.ReportMetric(lags[n-1], "max-ms")
	b.ReportMetric(float64(n)/wrote.Seconds(), "writes/s")
}

// untrustedPairs returns n pairs of the store's businesses without a trust edge between them
// in that direction.
func untrustedPairs(tb testing.TB, s partnergraph.Store, n int) [][2]string {
	tb.Helper()
	var ids []string
	trusted := map[[2]string]bool{}
	err := s.Export(context.Background(), func(r partnergraph.Record) error {
		switch {
		case r.Business != nil:
			ids = append(ids, r.Business.ID)
		case r.Trust != nil:
			trusted[[2]string{r.Trust.From, r.Trust.To}] = true
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	var out [][2]string
	for _, from := range ids {
		for _, to := range ids {
			if p := [2]string{from, to}; from != to && !trusted[p] && len(out) < n {
				out = append(out, p)
			}
		}
	}
	if len(out) < n {
		tb.Fatalf("only %d untrusted pairs", len(out))
	}
	return out
}
