package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	minRSABits   = 2048
	maxJWKSBytes = 1 << 20
	fetchTimeout = 10 * time.Second
)

// asymmetricAlgs are the algorithms a key set may hold keys for. HS256 is not one: a
// symmetric key has no place in a published key set.
var asymmetricAlgs = []string{
	jwt.SigningMethodRS256.Alg(),
	jwt.SigningMethodES256.Alg(),
	jwt.SigningMethodEdDSA.Alg(),
}

// verifyKey is a key with the one algorithm it may verify.
type verifyKey struct {
	alg string
	pub any // []byte, *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey, as jwt expects
}

// staticKeys are keys by kid that do not change while the server runs.
type staticKeys map[string]verifyKey

func (s staticKeys) lookup(_ context.Context, kid, alg string) (verifyKey, bool) {
	k, ok := s[kid]
	return k, ok && k.alg == alg
}

// algs returns the algorithms of the keys, each once.
func (s staticKeys) algs() []string {
	var algs []string
	for _, k := range s {
		if !slices.Contains(algs, k.alg) {
			algs = append(algs, k.alg)
		}
	}
	return algs
}

// publicKey pins a public key to the one algorithm its type implies. RSA keys shorter than
// 2048 bits and curves other than P-256 are refused.
func publicKey(pub any) (verifyKey, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return verifyKey{}, fmt.Errorf("RSA key has %d bits, want at least %d", k.N.BitLen(), minRSABits)
		}
		return verifyKey{alg: jwt.SigningMethodRS256.Alg(), pub: k}, nil
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return verifyKey{}, errors.New("ECDSA key is not on curve P-256")
		}
		return verifyKey{alg: jwt.SigningMethodES256.Alg(), pub: k}, nil
	case ed25519.PublicKey:
		return verifyKey{alg: jwt.SigningMethodEdDSA.Alg(), pub: k}, nil
	}
	return verifyKey{}, fmt.Errorf("unsupported key type %T", pub)
}

// parsePublicKeyPEM reads the one public key of a PEM document. Several keys belong in a
// JWKS, where each has a kid.
func parsePublicKeyPEM(data []byte) (verifyKey, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return verifyKey{}, errors.New("no PEM block")
	}
	if next, _ := pem.Decode(rest); next != nil {
		return verifyKey{}, errors.New("more than one PEM block; use a JWKS for several keys")
	}
	var pub any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			pub = cert.PublicKey
		}
	default:
		return verifyKey{}, fmt.Errorf("PEM block %q is not a public key", block.Type)
	}
	if err != nil {
		return verifyKey{}, err
	}
	return publicKey(pub)
}

