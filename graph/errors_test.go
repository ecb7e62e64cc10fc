package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

// TestErrors checks that bad requests get a clear error with extensions.code (and the field
// for bad input), and change nothing.
func TestErrors(t *testing.T) {
	s := newTestServer(t)
	dave := s.token(t, "user-dave", auth.Member)
	admin := s.token(t, "root", auth.Admin)
	daveID, mikeID := bizID("daves-collision"), bizID("mikes-tyre")
	register := `mutation($in: RegisterBusinessInput!) { registerBusiness(input: $in) { business { id } } }`
	valid := func(edit func(m map[string]any)) map[string]any {
		in := map[string]any{"name": "New Shop", "location": map[string]any{"lat": 39.8, "lng": -89.6}}
		edit(in)
		return map[string]any{"in": in}
	}
	cases := []struct {
		name, token, query string
		vars               map[string]any
		code, field        string
	}{
		{"anonymous register", "", register, valid(func(map[string]any) {}), "UNAUTHENTICATED", ""},
		{"empty name", dave, register, valid(func(m map[string]any) { m["name"] = " " }), "BAD_USER_INPUT", "input.name"},
		{"latitude", dave, register, valid(func(m map[string]any) { m["location"] = map[string]any{"lat": 91, "lng": 0} }), "BAD_USER_INPUT", "input.location.lat"},
		{"email", dave, register, valid(func(m map[string]any) { m["email"] = "nope" }), "BAD_USER_INPUT", "input.email"},
		{"unknown service", dave, register, valid(func(m map[string]any) { m["services"] = []string{"tyres", "unicorns"} }), "BAD_USER_INPUT", "input.services"},
		{"lead cap zero", dave, register, valid(func(m map[string]any) { m["dailyLeadCap"] = 0 }), "BAD_USER_INPUT", "input.dailyLeadCap"},
		{"malformed id", "", `{ business(id: "nope") { name } }`, nil, "BAD_USER_INPUT", "id"},
		{"wrong kind of id", "", `query($id: ID!) { business(id: $id) { name } }`, map[string]any{"id": "TmV0d29yazpjaGFtYmVy"}, "BAD_USER_INPUT", "id"},
		{"missing business", "", `query($id: ID!) { business(id: $id) { name } }`, map[string]any{"id": bizID("nobody")}, "NOT_FOUND", ""},
		{"first too large", "", `{ businesses(first: 101) { edges { cursor } } }`, nil, "BAD_USER_INPUT", "first"},
		{"first zero", "", `{ businesses(first: 0) { edges { cursor } } }`, nil, "BAD_USER_INPUT", "first"},
		{"bad cursor", "", `{ businesses(after: "xyz") { edges { cursor } } }`, nil, "BAD_USER_INPUT", "after"},
		{"bad radius", "", `{ businesses(filter: {near: {lat: 1, lng: 1, radiusKm: -1}}) { edges { cursor } } }`, nil, "BAD_USER_INPUT", "filter.near.radiusKm"},
		{"unknown field", "", `{ businesses { nope } }`, nil, "GRAPHQL_VALIDATION_FAILED", ""},
		{"bad enum", "", `{ businesses(filter: {status: [GONE]}) { edges { cursor } } }`, nil, "GRAPHQL_VALIDATION_FAILED", ""},
		// gqlgen casts the domain's string enums: the schema's values alone must keep out others.
		{"bad enum in a variable", "", `query($s: [BusinessStatus!]) { businesses(filter: {status: $s}) { edges { cursor } } }`,
			map[string]any{"s": []string{"GONE"}}, "GRAPHQL_VALIDATION_FAILED", ""},
		{"bad enum in an input variable", dave, `mutation($in: ProposePartnershipInput!) { proposePartnership(input: $in) { partnership { id } } }`,
			map[string]any{"in": map[string]any{"proposerId": daveID, "partnerId": bizID("springfield-towing"), "terms": map[string]any{"type": "HOURLY", "amount": "5", "currency": "USD"}}}, "GRAPHQL_VALIDATION_FAILED", ""},
		{"bad direction in a variable", "", `query($b: ID!, $d: TrustDirection) { trustEdges(businessId: $b, direction: $d) { edges { cursor } } }`,
			map[string]any{"b": daveID, "d": "SIDEWAYS"}, "GRAPHQL_VALIDATION_FAILED", ""},
		{"trust score", dave, `mutation($f: ID!, $t: ID!) { setTrust(input: {fromId: $f, toId: $t, score: 1.5}) { trust { score } } }`,
			map[string]any{"f": daveID, "t": mikeID}, "BAD_USER_INPUT", "input.score"},
		{"trust self", dave, `mutation($f: ID!) { setTrust(input: {fromId: $f, toId: $f, score: 0.5}) { trust { score } } }`,
			map[string]any{"f": daveID}, "BAD_USER_INPUT", "input.to"},
		{"trust for another's business", dave, `mutation($f: ID!, $t: ID!) { setTrust(input: {fromId: $f, toId: $t, score: 0.5}) { trust { score } } }`,
			map[string]any{"f": mikeID, "t": daveID}, "FORBIDDEN", ""},
		{"fee with too many decimals", dave, `mutation($p: ID!, $q: ID!) { proposePartnership(input: {proposerId: $p, partnerId: $q, terms: {type: FLAT, amount: "1.005", currency: "USD"}}) { partnership { id } } }`,
			map[string]any{"p": daveID, "q": bizID("springfield-towing")}, "BAD_USER_INPUT", "input.terms.amount"},
		{"percent above 100", dave, `mutation($p: ID!, $q: ID!) { proposePartnership(input: {proposerId: $p, partnerId: $q, terms: {type: PERCENT, percent: "120", currency: "USD"}}) { partnership { id } } }`,
			map[string]any{"p": daveID, "q": bizID("springfield-towing")}, "BAD_USER_INPUT", "input.terms.percent"},
		{"currency", dave, `mutation($p: ID!, $q: ID!) { proposePartnership(input: {proposerId: $p, partnerId: $q, terms: {type: FLAT, amount: "5", currency: "dollars"}}) { partnership { id } } }`,
			map[string]any{"p": daveID, "q": bizID("springfield-towing")}, "BAD_USER_INPUT", "input.terms.currency"},
		{"second open partnership", dave, `mutation($p: ID!, $q: ID!) { proposePartnership(input: {proposerId: $p, partnerId: $q, terms: {type: FLAT, amount: "5", currency: "USD"}}) { partnership { id } } }`,
			map[string]any{"p": daveID, "q": mikeID}, "CONFLICT", ""},
		{"already a member", dave, `mutation($b: ID!, $n: ID!) { joinNetwork(input: {businessId: $b, networkId: $n}) { membership { role } } }`,
			map[string]any{"b": daveID, "n": "TmV0d29yazpzcHJpbmdmaWVsZC1jaGFtYmVy"}, "CONFLICT", ""},
		{"member curates", dave, `mutation { setComplement(input: {from: "tyres", to: "towing", weight: 0.5}) { complement { weight } } }`, nil, "FORBIDDEN", ""},
		{"admin complement weight", admin, `mutation { setComplement(input: {from: "tyres", to: "towing", weight: 2}) { complement { weight } } }`, nil, "BAD_USER_INPUT", "input.weight"},
		{"partnerships are private", "", `query($b: ID!) { partnerships(businessId: $b) { edges { cursor } } }`, map[string]any{"b": daveID}, "UNAUTHENTICATED", ""},
		{"another's partnerships", dave, `query($b: ID!) { partnerships(businessId: $b) { edges { cursor } } }`, map[string]any{"b": mikeID}, "FORBIDDEN", ""},
	}
	before := snapshot(t, s)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := s.do(t, c.token, c.query, c.vars)
			if r.code() != c.code || r.field() != c.field {
				t.Fatalf("got code %q field %q (%+v), want %q %q", r.code(), r.field(), r.Errors, c.code, c.field)
			}
			if strings.Contains(strings.ToLower(r.Errors[0].Message), "sql") {
				t.Fatalf("message leaks internals: %q", r.Errors[0].Message)
			}
		})
	}
	if after := snapshot(t, s); after != before {
		t.Fatal("a rejected request changed the data")
	}
}

