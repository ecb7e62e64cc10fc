package graph_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/server"
)

// TestRateLimit spends one caller's budget of query cost until it is refused, and checks the
// refusal (RATE_LIMITED, 429, Retry-After, retryAfterSeconds) and that other callers, signed
// in or anonymous, still get through.
func TestRateLimit(t *testing.T) {
	s := newHardServer(t, func(o *server.Config) {
		o.RateLimitCostPerSecond = 0.5 // slow enough that the bucket does not refill during the test
		o.RateLimitBurst = 100
	})
	query := `{ businesses(first: 10) { edges { node { name } } } }`
	dave := s.token(t, "user-dave", auth.Member)

	first := s.post(t, dave, query, nil)
	if first.status != http.StatusOK || len(first.body.Errors) > 0 {
		t.Fatalf("first request: %d %+v", first.status, first.body.Errors)
	}
	cost := int(first.ext["cost"].(map[string]any)["requested"].(float64))
	if cost < 10 || cost > 100 {
		t.Fatalf("cost %d: the test wants one between 10 and the burst", cost)
	}
	var limited rawResponse
	for i := 1; ; i++ {
		r := s.post(t, dave, query, nil)
		if r.body.code() == "RATE_LIMITED" {
			limited = r
			if spent := i * cost; spent > 100 || spent+cost <= 100 {
				t.Fatalf("refused after %d requests of cost %d, with a burst of 100", i+1, cost)
			}
			break
		}
		if len(r.body.Errors) > 0 || i > 100/cost {
			t.Fatalf("request %d: %+v, want it allowed until the burst of 100 is spent", i+1, r.body.Errors)
		}
	}
	if limited.status != http.StatusTooManyRequests {
		t.Errorf("status %d, want 429", limited.status)
	}
	header, err := strconv.Atoi(limited.header.Get("Retry-After"))
	if err != nil || header < 1 {
		t.Errorf("Retry-After %q", limited.header.Get("Retry-After"))
	}
	if ext, _ := limited.body.Errors[0].Extensions["retryAfterSeconds"].(float64); int(ext) != header {
		t.Errorf("retryAfterSeconds %v, Retry-After %d", limited.body.Errors[0].Extensions["retryAfterSeconds"], header)
	}
	if len(limited.body.Data) > 0 && string(limited.body.Data) != "null" {
		t.Errorf("a refused operation ran: %s", limited.body.Data)
	}

	for _, other := range []struct{ name, token string }{
		{"another member", s.token(t, "user-andy", auth.Member)},
		{"anonymous", ""},
	} {
		if r := s.post(t, other.token, query, nil); r.status != http.StatusOK || len(r.body.Errors) > 0 {
			t.Errorf("%s: %d %+v, want it unaffected", other.name, r.status, r.body.Errors)
		}
	}
	if got := metricValue(s.metrics(t), `partnergraph_graphql_operations_total{field="businesses",outcome="RATE_LIMITED",type="query"}`); got != 1 {
		t.Errorf("RATE_LIMITED operations counted %v, want 1", got)
	}
}

// TestRateLimitByAddress: anonymous callers share the budget of their address, which a
// trusted proxy passes in a header.
func TestRateLimitByAddress(t *testing.T) {
	s := newHardServer(t, func(o *server.Config) {
		o.RateLimitCostPerSecond = 0.5
		o.RateLimitBurst = 2 // the first request reads the document (1) and runs it (1)
		o.ClientIPHeader = "X-Forwarded-For"
	})
	q := `{ __typename }`
	if r := s.post(t, "", q, nil, "X-Forwarded-For", "198.51.100.7"); len(r.body.Errors) > 0 {
		t.Fatalf("first: %+v", r.body.Errors)
	}
	if r := s.post(t, "", q, nil, "X-Forwarded-For", "203.0.113.9, 198.51.100.7"); r.body.code() != "RATE_LIMITED" {
		t.Fatalf("same address again: %+v, want RATE_LIMITED", r.body.Errors)
	}
	if r := s.post(t, "", q, nil, "X-Forwarded-For", "198.51.100.8"); len(r.body.Errors) > 0 {
		t.Fatalf("another address: %+v", r.body.Errors)
	}
}
