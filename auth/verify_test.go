package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestNewVerifierRefusesBadConfig(t *testing.T) {
	k := keys()
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(k.ec)
	if err != nil {
		t.Fatal(err)
	}
	privPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER})
	twoKeys := append(pemOf(t, k.rsa.Public()), pemOf(t, k.ec.Public())...)

	tests := []struct {
		name string
		cfg  Config
	}{
		{"no key source", Config{Issuer: DevIssuer}},
		{"two key sources", Config{HMACSecret: k.hmac, PublicKeyPEM: pemOf(t, k.rsa.Public())}},
		{"HMAC and JWKS URL", Config{HMACSecret: k.hmac, JWKSURL: "https://idp.example/jwks"}},
		{"weak HMAC secret", Config{HMACSecret: []byte(strings.Repeat("x", 31))}},
		{"leeway over 60s", Config{HMACSecret: k.hmac, Leeway: 61 * time.Second}},
		{"negative leeway", Config{HMACSecret: k.hmac, Leeway: -time.Second}},
		{"refresh under a minute", Config{HMACSecret: k.hmac, RefreshInterval: 30 * time.Second}},
		{"KeyID with a JWKS", Config{JWKSURL: "https://idp.example/jwks", KeyID: "k1"}},
		{"PEM is garbage", Config{PublicKeyPEM: []byte("not pem")}},
		{"PEM is a private key", Config{PublicKeyPEM: privPEM}},
		{"PEM holds two keys", Config{PublicKeyPEM: twoKeys}},
		{"RSA key under 2048 bits", Config{PublicKeyPEM: pemOf(t, rsa1024.Public())}},
		{"ECDSA key on P-384", Config{PublicKeyPEM: pemOf(t, p384.Public())}},
		{"JWKS file missing", Config{JWKSFile: t.TempDir() + "/missing.json"}},
		{"JWKS URL with file scheme", Config{JWKSURL: "file:///etc/passwd"}},
		{"JWKS URL without host", Config{JWKSURL: "https:///jwks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVerifier(context.Background(), tt.cfg)
			if err == nil {
				t.Fatalf("NewVerifier = %v, nil; want an error", v)
			}
		})
	}
}

func TestNewVerifierAcceptsEachKeyType(t *testing.T) {
	k := keys()
	tests := []struct {
		name string
		cfg  Config
		alg  string
	}{
		{"HMAC secret of 32 bytes", Config{HMACSecret: []byte(strings.Repeat("x", 32))}, "HS256"},
		{"RSA", Config{PublicKeyPEM: pemOf(t, k.rsa.Public())}, "RS256"},
		{"RSA PKCS#1", Config{PublicKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.rsa.PublicKey)})}, "RS256"},
		{"ECDSA P-256", Config{PublicKeyPEM: pemOf(t, k.ec.Public())}, "ES256"},
		{"Ed25519", Config{PublicKeyPEM: pemOf(t, k.ed.Public())}, "EdDSA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVerifier(context.Background(), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.keys.(staticKeys).algs(); !slices.Equal(got, []string{tt.alg}) {
				t.Errorf("algs = %v, want [%s]", got, tt.alg)
			}
			if v.cfg.Leeway != defaultLeeway {
				t.Errorf("leeway = %v, want %v", v.cfg.Leeway, defaultLeeway)
			}
		})
	}
}

