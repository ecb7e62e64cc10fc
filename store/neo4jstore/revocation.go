package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// RevokeTokens implements partnergraph.Store.
func (s *Store) RevokeTokens(ctx context.Context, subject string, before time.Time) (time.Time, error) {
	if err := partnergraph.CheckRevocation(subject, before); err != nil {
		return time.Time{}, err
	}
	recorded, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (time.Time, error) {
		recs, err := run(ctx, tx, tokenRevoke, map[string]any{"subject": subject, "before": before.UTC()})
		if err != nil || len(recs) == 0 {
			return time.Time{}, err
		}
		v := values{m: recs[0].AsMap()}
		return v.time("revokedBefore"), v.err
	})
	return recorded, wrap("revoke tokens", err)
}

// TokensRevokedBefore implements partnergraph.Store.
func (s *Store) TokensRevokedBefore(ctx context.Context, subject string) (time.Time, error) {
	before, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (time.Time, error) {
		recs, err := run(ctx, tx, tokenRevokedBefore, map[string]any{"subject": subject})
		if err != nil || len(recs) == 0 {
			return time.Time{}, err
		}
		v := values{m: recs[0].AsMap()}
		return v.time("revokedBefore"), v.err
	})
	return before, wrap("read token revocation", err)
}
