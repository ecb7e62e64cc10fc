package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/server"
)

// postGuarded posts a query anonymously and gives up after a minute, so that a server that
// validates an attack document for minutes fails the test rather than hanging it.
func postGuarded(t *testing.T, url, query string) rawResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("no answer after %s: %v", time.Since(start), err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out response
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, body %.300s: %v", res.StatusCode, raw, err)
	}
	t.Logf("answered %d %s in %s", res.StatusCode, out.code(), time.Since(start))
	return rawResponse{status: res.StatusCode, header: res.Header, body: out}
}

// firstError describes the first of r's errors, and how many there are.
func firstError(r response) string {
	if len(r.Errors) == 0 {
		return "no error"
	}
	msg := r.Errors[0].Message
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return fmt.Sprintf("%s %q (%d errors)", r.code(), msg, len(r.Errors))
}

// wsResult sends one subscribe message on c and returns the errors of its answer.
func wsResult(t *testing.T, c *websocket.Conn, id, query string) response {
	t.Helper()
	start := time.Now()
	writeWS(t, c, map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query}})
	m := readFor(t, c, id)
	var out response
	switch m.Type {
	case "next":
		if err := json.Unmarshal(m.Payload, &out); err != nil {
			t.Fatal(err)
		}
		if m := readFor(t, c, id); m.Type != "complete" {
			t.Fatalf("after the result: %+v, want complete", m)
		}
	case "error":
		if err := json.Unmarshal(m.Payload, &out.Errors); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("answer %+v", m)
	}
	t.Logf("answered %s in %s", out.code(), time.Since(start))
	return out
}

// TestAttackDocumentsRefused sends each attack shape anonymously over HTTP and over a
// websocket, to the real handler with its default limits. Each must be refused by the
// document limits (COMPLEXITY_LIMIT_EXCEEDED, no data), which run before gqlgen parses and
// validates: had validation run, these documents would answer GRAPHQL_VALIDATION_FAILED
// (most of them select fields that do not exist) after seconds to minutes of CPU.
func TestAttackDocumentsRefused(t *testing.T) {
	s := newHardServer(t, nil)
	c := s.dialInit(t, "")
	c.SetReadLimit(4 << 20)
	for _, a := range graph.AttackDocuments() {
		t.Run(a.Name, func(t *testing.T) {
			refused := func(r response) bool {
				return r.code() == "COMPLEXITY_LIMIT_EXCEEDED" && nullData(r.Data) && strings.Contains(r.Errors[0].Message, a.Limit)
			}
			if len(a.Query) < 64<<10 {
				if r := postGuarded(t, s.url, a.Query); !refused(r.body) {
					t.Errorf("HTTP: %d %s, want COMPLEXITY_LIMIT_EXCEEDED %q", r.status, firstError(r.body), a.Limit)
				}
			}
			if r := wsResult(t, c, a.Name, a.Query); !refused(r) {
				t.Errorf("websocket: %s, want COMPLEXITY_LIMIT_EXCEEDED %q", firstError(r), a.Limit)
			}
		})
	}
}

// TestReadingDocumentsIsCharged: reading a new document costs its caller rate-limit budget by
// its size, before it is parsed, refused or not, over HTTP and over websockets; an anonymous
// caller that sends attack documents is soon RATE_LIMITED, for documents and operations
// alike. A document already read (in the query cache) costs only its operation.
func TestReadingDocumentsIsCharged(t *testing.T) {
	attack := graph.AttackDocuments()[0].Query // 19,002 tokens: 1,901 of cost
	edit := func(o *server.Config) {
		o.RateLimitCostPerSecond = 0.001 // no refill during the test
		o.RateLimitBurst = 2*1901 + 1    // two attack documents, and 1 left
	}

	t.Run("HTTP", func(t *testing.T) {
		s := newHardServer(t, edit)
		var codes []string
		for range 3 {
			codes = append(codes, postGuarded(t, s.url, attack).body.code())
		}
		if codes[0] != "COMPLEXITY_LIMIT_EXCEEDED" || codes[1] != "COMPLEXITY_LIMIT_EXCEEDED" || codes[2] != "RATE_LIMITED" {
			t.Fatalf("codes %v, want two refusals and then RATE_LIMITED", codes)
		}
		r := s.post(t, "", `{ services { slug } }`, nil)
		if r.body.code() != "RATE_LIMITED" || r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
			t.Fatalf("a small query of the same caller: %d %s %+v, want 429 RATE_LIMITED with Retry-After", r.status, r.body.code(), r.body.Errors)
		}
	})

	t.Run("websocket", func(t *testing.T) {
		s := newHardServer(t, edit)
		c := s.dialInit(t, "")
		var codes []string
		for _, id := range []string{"1", "2", "3"} {
			codes = append(codes, wsResult(t, c, id, attack).code())
		}
		if codes[0] != "COMPLEXITY_LIMIT_EXCEEDED" || codes[1] != "COMPLEXITY_LIMIT_EXCEEDED" || codes[2] != "RATE_LIMITED" {
			t.Fatalf("codes %v, want two refusals and then RATE_LIMITED", codes)
		}
		// The same address over HTTP shares the budget.
		if r := s.post(t, "", `{ services { slug } }`, nil); r.body.code() != "RATE_LIMITED" {
			t.Fatalf("HTTP after the websocket spent the budget: %s, want RATE_LIMITED", r.body.code())
		}
	})

	t.Run("cached documents cost only their operation", func(t *testing.T) {
		s := newHardServer(t, func(o *server.Config) {
			o.RateLimitCostPerSecond = 0.001
			o.RateLimitBurst = 100
		})
		query := `{ services { slug } }` // 6 tokens: 1 to read; complexity 2
		for i := range 40 {
			if r := s.post(t, "", query, nil); len(r.body.Errors) > 0 {
				t.Fatalf("request %d: %+v; 40 requests of cost 2 fit a burst of 100", i+1, r.body.Errors)
			}
		}
	})
}

// TestClientQueriesAdmitted: the introspection query of graphql-js (which GraphiQL, Apollo's
// and GraphQL Code Generator's tools send) passes the limits and answers the schema.
func TestClientQueriesAdmitted(t *testing.T) {
	s := newHardServer(t, nil)
	q, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	r := s.do(t, "", string(q), nil)
	var got struct {
		Schema struct {
			QueryType struct{ Name string } `json:"queryType"`
			Types     []struct{ Name string }
		} `json:"__schema"`
	}
	ok(t, r, &got)
	if got.Schema.QueryType.Name != "Query" || len(got.Schema.Types) < 20 {
		t.Fatalf("introspection answered query type %q and %d types", got.Schema.QueryType.Name, len(got.Schema.Types))
	}
}
