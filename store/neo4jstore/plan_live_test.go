package neo4jstore

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// planOperators returns the operators of st's plan on the live server. It PROFILEs st in a
// transaction that it rolls back, so nothing it writes stays: EXPLAIN's plan cannot be walked,
// as the driver's Plan.Children (v5.28.4) returns the last child for every child (it keeps the
// address of its loop variable, under Go 1.18 loop semantics), so every left branch of a join
// was missing from the operators and a label scan there went unseen. ProfiledPlan.Children
// copies each child.
func planOperators(t *testing.T, s *Store, st statement, params map[string]any) []string {
	t.Helper()
	ctx := context.Background()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	res, err := tx.Run(ctx, "PROFILE "+st.text, params)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	var walk func(p neo4j.ProfiledPlan)
	walk = func(p neo4j.ProfiledPlan) {
		ops = append(ops, strings.SplitN(p.Operator(), "@", 2)[0])
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(sum.Profile())
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

// TestImportPlans: every statement of a bulk import finds the nodes of its rows by a unique
// index, never by scanning a label: a scan per row of a 5,000-row batch would make an import
// quadratic in the size of the graph.
func TestImportPlans(t *testing.T) {
	s := contractStores(t)(t)
	for name, st := range map[string]statement{
		"service_put": servicePut, "complement_set": complementSet, "business_import": businessImport,
		"business_set_services": businessSetServices, "owner_add": ownerAdd, "network_import": networkImport,
		"membership_put": membershipPut, "trust_set": trustSet, "partnership_put": partnershipPut,
		"import_existing": importExisting,
	} {
		row := map[string]any{"id": "x", "from": "x", "to": "y", "businessId": "x", "networkId": "n", "proposerId": "x", "partnerId": "y", "sub": "u", "services": []any{"s"}}
		ids := []any{"x"}
		ops := planOperators(t, s, st, map[string]any{"rows": []any{row}, "services": ids, "businesses": ids, "networks": ids})
		joined := strings.Join(ops, " ")
		// The calendar releases (2026.08) plan a MERGE on a uniquely constrained property as one
		// MergeUniqueNode operator, which finds the node through the constraint's index; 5.26
		// plans it as a NodeUniqueIndexSeek under a Merge.
		seeks := strings.Contains(joined, "IndexSeek") || strings.Contains(joined, "MergeUniqueNode")
		if strings.Contains(joined, "LabelScan") || strings.Contains(joined, "AllNodesScan") || !seeks {
			t.Errorf("%s: plan %v scans, or seeks no index", name, ops)
		}
	}
}

// TestPartnershipExportPlan: each page of the export's partnerships seeks the index on
// (createdAt, id) from its keyset, in that order. Before, the first page's IS NULL and the
// keyset's OR made every page scan and sort every partnership: an export of 460,061
// partnerships (100k businesses) took 23 s of its 41 s there, 6 s after.
func TestPartnershipExportPlan(t *testing.T) {
	s := contractStores(t)(t)
	for _, after := range []time.Time{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Now().UTC()} {
		ops := planOperators(t, s, partnershipExport, map[string]any{"afterCreatedAt": after, "afterId": "x", "limit": int64(1000)})
		joined := strings.Join(ops, " ")
		if strings.Contains(joined, "Sort") || strings.Contains(joined, "Top") || strings.Contains(joined, "LabelScan") || !strings.Contains(joined, "IndexSeek") {
			t.Fatalf("partnership export plan %v scans or sorts", ops)
		}
	}
}

// TestPagePlans: every paged listing reads its page from an index in the page's order, so a
// page costs its own size, not a scan and sort of every node of its label. Each keyset's
// tie-break is a CASE, not an OR (`a > $x OR (a = $x AND b > $y)`): a planner may split the OR
// into a union with a label scan and a sort of every row (Neo4j 2026.08.1 did so for the
// outcome replay, in CI). Each statement is planned for a first page and for a later one.
// How much of a sort a statement may keep depends on where it starts:
//   - ordered: an index gives the whole order; no sort at all;
//   - grouped: an index gives the first key, a relationship's far end the second, so only a
//     partial sort (within one first key) is left;
//   - anchored: the page starts from one node found by its unique id, and sorts only that
//     node's relationships;
//   - searched: the full-text index gives the matches in score order, and only the matches
//     are sorted.
func TestPagePlans(t *testing.T) {
	s := contractStores(t)(t)
	first, later := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Now().UTC()
	newest := newestFirstStart
	type shape int
	const (
		ordered shape = iota
		grouped
		anchored
		searched
	)
	filters := map[string]any{"statuses": nil, "networkId": nil, "services": nil}
	with := func(m map[string]any, extra map[string]any) map[string]any {
		out := map[string]any{"limit": int64(101)}
		for k, v := range m {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	for _, c := range []struct {
		name   string
		st     statement
		shape  shape
		params []map[string]any
	}{
		{"trust_list_all", trustListAll, grouped, []map[string]any{
			{"afterFrom": "", "afterTo": ""}, {"afterFrom": "m", "afterTo": "x"}}},
		{"complement_export", complementExport, grouped, []map[string]any{
			{"afterFrom": "", "afterTo": ""}, {"afterFrom": "m", "afterTo": "x"}}},
		{"membership_list_all", membershipListAll, grouped, []map[string]any{
			{"afterNetworkId": "", "afterBusinessId": ""}, {"afterNetworkId": "m", "afterBusinessId": "x"}}},
		{"trust_export", trustExport, ordered, []map[string]any{
			{"afterFrom": ""}, {"afterFrom": "m"}}},
		{"network_list", networkList, ordered, []map[string]any{
			{"afterName": "", "afterId": ""}, {"afterName": "m", "afterId": "x"}}},
		{"business_list_by_name", businessListByName, ordered, []map[string]any{
			with(filters, map[string]any{"afterName": "", "afterId": ""}),
			with(filters, map[string]any{"afterName": "m", "afterId": "x"}),
			with(filters, map[string]any{"afterName": "m", "afterId": "x", "statuses": []any{"ACTIVE"}})}},
		{"partnership_list_all", partnershipListAll, ordered, []map[string]any{
			{"status": nil, "afterCreatedAt": newest, "afterId": ""},
			{"status": nil, "afterCreatedAt": later, "afterId": "x"},
			{"status": "ACTIVE", "afterCreatedAt": first, "afterId": "x"}}},
		{"partnership_list_by_business", partnershipListByBusiness, anchored, []map[string]any{
			{"businessId": "b", "status": nil, "afterCreatedAt": newest, "afterId": ""},
			{"businessId": "b", "status": "ACTIVE", "afterCreatedAt": later, "afterId": "x"}}},
		{"membership_list_by_business", membershipListByBusiness, anchored, []map[string]any{
			{"businessId": "b", "networkId": nil, "afterNetworkId": ""},
			{"businessId": "b", "networkId": "n", "afterNetworkId": "m"}}},
		{"business_search_by_name", businessSearchByName, searched, []map[string]any{
			with(filters, map[string]any{"query": "cafe", "afterName": "", "afterId": ""}),
			with(filters, map[string]any{"query": "cafe", "afterName": "m", "afterId": "x"})}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, params := range c.params {
				if _, ok := params["limit"]; !ok {
					params["limit"] = int64(101)
				}
				ops := planOperators(t, s, c.st, params)
				joined := strings.Join(ops, " ")
				scans := strings.Contains(joined, "LabelScan") || strings.Contains(joined, "AllNodesScan") || strings.Contains(joined, "Union")
				sorts := slices.Contains(ops, "Sort") || slices.Contains(ops, "Top")
				partial := strings.Contains(joined, "Partial")
				seeks := strings.Contains(joined, "IndexSeek") || strings.Contains(joined, "IndexScan")
				var bad bool
				switch c.shape {
				case ordered:
					bad = scans || sorts || partial || !seeks
				case grouped:
					bad = scans || sorts || !seeks
				case anchored:
					bad = scans || !strings.Contains(joined, "NodeUniqueIndexSeek")
				case searched:
					bad = scans || !strings.Contains(joined, "ProcedureCall")
				}
				t.Logf("params %v: plan %v", params, ops)
				if bad {
					t.Errorf("params %v: plan %v", params, ops)
				}
			}
		})
	}
}
