package neo4jstore

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Statements of TestConcurrentMigrate, which strips a database of its schema.
var (
	testWipeAll        = stmt("test_wipe_all")
	testConstraints    = stmt("test_constraints")
	testIndexes        = stmt("test_indexes")
	testDropConstraint = stmt("test_drop_constraint")
	testDropIndex      = stmt("test_drop_index")
)

// TestConcurrentMigrate starts four stores at once on a database stripped of its schema, as
// several servers starting together do, five times over: every Open must succeed, and the
// migrations are recorded once each. It DROPS every constraint and index of the first
// database of NEO4J_DATABASE, and deletes its nodes. Before the migration lease, one CI run in
// three failed here: a server waited 300 s in db.awaitIndexes on the full-text index that
// another server's migration 0006 had dropped meanwhile.
func TestConcurrentMigrate(t *testing.T) {
	ctx := context.Background()
	cfg, q := liveDatabase(t)
	for round := range 5 {
		q(testWipeAll, nil)
		for _, r := range q(testConstraints, nil) {
			q(testDropConstraint, map[string]any{"name": r.Values[0]})
		}
		for _, r := range q(testIndexes, nil) {
			q(testDropIndex, map[string]any{"name": r.Values[0]})
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := Open(ctx, cfg)
				if err == nil {
					s.Close()
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, server %d: %v", round, i, err)
			}
		}
		if got, want := len(q(migrationApplied, nil)), len(migrations); got != want {
			t.Errorf("round %d: %d migration records, want %d", round, got, want)
		}
	}
}

// liveDatabase skips the test unless NEO4J_URI is set, and returns the Config of the first
// database of NEO4J_DATABASE and a function that runs a statement on it directly.
func liveDatabase(t *testing.T) (Config, func(statement, map[string]any) []*neo4j.Record) {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		skip(t, "NEO4J_URI not set: the Neo4j tests need a server (tools/neo4j/start.sh; see README)")
	}
	ctx := context.Background()
	cfg := Config{URI: uri, Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD"),
		Database: strings.TrimSpace(strings.Split(os.Getenv("NEO4J_DATABASE"), ",")[0])}
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	d, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(cfg.Username, cfg.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(ctx) })
	return cfg, func(st statement, params map[string]any) []*neo4j.Record {
		t.Helper()
		r, err := neo4j.ExecuteQuery(ctx, d, st.text, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatalf("%s: %v", st.text, err)
		}
		return r.Records
	}
}

// Statements of the lease tests.
var (
	testLeasePlant  = stmt("test_lease_plant")
	testLeaseHolder = stmt("test_lease_holder")
)

// TestMigrationLeaseWaits: a server that starts while another holds the migration lease (and
// keeps renewing it) does not migrate or return until that server lets it go, then starts,
// and leaves no lease behind.
func TestMigrationLeaseWaits(t *testing.T) {
	ctx := context.Background()
	cfg, q := liveDatabase(t)
	s, err := Open(ctx, cfg) // a migrated database, so that only the lease can hold Open up
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	q(testLeasePlant, map[string]any{"holder": "another server", "ttlMillis": int64(10 * time.Minute / time.Millisecond)})
	t.Cleanup(func() { q(testWipe, nil) }) // the lease too, should the test fail

	opened := make(chan error, 1)
	go func() {
		s, err := Open(ctx, cfg)
		if err == nil {
			s.Close()
		}
		opened <- err
	}()
	// Several polls of the lease: Open must still be waiting.
	select {
	case err := <-opened:
		t.Fatalf("Open returned (err %v) while another server held the migration lease", err)
	case <-time.After(10 * leasePoll):
	}
	// The other server lets the lease go (its expiry passes, as when it dies): Open goes on.
	q(testLeasePlant, map[string]any{"holder": "another server", "ttlMillis": int64(-1)})
	select {
	case err := <-opened:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Open still waiting a minute after the other server's lease expired")
	}
	if recs := q(testLeaseHolder, nil); len(recs) != 0 {
		t.Errorf("a lease is left after Open: held by %v", recs[0].Values[0])
	}
}

// TestMigrationLeaseOfDeadHolder: a lease whose holder died (it is never renewed) expires, and
// a server starting meanwhile takes it over then, rather than waiting for ever.
func TestMigrationLeaseOfDeadHolder(t *testing.T) {
	ctx := context.Background()
	cfg, q := liveDatabase(t)
	q(testLeasePlant, map[string]any{"holder": "a dead server", "ttlMillis": int64(3000)})
	t.Cleanup(func() { q(testWipe, nil) })
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if recs := q(testLeaseHolder, nil); len(recs) != 0 {
		t.Errorf("a lease is left after Open: held by %v", recs[0].Values[0])
	}
}
