package neo4jstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// planOperators returns the operators of st's plan on the live server (EXPLAIN: nothing runs).
func planOperators(t *testing.T, s *Store, st statement, params map[string]any) []string {
	t.Helper()
	ctx := context.Background()
	ops, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]string, error) {
		res, err := tx.Run(ctx, "EXPLAIN "+st.text, params)
		if err != nil {
			return nil, err
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return nil, err
		}
		var ops []string
		var walk func(p neo4j.Plan)
		walk = func(p neo4j.Plan) {
			ops = append(ops, strings.SplitN(p.Operator(), "@", 2)[0])
			for _, c := range p.Children() {
				walk(c)
			}
		}
		walk(sum.Plan())
		return ops, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// TestOutcomesPlan: the start-up replay of outcomes reads a page at a time in the order
// answered. Each page must seek an index in that order, not scan and sort every offer (which
// made the replay quadratic in the answered offers), and must read its leads in the same
// statement, not one round trip per offer.
func TestOutcomesPlan(t *testing.T) {
	s := contractStores(t)(t)
	ops := planOperators(t, s, outcomePage, map[string]any{"after": time.Unix(0, 0).UTC(), "seq": int64(-1), "limit": int64(1000)})
	for _, op := range ops {
		if op == "Sort" || op == "Top" || strings.Contains(op, "LabelScan") || op == "AllNodesScan" {
			t.Fatalf("outcomes plan %v scans or sorts", ops)
		}
	}
	if !strings.Contains(strings.Join(ops, " "), "NodeUniqueIndexSeek") {
		t.Fatalf("outcomes plan %v does not read each offer's lead by its id", ops)
	}
}
