package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/httpapi"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/webhooks"
)

// hardServer is the test server with options of the test's choosing, wired by server.New as
// the serve command is, with a log captured in memory. newTestServer is the same with the
// default options.
type hardServer struct {
	*testServer
	srv      *httptest.Server
	logs     *syncBuffer
	shutdown *httpapi.Shutdown
	pg       *server.Server
}

// newHardServer starts a server on a copy of the seeded SQLite store. wrap, if given, wraps
// the store beneath the server (it sees what the server reads and writes, the projection's
// start included).
func newHardServer(t *testing.T, edit func(*server.Config), wrap ...func(partnergraph.Store) partnergraph.Store) *hardServer {
	t.Helper()
	return newHardServerOn(t, openSQLite, edit, wrap...)
}

// newHardServerOn is newHardServer over the store that open gives.
// testHolder is the name under which the test servers' deliverers lease webhook endpoints.
const testHolder = "graph-test-server"

func newHardServerOn(t *testing.T, open storeOpener, edit func(*server.Config), wrap ...func(partnergraph.Store) partnergraph.Store) *hardServer {
	t.Helper()
	ctx := context.Background()
	s := open(t)
	v, err := auth.NewVerifier(ctx, auth.Config{HMACSecret: []byte(strings.Repeat("k", 32)), Issuer: auth.DevIssuer, Audience: auth.DevAudience})
	if err != nil {
		t.Fatal(err)
	}
	var store partnergraph.Store = s
	for _, w := range wrap {
		store = w(store)
	}
	logs := &syncBuffer{}
	cfg := server.Config{Options: httpapi.Options{Poll: 100 * time.Millisecond,
		Auth: v, Dev: true, AllowedOrigins: []string{"https://app.example"},
		Log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
		// The deliverer looks for due endpoints when woken (new events, enabling, redelivering)
		// and at start, not every second; it claims endpoints as testHolder, as tests that
		// record attempts themselves do.
		Webhooks: webhooks.Config{Poll: time.Hour, Holder: testHolder}}
	if edit != nil {
		edit(&cfg)
	}
	pg, err := server.New(ctx, store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(pg.Handler)
	srv.Config.RegisterOnShutdown(pg.Shutdown.Begin)
	srv.Start()
	// Cleanups run last first: the HTTP server, then the loops, then the store.
	t.Cleanup(func() { pg.Close() })
	t.Cleanup(srv.Close)
	return &hardServer{testServer: &testServer{url: srv.URL, store: s, verifier: v, leads: pg.Leads}, srv: srv, logs: logs, shutdown: pg.Shutdown, pg: pg}
}

// syncBuffer is a log destination that tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// Reset empties the buffer.
func (b *syncBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.Reset()
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// lines returns the JSON log records whose msg is msg.
func (b *syncBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %q", sc.Text())
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// rawResponse is an HTTP answer with its headers.
type rawResponse struct {
	status int
	header http.Header
	body   response
	ext    map[string]any
}

// post sends a GraphQL request with extra headers and returns the whole answer.
func (s *hardServer) post(t *testing.T, token, query string, vars map[string]any, headers ...string) rawResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out struct {
		response
		Extensions map[string]any `json:"extensions"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, body %s: %v", res.StatusCode, raw, err)
	}
	return rawResponse{status: res.StatusCode, header: res.Header, body: out.response, ext: out.Extensions}
}

// metrics scrapes /metrics.
func (s *hardServer) metrics(t *testing.T) string {
	t.Helper()
	res, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %s", res.StatusCode, b)
	}
	return string(b)
}

// metricValue returns the value of the sample whose line starts with prefix (a name and its
// labels in Prometheus order), or -1.
func metricValue(text, prefix string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, prefix+" "); ok {
			var v float64
			if _, err := fmt.Sscan(rest, &v); err == nil {
				return v
			}
		}
	}
	return -1
}

// waitFor polls cond for up to 60 s. The bound only stops a hung test: under -race on a
// loaded 2-core CI machine, producing the megabytes that TestSlowConsumer needs to fill the
// socket buffers took longer than 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
