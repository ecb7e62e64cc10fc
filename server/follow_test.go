package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/httpapi"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/store/neo4jstore"
	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// followBound is how soon the issue wants a write through one server to show on another.
const followBound = time.Second

// node is one server of a cluster: its own Store handle on the cluster's SQLite file (so its
// own Origin), its server and its HTTP API on 127.0.0.1.
type node struct {
	url   string
	store partnergraph.Store
	pg    *server.Server
	logs  *logBuffer
}

// cluster is several servers on one store holding the example network, each with a Store
// handle of its own (so an Origin of its own), as several server processes would have.
type cluster struct {
	open func(tb testing.TB) partnergraph.Store // a new handle on the cluster's store
	v    *auth.Verifier
}

// forEachCluster runs test on a cluster over one SQLite file, and over one Neo4j database when
// NEO4J_URI is set (it fails there under CI=true without one).
func forEachCluster(t *testing.T, test func(t *testing.T, c *cluster)) {
	t.Run("sqlite", func(t *testing.T) { test(t, newCluster(t)) })
	t.Run("neo4j", func(t *testing.T) { test(t, newNeo4jCluster(t)) })
}

// newNeo4jCluster is a cluster over the test Neo4j database, wiped and loaded with the example
// network.
func newNeo4jCluster(tb testing.TB) *cluster {
	tb.Helper()
	neo := neo4jtest.Require(tb)
	neo4jtest.Wipe(tb, neo)
	open := func(tb testing.TB) partnergraph.Store {
		tb.Helper()
		s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: neo.URI, Username: neo.Username, Password: neo.Password, Database: neo.Database})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}
	s := open(tb)
	defer s.Close()
	if _, err := s.Import(context.Background(), seed.Example()); err != nil {
		tb.Fatal(err)
	}
	return &cluster{v: testVerifier(tb), open: open}
}

// newCluster is a cluster over one SQLite file (WAL: several handles, and processes, share it).
func newCluster(tb testing.TB) *cluster {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "pg.db")
	s, err := sqlitestore.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	return &cluster{v: testVerifier(tb), open: func(tb testing.TB) partnergraph.Store {
		tb.Helper()
		s, err := sqlitestore.Open(context.Background(), path)
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}}
}

