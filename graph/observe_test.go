package graph_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/auth"
)

// TestCostExtension: every query and mutation result says what it cost.
func TestCostExtension(t *testing.T) {
	s := newHardServer(t, nil)
	r := s.post(t, "", `{ businesses(first: 3) { edges { node { name } } } }`, nil)
	cost, _ := r.ext["cost"].(map[string]any)
	// Requested 1 + 3 × (edges + node + name); resolved businesses, edges, 3 × (node + name).
	if cost["requested"] != float64(10) || cost["limit"] != float64(5000) || cost["actual"] != float64(8) {
		t.Fatalf("extensions.cost = %v, want requested 10, limit 5000, actual 8", cost)
	}
	// A refused query says what it would have cost.
	r = s.post(t, "", `{ businesses(first: 100) { edges { node { memberships { network { members(first: 100) { edges { node { role } } } } } } } } }`, nil)
	cost, _ = r.ext["cost"].(map[string]any)
	if r.body.code() != "COMPLEXITY_LIMIT_EXCEEDED" || cost["requested"].(float64) <= 5000 || cost["actual"] != nil {
		t.Fatalf("refused: %v %+v", cost, r.body.Errors)
	}
}

// TestRequestLog: one line per request, with the request id that the client sent (or one
// that the server made), echoed in the response.
func TestRequestLog(t *testing.T) {
	s := newHardServer(t, nil)
	r := s.post(t, "", `query Directory { services { slug } }`, nil, "X-Request-Id", "req-0123456789")
	if got := r.header.Get("X-Request-Id"); got != "req-0123456789" {
		t.Fatalf("X-Request-Id %q, want the client's", got)
	}
	r2 := s.post(t, "", `{ nope }`, nil, "X-Request-Id", "forged id; level=ERROR")
	generated := r2.header.Get("X-Request-Id")
	if generated == "" || strings.Contains(generated, "forged") {
		t.Fatalf("X-Request-Id %q, want a new one", generated)
	}

	// The line is written once the handler returns, which may be just after the client has
	// the response.
	byID := map[string]map[string]any{}
	waitFor(t, "both request lines", func() bool {
		for _, l := range s.logs.lines(t, "request") {
			byID[l["request_id"].(string)] = l
		}
		return byID["req-0123456789"] != nil && byID[generated] != nil
	})
	want := map[string]map[string]any{
		"req-0123456789": {"method": "POST", "path": "/graphql", "status": float64(200), "op_type": "query",
			"op_field": "services", "op_name": "Directory", "outcome": "ok", "role": "anonymous"},
		generated: {"status": float64(422), "op_type": "", "outcome": "GRAPHQL_VALIDATION_FAILED"},
	}
	for id, fields := range want {
		line := byID[id]
		if line == nil {
			t.Fatalf("no request line with id %q in\n%s", id, s.logs)
		}
		for k, v := range fields {
			if line[k] != v {
				t.Errorf("request %s: %s = %v, want %v", id, k, line[k], v)
			}
		}
		if _, ok := line["duration_ms"].(float64); !ok {
			t.Errorf("request %s: no duration", id)
		}
	}
}

// TestLogsHoldNoPersonalData submits leads, valid and not, and reads every log line for the
// customer's details, the token and the variables.
func TestLogsHoldNoPersonalData(t *testing.T) {
	s := newHardServer(t, nil)
	dave := s.token(t, "user-dave", auth.Member)
	valid := leadInput("pii-lead-0001")
	if r := s.post(t, dave, submitLead, valid); len(r.body.Errors) > 0 {
		t.Fatalf("submit: %+v", r.body.Errors)
	}
	bad := leadInput("pii-lead-0002")
	bad["in"].(map[string]any)["customer"] = map[string]any{"name": "Quinn Private", "email": "quinn.private@@example.com", "phone": "+1 217 555 0199"}
	if r := s.post(t, dave, submitLead, bad); r.body.code() != "BAD_USER_INPUT" {
		t.Fatalf("bad email: %+v", r.body.Errors)
	}
	// The same over a websocket.
	c, err := s.dialWS(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := initWS(t, c, map[string]any{"Authorization": "Bearer " + dave}); err != nil || m.Type != "connection_ack" {
		t.Fatalf("init: %+v %v", m, err)
	}
	writeWS(t, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": submitLead, "variables": bad}})
	if m, err := readMsg(t, c); err != nil || m.Type != "next" {
		t.Fatalf("submit over websocket: %+v %v", m, err)
	}

	waitFor(t, "the log lines of the three submissions", func() bool {
		return strings.Count(s.logs.String(), `"op_field":"submitLead"`) == 3
	})
	logs := s.logs.String()
	for _, secret := range []string{"pat@example.com", "Pat Driver", "555 0142", "quinn.private", "Quinn", "555 0199",
		"rear-ended", "Pat agreed", dave, "pii-lead-0001"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs)
		}
	}
}

