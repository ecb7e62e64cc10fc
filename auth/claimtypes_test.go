package auth

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestVerifyRefusesBadTimeClaims: exp, nbf and iat must be JSON numbers (RFC 7519's
// NumericDate; the jwt package also reads a number in a string), and a token issued in the
// future is refused. The message names the claim. Both HMAC and JWKS keys are checked, as the
// claims are read the same way whatever the key.
func TestVerifyRefusesBadTimeClaims(t *testing.T) {
	k := keys()
	c := newClock()
	now := c.now()
	path := writeFile(t, jwksJSON(t, jwkOf(t, k.ec.Public(), "e1", "ES256")))
	verifiers := []struct {
		name   string
		v      *Verifier
		method jwt.SigningMethod
		key    any
		header map[string]any
	}{
		{"HMAC", mustVerifier(t, devConfig(), c), jwt.SigningMethodHS256, k.hmac, nil},
		{"JWKS", mustVerifier(t, Config{Issuer: DevIssuer, Audience: DevAudience, JWKSFile: path}, c), jwt.SigningMethodES256, k.ec, map[string]any{"kid": "e1"}},
	}
	far := strconv.FormatInt(now.Add(time.Hour).Unix(), 10)
	cases := []struct {
		name  string
		edit  func(jwt.MapClaims)
		claim string // named in the message; "" when the token is good
	}{
		{"good", func(jwt.MapClaims) {}, ""},
		{"exp as a string", func(c jwt.MapClaims) { c["exp"] = "9999999999" }, "exp"},
		{"exp as a string near now", func(c jwt.MapClaims) { c["exp"] = far }, "exp"},
		{"nbf as a string", func(c jwt.MapClaims) { c["nbf"] = strconv.FormatInt(now.Unix(), 10) }, "nbf"},
		{"iat as a string", func(c jwt.MapClaims) { c["iat"] = strconv.FormatInt(now.Unix(), 10) }, "iat"},
		{"exp as a boolean", func(c jwt.MapClaims) { c["exp"] = true }, "exp"},
		{"iat in the future", func(c jwt.MapClaims) { c["iat"] = now.Add(10 * time.Minute).Unix() }, "iat"},
		{"iat within the leeway", func(c jwt.MapClaims) { c["iat"] = now.Add(defaultLeeway - 5*time.Second).Unix() }, ""},
		{"exp with a fraction", func(c jwt.MapClaims) { c["exp"] = float64(now.Add(time.Hour).Unix()) + 0.5 }, ""},
	}
	for _, vv := range verifiers {
		for _, tc := range cases {
			t.Run(vv.name+"/"+tc.name, func(t *testing.T) {
				claims := goodClaims(now)
				tc.edit(claims)
				token := sign(t, vv.method, vv.key, vv.header, claims)
				_, err := vv.v.Verify(context.Background(), token)
				if tc.claim == "" {
					if err != nil {
						t.Fatalf("Verify: %v", err)
					}
					return
				}
				assertUnauthenticated(t, err, token)
				if msg := err.Error(); !strings.Contains(msg, tc.claim) {
					t.Fatalf("message %q does not name the claim %s", msg, tc.claim)
				}
			})
		}
	}
}

// TestVerifyKeyHint: a token whose signature does not verify is told the configured hint;
// other failures are not.
func TestVerifyKeyHint(t *testing.T) {
	k := keys()
	c := newClock()
	cfg := devConfig()
	cfg.KeyHint = "mint with: partnergraph token"
	v := mustVerifier(t, cfg, c)
	bad := sign(t, jwt.SigningMethodHS256, k.otherHMAC, nil, goodClaims(c.now()))
	if msg := assertCode(t, func() error { _, err := v.Verify(context.Background(), bad); return err }()); msg != "invalid token signature: "+cfg.KeyHint {
		t.Fatalf("message %q, want the hint", msg)
	}
	expired := goodClaims(c.now())
	expired["exp"] = c.now().Add(-time.Hour).Unix()
	tok := sign(t, jwt.SigningMethodHS256, k.hmac, nil, expired)
	if msg := assertCode(t, func() error { _, err := v.Verify(context.Background(), tok); return err }()); strings.Contains(msg, cfg.KeyHint) {
		t.Fatalf("an expired token is told the key hint: %q", msg)
	}
}
