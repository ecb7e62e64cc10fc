// Package auth verifies the JWTs that callers present, mints development tokens, and carries
// the caller's identity through a request's context.
package auth

import (
	"context"
	"slices"
	"time"
)

// Role is what a token allows its bearer to do. See the role table in the README.
type Role string

// Roles.
const (
	// Admin curates the trust graph and may do everything.
	Admin Role = "admin"
	// Member acts for the businesses its user owns (ownership lives in the store).
	Member Role = "member"
	// Intake submits leads for the businesses named in its token and nothing else.
	Intake Role = "intake"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Admin || r == Member || r == Intake }

// Identity is a verified caller: the token's subject, its roles and, for intake tokens, the
// businesses it may submit leads for.
type Identity struct {
	Sub        string
	Roles      []Role
	Businesses []string
	ExpiresAt  time.Time
	// IssuedAt is the token's iat, zero when it has none: such a token cannot prove that it
	// was issued after a revocation (see Revocations).
	IssuedAt time.Time
}

// Has reports whether the identity holds the role. A nil identity (anonymous) holds none.
func (id *Identity) Has(r Role) bool { return id != nil && slices.Contains(id.Roles, r) }

type identityKey struct{}

// WithIdentity returns a context that carries the identity.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the caller's identity, or nil for an anonymous caller.
func FromContext(ctx context.Context) *Identity {
	id, _ := ctx.Value(identityKey{}).(*Identity)
	return id
}
