package auth

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partnergraph/partnergraph"
)

func TestMintRoundTrip(t *testing.T) {
	c := newClock()
	v := mustVerifier(t, devConfig(), c)
	want := Identity{Sub: "dev|alice", Roles: []Role{Intake}, Businesses: []string{"b1", "b2"}}
	token, err := v.Mint(want, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatalf("Verify(Mint()): %v", err)
	}
	if got.Sub != want.Sub || !slices.Equal(got.Roles, want.Roles) || !slices.Equal(got.Businesses, want.Businesses) {
		t.Errorf("Verify(Mint(%+v)) = %+v", want, got)
	}
	if wantExp := c.now().Add(15 * time.Minute); !got.ExpiresAt.Equal(wantExp) {
		t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, wantExp)
	}

	c.add(15*time.Minute + defaultLeeway + time.Second)
	_, err = v.Verify(context.Background(), token)
	assertUnauthenticated(t, err, token)
}

func TestMintCarriesIssuerAudienceAndKeyID(t *testing.T) {
	c := newClock()
	cfg := devConfig()
	cfg.KeyID = "dev-1"
	v := mustVerifier(t, cfg, c)
	token, err := v.Mint(Identity{Sub: "u", Roles: []Role{Admin}}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var claims jwt.RegisteredClaims
	parsed, _, err := jwt.NewParser().ParseUnverified(token, &claims)
	if err != nil {
		t.Fatal(err)
	}
	if got := parsed.Header["kid"]; got != "dev-1" {
		t.Errorf("kid = %v, want dev-1", got)
	}
	if got := parsed.Header["alg"]; got != "HS256" {
		t.Errorf("alg = %v, want HS256", got)
	}
	if claims.Issuer != DevIssuer || !slices.Equal(claims.Audience, jwt.ClaimStrings{DevAudience}) {
		t.Errorf("iss, aud = %q, %q; want %q, [%q]", claims.Issuer, claims.Audience, DevIssuer, DevAudience)
	}
	// A verifier of another issuer must refuse it.
	other := devConfig()
	other.Issuer = "someone-else"
	_, err = mustVerifier(t, other, c).Verify(context.Background(), token)
	assertUnauthenticated(t, err, token)
}

func TestMintRefusesBadInput(t *testing.T) {
	v := mustVerifier(t, devConfig(), newClock())
	tests := []struct {
		name  string
		id    Identity
		ttl   time.Duration
		field string
	}{
		{"empty sub", Identity{Roles: []Role{Member}}, time.Minute, "sub"},
		{"sub too long", Identity{Sub: strings.Repeat("s", maxIDBytes+1)}, time.Minute, "sub"},
		{"sub with a control character", Identity{Sub: "a\x00b"}, time.Minute, "sub"},
		{"unknown role", Identity{Sub: "u", Roles: []Role{"root"}}, time.Minute, "roles"},
		{"empty business id", Identity{Sub: "u", Roles: []Role{Intake}, Businesses: []string{""}}, time.Minute, "businesses"},
		{"zero ttl", Identity{Sub: "u"}, 0, "ttl"},
		{"negative ttl", Identity{Sub: "u"}, -time.Minute, "ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, err := v.Mint(tt.id, tt.ttl)
			var pe *partnergraph.Error
			if !errors.As(err, &pe) || pe.Code != partnergraph.EINVALID || pe.Field != tt.field {
				t.Fatalf("Mint = %q, %v; want an EINVALID error for %q", token, err, tt.field)
			}
		})
	}
}

func TestMintNeedsHMACSecret(t *testing.T) {
	k := keys()
	v := mustVerifier(t, Config{PublicKeyPEM: pemOf(t, k.ed.Public())}, newClock())
	if token, err := v.Mint(Identity{Sub: "u", Roles: []Role{Admin}}, time.Minute); err == nil {
		t.Fatalf("Mint = %q, nil; want an error", token)
	}
}
