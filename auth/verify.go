package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partnergraph/partnergraph"
)

// Development defaults: the server configures both in development too, so that a dev token
// is checked exactly like a production one.
const (
	DevIssuer   = "partnergraph"
	DevAudience = "partnergraph"
)

// Limits on what a token may carry. A longer token is refused before it is parsed: no
// legitimate token comes near, and parsing costs memory.
const (
	maxTokenBytes = 8 << 10
	maxIDBytes    = 256
)

// Config bounds and defaults; see Config.
const (
	minHMACSecret  = 32
	defaultLeeway  = 30 * time.Second
	maxLeeway      = 60 * time.Second
	defaultRefresh = 10 * time.Minute
	minRefreshGap  = time.Minute
)

// Config says which tokens a Verifier accepts. Exactly one key source must be set:
// HMACSecret, PublicKeyPEM, JWKSFile or JWKSURL. The signature algorithm follows from the
// key type and is pinned: a token that names any other algorithm is refused.
type Config struct {
	// Issuer and Audience, when set, must match the token's iss and aud claims (a token
	// without them is refused). Set both, also in development (DevIssuer, DevAudience).
	Issuer   string
	Audience string
	// Leeway absorbs clock skew when checking exp and nbf. Zero means 30s; at most 60s.
	Leeway time.Duration
	// MaxLifetime is the longest a token may live: see checkLifetime. Zero means
	// DefaultMaxLifetime.
	MaxLifetime time.Duration

	// HMACSecret verifies (and mints) HS256 tokens. At least 32 bytes: the server refuses
	// to start with a weaker secret.
	HMACSecret []byte
	// PublicKeyPEM is one PEM public key (PKIX, PKCS#1 RSA, or a certificate): RSA of 2048
	// bits or more verifies RS256, ECDSA P-256 ES256, Ed25519 EdDSA.
	PublicKeyPEM []byte
	// KeyID names the key given by HMACSecret or PublicKeyPEM. Tokens that carry a kid
	// header must carry this one; tokens without a kid are matched to the key too.
	KeyID string
	// JWKSFile is a JSON Web Key Set read once at start.
	JWKSFile string
	// JWKSURL is a JSON Web Key Set fetched over HTTP(S) at start (the server refuses to
	// start if that fails), refetched every RefreshInterval and, when a token names an
	// unknown kid, at most once a minute.
	JWKSURL string
	// RefreshInterval is how old the JWKSURL key set may grow. Zero means 10 minutes; at
	// least one minute.
	RefreshInterval time.Duration
	// KeyHint ends the message of a 401 for a token whose signature does not verify: which
	// key this server expects and how to get a token signed with it. It is shown to any
	// caller, so it must never hold the key.
	KeyHint string
	// Logger reports failed JWKS refreshes (the previous keys stay in use). Nil means
	// slog.Default().
	Logger *slog.Logger
}

// Verifier checks tokens against the keys of its Config. It is safe for concurrent use.
type Verifier struct {
	cfg    Config
	keys   keySource
	parser *jwt.Parser
	now    func() time.Time
}

// keySource finds the key named by a token's kid ("" when the token has none) for the
// token's algorithm. ok is false when there is no such key.
type keySource interface {
	lookup(ctx context.Context, kid, alg string) (key verifyKey, ok bool)
}

// NewVerifier checks cfg and loads its keys: it reads JWKSFile or fetches JWKSURL. Its errors
// are configuration errors, not *partnergraph.Error values: the server should refuse to
// start.
func NewVerifier(ctx context.Context, cfg Config) (*Verifier, error) {
	return newVerifier(ctx, cfg, time.Now)
}

