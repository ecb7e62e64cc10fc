package sqlitestore

import (
	"context"
	"database/sql"

	"github.com/partnergraph/partnergraph"
)

const trustColumns = `from_id, to_id, score, note, source, updated_at, set_by`

func scanTrust(row scanner) (partnergraph.Trust, error) {
	var t partnergraph.Trust
	var updated int64
	err := row.Scan(&t.From, &t.To, &t.Score, &t.Note, &t.Source, &updated, &t.SetBy)
	t.UpdatedAt = fromNanos(updated)
	return t, err
}

// SetTrust implements partnergraph.Store.
func (s *Store) SetTrust(ctx context.Context, t partnergraph.Trust) (partnergraph.Trust, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	t.UpdatedAt = fromNanos(now())
	err := s.write(ctx, func(tx *txn) error {
		if err := putTrust(ctx, tx, t); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeTrust, t.From, t.To)
	})
	return t, wrap("set trust", err)
}

func putTrust(ctx context.Context, tx *txn, t partnergraph.Trust) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO trust (`+trustColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (from_id, to_id) DO UPDATE SET score = excluded.score, note = excluded.note,
		source = excluded.source, updated_at = excluded.updated_at, set_by = excluded.set_by`,
		t.From, t.To, t.Score, t.Note, t.Source, nanosOrNow(t.UpdatedAt), t.SetBy)
	return explainForeignKey(ctx, tx, err,
		ref{"businesses", "business", "from", t.From}, ref{"businesses", "business", "to", t.To})
}

// RemoveTrust implements partnergraph.Store.
func (s *Store) RemoveTrust(ctx context.Context, from, to string) error {
	err := s.write(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM trust WHERE from_id = ? AND to_id = ?`, from, to)
		if err := deleted(res, err, "no trust edge from %q to %q", from, to); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeTrust, from, to)
	})
	return wrap("remove trust", err)
}

// TrustEdge implements partnergraph.Store.
func (s *Store) TrustEdge(ctx context.Context, from, to string) (partnergraph.Trust, error) {
	t, err := scanTrust(s.r.QueryRowContext(ctx, `SELECT `+trustColumns+` FROM trust WHERE from_id = ? AND to_id = ?`, from, to))
	if err == sql.ErrNoRows {
		return t, partnergraph.Errorf(partnergraph.ENOTFOUND, "no trust edge from %q to %q", from, to)
	}
	return t, wrap("find trust", err)
}

// TrustEdges implements partnergraph.Store.
func (s *Store) TrustEdges(ctx context.Context, f partnergraph.TrustFilter, p partnergraph.Page) (partnergraph.Slice[partnergraph.Trust], error) {
	var zero partnergraph.Slice[partnergraph.Trust]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, _, err := decodeCursor(p.After)
	if err != nil {
		return zero, err
	}
	// Incoming edges of a business are paged by the other end (from_id) on the to_id index;
	// every other listing by (from_id, to_id). The cursor holds the pair as (K, ID).
	query := `SELECT ` + trustColumns + ` FROM trust WHERE (? = '' OR from_id = ?) AND (from_id, to_id) > (?, ?) ORDER BY from_id, to_id LIMIT ?`
	if f.BusinessID != "" && f.Direction == partnergraph.Incoming {
		query = `SELECT ` + trustColumns + ` FROM trust WHERE to_id = ? AND ? <> '' AND (to_id, from_id) > (?, ?) ORDER BY to_id, from_id LIMIT ?`
	} else if f.Direction != "" && f.Direction != partnergraph.Outgoing && f.Direction != partnergraph.Incoming {
		return zero, partnergraph.Invalidf("direction", "must be OUTGOING or INCOMING")
	}
	var items []partnergraph.Trust
	var cursors []string
	err = eachRow(ctx, s.r, query, []any{f.BusinessID, f.BusinessID, after.K, after.ID, p.First + 1}, func(rows *sql.Rows) error {
		t, err := scanTrust(rows)
		if err != nil {
			return err
		}
		c := cursor{K: t.From, ID: t.To}
		if f.BusinessID != "" && f.Direction == partnergraph.Incoming {
			c = cursor{K: t.To, ID: t.From}
		}
		items = append(items, t)
		cursors = append(cursors, c.encode())
		return nil
	})
	if err != nil {
		return zero, wrap("list trust", err)
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}

// TrustCounts implements partnergraph.Store.
func (s *Store) TrustCounts(ctx context.Context, businessIDs []string) (map[string]partnergraph.TrustCount, error) {
	out := make(map[string]partnergraph.TrustCount, len(businessIDs))
	err := inChunks(businessIDs, func(chunk []string) error {
		in := placeholders(len(chunk))
		args := append(anys(chunk), anys(chunk)...)
		return eachRow(ctx, s.r, `SELECT id, sum(o), sum(i) FROM (
				SELECT from_id AS id, 1 AS o, 0 AS i FROM trust WHERE from_id IN (`+in+`)
				UNION ALL SELECT to_id, 0, 1 FROM trust WHERE to_id IN (`+in+`)
			) GROUP BY id`, args, func(rows *sql.Rows) error {
			var id string
			var c partnergraph.TrustCount
			err := rows.Scan(&id, &c.Outgoing, &c.Incoming)
			out[id] = c
			return err
		})
	})
	return out, wrap("count trust", err)
}
