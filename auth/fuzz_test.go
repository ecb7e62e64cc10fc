package auth

import (
	"context"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzVerify checks that Verify never panics, that every refusal is EUNAUTHENTICATED, and that
// it accepts nothing but the tokens that were signed with the key: any other accepted string
// would be a forgery.
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
		if !valid[token] {
			t.Fatalf("Verify accepted a token that was never signed: %q", token)
		}
		if id == nil || id.Sub == "" {
			t.Fatalf("Verify accepted a token with no subject: %+v", id)
		}
	})
}
