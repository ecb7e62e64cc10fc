package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwksServer serves a key set that a test can change, and counts requests.
type jwksServer struct {
	srv  *httptest.Server
	hits atomic.Int64

	mu     sync.Mutex
	status int
	body   []byte
}

func newJWKSServer(tb testing.TB, body []byte) *jwksServer {
	tb.Helper()
	s := &jwksServer{status: http.StatusOK, body: body}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		status, body := s.status, s.body
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.WriteHeader(status)
		w.Write(body)
	}))
	tb.Cleanup(s.srv.Close)
	return s
}

func (s *jwksServer) serve(status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

func writeFile(tb testing.TB, data []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "jwks.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestJWKSFile(t *testing.T) {
	k := keys()
	c := newClock()
	now := c.now()
	oct := map[string]any{"kty": "oct", "kid": "h1", "k": base64.RawURLEncoding.EncodeToString(k.hmac)}
	encKey := jwkOf(t, k.otherRSA.Public(), "enc1", "")
	encKey["use"] = "enc"
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, jwksJSON(t,
		jwkOf(t, k.rsa.Public(), "r1", "RS256"),
		jwkOf(t, k.ec.Public(), "e1", "ES256"),
		jwkOf(t, k.ed.Public(), "o1", ""),
		oct,
		encKey,
		jwkOf(t, p384.Public(), "p384", "ES384"),
	))
	v := mustVerifier(t, Config{Issuer: DevIssuer, Audience: DevAudience, JWKSFile: path}, c)

	tests := []struct {
		name   string
		method jwt.SigningMethod
		key    any
		kid    any
		accept bool
	}{
		{"RS256 by its kid", jwt.SigningMethodRS256, k.rsa, "r1", true},
		{"ES256 by its kid", jwt.SigningMethodES256, k.ec, "e1", true},
		{"EdDSA by its kid", jwt.SigningMethodEdDSA, k.ed, "o1", true},
		{"no kid", jwt.SigningMethodRS256, k.rsa, nil, false},
		{"ES256 under the RSA key's kid", jwt.SigningMethodES256, k.ec, "r1", false},
		{"RS256 under the EC key's kid", jwt.SigningMethodRS256, k.rsa, "e1", false},
		{"attacker RSA key under a known kid", jwt.SigningMethodRS256, k.otherRSA, "r1", false},
		{"HS256 with the oct key of the set", jwt.SigningMethodHS256, k.hmac, "h1", false},
		{"RS256 with the encryption key", jwt.SigningMethodRS256, k.otherRSA, "enc1", false},
		{"ES384 with the P-384 key", jwt.SigningMethodES384, p384, "p384", false},
		{"unknown kid", jwt.SigningMethodRS256, k.rsa, "r2", false},
		{"kid path traversal", jwt.SigningMethodRS256, k.rsa, "../../etc/passwd", false},
		{"kid SQL", jwt.SigningMethodRS256, k.rsa, "' OR 1=1 --", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := sign(t, tt.method, tt.key, map[string]any{"kid": tt.kid}, goodClaims(now))
			_, err := v.Verify(context.Background(), token)
			if !tt.accept {
				assertUnauthenticated(t, err, token)
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestParseJWKSRefusesBadSets(t *testing.T) {
	k := keys()
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	offCurve := jwkOf(t, k.ec.Public(), "e1", "")
	offCurve["y"] = offCurve["x"]
	badN := jwkOf(t, k.rsa.Public(), "r1", "")
	badN["n"] = "!!!"
	evenE := jwkOf(t, k.rsa.Public(), "r1", "")
	evenE["e"] = base64.RawURLEncoding.EncodeToString([]byte{0x01, 0x00, 0x00})
	shortEd := jwkOf(t, k.ed.Public(), "o1", "")
	shortEd["x"] = base64.RawURLEncoding.EncodeToString([]byte{1, 2, 3})
	paddedX := jwkOf(t, k.ed.Public(), "o1", "")
	paddedX["x"] = paddedX["x"].(string) + "="

	tests := []struct {
		name string
		data []byte
	}{
		{"not JSON", []byte("<html>")},
		{"keys not a list", []byte(`{"keys":{}}`)},
		{"kid not a string", []byte(`{"keys":[{"kty":"RSA","kid":1}]}`)},
		{"empty", []byte(`{"keys":[]}`)},
		{"only a symmetric key", []byte(`{"keys":[{"kty":"oct","kid":"h1","k":"c2VjcmV0"}]}`)},
		{"RSA key with alg ES256", jwksJSON(t, jwkOf(t, k.rsa.Public(), "r1", "ES256"))},
		{"RSA key with alg HS256", jwksJSON(t, jwkOf(t, k.rsa.Public(), "r1", "HS256"))},
		{"RSA key with alg PS256", jwksJSON(t, jwkOf(t, k.rsa.Public(), "r1", "PS256"))},
		{"EC key with alg RS256", jwksJSON(t, jwkOf(t, k.ec.Public(), "e1", "RS256"))},
		{"Ed25519 key with alg ES256", jwksJSON(t, jwkOf(t, k.ed.Public(), "o1", "ES256"))},
		{"two keys with one kid", jwksJSON(t, jwkOf(t, k.rsa.Public(), "k", ""), jwkOf(t, k.ec.Public(), "k", ""))},
		{"RSA key under 2048 bits", jwksJSON(t, jwkOf(t, rsa1024.Public(), "r1", ""))},
		{"RSA n not base64url", jwksJSON(t, badN)},
		{"RSA e even", jwksJSON(t, evenE)},
		{"EC point off the curve", jwksJSON(t, offCurve)},
		{"Ed25519 key too short", jwksJSON(t, shortEd)},
		{"base64 with padding", jwksJSON(t, paddedX)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if set, err := parseJWKS(tt.data); err == nil {
				t.Fatalf("parseJWKS = %v, nil; want an error", set)
			}
		})
	}
}

func TestJWKSURL(t *testing.T) {
	k := keys()
	ctx := context.Background()
	rsaKey := jwkOf(t, k.rsa.Public(), "k1", "RS256")
	ecKey := jwkOf(t, k.ec.Public(), "k2", "ES256")
	edKey := jwkOf(t, k.ed.Public(), "k3", "EdDSA")
	idp := newJWKSServer(t, jwksJSON(t, rsaKey))
	c := newClock()
	v := mustVerifier(t, Config{Issuer: DevIssuer, Audience: DevAudience, JWKSURL: idp.srv.URL, Logger: slog.New(slog.DiscardHandler)}, c)

	// Tokens are valid for a day, so that only the keys decide.
	token := func(method jwt.SigningMethod, key any, kid string) string {
		claims := goodClaims(c.now())
		claims["exp"] = c.now().Add(24 * time.Hour).Unix()
		return sign(t, method, key, map[string]any{"kid": kid}, claims)
	}
	k1 := token(jwt.SigningMethodRS256, k.rsa, "k1")
	k2 := token(jwt.SigningMethodES256, k.ec, "k2")
	k3 := token(jwt.SigningMethodEdDSA, k.ed, "k3")
	accept := func(t *testing.T, token string) {
		t.Helper()
		if _, err := v.Verify(ctx, token); err != nil {
			t.Fatalf("Verify: %v", err)
		}
	}
	refuse := func(t *testing.T, token string) {
		t.Helper()
		_, err := v.Verify(ctx, token)
		assertUnauthenticated(t, err, token)
	}
	hits := func(t *testing.T, want int64) {
		t.Helper()
		if got := idp.hits.Load(); got != want {
			t.Fatalf("JWKS requests = %d, want %d", got, want)
		}
	}

	t.Run("fetched once at start", func(t *testing.T) {
		hits(t, 1)
		accept(t, k1)
		accept(t, k1)
		hits(t, 1)
	})
	t.Run("a new kid within a minute of the last fetch is refused without a fetch", func(t *testing.T) {
		idp.serve(http.StatusOK, jwksJSON(t, rsaKey, ecKey))
		refuse(t, k2)
		hits(t, 1)
	})
	t.Run("a new kid after a minute triggers one fetch", func(t *testing.T) {
		c.add(61 * time.Second)
		accept(t, k2)
		hits(t, 2)
		accept(t, k1)
		hits(t, 2)
	})
	t.Run("unknown kids are rate limited", func(t *testing.T) {
		idp.serve(http.StatusOK, jwksJSON(t, rsaKey, ecKey, edKey))
		c.add(30 * time.Second)
		for range 20 {
			refuse(t, k3)
			refuse(t, token(jwt.SigningMethodRS256, k.rsa, "made-up"))
		}
		hits(t, 2)
		c.add(31 * time.Second)
		accept(t, k3)
		hits(t, 3)
	})
	t.Run("concurrent unknown kids share one fetch", func(t *testing.T) {
		c.add(61 * time.Second)
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() { v.Verify(ctx, token(jwt.SigningMethodRS256, k.rsa, "made-up")) })
		}
		wg.Wait()
		hits(t, 4)
	})
	t.Run("a failed fetch keeps the previous keys", func(t *testing.T) {
		idp.serve(http.StatusInternalServerError, []byte("down"))
		c.add(11 * time.Minute)
		accept(t, k1)
		hits(t, 5)
		accept(t, k2)
		hits(t, 5)
	})
	t.Run("a malformed set keeps the previous keys", func(t *testing.T) {
		idp.serve(http.StatusOK, jwksJSON(t, jwkOf(t, k.rsa.Public(), "k1", "HS256")))
		c.add(61 * time.Second)
		accept(t, k1)
		hits(t, 6)
	})
	t.Run("the set is refreshed after RefreshInterval and a removed key stops working", func(t *testing.T) {
		idp.serve(http.StatusOK, jwksJSON(t, ecKey, edKey))
		c.add(61 * time.Second)
		accept(t, k2) // stale for 13 minutes: this request refreshes the set
		hits(t, 7)
		refuse(t, k1)
		accept(t, k3)
		hits(t, 7)
	})
	t.Run("the set never yields an HMAC key", func(t *testing.T) {
		c.add(61 * time.Second)
		refuse(t, token(jwt.SigningMethodHS256, k.hmac, "k2"))
	})
}

func TestJWKSURLMustWorkAtStart(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   []byte
	}{
		{"server error", http.StatusInternalServerError, []byte(`{"keys":[]}`)},
		{"not a key set", http.StatusOK, []byte(`<html></html>`)},
		{"too large", http.StatusOK, make([]byte, maxJWKSBytes+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idp := newJWKSServer(t, tt.body)
			idp.serve(tt.status, tt.body)
			if v, err := NewVerifier(context.Background(), Config{JWKSURL: idp.srv.URL}); err == nil {
				t.Fatalf("NewVerifier = %v, nil; want an error", v)
			}
		})
	}
}
