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

	"github.com/coder/websocket"
	"github.com/golang-jwt/jwt/v5"

	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/server"
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

const revokeTokens = `mutation($in: RevokeTokensInput!) { revokeTokens(input: $in) { subject revokedBefore } }`

// revoke revokes the subject's tokens as an admin and returns the time recorded.
func (s *testServer) revoke(t *testing.T, subject string, before *time.Time) time.Time {
	t.Helper()
	in := map[string]any{"subject": subject}
	if before != nil {
		in["before"] = before.Format(time.RFC3339Nano)
	}
	var out struct {
		RevokeTokens struct {
			Subject       string
			RevokedBefore time.Time
		}
	}
	ok(t, s.do(t, s.token(t, "root", auth.Admin), revokeTokens, map[string]any{"in": in}), &out)
	if out.RevokeTokens.Subject != subject {
		t.Fatalf("revoked %q, want %q", out.RevokeTokens.Subject, subject)
	}
	return out.RevokeTokens.RevokedBefore
}

// TestRevokeTokens: once an admin revokes a subject's tokens, its tokens issued before are a
// 401, and so are its tokens without iat; newer tokens and other subjects are unaffected; the
// revocation is in the store, and an earlier time does not undo it.
func TestRevokeTokens(t *testing.T) {
	s := newHardServer(t, nil)
	dave, mike := s.token(t, "user-dave", auth.Member), s.token(t, "user-mike", auth.Member)
	noIat := func(sub string) string {
		return signClaims(t, jwt.MapClaims{"iss": auth.DevIssuer, "aud": auth.DevAudience, "sub": sub,
			"roles": []string{"member"}, "exp": time.Now().Add(time.Hour).Unix()})
	}
	const viewer = `{ viewer { sub } }`
	for _, tok := range []string{dave, noIat("user-dave")} {
		if r := s.do(t, tok, viewer, nil); len(r.Errors) > 0 {
			t.Fatalf("before the revocation: %+v", r.Errors)
		}
	}

	start := time.Now()
	at := s.revoke(t, "user-dave", nil)
	if at.Before(start.Add(-time.Second)) || at.After(time.Now().Add(time.Second)) {
		t.Fatalf("revokedBefore %v, want about now (%v)", at, start)
	}
	wantRevoked := func(what, tok, say string) {
		t.Helper()
		r := s.post(t, tok, viewer, nil)
		if r.status != http.StatusUnauthorized || r.body.code() != "UNAUTHENTICATED" || !strings.Contains(r.body.Errors[0].Message, say) {
			t.Fatalf("%s after the revocation: %d %+v, want 401 UNAUTHENTICATED saying %q", what, r.status, r.body.Errors, say)
		}
	}
	wantRevoked("a token issued before", dave, "token revoked")
	wantRevoked("a token without iat", noIat("user-dave"), "no iat")
	for what, tok := range map[string]string{"another subject's token": mike, "another subject's token without iat": noIat("user-mike")} {
		if r := s.do(t, tok, viewer, nil); len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", what, r.Errors)
		}
	}
	// iat has whole seconds: a token minted in the next second is newer than the revocation.
	time.Sleep(time.Until(at.Truncate(time.Second).Add(time.Second)))
	if r := s.do(t, s.token(t, "user-dave", auth.Member), viewer, nil); len(r.Errors) > 0 {
		t.Fatalf("a token issued after the revocation: %+v", r.Errors)
	}

	stored, err := s.store.TokensRevokedBefore(context.Background(), "user-dave")
	if err != nil || !stored.Equal(at) {
		t.Fatalf("the store holds %v, %v; want %v", stored, err, at)
	}
	earlier := at.Add(-time.Hour)
	if got := s.revoke(t, "user-dave", &earlier); !got.Equal(at) {
		t.Fatalf("an earlier revocation recorded %v, want %v kept", got, at)
	}

	admin := s.token(t, "root", auth.Admin)
	bad := []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"future", map[string]any{"subject": "user-mike", "before": time.Now().Add(time.Hour).Format(time.RFC3339)}, "input.before"},
		{"empty subject", map[string]any{"subject": ""}, "input.subject"},
	}
	for _, b := range bad {
		if r := s.do(t, admin, revokeTokens, map[string]any{"in": b.in}); r.code() != "BAD_USER_INPUT" || r.field() != b.field {
			t.Fatalf("%s: %q %q %+v, want BAD_USER_INPUT on %s", b.name, r.code(), r.field(), r.Errors, b.field)
		}
	}
}

