package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/neo4jstore"
	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
	"github.com/partnergraph/partnergraph/webhooks"
)

// BenchmarkDeliver measures the deliverer's throughput to one endpoint on a receiver on
// 127.0.0.1 that answers at once: b.N offers are written first, then timed from the
// deliverer's start until the endpoint's cursor reaches the last. Each delivery is a feed read
// (one per 50 events), a signed POST and the store write that moves the cursor and logs the
// attempt, one after the other (an endpoint's events go in order). On a SQLite file
// (synchronous), and on Neo4j when NEO4J_URI is set. Run:
// go test ./webhooks -run '^$' -bench Deliver -benchtime 1000x
func BenchmarkDeliver(b *testing.B) {
	b.Run("sqlite-file", func(b *testing.B) {
		s, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "pg.db"))
		must(b, err)
		defer s.Close()
		benchDeliver(b, s)
	})
	b.Run("neo4j", func(b *testing.B) {
		neo := neo4jtest.Require(b)
		neo4jtest.Wipe(b, neo)
		s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: neo.URI, Username: neo.Username, Password: neo.Password, Database: neo.Database})
		must(b, err)
		defer s.Close()
		benchDeliver(b, s)
	})
}

func benchDeliver(b *testing.B, s partnergraph.Store) {
	f := newFixtureOn(b, s)
	rcv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer rcv.Close()
	w := f.webhook(b, rcv.URL, partnergraph.WebhookOffers)
	for range b.N {
		f.offerLead(b)
	}
	offers, err := f.s.Inbox(context.Background(), f.a, w.OfferCursor, partnergraph.MaxFeedSize)
	must(b, err)
	last := offers[len(offers)-1].Seq
	if b.N > partnergraph.MaxFeedSize {
		b.Fatalf("at most %d events", partnergraph.MaxFeedSize)
	}
	cfg := testConfig()
	cfg.LeaseTTL = time.Minute
	d := webhooks.New(f.s, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	b.ResetTimer()
	start := time.Now()
	go func() { defer close(done); d.Run(ctx) }()
	for {
		got, err := f.s.Webhook(context.Background(), w.ID)
		must(b, err)
		if got.OfferCursor >= last {
			break
		}
		time.Sleep(time.Millisecond)
	}
	took := time.Since(start)
	b.StopTimer()
	cancel()
	<-done
	b.ReportMetric(float64(b.N)/took.Seconds(), "deliveries/s")
}