// TestMetrics scrapes /metrics after a query, a suggestion, a lead and a subscription.
func TestMetrics(t *testing.T) {
	s := newHardServer(t, nil)
	dave := s.token(t, "user-dave", auth.Member)
	ok(t, s.do(t, "", `{ services { slug } }`, nil), &struct{}{})
	ok(t, s.do(t, dave, `query($b: ID!) { partnerSuggestions(businessId: $b) { score } }`, map[string]any{"b": bizID("daves-collision")}), &struct{}{})
	ok(t, s.do(t, dave, submitLead, leadInput("metrics-lead-0001")), &struct{}{})
	if r := s.do(t, "", `{ nope }`, nil); r.code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("invalid query: %+v", r.Errors)
	}

	c, err := s.dialWS(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := initWS(t, c, map[string]any{"Authorization": "Bearer " + dave}); err != nil || m.Type != "connection_ack" {
		t.Fatalf("init: %+v %v", m, err)
	}
	subscribeOffers(t, c, "inbox", "daves-collision")
	// The HTTP counter moves once the handler returns, which may be just after the client has
	// the response.
	waitFor(t, "the subscription to start and the requests to be counted", func() bool {
		text := s.metrics(t)
		return metricValue(text, "partnergraph_graphql_subscriptions_open") == 1 &&
			metricValue(text, `partnergraph_http_requests_total{path="/graphql",status="200"}`) >= 3
	})

	text := s.metrics(t)
	for _, want := range []struct {
		sample string
		min    float64
	}{
		{`partnergraph_graphql_operations_total{field="services",outcome="ok",type="query"}`, 1},
		{`partnergraph_graphql_operations_total{field="unknown",outcome="GRAPHQL_VALIDATION_FAILED",type="unknown"}`, 1},
		{`partnergraph_graphql_operation_duration_seconds_count{field="submitLead",type="mutation"}`, 1},
		{`partnergraph_resolver_duration_seconds_count{field="partnerSuggestions"}`, 1},
		{`partnergraph_resolver_duration_seconds_count{field="submitLead"}`, 1},
		{`partnergraph_routing_duration_seconds_count`, 1},
		{`partnergraph_store_duration_seconds_count{method="SubmitLead"}`, 1},
		{`partnergraph_store_duration_seconds_count{method="OwnedBy"}`, 1},
		{`partnergraph_leads_total{status="OFFERED"}`, 1},
		{`partnergraph_graphql_subscriptions_open`, 1},
		{`partnergraph_websocket_connections_open`, 1},
		{`partnergraph_http_requests_total{path="/graphql",status="200"}`, 3},
		{`go_goroutines`, 1},
	} {
		if got := metricValue(text, want.sample); got < want.min {
			t.Errorf("%s = %v, want at least %v", want.sample, got, want.min)
		}
	}
	c.CloseNow()
	waitFor(t, "the subscription gauge to fall", func() bool {
		text := s.metrics(t)
		return metricValue(text, "partnergraph_graphql_subscriptions_open") == 0 &&
			metricValue(text, "partnergraph_websocket_connections_open") == 0
	})
	res, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q", ct)
	}
}

// TestSubscriptionOverPlainHTTP: a subscription over a plain POST is refused at once, rather
// than holding the request until the first event.
func TestSubscriptionOverPlainHTTP(t *testing.T) {
	s := newHardServer(t, nil)
	admin := s.token(t, "root", auth.Admin)
	r := s.post(t, admin, `subscription($b: ID!) { leadOffers(businessId: $b) { cursor } }`, map[string]any{"b": bizID("mikes-tyre")})
	if r.body.code() != "BAD_REQUEST" || !strings.Contains(r.body.Errors[0].Message, "text/event-stream") {
		t.Fatalf("got %d %+v, want BAD_REQUEST", r.status, r.body.Errors)
	}
}