// TestRevokeTokensEndsStreams: revoking a subject's tokens ends its open websocket connection
// and its SSE subscription at once on the server that took the mutation, the SSE stream with
// an UNAUTHENTICATED "token revoked" result, while another subject's streams go on; a
// revocation written by another server (straight into the store) ends them within the
// refresh interval.
func TestRevokeTokensEndsStreams(t *testing.T) {
	// This server re-reads revocations only every hour: what ends its streams at once is the
	// revocation it takes itself.
	s := newHardServer(t, func(o *server.Config) { o.RevocationRefresh = time.Hour })
	dave, andy := s.token(t, "user-dave", auth.Member), s.token(t, "user-andy", auth.Member)
	const updates = `subscription($b: ID!) { leadUpdates(businessId: $b) { cursor } }`

	ws := s.dialInit(t, dave)
	subscribeOffers(t, ws, "inbox", "daves-collision")
	wsClosed := make(chan error, 1)
	go func() { wsClosed <- readUntilClosed(ws) }()
	sse := s.openSSE(t, dave, updates, map[string]any{"b": bizID("daves-collision")})
	andySSE := s.openSSE(t, andy, updates, map[string]any{"b": bizID("andys-attorney")})
	time.Sleep(100 * time.Millisecond) // the subscriptions are running

	s.revoke(t, "user-dave", nil)
	// The bounds are failure timeouts, not speed asserts: "at once" is what the auth tests
	// prove (Revoke cancels before it returns).
	select {
	case <-wsClosed:
	case <-time.After(5 * time.Second):
		t.Fatal("the websocket is open 5 s after its token was revoked")
	}
	wantEnd(t, sse, "token revoked", 5*time.Second)
	// A new connection with the revoked token is refused at connection_init.
	c, err := s.dialWS(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := initWS(t, c, map[string]any{"Authorization": "Bearer " + dave}); websocket.CloseStatus(err) != 4403 {
		t.Fatalf("init with a revoked token: %v, want close 4403", err)
	}
	select {
	case ev, open := <-andySSE:
		t.Fatalf("another subject's stream changed: %+v, open %v", ev, open)
	case <-time.After(time.Second):
	}

	// Through another server (straight into the store): a server finds it within its refresh
	// interval.
	s = newHardServer(t, func(o *server.Config) { o.RevocationRefresh = 300 * time.Millisecond })
	andySSE = s.openSSE(t, andy, updates, map[string]any{"b": bizID("andys-attorney")})
	andyWS := s.dialInit(t, andy)
	subscribeOffers(t, andyWS, "inbox", "andys-attorney")
	andyClosed := make(chan error, 1)
	go func() { andyClosed <- readUntilClosed(andyWS) }()
	if _, err := s.store.RevokeTokens(context.Background(), "user-andy", time.Now()); err != nil {
		t.Fatal(err)
	}
	wantEnd(t, andySSE, "token revoked", 5*time.Second)
	select {
	case <-andyClosed:
	case <-time.After(5 * time.Second):
		t.Fatal("the websocket is open 5 s after its token was revoked elsewhere")
	}
}

// readUntilClosed reads a websocket until it ends.
func readUntilClosed(c *websocket.Conn) error {
	for {
		if _, _, err := c.Read(context.Background()); err != nil {
			return err
		}
	}
}

// wantEnd waits for an SSE stream to end, with a last result whose error is UNAUTHENTICATED
// and says say.
func wantEnd(t *testing.T, events <-chan sseEvent, say string, within time.Duration) {
	t.Helper()
	giveUp := time.After(within)
	var last sseEvent
	for {
		select {
		case ev, open := <-events:
			if !open {
				if !strings.Contains(last.data, `"UNAUTHENTICATED"`) || !strings.Contains(last.data, say) {
					t.Fatalf("the last result before the end was %q %s, want UNAUTHENTICATED %q", last.name, last.data, say)
				}
				return
			}
			if ev.name == "next" {
				last = ev
			}
		case <-giveUp:
			t.Fatalf("the SSE stream is open %v later", within)
		}
	}
}

// TestRevokeTokensAdminOnly: no one but an admin may revoke tokens, not even their own, and a
// refused revocation records nothing (the access matrix checks the codes; revocations are not
// in its snapshot).
func TestRevokeTokensAdminOnly(t *testing.T) {
	s := newTestServer(t)
	for _, caller := range callers {
		if caller == admin {
			continue
		}
		r := s.do(t, s.callerToken(t, caller), revokeTokens, map[string]any{"in": map[string]any{"subject": "user-dave"}})
		if r.code() != "UNAUTHENTICATED" && r.code() != "FORBIDDEN" {
			t.Fatalf("%s revoking: %q %+v", caller, r.code(), r.Errors)
		}
		if got, err := s.store.TokensRevokedBefore(context.Background(), "user-dave"); err != nil || !got.IsZero() {
			t.Fatalf("%s's refused revocation recorded %v, %v", caller, got, err)
		}
	}
}
