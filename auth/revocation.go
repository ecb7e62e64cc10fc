package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph"
)

// DefaultRevocationRefresh is how long a server trusts what it read of a subject's revocation:
// a token revoked through another server stops working here within this time (through this
// server, at once).
const DefaultRevocationRefresh = 5 * time.Second

// maxKnownSubjects bounds the revocation cache: beyond it, entries past their refresh are
// dropped, and if that is not enough, all of them.
const maxKnownSubjects = 10000

// errStreamExpired ends the streams of a token that has expired.
var errStreamExpired = unauthenticated("token expired: the stream ended; subscribe again with a new token")

// Revocations refuses the tokens that an admin revoked. A revocation covers every token of a
// subject issued before a time (its iat); a token without iat cannot prove that it was issued
// after, so it is refused too once its subject has a revocation. Revocations live in the store,
// so every server sees them: each server keeps what it read of a subject for a refresh interval
// (DefaultRevocationRefresh), and a revocation made through it applies there at once, to
// requests and to open streams alike. It is safe for concurrent use.
type Revocations struct {
	store   partnergraph.TokenRevocations
	refresh time.Duration
	log     *slog.Logger
	now     func() time.Time

	mu     sync.Mutex
	known  map[string]knownCutoff     // by subject
	scopes map[string]map[*scope]bool // open streams, by subject
}

// knownCutoff is a subject's revocation time as read at readAt (zero before: none).
type knownCutoff struct{ before, readAt time.Time }

// scope is one open stream of a token.
type scope struct {
	id     *Identity
	cancel context.CancelCauseFunc
}

// NewRevocations checks tokens against the revocations in s, re-reading a subject's after
// refresh (zero means DefaultRevocationRefresh). log reports failed reads (nil:
// slog.Default()).
func NewRevocations(s partnergraph.TokenRevocations, refresh time.Duration, log *slog.Logger) *Revocations {
	if refresh <= 0 {
		refresh = DefaultRevocationRefresh
	}
	if log == nil {
		log = slog.Default()
	}
	return &Revocations{store: s, refresh: refresh, log: log, now: time.Now,
		known: map[string]knownCutoff{}, scopes: map[string]map[*scope]bool{}}
}

// Revoke revokes the subject's tokens issued before the time, in the store, and at once on this
// server: its requests are refused and its open streams end. It returns the time recorded,
// which is later than before if an earlier revocation said so. EINVALID from the store.
func (r *Revocations) Revoke(ctx context.Context, subject string, before time.Time) (time.Time, error) {
	recorded, err := r.store.RevokeTokens(ctx, subject, before)
	if err != nil {
		return time.Time{}, err
	}
	recorded = r.remember(subject, recorded, r.now())
	r.mu.Lock()
	type ending struct {
		sc  *scope
		err error
	}
	var end []ending
	for sc := range r.scopes[subject] {
		if err := revoked(sc.id, recorded); err != nil {
			end = append(end, ending{sc, err})
		}
	}
	r.mu.Unlock()
	for _, e := range end {
		e.sc.cancel(e.err)
	}
	return recorded, nil
}

// Check returns an EUNAUTHENTICATED error if the token of id was revoked, and an EINTERNAL one
// if the revocations could not be read (the caller should refuse the request: a revoked token
// must not slip through a store outage). A nil id (anonymous) passes.
func (r *Revocations) Check(ctx context.Context, id *Identity) error {
	if id == nil {
		return nil
	}
	before, err := r.cutoff(ctx, id.Sub)
	if err != nil {
		return err
	}
	return revoked(id, before)
}

// revoked returns the EUNAUTHENTICATED error for a token of id if a revocation at before
// covers it. iat has whole seconds: a token issued in the second of a revocation is covered.
func revoked(id *Identity, before time.Time) error {
	switch {
	case before.IsZero():
		return nil
	case id.IssuedAt.IsZero():
		return unauthenticated("token revoked: it has no iat, and its subject's tokens issued before %s are revoked", before.Format(time.RFC3339Nano))
	case id.IssuedAt.Before(before):
		return unauthenticated("token revoked: its subject's tokens issued before %s are revoked; use a newer token", before.Format(time.RFC3339Nano))
	}
	return nil
}