// TestVerifyRefusesAttacks runs every attack against the development verifier and checks that
// a valid token keeps working after each.
func TestVerifyRefusesAttacks(t *testing.T) {
	k := keys()
	c := newClock()
	v := mustVerifier(t, devConfig(), c)
	now := c.now()
	good := sign(t, jwt.SigningMethodHS256, k.hmac, nil, goodClaims(now))
	goodParts := strings.Split(good, ".")
	ctx := context.Background()

	with := func(changes jwt.MapClaims) jwt.MapClaims {
		m := goodClaims(now)
		for name, val := range changes {
			if val == nil {
				delete(m, name)
				continue
			}
			m[name] = val
		}
		return m
	}
	hs256 := func(changes jwt.MapClaims) string {
		return sign(t, jwt.SigningMethodHS256, k.hmac, nil, with(changes))
	}
	withHeader := func(header map[string]any) string {
		return sign(t, jwt.SigningMethodHS256, k.hmac, header, goodClaims(now))
	}
	sigBytes, err := base64.RawURLEncoding.DecodeString(goodParts[2])
	if err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(sigBytes)
	flipped[len(flipped)/2] ^= 0x01

	type attack struct {
		name  string
		token string
	}
	var attacks []attack
	for _, alg := range []string{"none", "None", "NONE", "nOnE"} {
		h := map[string]any{"alg": alg, "typ": "JWT"}
		signingInput := seg(t, h) + "." + seg(t, goodClaims(now))
		mac, err := jwt.SigningMethodHS256.Sign(signingInput, k.hmac)
		if err != nil {
			t.Fatal(err)
		}
		attacks = append(attacks,
			attack{"alg " + alg + " empty signature", signingInput + "."},
			attack{"alg " + alg + " junk signature", signingInput + ".c2ln"},
			attack{"alg " + alg + " HMAC signature", signingInput + "." + base64.RawURLEncoding.EncodeToString(mac)},
			attack{"alg " + alg + " no signature segment", signingInput},
		)
	}
	attacks = append(attacks, []attack{
		{"empty token", ""},
		{"one segment", "abc"},
		{"four segments", good + ".x"},
		{"oversized token", good + strings.Repeat("A", maxTokenBytes)},
		{"empty signature", goodParts[0] + "." + goodParts[1] + "."},
		{"signature null", goodParts[0] + "." + goodParts[1] + ".null"},
		{"signature truncated", good[:len(good)-4]},
		{"signature bit flipped", goodParts[0] + "." + goodParts[1] + "." + base64.RawURLEncoding.EncodeToString(flipped)},
		{"signature padded", good + "="},
		{"signature of claims changed after signing", goodParts[0] + "." + seg(t, with(jwt.MapClaims{"roles": []string{"admin"}})) + "." + goodParts[2]},
		{"signed with another secret", sign(t, jwt.SigningMethodHS256, k.otherHMAC, nil, goodClaims(now))},
		{"HS384 with the right secret", sign(t, jwt.SigningMethodHS384, k.hmac, nil, goodClaims(now))},
		{"HS512 with the right secret", sign(t, jwt.SigningMethodHS512, k.hmac, nil, goodClaims(now))},
		{"RS256 with an attacker key", sign(t, jwt.SigningMethodRS256, k.otherRSA, nil, goodClaims(now))},
		{"exp missing", hs256(jwt.MapClaims{"exp": nil})},
		{"exp as a string", hs256(jwt.MapClaims{"exp": "tomorrow"})},
		{"expired beyond the leeway", hs256(jwt.MapClaims{"exp": now.Add(-defaultLeeway - 2*time.Second).Unix()})},
		{"nbf in the future", hs256(jwt.MapClaims{"nbf": now.Add(2 * time.Minute).Unix()})},
		{"iss wrong", hs256(jwt.MapClaims{"iss": "https://evil.example"})},
		{"iss missing", hs256(jwt.MapClaims{"iss": nil})},
		{"aud wrong", hs256(jwt.MapClaims{"aud": "other-app"})},
		{"aud wrong in a list", hs256(jwt.MapClaims{"aud": []string{"other-app", "third-app"}})},
		{"aud missing", hs256(jwt.MapClaims{"aud": nil})},
		{"sub missing", hs256(jwt.MapClaims{"sub": nil})},
		{"sub empty", hs256(jwt.MapClaims{"sub": ""})},
		{"sub too long", hs256(jwt.MapClaims{"sub": strings.Repeat("s", maxIDBytes+1)})},
		{"sub with a newline", hs256(jwt.MapClaims{"sub": "user-1\nlevel=admin"})},
		{"sub a number", hs256(jwt.MapClaims{"sub": 42})},
		{"roles a string", hs256(jwt.MapClaims{"roles": "admin"})},
		{"businesses with an empty id", hs256(jwt.MapClaims{"businesses": []string{"b1", ""}})},
		{"kid unknown", withHeader(map[string]any{"kid": "k-unknown"})},
		{"kid path traversal", withHeader(map[string]any{"kid": "../../etc/passwd"})},
		{"kid SQL", withHeader(map[string]any{"kid": "' OR 1=1 --"})},
		{"kid URL", withHeader(map[string]any{"kid": "https://evil.example/key"})},
		{"kid empty", withHeader(map[string]any{"kid": ""})},
		{"kid a number", withHeader(map[string]any{"kid": 7})},
		{"jku header", withHeader(map[string]any{"jku": "https://evil.example/jwks"})},
		{"x5u header", withHeader(map[string]any{"x5u": "https://evil.example/cert"})},
		{"jwk header", withHeader(map[string]any{"jwk": jwkOf(t, k.otherRSA.Public(), "", "")})},
		{"x5c header", withHeader(map[string]any{"x5c": []string{"MIIB"}})},
		{"crit header", withHeader(map[string]any{"crit": []string{"exp"}})},
		{"alg missing", withHeader(map[string]any{"alg": nil})},
	}...)

	if _, err := v.Verify(ctx, good); err != nil {
		t.Fatalf("valid token refused before the attacks: %v", err)
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			id, err := v.Verify(ctx, a.token)
			if err == nil {
				t.Fatalf("Verify accepted the attack: %+v", id)
			}
			if id != nil {
				t.Errorf("Verify returned an identity with an error: %+v", id)
			}
			assertUnauthenticated(t, err, a.token)
			if _, err := v.Verify(ctx, good); err != nil {
				t.Fatalf("valid token refused after the attack: %v", err)
			}
		})
	}
}

