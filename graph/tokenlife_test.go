package graph_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partnergraph/partnergraph/auth"
)

// sseEvent is one event of a text/event-stream response, with when it arrived.
type sseEvent struct {
	name string // "next" or "complete"
	data string
	at   time.Time
}

// openSSE starts a subscription over SSE (graphql-sse's distinct connections mode) and returns
// its events; the channel closes when the stream ends. The stream is dropped at the end of
// the test.
func (s *testServer) openSSE(t *testing.T, token, query string, vars map[string]any) <-chan sseEvent {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		res.Body.Close()
		t.Fatalf("SSE answered %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	events := make(chan sseEvent, 100)
	go func() {
		defer close(events)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				ev.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				ev.data = strings.TrimSpace(strings.TrimPrefix(line, "data:"))
			case line == "" && ev.name != "":
				ev.at = time.Now()
				events <- ev
				ev = sseEvent{}
			}
		}
	}()
	return events
}

// expiresAt reads a token's exp claim.
func expiresAt(t *testing.T, token string) time.Time {
	t.Helper()
	parts := strings.Split(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Exp int64 }
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return time.Unix(c.Exp, 0)
}

// submitEvery submits a lead from Dave's Collision every interval until the test ends.
func (s *testServer) submitEvery(t *testing.T, interval time.Duration) {
	t.Helper()
	dave := s.token(t, "user-dave", auth.Member)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	var n atomic.Int64
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			body, _ := json.Marshal(map[string]any{"query": submitLead, "variables": leadInput(fmt.Sprintf("stream-lead-%04d", n.Add(1)))})
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/graphql", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+dave)
			if res, err := http.DefaultClient.Do(req); err == nil {
				res.Body.Close()
			}
		}
	}()
}

// TestSSEEndsWhenTokenExpires: a leadOffers stream over SSE ends when its token expires, with
// an UNAUTHENTICATED error as its last result, while offers keep coming; before the fix it
// went on delivering offers (lead notes included) after the token had expired.
func TestSSEEndsWhenTokenExpires(t *testing.T) {
	s := newTestServer(t)
	andy, err := s.verifier.Mint(auth.Identity{Sub: "user-andy", Roles: []auth.Role{auth.Member}}, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	exp := expiresAt(t, andy)
	events := s.openSSE(t, andy, `subscription($b: ID!) { leadOffers(businessId: $b) { cursor lead { notes } } }`,
		map[string]any{"b": bizID("andys-attorney")})
	s.submitEvery(t, 200*time.Millisecond)

	// The margins are the time an offer takes from submit to the stream, not a speed bound.
	giveUp := time.After(time.Until(exp) + 5*time.Second)
	var offers int
	var last sseEvent
	for {
		select {
		case ev, open := <-events:
			if !open {
				if offers == 0 {
					t.Fatal("no offer reached the stream before the token expired")
				}
				if !strings.Contains(last.data, `"UNAUTHENTICATED"`) || !strings.Contains(last.data, "token expired") {
					t.Fatalf("the last result before the end was %q %s, want UNAUTHENTICATED token expired", last.name, last.data)
				}
				return
			}
			if ev.name != "next" {
				continue
			}
			last = ev
			if strings.Contains(ev.data, `"leadOffers"`) {
				if ev.at.After(exp.Add(time.Second)) {
					t.Fatalf("an offer arrived %s after the token expired: %s", ev.at.Sub(exp), ev.data)
				}
				offers++
			}
		case <-giveUp:
			t.Fatalf("the stream is open 5 s after its token expired (%d offers delivered)", offers)
		}
	}
}

// testSecret is the HS256 secret of the test server (newHardServer).
var testSecret = []byte(strings.Repeat("k", 32))

// signClaims signs a token with the test server's secret, for claims that Mint would not make.
func signClaims(t *testing.T, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestTokenLifetimeCap: a ten-year admin token, signed with the server's own key, is refused
// with a 401 that says why; a token of a day is accepted.
func TestTokenLifetimeCap(t *testing.T) {
	s := newHardServer(t, nil)
	now := time.Now()
	claims := func(life time.Duration) jwt.MapClaims {
		return jwt.MapClaims{"iss": auth.DevIssuer, "aud": auth.DevAudience, "sub": "root", "roles": []string{"admin"},
			"iat": now.Unix(), "exp": now.Add(life).Unix()}
	}
	r := s.post(t, signClaims(t, claims(87600*time.Hour)), `{ viewer { sub } }`, nil)
	if r.status != http.StatusUnauthorized || r.body.code() != "UNAUTHENTICATED" ||
		!strings.Contains(r.body.Errors[0].Message, "longer than this server accepts") {
		t.Fatalf("a ten-year token: %d %+v, want 401 UNAUTHENTICATED saying it lives too long", r.status, r.body.Errors)
	}
	if r := s.post(t, signClaims(t, claims(24*time.Hour)), `{ viewer { sub } }`, nil); r.status != http.StatusOK || len(r.body.Errors) > 0 {
		t.Fatalf("a one-day token: %d %+v", r.status, r.body.Errors)
	}
}