// jwk holds the members of a JSON Web Key (RFC 7517, 7518, 8037) that are read.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Crv string `json:"crv"`
	N   string `json:"n"`
	E   string `json:"e"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS reads a key set. Keys meant for encryption, of other types (including the
// symmetric "oct"), on other curves or for other algorithms are skipped, so that an IdP's
// full set can be used as published; a key of a supported type whose alg names another
// algorithm, or whose material is malformed, fails the whole set. Two keys with one kid fail
// it too: the kid must select one key.
func parseJWKS(data []byte) (staticKeys, error) {
	var doc struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("malformed JWKS: %w", err)
	}
	set := staticKeys{}
	for i, j := range doc.Keys {
		if j.Use != "" && j.Use != "sig" {
			continue
		}
		var pub any
		var err error
		switch {
		case j.Kty == "RSA":
			pub, err = j.rsa()
		case j.Kty == "EC" && j.Crv == "P-256":
			pub, err = j.ecdsa()
		case j.Kty == "OKP" && j.Crv == "Ed25519":
			pub, err = j.ed25519()
		default:
			continue
		}
		var k verifyKey
		if err == nil {
			k, err = publicKey(pub)
		}
		if err == nil && j.Alg != "" && j.Alg != k.alg {
			err = fmt.Errorf("alg %q does not match key type %s (%s)", j.Alg, j.Kty, k.alg)
		}
		if err != nil {
			return nil, fmt.Errorf("JWKS key %d (kid %q): %w", i, j.Kid, err)
		}
		if _, dup := set[j.Kid]; dup {
			return nil, fmt.Errorf("JWKS has two signing keys with kid %q", j.Kid)
		}
		set[j.Kid] = k
	}
	if len(set) == 0 {
		return nil, errors.New("JWKS has no RS256, ES256 or EdDSA signing key")
	}
	return set, nil
}

func (j jwk) rsa() (*rsa.PublicKey, error) {
	n, err := b64(j.N)
	if err != nil {
		return nil, fmt.Errorf("n: %w", err)
	}
	e, err := b64(j.E)
	if err != nil {
		return nil, fmt.Errorf("e: %w", err)
	}
	eInt := new(big.Int).SetBytes(e)
	if !eInt.IsInt64() || eInt.Int64() < 3 || eInt.Int64() > 1<<31-1 || eInt.Bit(0) == 0 {
		return nil, errors.New("e is not a usable RSA exponent")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(eInt.Int64())}, nil
}

func (j jwk) ecdsa() (*ecdsa.PublicKey, error) {
	x, err := b64(j.X)
	if err != nil {
		return nil, fmt.Errorf("x: %w", err)
	}
	y, err := b64(j.Y)
	if err != nil {
		return nil, fmt.Errorf("y: %w", err)
	}
	if len(x) != 32 || len(y) != 32 {
		return nil, errors.New("P-256 coordinates must have 32 bytes")
	}
	// ParseUncompressedPublicKey also checks that the point is on the curve.
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), slices.Concat([]byte{4}, x, y))
}

func (j jwk) ed25519() (ed25519.PublicKey, error) {
	x, err := b64(j.X)
	if err != nil {
		return nil, fmt.Errorf("x: %w", err)
	}
	if len(x) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("Ed25519 key must have %d bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(x), nil
}

func b64(s string) ([]byte, error) { return base64.RawURLEncoding.Strict().DecodeString(s) }

func readJWKSFile(path string) (staticKeys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read JWKS: %w", err)
	}
	set, err := parseJWKS(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return set, nil
}

// remoteKeys is a key set fetched from a URL and cached. A fetch happens when the set is
// older than every, or when a token names a kid that the set lacks; never more than once a
// minute, so that tokens with made-up kids cannot make the server hammer the IdP. A failed
// fetch keeps the previous set.
type remoteKeys struct {
	url    string
	every  time.Duration
	now    func() time.Time
	log    *slog.Logger
	client *http.Client

	fetching sync.Mutex // held for a whole fetch, so that one runs at a time

	mu      sync.Mutex // guards the fields below
	set     staticKeys
	fetched time.Time // of the current set
	tried   time.Time // last fetch, successful or not
}

func newRemoteKeys(url string, every time.Duration, now func() time.Time, log *slog.Logger) *remoteKeys {
	return &remoteKeys{
		url:    url,
		every:  every,
		now:    now,
		log:    log,
		client: &http.Client{Timeout: fetchTimeout},
	}
}

// init fetches the first set; the server does not start without it.
func (r *remoteKeys) init(ctx context.Context) error {
	set, err := r.fetch(ctx)
	if err != nil {
		return err
	}
	now := r.now()
	r.set, r.fetched, r.tried = set, now, now
	return nil
}

func (r *remoteKeys) lookup(ctx context.Context, kid, alg string) (verifyKey, bool) {
	// A shared fetch must not fail because the request that happened to start it went away.
	ctx = context.WithoutCancel(ctx)
	set, fetched := r.current()
	if r.now().Sub(fetched) >= r.every {
		// Others go on with the current set while one goroutine refreshes it.
		if r.fetching.TryLock() {
			r.refresh(ctx)
			r.fetching.Unlock()
			set, _ = r.current()
		}
	}
	if k, ok := set.lookup(ctx, kid, alg); ok {
		return k, true
	}
	// An unknown kid may be a rotated key: wait for a fetch in progress, or start one.
	r.fetching.Lock()
	r.refresh(ctx)
	r.fetching.Unlock()
	set, _ = r.current()
	return set.lookup(ctx, kid, alg)
}

func (r *remoteKeys) current() (staticKeys, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.set, r.fetched
}

// refresh fetches the set unless a fetch was tried in the last minute. The caller holds
// r.fetching.
func (r *remoteKeys) refresh(ctx context.Context) {
	now := r.now()
	r.mu.Lock()
	recent := now.Sub(r.tried) < minRefreshGap
	if !recent {
		r.tried = now
	}
	r.mu.Unlock()
	if recent {
		return
	}
	set, err := r.fetch(ctx)
	if err != nil {
		r.log.WarnContext(ctx, "auth: JWKS refresh failed; keeping the previous keys", "err", err)
		return
	}
	r.mu.Lock()
	r.set, r.fetched = set, now
	r.mu.Unlock()
}

func (r *remoteKeys) fetch(ctx context.Context) (staticKeys, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch JWKS %s: status %s", r.url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS %s: %w", r.url, err)
	}
	if len(data) > maxJWKSBytes {
		return nil, fmt.Errorf("fetch JWKS %s: larger than %d bytes", r.url, maxJWKSBytes)
	}
	set, err := parseJWKS(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.url, err)
	}
	return set, nil
}
