package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partnergraph/partnergraph"
)

// testKeys are the server's keys and an attacker's keys of every supported type, made once:
// RSA key generation is slow.
type testKeys struct {
	hmac, otherHMAC []byte
	rsa, otherRSA   *rsa.PrivateKey
	ec, otherEC     *ecdsa.PrivateKey
	ed, otherEd     ed25519.PrivateKey
}

var keys = sync.OnceValue(func() testKeys {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	k := testKeys{
		hmac:      []byte("0123456789abcdef0123456789abcdef-server"),
		otherHMAC: []byte("0123456789abcdef0123456789abcdef-attacker"),
	}
	var err error
	k.rsa, err = rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	k.otherRSA, err = rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	k.otherEC, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	_, k.ed, err = ed25519.GenerateKey(rand.Reader)
	must(err)
	_, k.otherEd, err = ed25519.GenerateKey(rand.Reader)
	must(err)
	return k
})

// clock is a settable time source for the verifier.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func pemOf(tb testing.TB, pub any) []byte {
	tb.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func mustVerifier(tb testing.TB, cfg Config, c *clock) *Verifier {
	tb.Helper()
	v, err := newVerifier(context.Background(), cfg, c.now)
	if err != nil {
		tb.Fatalf("newVerifier: %v", err)
	}
	return v
}

// devConfig returns the HS256 configuration that the server uses in development.
func devConfig() Config {
	return Config{Issuer: DevIssuer, Audience: DevAudience, HMACSecret: keys().hmac}
}

// goodClaims are claims that the dev verifier accepts at time now.
func goodClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss":   DevIssuer,
		"aud":   DevAudience,
		"sub":   "user-1",
		"roles": []string{"member"},
		"iat":   now.Unix(),
		"exp":   now.Add(5 * time.Minute).Unix(),
	}
}

// sign returns a token signed with method and key; header entries are added to the header
// (a nil value removes the entry).
func sign(tb testing.TB, method jwt.SigningMethod, key any, header map[string]any, claims jwt.MapClaims) string {
	tb.Helper()
	t := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		if v == nil {
			delete(t.Header, k)
			continue
		}
		t.Header[k] = v
	}
	s, err := t.SignedString(key)
	if err != nil {
		tb.Fatalf("sign: %v", err)
	}
	return s
}

// rawToken assembles a token from a header, claims and a signature, for tokens that the jwt
// package refuses to make.
func rawToken(tb testing.TB, header map[string]any, claims jwt.MapClaims, sig string) string {
	tb.Helper()
	return seg(tb, header) + "." + seg(tb, claims) + "." + sig
}

func seg(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// assertUnauthenticated fails unless err is a *partnergraph.Error with code EUNAUTHENTICATED
// whose message does not repeat the token.
func assertUnauthenticated(tb testing.TB, err error, token string) {
	tb.Helper()
	msg := assertCode(tb, err)
	for _, part := range strings.Split(token, ".") {
		// Shorter parts could be words of any message.
		if len(part) >= 16 && strings.Contains(msg, part) {
			tb.Fatalf("message %q repeats the token", msg)
		}
	}
}

// assertCode fails unless err is a *partnergraph.Error with code EUNAUTHENTICATED, and
// returns its message.
func assertCode(tb testing.TB, err error) string {
	tb.Helper()
	var pe *partnergraph.Error
	if !errors.As(err, &pe) {
		tb.Fatalf("err = %v (%T), want *partnergraph.Error", err, err)
	}
	if pe.Code != partnergraph.EUNAUTHENTICATED {
		tb.Fatalf("code = %s, want %s (%v)", pe.Code, partnergraph.EUNAUTHENTICATED, err)
	}
	return pe.Message
}

// jwkOf returns the JWK of a public key, with the given kid and alg ("" leaves it out).
func jwkOf(tb testing.TB, pub any, kid, alg string) map[string]any {
	tb.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	m := map[string]any{"kid": kid}
	if alg != "" {
		m["alg"] = alg
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", b64(k.N.Bytes()), b64(big.NewInt(int64(k.E)).Bytes())
	case *ecdsa.PublicKey:
		pt, err := k.Bytes()
		if err != nil {
			tb.Fatal(err)
		}
		size := (len(pt) - 1) / 2
		m["kty"], m["crv"], m["x"], m["y"] = "EC", k.Curve.Params().Name, b64(pt[1:1+size]), b64(pt[1+size:])
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b64(k)
	default:
		tb.Fatalf("jwkOf: unsupported %T", pub)
	}
	return m
}

func jwksJSON(tb testing.TB, keys ...map[string]any) []byte {
	tb.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