func testVerifier(tb testing.TB) *auth.Verifier {
	tb.Helper()
	v, err := auth.NewVerifier(context.Background(), auth.Config{HMACSecret: []byte(strings.Repeat("s", 32)), Issuer: auth.DevIssuer, Audience: auth.DevAudience})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// start opens a store handle on the cluster's store and starts a server on it, stopped
// (server, loops, store) when the test ends.
func (c *cluster) start(t testing.TB, edit func(*server.Config)) *node {
	t.Helper()
	ctx := context.Background()
	s := c.open(t)
	logs := &logBuffer{}
	cfg := server.Config{Options: httpapi.Options{Auth: c.v, Log: slog.New(slog.NewTextHandler(logs, nil))}}
	if edit != nil {
		edit(&cfg)
	}
	pg, err := server.New(ctx, s, cfg)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	srv := httptest.NewServer(pg.Handler)
	t.Cleanup(func() { s.Close() })
	t.Cleanup(func() { pg.Close() })
	t.Cleanup(srv.Close)
	return &node{url: srv.URL, store: s, pg: pg, logs: logs}
}

// unfollowed configures a server that does not follow the feed while the test runs: the
// servers of before the change feed, for the test to show what the follower changes.
func unfollowed(cfg *server.Config) {
	cfg.FollowInterval = time.Hour
	cfg.Poll = time.Hour
}

// longPoll keeps subscriptions from re-reading on their own while the test runs, so that only
// the follower can wake them.
func longPoll(cfg *server.Config) { cfg.Poll = time.Hour }

func (c *cluster) token(t testing.TB, sub string, role auth.Role) string {
	t.Helper()
	tok, err := c.v.Mint(auth.Identity{Sub: sub, Roles: []auth.Role{role}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// answer is a GraphQL answer: its data and the first error's code.
type answer struct {
	data json.RawMessage
	code string
	msg  string
}

// do sends a GraphQL request to the node as the token.
func (n *node) do(t testing.TB, token, query string, vars map[string]any) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, n.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	a := answer{data: got.Data}
	if len(got.Errors) > 0 {
		a.code, a.msg = got.Errors[0].Extensions.Code, got.Errors[0].Message
	}
	return a
}

// ok is do that fails the test on an error and decodes the data into out (nil: ignored).
func (n *node) ok(t testing.TB, token, query string, vars map[string]any, out any) {
	t.Helper()
	a := n.do(t, token, query, vars)
	if a.code != "" {
		t.Fatalf("%s: %s %s", query, a.code, a.msg)
	}
	if out != nil {
		if err := json.Unmarshal(a.data, out); err != nil {
			t.Fatal(err)
		}
	}
}

// within calls cond until it holds and returns how long that took, or fails the test after
// limit.
func within(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

const (
	suggestQuery = `query($id: ID!) { partnerSuggestions(businessId: $id, first: 20) { business { id } score components { signal value weight } } }`
	submitQuery  = `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { lead { id status offers { id business { id } } } } }`
)

// lead is a submitLead input from the referrer for the service near Springfield.
func lead(referrer, service, key string) map[string]any {
	return map[string]any{"in": map[string]any{
		"referrerId": apiID(referrer), "service": service,
		"location":       map[string]any{"lat": 39.80, "lng": -89.65},
		"customer":       map[string]any{"name": "Pat Driver", "phone": "+1 217 555 0142"},
		"consent":        map[string]any{"text": "Pat agreed to be referred.", "givenAt": "2026-11-20T10:00:00Z"},
		"idempotencyKey": key,
	}}
}

// TestFollowerNewBusinessOnEveryServer: a business registered and trusted through server A is
// suggested partners by server B, and refers a lead through B along its new trust edge,
// within a second. A server that does not follow the feed (the servers before it) answers
// NOT_FOUND for it, as the issue reports.
func TestFollowerNewBusinessOnEveryServer(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *cluster) {
		a, b := c.start(t, nil), c.start(t, nil)
		stale := c.start(t, unfollowed)
		tina := c.token(t, "user-tina", auth.Member)

		var reg struct {
			RegisterBusiness struct{ Business struct{ ID string } }
		}
		a.ok(t, tina, `mutation($in: RegisterBusinessInput!) { registerBusiness(input: $in) { business { id } } }`,
			map[string]any{"in": map[string]any{"name": "Tina's Tyres", "location": map[string]any{"lat": 39.80, "lng": -89.65},
				"city": "Springfield", "country": "US", "services": []string{"tyres"}}}, &reg)
		tinaID := fromAPIID(t, reg.RegisterBusiness.Business.ID)
		a.ok(t, tina, `mutation($in: SetTrustInput!) { setTrust(input: $in) { trust { score } } }`,
			map[string]any{"in": map[string]any{"fromId": apiID(tinaID), "toId": apiID("daves-collision"), "score": 0.9}}, nil)
		written := time.Now()

		suggested := func(n *node) bool {
			a := n.do(t, tina, suggestQuery, map[string]any{"id": apiID(tinaID)})
			return a.code == "" && strings.Contains(string(a.data), apiID("daves-collision"))
		}
		tinasLead := &partnergraph.Lead{ReferrerID: tinaID, ServiceID: "collision-repair", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65}}
		took := within(t, followBound, "B suggests partners to the business registered through A and routes along its trust edge", func() bool {
			return suggested(b) && routesVia(t, b, tinasLead, tinaID, "daves-collision")
		})
		t.Logf("B suggested partners to Tina and routed along her edge %v after A acknowledged the edge", took)
		// B's metrics say where it is in the feed (the feed holds nothing after it) and how long
		// changes took to reach it.
		pos := b.metric(t, "partnergraph_feed_position")
		if after, err := b.store.Changes(context.Background(), int64(pos), 10); err != nil || len(after) != 0 {
			t.Errorf("B's feed position metric %v, the feed after it: %+v %v", pos, after, err)
		}
		if n := b.metric(t, "partnergraph_feed_delay_seconds_count"); n < 2 {
			t.Errorf("B's feed delay histogram counted %v changes, want the registration and the trust edge", n)
		}
		t.Logf("B's feed delay: %.3f s over %v changes", b.metric(t, "partnergraph_feed_delay_seconds_sum"), b.metric(t, "partnergraph_feed_delay_seconds_count"))
		// Having applied the same changes, both answer the same, global trust (TrustRank) included
		// once each has recomputed it, as a route does at most a minute after a change.
		a.pg.Matching.RefreshTrust()
		b.pg.Matching.RefreshTrust()
		admin := c.token(t, "admin", auth.Admin)
		for _, id := range []string{tinaID, "daves-collision", "mikes-tyre"} {
			if got, want := components(t, b, admin, id), components(t, a, admin, id); !sameScores(got, want) {
				t.Fatalf("suggestions for %s differ:\nB %v\nA %v", id, got, want)
			}
		}
		if got, want := routeScores(t, b, tinasLead), routeScores(t, a, tinasLead); !sameScores(got, want) || len(got) == 0 {
			t.Fatalf("routes of Tina's lead differ:\nB %v\nA %v", got, want)
		}

		// B routes Tina's lead along the edge set through A.
		var sub struct {
			SubmitLead struct {
				Lead struct {
					Status string
					Offers []struct{ Business struct{ ID string } }
				}
			}
		}
		b.ok(t, tina, submitQuery, lead(tinaID, "collision-repair", "tina-0001"), &sub)
		if l := sub.SubmitLead.Lead; l.Status != "OFFERED" || len(l.Offers) == 0 || fromAPIID(t, l.Offers[0].Business.ID) != "daves-collision" {
			t.Fatalf("Tina's lead through B: %+v, want it offered to Dave's Collision", l)
		}

		// The server that does not follow still knows nothing of Tina.
		if got := stale.do(t, tina, suggestQuery, map[string]any{"id": apiID(tinaID)}); got.code != "NOT_FOUND" {
			t.Fatalf("an unfollowing server answered %s %s %v after the write, want NOT_FOUND", got.code, got.msg, time.Since(written))
		}
		if got := stale.do(t, tina, submitQuery, lead(tinaID, "collision-repair", "tina-0002")); got.code != "NOT_FOUND" {
			t.Fatalf("an unfollowing server routed Tina's lead: %s %s", got.code, got.data)
		}
	})
}

// routesVia reports whether any route candidate of the lead on the server travels the step
// from → to.
func routesVia(t *testing.T, n *node, l *partnergraph.Lead, from, to string) bool {
	t.Helper()
	cands, _, err := n.pg.Matching.Route(l, nil, 10, nil)
	if partnergraph.ErrorCode(err) == partnergraph.ENOTFOUND {
		return false // the server does not know the referrer yet
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		for i := 1; i < len(c.Path); i++ {
			if c.Path[i-1] == from && c.Path[i] == to {
				return true
			}
		}
	}
	return false
}

// TestFollowerRemovedTrustLeavesEveryServer: a trust edge removed through A is no longer used
// by B's routing within a second; a server that does not follow keeps routing along it.
func TestFollowerRemovedTrustLeavesEveryServer(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *cluster) {
		a, b := c.start(t, nil), c.start(t, nil)
		tina := c.token(t, "user-tina", auth.Member)
		// A new business whose one trust edge is all that links it (the example's businesses are
		// also partners, which routing follows as well).
		var reg struct {
			RegisterBusiness struct{ Business struct{ ID string } }
		}
		a.ok(t, tina, `mutation($in: RegisterBusinessInput!) { registerBusiness(input: $in) { business { id } } }`,
			map[string]any{"in": map[string]any{"name": "Tina's Tyres", "location": map[string]any{"lat": 39.80, "lng": -89.65}, "services": []string{"tyres"}}}, &reg)
		tinaID := fromAPIID(t, reg.RegisterBusiness.Business.ID)
		a.ok(t, tina, `mutation($in: SetTrustInput!) { setTrust(input: $in) { trust { score } } }`,
			map[string]any{"in": map[string]any{"fromId": apiID(tinaID), "toId": apiID("daves-collision"), "score": 0.9}}, nil)
		l := &partnergraph.Lead{ReferrerID: tinaID, ServiceID: "collision-repair", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65}}
		within(t, followBound, "B routes along the edge set through A", func() bool { return routesVia(t, b, l, tinaID, "daves-collision") })
		stale := c.start(t, unfollowed) // it read the edge when it started
		if !routesVia(t, stale, l, tinaID, "daves-collision") {
			t.Fatal("a server started after the edge was set does not route along it")
		}

		a.ok(t, tina, `mutation($in: RemoveTrustInput!) { removeTrust(input: $in) { from { id } } }`,
			map[string]any{"in": map[string]any{"fromId": apiID(tinaID), "toId": apiID("daves-collision")}}, nil)
		if routesVia(t, a, l, tinaID, "daves-collision") {
			t.Fatal("A routes along the edge it removed")
		}
		took := within(t, followBound, "B stops routing along the edge removed through A", func() bool {
			return !routesVia(t, b, l, tinaID, "daves-collision")
		})
		t.Logf("B stopped using the edge %v after A acknowledged its removal", took)
		if got := b.do(t, tina, submitQuery, lead(tinaID, "collision-repair", "tina-0001")); !strings.Contains(string(got.data), "UNROUTABLE") {
			t.Fatalf("Tina's lead through B without her trust edge: %s %s, want UNROUTABLE", got.code, got.data)
		}
		if !routesVia(t, stale, l, tinaID, "daves-collision") {
			t.Fatal("the unfollowing server stopped using the edge too: the test shows nothing")
		}
	})
}

