package sqlitestore

import (
	"context"
	"strings"
	"testing"
)

// TestHealthPlans: every statement of NetworkHealth reads its rows through the creation-time
// index of its table (a range scan of the rows in the range), never a scan of the table or
// another index, which would read every lead or offer ever written.
func TestHealthPlans(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		name, query, index string
		args               []any
	}{
		{"leads", healthLeads, "leads_by_created", []any{0, 1, 0, 1}},
		{"unroutable", healthUnroutable, "leads_by_created", append(unroutableKindArgs(), 0, 1)},
		{"offers", healthOffers, "offers_by_created", []any{0, 1}},
		{"referrers", healthReferrers, "leads_by_created", []any{0, 1, 5}},
		{"recipients", healthRecipients, "offers_by_created", []any{0, 1, 5}},
	} {
		rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+c.query, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		got := strings.Join(plan, "; ")
		if !strings.Contains(got, "SEARCH") || !strings.Contains(got, c.index+" (created_at>? AND created_at<?)") {
			t.Errorf("%s: plan %q, want a search of %s by created_at", c.name, got, c.index)
		}
	}
}
