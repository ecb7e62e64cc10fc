package auth

import "time"

// DefaultMaxLifetime is the longest a token may live unless Config.MaxLifetime says otherwise:
// a day, so that a leaked token is not a key for years (tokens can also be revoked, see
// Revocations, but only by an admin who knows of the leak).
const DefaultMaxLifetime = 24 * time.Hour

// checkLifetime refuses a token that lives longer than MaxLifetime, counted from
// min(iat, now) to exp. With an iat in the past that is exp - iat, the lifetime the issuer
// gave it. A token without iat cannot say how long it lives: it is accepted only once it has
// at most MaxLifetime left (exp - now), so that a ten-year token without iat is refused for
// all but its last day. Counting from now when iat is later keeps a token that claims a future
// iat from stretching its life. The leeway absorbs the issuer's clock running ahead of ours.
func (v *Verifier) checkLifetime(c *claims) error {
	from := v.now()
	if c.IssuedAt != nil && c.IssuedAt.Before(from) {
		from = c.IssuedAt.Time
	}
	life := c.ExpiresAt.Sub(from)
	if life <= v.cfg.MaxLifetime+v.cfg.Leeway {
		return nil
	}
	return unauthenticated("token lives %v, longer than this server accepts (%v): use a shorter-lived token",
		life.Round(time.Second), v.cfg.MaxLifetime)
}