// sse is a subscription over SSE whose results arrive on a channel.
func (n *node) sse(t *testing.T, token, query string, vars map[string]any) <-chan string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, n.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("SSE answered %d", res.StatusCode)
	}
	out := make(chan string, 100)
	go func() {
		defer close(out)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data:"); ok && strings.TrimSpace(data) != "" {
				out <- strings.TrimSpace(data)
			}
		}
	}()
	return out
}

// TestFollowerWakesSubscribersOfOtherServers: an offer submitted through A reaches its
// recipient's subscription on B within a second, though B's subscriptions re-read on their own
// only every hour: only the follower can have woken it. The same subscription on a server that
// does not follow gets nothing.
func TestFollowerWakesSubscribersOfOtherServers(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *cluster) {
		a, b := c.start(t, nil), c.start(t, longPoll)
		stale := c.start(t, unfollowed)
		andy := c.token(t, "user-andy", auth.Member)
		q := `subscription($b: ID!) { leadOffers(businessId: $b) { id lead { id } } }`
		onB := b.sse(t, andy, q, map[string]any{"b": apiID("andys-attorney")})
		onStale := stale.sse(t, andy, q, map[string]any{"b": apiID("andys-attorney")})
		time.Sleep(100 * time.Millisecond) // both subscriptions have read their (empty) inbox

		var sub struct {
			SubmitLead struct {
				Lead struct {
					ID     string
					Offers []struct {
						ID       string
						Business struct{ ID string }
					}
				}
			}
		}
		a.ok(t, c.token(t, "user-dave", auth.Member), submitQuery, lead("daves-collision", "personal-injury-attorney", "dave-0001"), &sub)
		acked := time.Now()
		offers := sub.SubmitLead.Lead.Offers
		if len(offers) != 1 || fromAPIID(t, offers[0].Business.ID) != "andys-attorney" {
			t.Fatalf("the lead was offered to %+v, want Andy", offers)
		}
		select {
		case got := <-onB:
			took := time.Since(acked)
			if !strings.Contains(got, offers[0].ID) {
				t.Fatalf("B's subscriber got %s, want offer %s", got, offers[0].ID)
			}
			t.Logf("the offer written through A reached the subscriber on B %v after A acknowledged it", took)
			if took > followBound {
				t.Fatalf("the offer took %v to reach B's subscriber, want at most %v", took, followBound)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the offer written through A never reached the subscriber on B")
		}
		select {
		case got := <-onStale:
			t.Fatalf("the unfollowing server's subscriber got %s: something else than the follower wakes subscribers", got)
		case <-time.After(followBound):
		}
	})
}

