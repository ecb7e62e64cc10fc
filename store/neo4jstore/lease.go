package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Servers that start together must not migrate together: a migration that drops and re-makes
// an index (0006) raced another server's, whose db.awaitIndexes then waited 300 s on the
// dropped index (one CI run in three). Schema and data writes cannot share a transaction, so
// no lock can span a migration; a lease does. One (:MigrationLease) node holds the holder and
// an expiry on the Neo4j server's clock. A server takes it before it reads which migrations
// are applied and keeps it, renewed every leaseTTL/3, until the indexes are online; the others
// wait, then find the migrations applied. A holder that dies stops renewing: its lease expires
// after leaseTTL and the next server takes over (every statement is idempotent).
var (
	leaseTTL  = 30 * time.Second
	leasePoll = 500 * time.Millisecond
)

// errLeaseLost is the cause of a migration's cancellation when its lease could not be renewed
// before it expired: another server may be migrating by then.
var errLeaseLost = errors.New("migration lease lost (not renewed before it expired)")

// lease is a migration lease this process holds.
type lease struct {
	s      *Store
	holder string
	cancel context.CancelCauseFunc
	done   chan struct{}
}

// takeLease waits until this process holds the database's migration lease, or ctx ends. The
// returned context is ctx, cancelled with errLeaseLost if the lease cannot be renewed in
// time; the caller migrates under it and then calls release.
func (s *Store) takeLease(ctx context.Context) (*lease, context.Context, error) {
	if err := s.schema(ctx, migrationLeaseConstraint.text); err != nil && !madeByAnother(err) {
		return nil, nil, fmt.Errorf("neo4jstore: migration lease constraint: %w", err)
	}
	holder, err := leaseHolder()
	if err != nil {
		return nil, nil, err
	}
	for {
		taken, other, err := s.tryLease(ctx, holder)
		if err != nil {
			return nil, nil, fmt.Errorf("neo4jstore: take the migration lease: %w", err)
		}
		if taken {
			break
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("neo4jstore: waiting for the migration lease, held by %s: %w", other, context.Cause(ctx))
		case <-time.After(leasePoll):
		}
	}
	mctx, cancel := context.WithCancelCause(ctx)
	l := &lease{s: s, holder: holder, cancel: cancel, done: make(chan struct{})}
	go l.renew(mctx)
	return l, mctx, nil
}

// renew takes the lease again every leaseTTL/3 until ctx ends, and cancels the migration if it
// has gone leaseTTL without a renewal (the server or the network failing) or another server
// holds it.
func (l *lease) renew(ctx context.Context) {
	defer close(l.done)
	renewed := time.Now()
	tick := time.NewTicker(leaseTTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		taken, _, err := l.s.tryLease(ctx, l.holder)
		switch {
		case err == nil && taken:
			renewed = time.Now()
		case err == nil || time.Since(renewed) >= leaseTTL:
			l.cancel(errLeaseLost)
			return
		}
	}
}

// release stops the renewals and frees the lease, so that a waiting server takes it at once.
// A lease that cannot be freed simply expires.
func (l *lease) release(ctx context.Context) {
	l.cancel(nil)
	<-l.done
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.s.txTimeout)
	defer cancel()
	_ = exec(ctx, l.s, func(tx neo4j.ManagedTransaction) error {
		if _, err := run(ctx, tx, migrationLeaseLock, nil); err != nil {
			return err
		}
		_, err := run(ctx, tx, migrationLeaseRelease, map[string]any{"holder": l.holder})
		return err
	})
}

// tryLease takes (or renews) the lease for holder if it is free, expired or holder's already,
// and otherwise reports who holds it.
func (s *Store) tryLease(ctx context.Context, holder string) (taken bool, other string, err error) {
	type result struct {
		taken  bool
		holder string
	}
	r, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (result, error) {
		if _, err := run(ctx, tx, migrationLeaseLock, nil); err != nil {
			return result{}, err
		}
		recs, err := run(ctx, tx, migrationLeaseTake, map[string]any{"holder": holder, "ttlMillis": leaseTTL.Milliseconds()})
		if err != nil {
			return result{}, err
		}
		if len(recs) == 0 {
			return result{}, nil // the node was deleted (a wiped database) under the lock: not taken
		}
		taken, _, err := neo4j.GetRecordValue[bool](recs[0], "taken")
		if err != nil {
			return result{}, err
		}
		h, _, err := neo4j.GetRecordValue[string](recs[0], "holder")
		return result{taken, h}, err
	})
	return r.taken, r.holder, err
}

// leaseHolder names this process's claim on the lease: host and PID for whoever reads a
// "waiting for the migration lease" error, and random bytes because one process may open
// several stores at once.
func leaseHolder() (string, error) {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown-host"
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("neo4jstore: migration lease holder: %w", err)
	}
	return fmt.Sprintf("%s pid %d (%s)", host, os.Getpid(), hex.EncodeToString(b)), nil
}
