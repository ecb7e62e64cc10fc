package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/partnergraph/partnergraph"
)

// RevokeTokens implements partnergraph.Store. The upsert keeps the later time in one statement,
// so concurrent revocations of a subject end at the latest of them.
func (s *Store) RevokeTokens(ctx context.Context, subject string, before time.Time) (time.Time, error) {
	if err := partnergraph.CheckRevocation(subject, before); err != nil {
		return time.Time{}, err
	}
	var recorded int64
	err := s.write(ctx, func(tx *txn) error {
		return tx.QueryRowContext(ctx, `INSERT INTO token_revocations (subject, revoked_before) VALUES (?, ?)
			ON CONFLICT (subject) DO UPDATE SET revoked_before = max(revoked_before, excluded.revoked_before)
			RETURNING revoked_before`, subject, before.UnixNano()).Scan(&recorded)
	})
	if err != nil {
		return time.Time{}, wrap("revoke tokens", err)
	}
	return fromNanos(recorded), nil
}

// TokensRevokedBefore implements partnergraph.Store.
func (s *Store) TokensRevokedBefore(ctx context.Context, subject string) (time.Time, error) {
	var before int64
	err := s.r.QueryRowContext(ctx, `SELECT revoked_before FROM token_revocations WHERE subject = ?`, subject).Scan(&before)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, wrap("read token revocation", err)
	}
	return fromNanos(before), nil
}