// components is a server's partner suggestions for a business: each suggested business's score
// and components, by business id, rounded to what two servers that learned the same outcomes
// at clocks a few microseconds apart must agree on.
func components(t *testing.T, n *node, token, businessID string) map[string][]float64 {
	t.Helper()
	var got struct {
		PartnerSuggestions []struct {
			Business   struct{ ID string }
			Score      float64
			Components []struct {
				Signal string
				Value  float64
			}
		}
	}
	n.ok(t, token, suggestQuery, map[string]any{"id": apiID(businessID)}, &got)
	r := func(x float64) float64 { return math.Round(x*1e6) / 1e6 }
	out := map[string][]float64{}
	for _, s := range got.PartnerSuggestions {
		v := []float64{r(s.Score)}
		for _, c := range s.Components {
			v = append(v, r(c.Value))
		}
		out[s.Business.ID] = v
	}
	return out
}

// routeScores is a server's route of a lead: each candidate's score and path trust.
func routeScores(t *testing.T, n *node, l *partnergraph.Lead) map[string][2]float64 {
	t.Helper()
	cands, _, err := n.pg.Matching.Route(l, nil, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]float64{}
	for _, c := range cands {
		out[c.BusinessID] = [2]float64{math.Round(c.Score*1e6) / 1e6, math.Round(c.PathTrust*1e6) / 1e6}
	}
	return out
}

