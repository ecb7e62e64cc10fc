package sqlitestore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"time"

	"github.com/partnergraph/partnergraph"
)

// newOrigin names a Store handle in the changes it writes: random, so unique per Open.
func newOrigin() string {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// change appends one change to the feed inside the write's transaction, so that it commits or
// rolls back (with its savepoint) together with the write. Every write goes through the one
// writer goroutine, one transaction at a time, and SQLite's write lock serialises processes
// that share the file, so seq order is commit order: a reader that sees a change has already
// been able to see every change with a lower seq, and needs no watermark.
func (tx *txn) change(ctx context.Context, kind partnergraph.ChangeKind, id, to string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, id, to_id, origin, at) VALUES (?, ?, ?, ?, ?)`,
		kind, id, to, tx.origin, now())
	return err
}

// Origin implements partnergraph.ChangeFeed.
func (s *Store) Origin() string { return s.origin }

// Changes implements partnergraph.ChangeFeed. EINVALID naming "first" unless limit is in
// 1..partnergraph.MaxFeedSize.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]partnergraph.Change, error) {
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out := []partnergraph.Change{}
	err := eachRow(ctx, s.r, `SELECT seq, kind, id, to_id, origin, at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`,
		[]any{after, limit}, func(rows *sql.Rows) error {
			var c partnergraph.Change
			var at int64
			err := rows.Scan(&c.Seq, &c.Kind, &c.ID, &c.To, &c.Origin, &at)
			c.At = fromNanos(at)
			out = append(out, c)
			return err
		})
	if err != nil {
		return nil, wrap("read changes", err)
	}
	// The marker is read after the rows, each in a snapshot of its own: a trim that deleted
	// some of the rows asked for before they were read has moved the marker past `after` by
	// now, so a gap is never returned as if it were the feed. (A trim just after the read
	// reports a loss that the rows did not have; the reader rebuilds, which is safe.)
	trimmed, err := s.trimmedUpTo(ctx)
	if err != nil {
		return nil, wrap("read changes", err)
	}
	if after < trimmed {
		return nil, partnergraph.ErrChangesTrimmed
	}
	return out, nil
}

func (s *Store) trimmedUpTo(ctx context.Context) (int64, error) {
	var seq int64
	err := s.r.QueryRowContext(ctx, `SELECT seq FROM changes_trimmed`).Scan(&seq)
	return seq, err
}

// ChangesHead implements partnergraph.ChangeFeed: the last seq written, or the trim marker
// once every change is trimmed (a follower that starts there must not be told it missed any).
func (s *Store) ChangesHead(ctx context.Context) (int64, error) {
	var head int64
	err := s.r.QueryRowContext(ctx, `SELECT max(coalesce((SELECT max(seq) FROM changes), 0), (SELECT seq FROM changes_trimmed))`).Scan(&head)
	return head, wrap("read changes head", err)
}

// TrimChanges implements partnergraph.ChangeFeed. It deletes the changes up to the last one
// written before the time, so that the feed left is always every change above the marker
// (were the clock to step back, a change written after it could have an earlier time).
func (s *Store) TrimChanges(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *txn) error {
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM changes WHERE at < ?`, before.UnixNano()).Scan(&last); err != nil || !last.Valid {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE seq <= ?`, last.Int64)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE changes_trimmed SET seq = max(seq, ?)`, last.Int64)
		return err
	})
	if err != nil {
		return 0, wrap("trim changes", err)
	}
	return int(n), nil
}