// cutoff returns the subject's revocation time, from the cache while it is fresh.
func (r *Revocations) cutoff(ctx context.Context, subject string) (time.Time, error) {
	now := r.now()
	r.mu.Lock()
	c, ok := r.known[subject]
	r.mu.Unlock()
	if ok && now.Sub(c.readAt) < r.refresh {
		return c.before, nil
	}
	before, err := r.store.TokensRevokedBefore(ctx, subject)
	if err != nil {
		if ctx.Err() == nil {
			r.log.ErrorContext(ctx, "could not read token revocations", "err", err)
		}
		return time.Time{}, partnergraph.Errorf(partnergraph.EINTERNAL, "could not check whether the token was revoked; try again")
	}
	return r.remember(subject, before, now), nil
}

// remember caches a subject's revocation time read at readAt, and returns the time cached.
// Revocation times only move forward, so the later of the cached and the read one is right:
// a read that began before a local Revoke cannot step back over it.
func (r *Revocations) remember(subject string, before, readAt time.Time) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.known[subject]; ok && c.before.After(before) {
		before = c.before
	}
	if _, ok := r.known[subject]; !ok && len(r.known) >= maxKnownSubjects {
		for s, c := range r.known {
			if readAt.Sub(c.readAt) >= r.refresh {
				delete(r.known, s)
			}
		}
		if len(r.known) >= maxKnownSubjects {
			clear(r.known)
		}
	}
	r.known[subject] = knownCutoff{before: before, readAt: readAt}
	return before
}

// Scope returns a context that ends when the token of ctx's identity does: at its expiry, or
// when it is revoked (at once through this server, within the refresh interval through
// another). The context's cause is an EUNAUTHENTICATED error that says which. It is the one
// place where streams are bound to their token: a websocket connection, an SSE subscription.
// An anonymous caller's scope ends only with ctx. Call the CancelFunc when the stream ends.
func (r *Revocations) Scope(ctx context.Context) (context.Context, context.CancelFunc) {
	id := FromContext(ctx)
	if id == nil {
		return context.WithCancel(ctx)
	}
	ctx, stopExpiry := context.WithDeadlineCause(ctx, id.ExpiresAt, errStreamExpired)
	ctx, cancel := context.WithCancelCause(ctx)
	sc := &scope{id: id, cancel: cancel}
	r.mu.Lock()
	if r.scopes[id.Sub] == nil {
		r.scopes[id.Sub] = map[*scope]bool{}
	}
	r.scopes[id.Sub][sc] = true
	r.mu.Unlock()
	go r.watch(ctx, sc)
	return ctx, func() {
		cancel(context.Canceled)
		stopExpiry()
	}
}

// watch re-checks a stream's token every refresh interval, for revocations made through other
// servers, until the stream ends. A failed read leaves the stream open: it was authorised,
// and the next read decides.
func (r *Revocations) watch(ctx context.Context, sc *scope) {
	defer func() {
		r.mu.Lock()
		delete(r.scopes[sc.id.Sub], sc)
		if len(r.scopes[sc.id.Sub]) == 0 {
			delete(r.scopes, sc.id.Sub)
		}
		r.mu.Unlock()
	}()
	t := time.NewTicker(r.refresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := r.Check(ctx, sc.id)
		if partnergraph.ErrorCode(err) == partnergraph.EUNAUTHENTICATED {
			sc.cancel(err)
			return
		}
	}
}

// Middleware refuses a request whose token (its identity, put in the context by
// Verifier.Middleware) was revoked: 401 with WWW-Authenticate: Bearer error="invalid_token"
// and extensions.code UNAUTHENTICATED. When the revocations cannot be read it answers 503
// with code INTERNAL rather than let the request through.
func (r *Revocations) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		err := r.Check(req.Context(), FromContext(req.Context()))
		var pe *partnergraph.Error
		switch {
		case err == nil:
			next.ServeHTTP(w, req)
		case errors.As(err, &pe) && pe.Code == partnergraph.EUNAUTHENTICATED:
			writeUnauthorized(w, "invalid_token", err)
		default:
			writeError(w, http.StatusServiceUnavailable, partnergraph.EINTERNAL, err)
		}
	})
}

// writeError answers in the shape of a GraphQL response with one error, so that clients read
// it where they read every other one.
func writeError(w http.ResponseWriter, status int, code partnergraph.Code, err error) {
	msg := strings.ToLower(string(code))
	var pe *partnergraph.Error
	if errors.As(err, &pe) {
		msg = pe.Message
	}
	type gqlError struct {
		Message    string            `json:"message"`
		Extensions map[string]string `json:"extensions"`
	}
	body := struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{{Message: msg, Extensions: map[string]string{"code": string(code)}}}}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body) // the client may be gone; there is no one to tell
}