func TestVerifyTimeClaims(t *testing.T) {
	k := keys()
	c := newClock()
	v := mustVerifier(t, devConfig(), c)
	now := c.now()
	tests := []struct {
		name   string
		exp    time.Time
		nbf    time.Time
		accept bool
	}{
		{"valid", now.Add(time.Minute), time.Time{}, true},
		{"expired within the leeway", now.Add(-defaultLeeway + 5*time.Second), time.Time{}, true},
		{"expired beyond the leeway", now.Add(-defaultLeeway - 5*time.Second), time.Time{}, false},
		{"nbf passed", now.Add(time.Minute), now.Add(-time.Minute), true},
		{"nbf within the leeway", now.Add(time.Minute), now.Add(defaultLeeway - 5*time.Second), true},
		{"nbf beyond the leeway", now.Add(time.Minute), now.Add(defaultLeeway + 5*time.Second), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims := goodClaims(now)
			claims["exp"] = tt.exp.Unix()
			if !tt.nbf.IsZero() {
				claims["nbf"] = tt.nbf.Unix()
			}
			token := sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims)
			id, err := v.Verify(context.Background(), token)
			if !tt.accept {
				assertUnauthenticated(t, err, token)
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !id.ExpiresAt.Equal(tt.exp) {
				t.Errorf("ExpiresAt = %v, want %v", id.ExpiresAt, tt.exp)
			}
		})
	}
}

func TestVerifyLeewayIsConfigurable(t *testing.T) {
	k := keys()
	c := newClock()
	cfg := devConfig()
	cfg.Leeway = 5 * time.Second
	v := mustVerifier(t, cfg, c)
	claims := goodClaims(c.now())
	claims["exp"] = c.now().Add(-10 * time.Second).Unix()
	token := sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims)
	_, err := v.Verify(context.Background(), token)
	assertUnauthenticated(t, err, token)
}

func TestVerifyIdentity(t *testing.T) {
	k := keys()
	c := newClock()
	v := mustVerifier(t, devConfig(), c)
	claims := goodClaims(c.now())
	claims["sub"] = "auth0|abc"
	claims["roles"] = []string{"intake", "billing", "member", "intake", "ADMIN"}
	claims["businesses"] = []string{"b1", "b2"}
	claims["aud"] = []string{"other-app", DevAudience}
	id, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims))
	if err != nil {
		t.Fatal(err)
	}
	if id.Sub != "auth0|abc" {
		t.Errorf("Sub = %q, want auth0|abc", id.Sub)
	}
	if want := []Role{Intake, Member}; !slices.Equal(id.Roles, want) {
		t.Errorf("Roles = %v, want %v (unknown roles ignored, no duplicates)", id.Roles, want)
	}
	if want := []string{"b1", "b2"}; !slices.Equal(id.Businesses, want) {
		t.Errorf("Businesses = %v, want %v", id.Businesses, want)
	}
	if !id.Has(Member) || id.Has(Admin) {
		t.Errorf("Has(Member), Has(Admin) = %v, %v; want true, false", id.Has(Member), id.Has(Admin))
	}
}