func sameScores[K comparable, V any](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !equalJSON(v, w) {
			return false
		}
	}
	return true
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestFollowerLearnsOtherServersOutcomes: outcomes written through A (an accepted and a
// declined offer) change B's routing scores and suggestion components exactly as they change
// A's, which learned them when it wrote them (matching's TestApplyChangeLearnsOtherServers-
// OutcomesOnce checks that a change applied again is not learned twice). A server that does
// not follow keeps the scores of before.
func TestFollowerLearnsOtherServersOutcomes(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *cluster) {
		a, b := c.start(t, nil), c.start(t, nil)
		stale := c.start(t, unfollowed)
		dave, andy := c.token(t, "user-dave", auth.Member), c.token(t, "user-andy", auth.Member)
		attorney := &partnergraph.Lead{ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65}}

		before := routeScores(t, a, attorney)
		if !sameScores(before, routeScores(t, b, attorney)) {
			t.Fatal("A and B route differently before any outcome")
		}

		offerTo := func(key string) string {
			var sub struct {
				SubmitLead struct {
					Lead struct{ Offers []struct{ ID string } }
				}
			}
			a.ok(t, dave, submitQuery, lead("daves-collision", "personal-injury-attorney", key), &sub)
			if len(sub.SubmitLead.Lead.Offers) == 0 {
				t.Fatal("the lead was not offered")
			}
			return sub.SubmitLead.Lead.Offers[0].ID
		}
		var accepted struct {
			AcceptLead struct {
				Offer struct{ Lead struct{ ID string } }
			}
		}
		a.ok(t, andy, `mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { lead { id } } } }`, map[string]any{"id": offerTo("dave-0001")}, &accepted)
		a.ok(t, andy, `mutation($id: ID!) { declineLead(input: {offerId: $id, reason: "busy"}) { offer { status } } }`, map[string]any{"id": offerTo("dave-0002")}, nil)
		after := routeScores(t, a, attorney)
		if sameScores(before, after) {
			t.Fatal("the outcomes did not change A's route scores: the test shows nothing")
		}
		took := within(t, followBound, "B's route scores match A's after A's outcomes", func() bool {
			return sameScores(after, routeScores(t, b, attorney))
		})
		t.Logf("B learned A's outcomes %v after A acknowledged the decline", took)
		if got, want := components(t, b, dave, "daves-collision"), components(t, a, dave, "daves-collision"); !sameScores(got, want) {
			t.Fatalf("suggestions for Dave differ:\nB %v\nA %v", got, want)
		}
		// A close is an outcome too (its change names the accepted offer).
		a.ok(t, andy, `mutation($id: ID!) { closeLead(input: {leadId: $id, outcome: WON, value: "1200.00", currency: "USD"}) { lead { status } } }`,
			map[string]any{"id": accepted.AcceptLead.Offer.Lead.ID}, nil)
		closed := routeScores(t, a, attorney)
		if sameScores(closed, after) {
			t.Fatal("the close did not change A's route scores: the test shows nothing")
		}
		within(t, followBound, "B's route scores match A's after A's close", func() bool {
			return sameScores(closed, routeScores(t, b, attorney))
		})
		after = closed
		if got := routeScores(t, stale, attorney); !sameScores(got, before) {
			t.Fatalf("the unfollowing server's route changed: %v, was %v", got, before)
		}
		// Rebuilt from the store (the feed trimmed past them), A, B and the unfollowing server
		// replay the outcomes, each once: all three route as A did.
		ctx := context.Background()
		if _, err := a.store.TrimChanges(ctx, time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		for name, n := range map[string]*node{"A": a, "B": b, "the unfollowing server": stale} {
			if err := n.pg.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if got := routeScores(t, n, attorney); !sameScores(got, after) {
				t.Fatalf("%s's route after a rebuild %v, want %v", name, got, after)
			}
		}
	})
}

