package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// testTokenRevocations: a subject's revocation time is kept, only moves forward, concerns that
// subject alone, and survives concurrent revocations as the latest of them.
func testTokenRevocations(t *testing.T, s partnergraph.Store) {
	got, err := s.TokensRevokedBefore(ctx, "user-dave")
	must(t, err)
	if !got.IsZero() {
		t.Fatalf("never revoked: %v, want the zero time", got)
	}

	// Times keep their sub-second part: iat has whole seconds, and a revocation at 10:00:05.7
	// must still refuse a token issued at 10:00:05.
	t1 := time.Date(2026, 11, 20, 10, 0, 5, 700_000_000, time.UTC)
	rec, err := s.RevokeTokens(ctx, "user-dave", t1)
	must(t, err)
	if !rec.Equal(t1) {
		t.Fatalf("RevokeTokens(t1) recorded %v, want %v", rec, t1)
	}
	if got, err = s.TokensRevokedBefore(ctx, "user-dave"); err != nil || !got.Equal(t1) || got.Location() != time.UTC {
		t.Fatalf("TokensRevokedBefore = %v, %v; want %v in UTC", got, err, t1)
	}

	t2 := t1.Add(time.Hour)
	if rec, err = s.RevokeTokens(ctx, "user-dave", t2.In(time.FixedZone("X", 3600))); err != nil || !rec.Equal(t2) {
		t.Fatalf("a later revocation recorded %v, %v; want %v", rec, err, t2)
	}
	// An earlier time undoes nothing.
	if rec, err = s.RevokeTokens(ctx, "user-dave", t1); err != nil || !rec.Equal(t2) {
		t.Fatalf("an earlier revocation recorded %v, %v; want %v kept", rec, err, t2)
	}
	if got, _ = s.TokensRevokedBefore(ctx, "user-dave"); !got.Equal(t2) {
		t.Fatalf("after an earlier revocation: %v, want %v", got, t2)
	}
	if got, _ = s.TokensRevokedBefore(ctx, "user-mike"); !got.IsZero() {
		t.Fatalf("another subject is revoked: %v", got)
	}

	t.Run("invalid", func(t *testing.T) {
		_, err := s.RevokeTokens(ctx, "", t1)
		wantCode(t, err, partnergraph.EINVALID, "subject")
		_, err = s.RevokeTokens(ctx, strings.Repeat("x", 257), t1)
		wantCode(t, err, partnergraph.EINVALID, "subject")
		_, err = s.RevokeTokens(ctx, "user-mike", time.Time{})
		wantCode(t, err, partnergraph.EINVALID, "before")
		if got, _ := s.TokensRevokedBefore(ctx, "user-mike"); !got.IsZero() {
			t.Fatalf("a refused revocation was recorded: %v", got)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		const n = 8
		base := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.RevokeTokens(ctx, "user-andy", base.Add(time.Duration(i)*time.Minute)); err != nil {
					errs <- fmt.Errorf("revoke %d: %w", i, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		want := base.Add((n - 1) * time.Minute)
		if got, err := s.TokensRevokedBefore(ctx, "user-andy"); err != nil || !got.Equal(want) {
			t.Fatalf("after %d concurrent revocations: %v, %v; want the latest, %v", n, got, err, want)
		}
	})
}
