package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// memRevocations is a partnergraph.TokenRevocations in memory that can be made to fail.
type memRevocations struct {
	mu     sync.Mutex
	before map[string]time.Time
	reads  int
	fail   bool
}

func newMemRevocations() *memRevocations { return &memRevocations{before: map[string]time.Time{}} }

func (m *memRevocations) RevokeTokens(_ context.Context, subject string, before time.Time) (time.Time, error) {
	if err := partnergraph.CheckRevocation(subject, before); err != nil {
		return time.Time{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if before.After(m.before[subject]) {
		m.before[subject] = before.UTC()
	}
	return m.before[subject], nil
}

func (m *memRevocations) TokensRevokedBefore(_ context.Context, subject string) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads++
	if m.fail {
		return time.Time{}, errors.New("store down")
	}
	return m.before[subject], nil
}

func (m *memRevocations) readCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reads
}

func TestRevocationsCheck(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	store := newMemRevocations()
	r := NewRevocations(store, 5*time.Second, nil)
	r.now = c.now
	issued := c.now()
	old := &Identity{Sub: "user-1", IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)}
	noIat := &Identity{Sub: "user-1", ExpiresAt: issued.Add(time.Hour)}
	other := &Identity{Sub: "user-2", IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)}

	for _, id := range []*Identity{nil, old, noIat, other} {
		if err := r.Check(ctx, id); err != nil {
			t.Fatalf("nothing revoked, Check(%+v) = %v", id, err)
		}
	}
	if n := store.readCount(); n != 2 {
		t.Errorf("%d store reads for two subjects, want 2 (the rest from the cache)", n)
	}

	// Through another server: this one sees it once its cache is older than the refresh.
	c.add(time.Second)
	store.RevokeTokens(ctx, "user-1", c.now())
	if err := r.Check(ctx, old); err != nil {
		t.Fatalf("within the refresh interval: %v, want the cached answer", err)
	}
	c.add(5 * time.Second)
	assertCode(t, r.Check(ctx, old))
	if msg := assertCode(t, r.Check(ctx, noIat)); !strings.Contains(msg, "no iat") {
		t.Errorf("a token without iat: %q, want it to say so", msg)
	}
	if err := r.Check(ctx, other); err != nil {
		t.Fatalf("another subject: %v", err)
	}
	newer := &Identity{Sub: "user-1", IssuedAt: c.now(), ExpiresAt: c.now().Add(time.Hour)}
	if err := r.Check(ctx, newer); err != nil {
		t.Fatalf("a token issued after the revocation: %v", err)
	}

	// Through this server: at once, whatever the cache held.
	c.add(time.Second)
	if _, err := r.Revoke(ctx, "user-1", c.now()); err != nil {
		t.Fatal(err)
	}
	if msg := assertCode(t, r.Check(ctx, newer)); !strings.Contains(msg, "revoked") {
		t.Errorf("message %q", msg)
	}

	// A store that cannot be read refuses rather than lets a revoked token through.
	store.mu.Lock()
	store.fail = true
	store.mu.Unlock()
	c.add(time.Minute)
	if got := partnergraph.ErrorCode(r.Check(ctx, other)); got != partnergraph.EINTERNAL {
		t.Fatalf("store down: code %q, want INTERNAL", got)
	}
}

// TestRevocationsScope: a stream ends when its token expires, at once when it is revoked
// through this server, and within the refresh interval when revoked elsewhere; the cause says
// which.
func TestRevocationsScope(t *testing.T) {
	const refresh = 50 * time.Millisecond
	store := newMemRevocations()
	r := NewRevocations(store, refresh, nil)
	now := time.Now()
	id := &Identity{Sub: "user-1", IssuedAt: now.Add(-time.Second), ExpiresAt: now.Add(time.Hour)}
	ctx := WithIdentity(context.Background(), id)
	wait := func(t *testing.T, ctx context.Context, within time.Duration, want string) {
		t.Helper()
		select {
		case <-ctx.Done():
		case <-time.After(within):
			t.Fatalf("the stream is open after %v", within)
		}
		if msg := assertCode(t, context.Cause(ctx)); !strings.Contains(msg, want) {
			t.Fatalf("cause %q, want %q", msg, want)
		}
	}

	t.Run("expiry", func(t *testing.T) {
		short := *id
		short.ExpiresAt = time.Now().Add(100 * time.Millisecond)
		s, cancel := r.Scope(WithIdentity(context.Background(), &short))
		defer cancel()
		wait(t, s, 10*time.Second, "expired")
	})
	t.Run("revoked here", func(t *testing.T) {
		s, cancel := r.Scope(ctx)
		defer cancel()
		other, cancelOther := r.Scope(WithIdentity(context.Background(), &Identity{Sub: "user-2", IssuedAt: id.IssuedAt, ExpiresAt: id.ExpiresAt}))
		defer cancelOther()
		if _, err := r.Revoke(context.Background(), "user-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		// At once: Revoke cancels before it returns.
		if s.Err() == nil {
			t.Fatal("the stream is open after Revoke returned")
		}
		wait(t, s, time.Second, "revoked")
		if other.Err() != nil {
			t.Fatal("another subject's stream ended")
		}
	})
	t.Run("revoked elsewhere", func(t *testing.T) {
		fresh := &Identity{Sub: "user-3", IssuedAt: time.Now().Add(-time.Second), ExpiresAt: time.Now().Add(time.Hour)}
		s, cancel := r.Scope(WithIdentity(context.Background(), fresh))
		defer cancel()
		store.RevokeTokens(context.Background(), "user-3", time.Now())
		wait(t, s, 10*time.Second, "revoked")
	})
	t.Run("anonymous", func(t *testing.T) {
		s, cancel := r.Scope(context.Background())
		if s.Err() != nil {
			t.Fatal("an anonymous scope ended at once")
		}
		cancel()
		if s.Err() == nil {
			t.Fatal("cancel did not end the scope")
		}
	})
	// Ended scopes are forgotten.
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		n := len(r.scopes)
		r.mu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d subjects still have scopes after every stream ended", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRevocationsMiddleware(t *testing.T) {
	store := newMemRevocations()
	r := NewRevocations(store, time.Minute, nil)
	h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	serve := func(id *Identity) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		if id != nil {
			req = req.WithContext(WithIdentity(req.Context(), id))
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	id := &Identity{Sub: "user-1", IssuedAt: time.Now().Add(-time.Minute), ExpiresAt: time.Now().Add(time.Hour)}
	if w := serve(id); w.Code != http.StatusNoContent {
		t.Fatalf("not revoked: %d", w.Code)
	}
	if w := serve(nil); w.Code != http.StatusNoContent {
		t.Fatalf("anonymous: %d", w.Code)
	}
	r.Revoke(context.Background(), "user-1", time.Now())
	w := serve(id)
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `"UNAUTHENTICATED"`) ||
		!strings.Contains(w.Header().Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("revoked: %d %q %s", w.Code, w.Header().Get("WWW-Authenticate"), w.Body)
	}
	store.mu.Lock()
	store.fail = true
	store.mu.Unlock()
	w = serve(&Identity{Sub: "user-9", IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"INTERNAL"`) || strings.Contains(w.Body.String(), "store down") {
		t.Fatalf("store down: %d %s, want 503 INTERNAL without the store's error", w.Code, w.Body)
	}
}