// TestFollowerLearnsOtherServersReturns: a return accepted through A (a bad outcome for the
// edges that carried the lead) changes B's routing scores as it changes A's, through the
// RETURN change; a server that does not follow keeps the scores of before until it rebuilds,
// and then, like A and B, replays the return once.
func TestFollowerLearnsOtherServersReturns(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *cluster) {
		a, b := c.start(t, nil), c.start(t, nil)
		stale := c.start(t, unfollowed)
		dave, andy, admin := c.token(t, "user-dave", auth.Member), c.token(t, "user-andy", auth.Member), c.token(t, "admin-1", auth.Admin)
		attorney := &partnergraph.Lead{ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65}}

		var sub struct {
			SubmitLead struct {
				Lead struct {
					ID     string
					Offers []struct{ ID string }
				}
			}
		}
		a.ok(t, dave, submitQuery, lead("daves-collision", "personal-injury-attorney", "dave-return-0001"), &sub)
		l := sub.SubmitLead.Lead
		if len(l.Offers) == 0 {
			t.Fatal("the lead was not offered")
		}
		a.ok(t, andy, `mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { status } } }`, map[string]any{"id": l.Offers[0].ID}, nil)
		a.ok(t, andy, `mutation($id: ID!) { closeLead(input: {leadId: $id, outcome: WON, value: "1200.00", currency: "USD"}) { lead { status } } }`,
			map[string]any{"id": l.ID}, nil)
		won := routeScores(t, a, attorney)
		within(t, followBound, "B's route scores match A's after the close", func() bool {
			return sameScores(won, routeScores(t, b, attorney))
		})
		before := routeScores(t, stale, attorney)

		a.ok(t, andy, `mutation($id: ID!) { returnLead(input: {leadId: $id, reason: NOT_AS_DESCRIBED}) { return { state } } }`, map[string]any{"id": l.ID}, nil)
		a.ok(t, admin, `mutation($id: ID!) { decideReturn(input: {leadId: $id, decision: ACCEPT}) { return { state } } }`, map[string]any{"id": l.ID}, nil)
		returned := routeScores(t, a, attorney)
		if sameScores(returned, won) {
			t.Fatal("the accepted return did not change A's route scores: the test shows nothing")
		}
		took := within(t, followBound, "B's route scores match A's after the return", func() bool {
			return sameScores(returned, routeScores(t, b, attorney))
		})
		t.Logf("B learned A's return %v after A acknowledged the decision", took)
		if got := routeScores(t, stale, attorney); !sameScores(got, before) {
			t.Fatalf("the unfollowing server's route changed: %v, was %v", got, before)
		}
		ctx := context.Background()
		if _, err := a.store.TrimChanges(ctx, time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		for name, n := range map[string]*node{"A": a, "B": b, "the unfollowing server": stale} {
			if err := n.pg.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if got := routeScores(t, n, attorney); !sameScores(got, returned) {
				t.Fatalf("%s's route after a rebuild %v, want %v", name, got, returned)
			}
		}
	})
}