func TestVerifyWithoutIssuerAndAudience(t *testing.T) {
	k := keys()
	c := newClock()
	v := mustVerifier(t, Config{HMACSecret: k.hmac}, c)
	claims := goodClaims(c.now())
	delete(claims, "iss")
	delete(claims, "aud")
	if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims)); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

// TestVerifyKeyConfusion signs HS256 tokens with the RSA public key's PEM bytes as the HMAC
// secret: a verifier that let the token pick the algorithm would accept them.
func TestVerifyKeyConfusion(t *testing.T) {
	k := keys()
	c := newClock()
	pubPEM := pemOf(t, k.rsa.Public())
	v := mustVerifier(t, Config{Issuer: DevIssuer, Audience: DevAudience, PublicKeyPEM: pubPEM}, c)
	now := c.now()
	good := sign(t, jwt.SigningMethodRS256, k.rsa, nil, goodClaims(now))
	der, err := x509.MarshalPKIXPublicKey(k.rsa.Public())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		secret []byte
		method jwt.SigningMethod
	}{
		{"HS256 with the PEM", pubPEM, jwt.SigningMethodHS256},
		{"HS256 with the PEM without its last newline", pubPEM[:len(pubPEM)-1], jwt.SigningMethodHS256},
		{"HS256 with the DER", der, jwt.SigningMethodHS256},
		{"HS512 with the PEM", pubPEM, jwt.SigningMethodHS512},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := sign(t, tt.method, tt.secret, nil, goodClaims(now))
			_, err := v.Verify(context.Background(), token)
			assertUnauthenticated(t, err, token)
			if _, err := v.Verify(context.Background(), good); err != nil {
				t.Fatalf("valid RS256 token refused: %v", err)
			}
		})
	}
	t.Run("PS256 with the right RSA key", func(t *testing.T) {
		token := sign(t, jwt.SigningMethodPS256, k.rsa, nil, goodClaims(now))
		_, err := v.Verify(context.Background(), token)
		assertUnauthenticated(t, err, token)
	})
}

// TestVerifyAlgorithms checks every verifier against tokens of every algorithm: each accepts
// only its own.
func TestVerifyAlgorithms(t *testing.T) {
	k := keys()
	c := newClock()
	now := c.now()
	type signer struct {
		alg    string
		method jwt.SigningMethod
		key    any
	}
	signers := []signer{
		{"HS256", jwt.SigningMethodHS256, k.hmac},
		{"RS256", jwt.SigningMethodRS256, k.rsa},
		{"ES256", jwt.SigningMethodES256, k.ec},
		{"EdDSA", jwt.SigningMethodEdDSA, k.ed},
	}
	verifiers := map[string]Config{
		"HS256": devConfig(),
		"RS256": {Issuer: DevIssuer, Audience: DevAudience, PublicKeyPEM: pemOf(t, k.rsa.Public())},
		"ES256": {Issuer: DevIssuer, Audience: DevAudience, PublicKeyPEM: pemOf(t, k.ec.Public())},
		"EdDSA": {Issuer: DevIssuer, Audience: DevAudience, PublicKeyPEM: pemOf(t, k.ed.Public())},
	}
	for valg, cfg := range verifiers {
		v := mustVerifier(t, cfg, c)
		for _, s := range signers {
			t.Run(valg+" verifier/"+s.alg+" token", func(t *testing.T) {
				token := sign(t, s.method, s.key, nil, goodClaims(now))
				id, err := v.Verify(context.Background(), token)
				if s.alg != valg {
					assertUnauthenticated(t, err, token)
					return
				}
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if id.Sub != "user-1" {
					t.Errorf("Sub = %q, want user-1", id.Sub)
				}
			})
		}
	}
	t.Run("ES256 token from another P-256 key", func(t *testing.T) {
		v := mustVerifier(t, verifiers["ES256"], c)
		token := sign(t, jwt.SigningMethodES256, k.otherEC, nil, goodClaims(now))
		_, err := v.Verify(context.Background(), token)
		assertUnauthenticated(t, err, token)
	})
	t.Run("EdDSA token from another Ed25519 key", func(t *testing.T) {
		v := mustVerifier(t, verifiers["EdDSA"], c)
		token := sign(t, jwt.SigningMethodEdDSA, k.otherEd, nil, goodClaims(now))
		_, err := v.Verify(context.Background(), token)
		assertUnauthenticated(t, err, token)
	})
}

