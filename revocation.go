package partnergraph

import (
	"context"
	"time"
)

// maxSubjectBytes bounds a token subject, as token verification does.
const maxSubjectBytes = 256

// TokenRevocations keeps, per token subject, the time before which that subject's tokens are
// revoked. A revocation is never undone: the recorded time only moves forward.
type TokenRevocations interface {
	// RevokeTokens records that the subject's tokens issued before the time are revoked and
	// returns the time recorded, which is the later of before and any earlier revocation's.
	// EINVALID (see CheckRevocation).
	RevokeTokens(ctx context.Context, subject string, before time.Time) (time.Time, error)
	// TokensRevokedBefore returns the time before which the subject's tokens are revoked, in
	// UTC, or the zero time if they never were.
	TokensRevokedBefore(ctx context.Context, subject string) (time.Time, error)
}

// CheckRevocation returns EINVALID naming "subject" unless it has 1 to 256 bytes, or naming
// "before" when the time is zero.
func CheckRevocation(subject string, before time.Time) error {
	if subject == "" || len(subject) > maxSubjectBytes {
		return Invalidf("subject", "must have 1 to %d bytes", maxSubjectBytes)
	}
	if before.IsZero() {
		return Invalidf("before", "must be set")
	}
	return nil
}
