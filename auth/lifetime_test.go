package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partnergraph/partnergraph"
)

// TestVerifyMaxLifetime: a token may live at most MaxLifetime (24 h unless configured),
// counted from its iat, or from now when it has none or claims a later iat.
func TestVerifyMaxLifetime(t *testing.T) {
	k := keys()
	c := newClock()
	now := c.now()
	day := 24 * time.Hour
	tests := []struct {
		name   string
		max    time.Duration // 0: the default
		iat    time.Time     // zero: no iat claim
		exp    time.Time
		accept bool
	}{
		{"a day from iat", 0, now, now.Add(day), true},
		{"a day from an iat an hour ago", 0, now.Add(-time.Hour), now.Add(day - time.Hour), true},
		{"ten years from iat", 0, now, now.Add(87600 * time.Hour), false},
		{"a day and a minute from iat", 0, now, now.Add(day + time.Minute), false},
		{"issued two days ago, an hour left", 0, now.Add(-2 * day), now.Add(time.Hour), false},
		{"no iat, an hour left", 0, time.Time{}, now.Add(time.Hour), true},
		{"no iat, a year left", 0, time.Time{}, now.AddDate(1, 0, 0), false},
		{"configured 7 days, 6 days", 7 * day, now, now.Add(6 * day), true},
		{"configured 1 h, 2 h", time.Hour, now, now.Add(2 * time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := devConfig()
			cfg.MaxLifetime = tt.max
			v := mustVerifier(t, cfg, c)
			claims := goodClaims(now)
			delete(claims, "iat")
			if !tt.iat.IsZero() {
				claims["iat"] = tt.iat.Unix()
			}
			claims["exp"] = tt.exp.Unix()
			token := sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims)
			_, err := v.Verify(context.Background(), token)
			if tt.accept {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			msg := assertCode(t, err)
			if !strings.Contains(msg, "longer than this server accepts") {
				t.Errorf("message %q does not say the token lives too long", msg)
			}
		})
	}
}

func TestNewVerifierRefusesNegativeMaxLifetime(t *testing.T) {
	cfg := devConfig()
	cfg.MaxLifetime = -time.Hour
	if _, err := NewVerifier(context.Background(), cfg); err == nil {
		t.Fatal("NewVerifier accepted a negative MaxLifetime")
	}
}

// TestMintRefusesLongerThanMaxLifetime: Mint hands out no token that Verify would refuse.
func TestMintRefusesLongerThanMaxLifetime(t *testing.T) {
	c := newClock()
	v := mustVerifier(t, devConfig(), c)
	if _, err := v.Mint(Identity{Sub: "root", Roles: []Role{Admin}}, DefaultMaxLifetime); err != nil {
		t.Fatalf("Mint(24h): %v", err)
	}
	_, err := v.Mint(Identity{Sub: "root", Roles: []Role{Admin}}, 87600*time.Hour)
	pe, ok := err.(*partnergraph.Error)
	if !ok || pe.Code != partnergraph.EINVALID || pe.Field != "ttl" {
		t.Fatalf("Mint(87600h) = %v, want EINVALID on ttl", err)
	}
}
