package neo4jstore

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
)

// TestMain takes the machine-wide lock (neo4jtest.Lock) on every database of NEO4J_DATABASE
// before any test runs, as neo4jtest.Wipe does for the other packages' Neo4j tests: this
// package's tests wipe and migrate those databases in their own ways, and `go test ./...` runs
// the packages' test binaries at once, so without the lock they emptied the database under
// another package's tests.
func TestMain(m *testing.M) {
	if s, ok := neo4jtest.FromEnv(); ok {
		for _, db := range strings.Split(s.Database, ",") {
			s.Database = strings.TrimSpace(db)
			if err := neo4jtest.Lock(s); err != nil {
				fmt.Fprintln(os.Stderr, "lock Neo4j database for the tests:", err)
				os.Exit(1)
			}
		}
	}
	os.Exit(m.Run())
}
