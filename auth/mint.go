package auth

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partnergraph/partnergraph"
)

// Mint signs an HS256 token for id that expires ttl from now, for development and tests (it
// backs `partnergraph token`). The token carries the configured issuer, audience and KeyID,
// so that this verifier accepts it; id.ExpiresAt is ignored. Minting needs the HMAC secret:
// with a public key or a JWKS the IdP mints, and Mint returns a plain error. A subject that
// Verify would refuse, an unknown role, a malformed business id or a ttl that is not positive
// is an EINVALID error naming the field ("sub", "roles", "businesses", "ttl"), and so is a ttl
// longer than the Config's MaxLifetime.
func (v *Verifier) Mint(id Identity, ttl time.Duration) (string, error) {
	if len(v.cfg.HMACSecret) == 0 {
		return "", errors.New("auth: minting needs an HMAC secret")
	}
	if ttl <= 0 {
		return "", partnergraph.Invalidf("ttl", "must be positive")
	}
	if ttl > v.cfg.MaxLifetime {
		return "", partnergraph.Invalidf("ttl", "%v is longer than the %v that tokens may live (MaxLifetime)", ttl, v.cfg.MaxLifetime)
	}
	// Refuse here what Verify would refuse, rather than hand out a token that never works.
	if !validID(id.Sub) {
		return "", partnergraph.Invalidf("sub", "must have 1 to %d bytes and no control characters", maxIDBytes)
	}
	for _, b := range id.Businesses {
		if !validID(b) {
			return "", partnergraph.Invalidf("businesses", "ids must have 1 to %d bytes and no control characters", maxIDBytes)
		}
	}
	now := v.now()
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    v.cfg.Issuer,
			Subject:   id.Sub,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Businesses: id.Businesses,
	}
	if v.cfg.Audience != "" {
		c.Audience = jwt.ClaimStrings{v.cfg.Audience}
	}
	for _, r := range id.Roles {
		if !r.Valid() {
			return "", partnergraph.Invalidf("roles", "unknown role %q", r)
		}
		c.Roles = append(c.Roles, string(r))
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	if v.cfg.KeyID != "" {
		t.Header["kid"] = v.cfg.KeyID
	}
	return t.SignedString(v.cfg.HMACSecret)
}