func TestVerifyKeyID(t *testing.T) {
	k := keys()
	c := newClock()
	cfg := devConfig()
	cfg.KeyID = "dev-1"
	v := mustVerifier(t, cfg, c)
	now := c.now()
	tests := []struct {
		name   string
		kid    any
		accept bool
	}{
		{"the configured kid", "dev-1", true},
		{"no kid", nil, true},
		{"another kid", "dev-2", false},
		{"kid differing in case", "DEV-1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := sign(t, jwt.SigningMethodHS256, k.hmac, map[string]any{"kid": tt.kid}, goodClaims(now))
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

// TestVerifyNeverFetchesHeaderURLs points jku and x5u at a listener that serves the attacker's
// key, and checks that no verifier ever asks it.
func TestVerifyNeverFetchesHeaderURLs(t *testing.T) {
	k := keys()
	c := newClock()
	now := c.now()
	var hits atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write(jwksJSON(t, jwkOf(t, k.otherRSA.Public(), "evil", "RS256")))
	}))
	defer evil.Close()
	idp := newJWKSServer(t, jwksJSON(t, jwkOf(t, k.rsa.Public(), "good", "RS256")))

	verifiers := map[string]*Verifier{
		"PEM":       mustVerifier(t, Config{Issuer: DevIssuer, Audience: DevAudience, PublicKeyPEM: pemOf(t, k.rsa.Public())}, c),
		"JWKS URL":  mustVerifier(t, Config{Issuer: DevIssuer, Audience: DevAudience, JWKSURL: idp.srv.URL}, c),
		"dev HMAC":  mustVerifier(t, devConfig(), c),
		"JWKS file": mustVerifier(t, Config{Issuer: DevIssuer, Audience: DevAudience, JWKSFile: writeFile(t, jwksJSON(t, jwkOf(t, k.rsa.Public(), "good", "RS256")))}, c),
	}
	headers := map[string]map[string]any{
		"jku":               {"jku": evil.URL + "/jwks"},
		"x5u":               {"x5u": evil.URL + "/cert"},
		"jku and kid":       {"jku": evil.URL + "/jwks", "kid": "evil"},
		"x5u and kid":       {"x5u": evil.URL + "/cert", "kid": "evil"},
		"kid is the URL":    {"kid": evil.URL + "/jwks"},
		"jku with good kid": {"jku": evil.URL + "/jwks", "kid": "good"},
	}
	for vname, v := range verifiers {
		for hname, h := range headers {
			t.Run(vname+"/"+hname, func(t *testing.T) {
				for _, key := range []any{k.otherRSA, k.rsa} {
					token := sign(t, jwt.SigningMethodRS256, key, h, goodClaims(now))
					_, err := v.Verify(context.Background(), token)
					assertUnauthenticated(t, err, token)
				}
			})
		}
	}
	if got := hits.Load(); got != 0 {
		t.Errorf("the jku/x5u listener got %d requests, want 0", got)
	}
}

// TestVerifyMessages pins the messages that clients see for the common failures.
func TestVerifyMessages(t *testing.T) {
	k := keys()
	c := newClock()
	v := mustVerifier(t, devConfig(), c)
	now := c.now()
	claims := func(name string, val any) jwt.MapClaims {
		m := goodClaims(now)
		m[name] = val
		return m
	}
	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"garbage", "a.b.c", "malformed token"},
		{"expired", sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims("exp", now.Add(-time.Hour).Unix())), "token expired"},
		{"not yet valid", sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims("nbf", now.Add(time.Hour).Unix())), "token not valid yet"},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims("iss", "x")), "wrong token issuer"},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims("aud", "x")), "wrong token audience"},
		{"bad signature", sign(t, jwt.SigningMethodHS256, k.otherHMAC, nil, goodClaims(now)), "invalid token signature"},
		{"unknown kid", sign(t, jwt.SigningMethodHS256, k.hmac, map[string]any{"kid": "x"}, goodClaims(now)), "unknown token key"},
		{"jku", sign(t, jwt.SigningMethodHS256, k.hmac, map[string]any{"jku": "http://127.0.0.1/"}, goodClaims(now)), "token header jku is not accepted"},
		{"no subject", sign(t, jwt.SigningMethodHS256, k.hmac, nil, claims("sub", "")), "token subject is missing or malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), tt.token)
			if got := assertCode(t, err); got != tt.want {
				t.Errorf("message = %q, want %q", got, tt.want)
			}
		})
	}
}
