package neo4jstore

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// benchWriters is how many goroutines write at once in the write benchmarks.
const benchWriters = 8

// benchStore opens a store on the emptied NEO4J_DATABASE (the first, if it lists several)
// for a benchmark, or skips it.
func benchStore(b *testing.B) *Store {
	b.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		skip(b, "NEO4J_URI not set: the Neo4j benchmarks need a server")
	}
	ctx := context.Background()
	db, _, _ := strings.Cut(os.Getenv("NEO4J_DATABASE"), ",")
	s, err := Open(ctx, Config{URI: uri, Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD"), Database: db})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := exec(ctx, s, func(tx neo4j.ManagedTransaction) error {
		_, err := run(ctx, tx, testWipe, nil)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	return s
}

// benchWrites runs write(i) for i in 0..b.N-1 from benchWriters goroutines and reports the
// writes per second and the latency of one write (p50, p99).
func benchWrites(b *testing.B, write func(i int) error) {
	b.Helper()
	var next atomic.Int64
	var mu sync.Mutex
	var took []time.Duration
	var wg sync.WaitGroup
	errs := make(chan error, benchWriters)
	b.ResetTimer()
	start := time.Now()
	for range benchWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := write(i); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				took = append(took, time.Since(t0))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	slices.Sort(took)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "writes/s")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkLeadWrites submits leads (one offer, one event each) from one referrer to one
// recipient, benchWriters at a time: the lead path's writes, seqs and cap count included.
//
//	go test ./store/neo4jstore/ -run '^$' -bench LeadWrites -benchtime 400x
func BenchmarkLeadWrites(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	if err := s.PutService(ctx, partnergraph.Service{ID: "bench", Name: "Bench", Sector: "bench"}); err != nil {
		b.Fatal(err)
	}
	at := partnergraph.Point{Lat: 39.8, Lng: -89.65}
	ref := &partnergraph.Business{Name: "Referrer", Location: at, City: "Springfield", Country: "US"}
	to := &partnergraph.Business{Name: "Recipient", Location: at, City: "Springfield", Country: "US", DailyLeadCap: 10000}
	for _, x := range []*partnergraph.Business{ref, to} {
		if err := s.CreateBusiness(ctx, x, ""); err != nil {
			b.Fatal(err)
		}
	}
	benchWrites(b, func(i int) error {
		l := &partnergraph.Lead{IdempotencyKey: fmt.Sprintf("bench-lead-%06d", i), ReferrerID: ref.ID, ServiceID: "bench", Location: at,
			Customer: partnergraph.Customer{Name: "Pat Doe", Email: "pat@example.com"},
			Consent:  partnergraph.Consent{Text: "I agree that my details go to one partner", GivenAt: time.Now().UTC().Add(-time.Minute)}}
		offers := []partnergraph.Offer{{BusinessID: to.ID, Rank: 1, Path: []string{ref.ID, to.ID}, PathTrust: 0.8, Score: 0.7,
			Reasons: []string{"trusted"}, ExpiresAt: time.Now().Add(time.Hour).UTC()}}
		_, _, err := s.SubmitLead(ctx, l, offers, []partnergraph.LeadEvent{{Message: "submitted"}})
		return err
	})
}

// BenchmarkTrustWrites sets trust edges, each writer on a pair of its own: a graph write.
//
//	go test ./store/neo4jstore/ -run '^$' -bench TrustWrites -benchtime 400x
func BenchmarkTrustWrites(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	at := partnergraph.Point{Lat: 39.8, Lng: -89.65}
	ids := make([]string, 2*benchWriters)
	for i := range ids {
		x := &partnergraph.Business{Name: fmt.Sprint("B", i), Location: at, City: "Springfield", Country: "US"}
		if err := s.CreateBusiness(ctx, x, ""); err != nil {
			b.Fatal(err)
		}
		ids[i] = x.ID
	}
	benchWrites(b, func(i int) error {
		w := i % benchWriters
		_, err := s.SetTrust(ctx, partnergraph.Trust{From: ids[2*w], To: ids[2*w+1], Score: float64(i%100+1) / 100})
		return err
	})
}