// TestFollowerRebuildsWhenTrimmedPast: a server whose position the feed was trimmed past (it
// lagged: here its loop waits an hour) rebuilds its projection from the store when it reads the
// feed next, and then holds what a projection built from the store now holds; an import
// through another server rebuilds it too.
func TestFollowerRebuildsWhenTrimmedPast(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *cluster) {
		ctx := context.Background()
		a := c.start(t, nil)
		b := c.start(t, unfollowed)
		tina := c.token(t, "user-tina", auth.Member)
		var reg struct {
			RegisterBusiness struct{ Business struct{ ID string } }
		}
		a.ok(t, tina, `mutation($in: RegisterBusinessInput!) { registerBusiness(input: $in) { business { id } } }`,
			map[string]any{"in": map[string]any{"name": "Tina's Tyres", "location": map[string]any{"lat": 39.80, "lng": -89.65}, "services": []string{"tyres"}}}, &reg)
		tinaID := fromAPIID(t, reg.RegisterBusiness.Business.ID)
		a.ok(t, c.token(t, "user-dave", auth.Member), `mutation($in: RemoveTrustInput!) { removeTrust(input: $in) { from { id } } }`,
			map[string]any{"in": map[string]any{"fromId": apiID("daves-collision"), "toId": apiID("andys-attorney")}}, nil)
		n, err := a.store.TrimChanges(ctx, time.Now().Add(time.Second))
		if err != nil || n == 0 {
			t.Fatalf("TrimChanges = %d, %v", n, err)
		}
		if _, err := b.store.Changes(ctx, 0, 10); !errors.Is(err, partnergraph.ErrChangesTrimmed) {
			t.Fatalf("B's feed after the trim: %v, want ErrChangesTrimmed", err)
		}
		if _, err := b.pg.Matching.Suggest(tinaID, 5); partnergraph.ErrorCode(err) != partnergraph.ENOTFOUND {
			t.Fatalf("B knows Tina before it read the feed: %v", err)
		}
		if err := b.pg.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.logs.String(), "rebuilding the matching projection") || !strings.Contains(b.logs.String(), "reason=trimmed") {
			t.Fatalf("B did not log a rebuild:\n%s", b.logs)
		}
		wantEqualToStore(t, b)
		if n := b.metric(t, `partnergraph_feed_rebuilds_total{reason="trimmed"}`); n != 1 {
			t.Errorf("B's rebuild metric %v, want 1", n)
		}

		// An import through A (here its store handle, as the import command writes) rebuilds B.
		if _, err := a.store.Import(ctx, seqOf(partnergraph.Record{Business: &partnergraph.BusinessRecord{
			Business: partnergraph.Business{ID: "imported-glass", Name: "Imported Glass", Location: partnergraph.Point{Lat: 39.8, Lng: -89.6}, Status: partnergraph.BusinessActive},
			Services: []string{"tyres"},
		}})); err != nil {
			t.Fatal(err)
		}
		if err := b.pg.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.logs.String(), "reason=import") {
			t.Fatalf("B did not rebuild for the import:\n%s", b.logs)
		}
		wantEqualToStore(t, b)
		if _, err := b.pg.Matching.Suggest("imported-glass", 5); err != nil {
			t.Fatalf("B after the import: %v", err)
		}
	})
}

// metric reads one sample of the server's Prometheus metrics (name with its labels, as the
// text format writes it), failing the test if it is not there.
func (n *node) metric(t *testing.T, name string) float64 {
	t.Helper()
	res, err := http.Get(n.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func seqOf(records ...partnergraph.Record) func(func(partnergraph.Record, error) bool) {
	return func(yield func(partnergraph.Record, error) bool) {
		for _, r := range records {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// wantEqualToStore checks that the server's projection holds what one built from its store
// now holds: the same counts, the same suggestions for every business.
func wantEqualToStore(t *testing.T, n *node) {
	t.Helper()
	ctx := context.Background()
	fresh, err := matching.Build(ctx, n.store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n.pg.Matching.Stats(), fresh.Stats(); got.Businesses != want.Businesses || got.Trust != want.Trust ||
		got.Links != want.Links || got.Memberships != want.Memberships || got.Partnerships != want.Partnerships {
		t.Fatalf("projection %+v, built from the store %+v", got, want)
	}
	var ids []string
	if err := n.store.Export(ctx, func(r partnergraph.Record) error {
		if r.Business != nil {
			ids = append(ids, r.Business.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	for _, id := range ids {
		got, err := n.pg.Matching.Suggest(id, 10)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fresh.Suggest(id, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("suggestions for %s: %d, from the store %d", id, len(got), len(want))
		}
		for i := range got {
			if got[i].BusinessID != want[i].BusinessID {
				t.Fatalf("suggestion %d for %s: %s, from the store %s", i, id, got[i].BusinessID, want[i].BusinessID)
			}
		}
	}
}

// TestTrimLoop: a server trims the change records older than its retention on its own.
func TestTrimLoop(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *cluster) {
		ctx := context.Background()
		a := c.start(t, func(cfg *server.Config) {
			cfg.ChangeRetention, cfg.TrimInterval = time.Millisecond, 20*time.Millisecond
		})
		if _, err := a.store.SetTrust(ctx, partnergraph.Trust{From: "daves-collision", To: "andys-attorney", Score: 0.5}); err != nil {
			t.Fatal(err)
		}
		within(t, 10*time.Second, "the trim loop trims the change", func() bool {
			_, err := a.store.Changes(ctx, 0, 10)
			return errors.Is(err, partnergraph.ErrChangesTrimmed)
		})
	})
}