// newVerifier is NewVerifier with a clock, so that tests can move time.
func newVerifier(ctx context.Context, cfg Config, now func() time.Time) (*Verifier, error) {
	sources := 0
	for _, set := range []bool{len(cfg.HMACSecret) > 0, len(cfg.PublicKeyPEM) > 0, cfg.JWKSFile != "", cfg.JWKSURL != ""} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return nil, fmt.Errorf("auth: configure exactly one of HMACSecret, PublicKeyPEM, JWKSFile and JWKSURL (got %d)", sources)
	}
	switch {
	case cfg.Leeway == 0:
		cfg.Leeway = defaultLeeway
	case cfg.Leeway < 0 || cfg.Leeway > maxLeeway:
		return nil, fmt.Errorf("auth: leeway %v is outside 0..%v", cfg.Leeway, maxLeeway)
	}
	switch {
	case cfg.MaxLifetime == 0:
		cfg.MaxLifetime = DefaultMaxLifetime
	case cfg.MaxLifetime < 0:
		return nil, fmt.Errorf("auth: max token lifetime %v is negative", cfg.MaxLifetime)
	}
	switch {
	case cfg.RefreshInterval == 0:
		cfg.RefreshInterval = defaultRefresh
	case cfg.RefreshInterval < minRefreshGap:
		return nil, fmt.Errorf("auth: refresh interval %v is shorter than %v", cfg.RefreshInterval, minRefreshGap)
	}
	if cfg.KeyID != "" && len(cfg.HMACSecret) == 0 && len(cfg.PublicKeyPEM) == 0 {
		return nil, errors.New("auth: KeyID applies only to HMACSecret or PublicKeyPEM; a JWKS names its own keys")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}

	v := &Verifier{cfg: cfg, now: now}
	var algs []string
	switch {
	case len(cfg.HMACSecret) > 0:
		if len(cfg.HMACSecret) < minHMACSecret {
			return nil, fmt.Errorf("auth: HMAC secret has %d bytes, want at least %d", len(cfg.HMACSecret), minHMACSecret)
		}
		// A copy, so that the caller cannot change the key under a running server.
		v.cfg.HMACSecret = slices.Clone(cfg.HMACSecret)
		k := verifyKey{alg: jwt.SigningMethodHS256.Alg(), pub: v.cfg.HMACSecret}
		v.keys, algs = staticKeys{"": k, cfg.KeyID: k}, []string{k.alg}
	case len(cfg.PublicKeyPEM) > 0:
		k, err := parsePublicKeyPEM(cfg.PublicKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("auth: public key: %w", err)
		}
		v.keys, algs = staticKeys{"": k, cfg.KeyID: k}, []string{k.alg}
	case cfg.JWKSFile != "":
		set, err := readJWKSFile(cfg.JWKSFile)
		if err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		v.keys, algs = set, set.algs()
	default:
		u, err := url.Parse(cfg.JWKSURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, errors.New("auth: JWKSURL must be an http or https URL")
		}
		r := newRemoteKeys(cfg.JWKSURL, cfg.RefreshInterval, now, cfg.Logger)
		if err := r.init(ctx); err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		// The set may rotate to keys of any supported asymmetric type; lookup still
		// requires the algorithm of the key that the kid selects.
		v.keys, algs = r, asymmetricAlgs
	}

	opts := []jwt.ParserOption{
		jwt.WithValidMethods(algs),
		jwt.WithExpirationRequired(),
		// A token issued in the future was minted by a wrong clock, or to outlive its checks.
		jwt.WithIssuedAt(),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
		jwt.WithStrictDecoding(),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// claims are the token claims that PartnerGraph reads.
type claims struct {
	jwt.RegisteredClaims
	// Roles lists role names; names that are not a Role are ignored, so that an IdP may
	// carry roles of other applications in the same claim.
	Roles []string `json:"roles,omitempty"`
	// Businesses lists the business ids that an intake token may submit leads for.
	Businesses []string `json:"businesses,omitempty"`
}

// UnmarshalJSON refuses exp, nbf and iat claims that are not JSON numbers (RFC 7519's
// NumericDate): the jwt package also reads a number in a string, so "exp": "9999999999" would
// pass as a date. Keys are matched in any letter case, as encoding/json matches them.
func (c *claims) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for key, v := range raw {
		for _, name := range []string{"exp", "nbf", "iat"} {
			if strings.EqualFold(key, name) && !isJSONNumber(v) {
				return unauthenticated("token claim %s is not a number (a NumericDate: seconds since 1970)", name)
			}
		}
	}
	type plain claims // without this method
	return json.Unmarshal(b, (*plain)(c))
}

