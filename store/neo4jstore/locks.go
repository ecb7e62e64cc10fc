package neo4jstore

import (
	"context"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Concurrent MERGEs of one relationship can both create it, and a check-then-write can race
// a concurrent writer. So every write that adds, removes or checks relationships first runs
// one of the *_lock statements, which sets and removes a throw-away property on each endpoint:
// that takes the node's write lock until the transaction ends, and whatever the transaction
// reads afterwards is what it writes against. Ids are locked in sorted order, so that two
// transactions lock shared nodes in the same order; Neo4j detects the remaining deadlocks and
// the driver retries the transaction.

// lockExisting runs st, one of the *_lock statements, on the distinct ids in sorted order,
// and returns the ids that exist (and are now locked).
func lockExisting(ctx context.Context, tx neo4j.ManagedTransaction, st statement, ids ...string) (map[string]bool, error) {
	recs, err := run(ctx, tx, st, map[string]any{"ids": sortedUnique(ids)})
	if err != nil {
		return nil, err
	}
	found := make(map[string]bool, len(recs))
	for _, rec := range recs {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return nil, err
		}
		found[id] = true
	}
	return found, nil
}

// sortedUnique returns the distinct ids in order, as a new slice that is never nil (a nil
// list parameter is null in Cypher, where an empty list is meant).
func sortedUnique(ids []string) []string {
	out := append([]string{}, ids...)
	slices.Sort(out)
	return slices.Compact(out)
}
