// Package neo4jtest is the one place where tests learn whether a Neo4j server is configured
// (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE) and empty its database. It
// imports no PartnerGraph package, so the store's own tests can use it too.
package neo4jtest

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Server is the Neo4j server that the tests run against.
type Server struct {
	URI, Username, Password, Database string
}

// FromEnv reads the server from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE;
// ok is false when NEO4J_URI is unset.
func FromEnv() (s Server, ok bool) {
	s = Server{
		URI:      os.Getenv("NEO4J_URI"),
		Username: os.Getenv("NEO4J_USERNAME"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE"),
	}
	return s, s.URI != ""
}

// Require returns the configured server. Without one it skips the test, except when CI=true:
// there it fails it, since a skipped Neo4j test in CI would let the suite silently stop
// running against Neo4j.
func Require(t testing.TB) Server {
	t.Helper()
	s, ok := FromEnv()
	if !ok {
		Skip(t, "NEO4J_URI not set: the Neo4j tests need a server (tools/neo4j/start.sh; see README)")
	}
	return s
}

// Skip skips t with msg, except in CI (CI=true), where a Neo4j test that does not run fails
// the run: otherwise the suite could silently stop running against Neo4j.
func Skip(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true: a Neo4j test may not skip: " + msg)
		return
	}
	t.Skip(msg)
}

// wipe deletes every node but the migration records, as the store's own contract tests do
// (store/neo4jstore/cypher/test_wipe.cypher), so that a server starting on the database finds
// it empty and does not migrate it again. In a .cypher file, where the Cypher lint reads it.
//
//go:embed wipe.cypher
var wipe string

// Wipe empties the server's database (the default one when Database is empty) for a test.
// Community edition has a single user database, and `go test ./...` runs the test binaries of
// several packages at once: so the first Wipe of a test binary takes a lock on the database
// (a file lock, shared by every process of the machine) and holds it until the binary exits.
// The Neo4j tests of other packages wait for it; tests within one binary run in turn.
func Wipe(t testing.TB, s Server) {
	t.Helper()
	if err := Lock(s); err != nil {
		t.Fatalf("lock Neo4j database for the test: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := Empty(ctx, s); err != nil {
		t.Fatal(err)
	}
}

// Empty deletes every node of the server's database but the migration records, as Wipe does
// but without its lock: for scripts that run a PartnerGraph server on an empty database
// (tools/conformance/run.sh --store neo4j, through the wipe command beside this package).
func Empty(ctx context.Context, s Server) error {
	driver, err := neo4j.NewDriverWithContext(s.URI, neo4j.BasicAuth(s.Username, s.Password, ""))
	if err != nil {
		return err
	}
	defer driver.Close(ctx)
	db := s.database()
	if _, err := neo4j.ExecuteQuery(ctx, driver, wipe, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(db)); err != nil {
		return fmt.Errorf("wipe Neo4j database %q at %s: %w", db, s.URI, err)
	}
	return nil
}

// database is the name of the server's database, "neo4j" (the default) when none is set.
func (s Server) database() string {
	if s.Database == "" {
		return "neo4j"
	}
	return s.Database
}
