package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
)

// These tests run the data commands against the Neo4j server at NEO4J_URI (with
// NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE, as store/neo4jstore's contract tests do;
// tools/neo4j/start.sh prints them). They WIPE that database first.

// neo4jDatabase skips the test unless NEO4J_URI is set (with CI=true it fails instead, as
// store/neo4jstore's tests do, so CI can never silently stop running them), empties the
// database of everything but its migration records, and returns a driver to inspect it.
func neo4jDatabase(t *testing.T) neo4j.DriverWithContext {
	t.Helper()
	// Wipe also locks the database until the test binary exits: other packages' Neo4j tests
	// run at the same time on the same single database.
	srv := neo4jtest.Require(t)
	neo4jtest.Wipe(t, srv)
	d, err := neo4j.NewDriverWithContext(srv.URI, neo4j.BasicAuth(srv.Username, srv.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

// recordSet reads a JSON Lines file as a sorted list of its records, each re-encoded
// canonically (keys sorted, and a business's services sorted, since they are a set that both
// stores export in their own order), so that two files compare equal as sets of records.
func recordSet(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var v any
		if err := dec.Decode(&v); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if b, ok := v.(map[string]any)["business"].(map[string]any); ok {
			if svc, ok := b["services"].([]any); ok {
				slices.SortFunc(svc, func(x, y any) int { return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) })
			}
		}
		c, _ := json.Marshal(v)
		out = append(out, string(c))
	}
	slices.Sort(out)
	return out
}

// diffSets reports the records only one of two sorted record lists holds.
func diffSets(t *testing.T, nameA string, a []string, nameB string, b []string) {
	t.Helper()
	inB := map[string]bool{}
	for _, r := range b {
		inB[r] = true
	}
	inA := map[string]bool{}
	for _, r := range a {
		inA[r] = true
	}
	n := 0
	for _, r := range a {
		if !inB[r] && n < 10 {
			t.Errorf("only in %s: %s", nameA, r)
			n++
		}
	}
	for _, r := range b {
		if !inA[r] && n < 20 {
			t.Errorf("only in %s: %s", nameB, r)
			n++
		}
	}
	if len(a) != len(b) {
		t.Errorf("%s has %d records, %s %d", nameA, len(a), nameB, len(b))
	}
}

// TestNeo4jImportExport imports the example network into Neo4j and exports it back: the two
// files hold the same records, and the same as SQLite's export of the same import.
func TestNeo4jImportExport(t *testing.T) {
	neo4jDatabase(t)
	ctx := context.Background()
	dir := t.TempDir()
	example := filepath.Join("..", "..", "seed", "example.jsonl")
	for range 2 { // import is idempotent
		if err := run(ctx, []string{"import", "--store", "neo4j", example}); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "neo4j.jsonl")
	if err := run(ctx, []string{"export", "--store", "neo4j", out}); err != nil {
		t.Fatal(err)
	}
	diffSets(t, "seed/example.jsonl", recordSet(t, example), "the Neo4j export", recordSet(t, out))

	db := filepath.Join(dir, "pg.db")
	lite := filepath.Join(dir, "sqlite.jsonl")
	if err := run(ctx, []string{"import", "--db", db, example}); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"export", "--db", db, lite}); err != nil {
		t.Fatal(err)
	}
	diffSets(t, "the SQLite export", recordSet(t, lite), "the Neo4j export", recordSet(t, out))
}

// schemaState lists a Neo4j database's constraints, indexes and migration records, to tell
// whether a migration changed anything.
func schemaState(t *testing.T, d neo4j.DriverWithContext) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, q := range []string{
		`SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties`,
		`SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state`,
		`MATCH (m:Migration) RETURN m.version, m.name, m.appliedAt`,
		`MATCH (n) WHERE NOT n:Migration RETURN 'nodes', count(n)`,
	} {
		res, err := neo4j.ExecuteQuery(ctx, d, q, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(os.Getenv("NEO4J_DATABASE")))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Records {
			out = append(out, fmt.Sprint(r.Values...))
		}
	}
	slices.Sort(out)
	return out
}

// TestNeo4jMigrateTwice checks that a second migrate changes nothing: no constraint, index or
// migration record, and no data node.
func TestNeo4jMigrateTwice(t *testing.T) {
	d := neo4jDatabase(t)
	ctx := context.Background()
	if err := run(ctx, []string{"migrate", "--store", "neo4j"}); err != nil {
		t.Fatal(err)
	}
	before := schemaState(t, d)
	if len(before) < 5 {
		t.Fatalf("after migrate the database has only %v", before)
	}
	if err := run(ctx, []string{"migrate", "--store", "neo4j"}); err != nil {
		t.Fatal(err)
	}
	after := schemaState(t, d)
	if !slices.Equal(before, after) {
		t.Errorf("the second migrate changed the database:\nbefore %q\nafter  %q", before, after)
	}
}

// TestNeo4jSecondServer starts a server on a migrated Neo4j database (which it seeds) and,
// while it runs, a second one on the same database: both start and answer from the store.
func TestNeo4jSecondServer(t *testing.T) {
	neo4jDatabase(t)
	ctx := context.Background()
	if err := run(ctx, []string{"migrate", "--store", "neo4j"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range 2 {
		addr := startNeo4jServer(t, filepath.Join(dir, "pg.db"))
		res, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ services { slug } }"}`))
		if err != nil {
			t.Fatalf("server %d: %v", i+1, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(body), `"collision-repair"`) {
			t.Fatalf("server %d answers %s", i+1, body)
		}
	}
}

// startNeo4jServer runs serve on the Neo4j store until the test ends, and returns its address
// once it answers. db only holds the development token secret.
func startNeo4jServer(t *testing.T, db string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", addr, "--store", "neo4j", "--db", db}) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve on %s: %v", addr, err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("serve on %s did not stop", addr)
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("serve on %s ended before it answered: %v", addr, err)
		default:
		}
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve on %s did not answer in 60 s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestBenchStoresCommand runs bench-stores small on both stores (the figures are not checked:
// speed is the command's output, not a test's assertion).
func TestBenchStoresCommand(t *testing.T) {
	neo4jDatabase(t)
	if err := run(context.Background(), []string{"bench-stores", "--n", "200", "--rates", "20", "--duration", "1s"}); err != nil {
		t.Fatal(err)
	}
}
