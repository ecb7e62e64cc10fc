package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzVerify checks that Verify never panics, that every refusal is EUNAUTHENTICATED, and that
// it accepts nothing but tokens whose signature is the HMAC of their header and payload under
// the key, computed here independently of the jwt library: any other accepted string would be
// a forgery. (Comparing with the seed strings would not do: each fuzzing worker process mints
// its own seeds, at its own time.)
func FuzzVerify(f *testing.F) {
	k := keys()
	c := newClock()
	v := mustVerifier(f, devConfig(), c)
	now := c.now()
	claims := goodClaims(now)
	claims["exp"] = now.Add(24 * time.Hour).Unix()
	claims["businesses"] = []string{"b1"}
	valid := map[string]bool{
		sign(f, jwt.SigningMethodHS256, k.hmac, nil, claims):                                 true,
		sign(f, jwt.SigningMethodHS256, k.hmac, map[string]any{"typ": nil}, goodClaims(now)): true,
	}
	for token := range valid {
		f.Add(token)
	}
	f.Add(rawToken(f, map[string]any{"alg": "none"}, claims, ""))
	f.Add(rawToken(f, map[string]any{"alg": "HS256", "kid": "../../etc/passwd"}, claims, "c2ln"))
	f.Add(rawToken(f, map[string]any{"alg": "HS256", "jku": "http://127.0.0.1:1/"}, claims, ""))
	f.Add(sign(f, jwt.SigningMethodHS256, k.otherHMAC, nil, claims))
	f.Add(sign(f, jwt.SigningMethodEdDSA, k.ed, nil, claims))
	f.Add("")
	f.Add("..")
	f.Add("e30.e30.")

	f.Fuzz(func(t *testing.T, token string) {
		id, err := v.Verify(context.Background(), token)
		if err != nil {
			if id != nil {
				t.Fatalf("Verify returned an identity with an error")
			}
			assertCode(t, err)
			return
		}
		if !signedWith(token, k.hmac) {
			t.Fatalf("Verify accepted a token that was never signed: %q", token)
		}
		if id == nil || id.Sub == "" {
			t.Fatalf("Verify accepted a token with no subject: %+v", id)
		}
	})
}

// signedWith reports whether the token's third part is the base64url HMAC-SHA256, under key,
// of its first two parts.
func signedWith(token string, key []byte) bool {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(token[:i]))
	return token[i+1:] == base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
