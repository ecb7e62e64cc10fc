// Command wipe empties the Neo4j database of NEO4J_URI (NEO4J_USERNAME, NEO4J_PASSWORD,
// NEO4J_DATABASE) of every node but its migration records, so that a PartnerGraph server
// started on it seeds the example network: tools/conformance/run.sh --store neo4j runs it. It
// refuses a server that is not on this machine, since it deletes everything.
package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "wipe:", err)
		os.Exit(1)
	}
}

func run() error {
	s, ok := neo4jtest.FromEnv()
	if !ok {
		return fmt.Errorf("NEO4J_URI is not set")
	}
	u, err := url.Parse(s.URI)
	if err != nil {
		return fmt.Errorf("NEO4J_URI: %w", err)
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
		return fmt.Errorf("refusing to empty a database on %s: only a server on this machine (127.0.0.1, localhost)", h)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return neo4jtest.Empty(ctx, s)
}