// snapshot is every record of the store, for comparing before and after.
func snapshot(t *testing.T, s *testServer) string {
	t.Helper()
	var b strings.Builder
	s.export(t, &b)
	// Webhooks are not records of the graph (Export leaves them out): their state and logs
	// are part of what a refused request must not change.
	ws, err := s.store.Webhooks(context.Background(), "", partnergraph.Page{First: partnergraph.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws.Items {
		log, err := s.store.WebhookDeliveries(context.Background(), w.ID, partnergraph.Page{First: partnergraph.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		line, _ := json.Marshal([]any{w, log.Items})
		b.Write(append(line, '\n'))
	}
	snapshotLeads(t, s, &b)
	return b.String()
}

// snapshotLeads writes what a refused lead, return, erasure or webhook operation could change
// and Export leaves out: the feeds, inboxes, ledgers and commissions of the businesses that
// the tests' callers act for or refer leads from (Dave's, Mike's, Andy's), and each lead found
// there with its customer data or tombstone, offers, return, commission and reversals.
func snapshotLeads(t *testing.T, s *testServer, b *strings.Builder) {
	t.Helper()
	ctx := context.Background()
	write := func(v ...any) {
		line, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	var leadIDs []string
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			leadIDs = append(leadIDs, id)
		}
	}
	for _, biz := range []string{"daves-collision", "mikes-tyre", "andys-attorney"} {
		inbox, err := s.store.Inbox(ctx, biz, 0, partnergraph.MaxFeedSize)
		if err != nil {
			t.Fatal(err)
		}
		events, err := s.store.LeadEvents(ctx, biz, 0, partnergraph.MaxFeedSize)
		if err != nil {
			t.Fatal(err)
		}
		ledger, err := s.store.Ledger(ctx, biz)
		if err != nil {
			t.Fatal(err)
		}
		commissions, err := s.store.Commissions(ctx, biz, partnergraph.Page{First: partnergraph.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		write(biz, inbox, events, ledger, commissions.Items)
		for _, o := range inbox {
			add(o.LeadID)
		}
		for _, e := range events {
			add(e.LeadID)
		}
	}
	returns, err := s.store.LeadReturnsOf(ctx, leadIDs)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range leadIDs {
		l, err := s.store.Lead(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		offers, err := s.store.OffersOfLead(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.store.CommissionOfLead(ctx, id)
		if err != nil && partnergraph.ErrorCode(err) != partnergraph.ENOTFOUND {
			t.Fatal(err)
		}
		reversals, err := s.store.CommissionReversals(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		write(l, offers, returns[id], c, reversals)
	}
}

func TestGETRunsQueriesOnly(t *testing.T) {
	s := newTestServer(t)
	res, err := http.Get(s.url + `/graphql?query={services{slug}}`)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET query: status %d", res.StatusCode)
	}
	res, err = http.Get(s.url + `/graphql?query=mutation{setComplement(input:{from:"tyres",to:"towing",weight:0.5}){complement{weight}}}`)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Fatalf("GET mutation: status %d, want an error status", res.StatusCode)
	}
}