func isJSONNumber(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9')
}

// Header parameters that point at keys or make the token depend on extensions. They are
// never fetched or used; a token that carries one is refused, so that no one believes it
// worked.
var refusedHeaders = []string{"jku", "x5u", "jwk", "x5c", "crit"}

// Verify checks the token's signature against the configured keys and its claims, and returns
// the caller's identity. Every failure is a *partnergraph.Error with code EUNAUTHENTICATED
// whose message never repeats the token.
func (v *Verifier) Verify(ctx context.Context, token string) (*Identity, error) {
	if token == "" || len(token) > maxTokenBytes {
		return nil, unauthenticated("malformed token")
	}
	var c claims
	_, err := v.parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		for _, h := range refusedHeaders {
			if _, ok := t.Header[h]; ok {
				return nil, unauthenticated("token header %s is not accepted", h)
			}
		}
		kid := ""
		if raw, ok := t.Header["kid"]; ok {
			s, ok := raw.(string)
			if !ok || s == "" {
				return nil, unauthenticated("malformed token key id")
			}
			kid = s
		}
		k, ok := v.keys.lookup(ctx, kid, t.Method.Alg())
		if !ok {
			return nil, unauthenticated("unknown token key")
		}
		return k.pub, nil
	})
	if err != nil {
		if v.cfg.KeyHint != "" && errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			return nil, unauthenticated("invalid token signature: %s", v.cfg.KeyHint)
		}
		return nil, tokenError(err)
	}
	if err := v.checkLifetime(&c); err != nil {
		return nil, err
	}
	return c.identity()
}

// identity checks the claims that the jwt package does not know about.
func (c *claims) identity() (*Identity, error) {
	if !validID(c.Subject) {
		return nil, unauthenticated("token subject is missing or malformed")
	}
	id := &Identity{Sub: c.Subject, ExpiresAt: c.ExpiresAt.Time}
	if c.IssuedAt != nil {
		id.IssuedAt = c.IssuedAt.Time
	}
	for _, name := range c.Roles {
		if r := Role(name); r.Valid() && !slices.Contains(id.Roles, r) {
			id.Roles = append(id.Roles, r)
		}
	}
	for _, b := range c.Businesses {
		if !validID(b) {
			return nil, unauthenticated("token businesses claim is malformed")
		}
	}
	id.Businesses = c.Businesses
	return id, nil
}

// validID reports whether s may be a subject or a business id: 1 to 256 bytes, without
// control characters, which have no place in an id and would let a token forge log lines.
func validID(s string) bool {
	return s != "" && len(s) <= maxIDBytes && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// tokenError turns a jwt error into a short EUNAUTHENTICATED error. The jwt package's own
// messages are not passed on: some quote header values from the token.
func tokenError(err error) error {
	var pe *partnergraph.Error
	if errors.As(err, &pe) {
		return pe
	}
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return unauthenticated("malformed token")
	case errors.Is(err, jwt.ErrTokenUnverifiable), errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return unauthenticated("invalid token signature")
	case errors.Is(err, jwt.ErrTokenExpired):
		return unauthenticated("token expired")
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return unauthenticated("token claim iat is in the future")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return unauthenticated("token not valid yet")
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return unauthenticated("wrong token issuer")
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return unauthenticated("wrong token audience")
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return unauthenticated("token lacks a required claim")
	}
	return unauthenticated("invalid token")
}

func unauthenticated(format string, args ...any) *partnergraph.Error {
	return partnergraph.Errorf(partnergraph.EUNAUTHENTICATED, format, args...)
}
