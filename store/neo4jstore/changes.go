package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// The change feed (partnergraph.ChangeFeed) is (:Change {seq, kind, id, to, origin, at})
// nodes, written by each write in its own transaction and numbered from the seqs it reserved
// (seqs.go), after its offers and events when it has any. So changes share the one order of
// every feed item, and Changes reads them up to the seq watermark as Inbox does: a change that
// took its seq early and commits late holds later ones back instead of being skipped. The
// nodes link to nothing, so writers lock nothing in common to append them; they queue only on
// the batched reservation.

// trimBatchSize is how many changes one transaction of TrimChanges deletes.
const trimBatchSize = 5000

// change is one change a write appends, before it is numbered.
type change struct {
	kind   partnergraph.ChangeKind
	id, to string
}

// appendChanges writes the changes in tx, numbered from first on, in order.
func (s *Store) appendChanges(ctx context.Context, tx neo4j.ManagedTransaction, first int64, changes []change) error {
	return s.createChanges(ctx, tx, changeRows(nil, first, changes))
}

// changeRows appends change_create's rows of the changes, numbered from first on, to rows.
func changeRows(rows []any, first int64, changes []change) []any {
	for i, c := range changes {
		rows = append(rows, map[string]any{"seq": first + int64(i), "kind": string(c.kind), "id": c.id, "to": c.to})
	}
	return rows
}

// createChanges writes change_create's rows (changeRows) in tx: the changes of one write, or of
// a batch of submissions.
func (s *Store) createChanges(ctx context.Context, tx neo4j.ManagedTransaction, rows []any) error {
	if len(rows) == 0 {
		return nil
	}
	recs, err := run(ctx, tx, changeCreate, map[string]any{"changes": rows, "origin": s.origin, "at": now()})
	if err != nil {
		return err
	}
	return wantCount(recs, "created", len(rows))
}

// logged runs work in a write transaction that appends changes once work has succeeded,
// numbered from seqs reserved for them (Store.numbered; the transaction checks its
// reservation first). work gets the context to use, which the caller's cancellation no
// longer ends once the seqs are reserved.
func logged[T any](ctx context.Context, s *Store, changes []change, work func(ctx context.Context, tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	var out T
	err := s.numbered(ctx, len(changes), func(ctx context.Context, r *reservation) error {
		var err error
		out, err = write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (T, error) {
			var zero T
			if err := r.check(ctx, tx); err != nil {
				return zero, err
			}
			v, err := work(ctx, tx)
			if err != nil {
				return zero, err
			}
			if r != nil {
				err = s.appendChanges(ctx, tx, r.first, changes)
			}
			return v, err
		})
		return err
	})
	return out, err
}

// loggedExec is logged for work that returns nothing.
func loggedExec(ctx context.Context, s *Store, changes []change, work func(ctx context.Context, tx neo4j.ManagedTransaction) error) error {
	_, err := logged(ctx, s, changes, func(ctx context.Context, tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, work(ctx, tx)
	})
	return err
}

// Origin implements partnergraph.ChangeFeed: a random name, new at each Open.
func (s *Store) Origin() string { return s.origin }

// Changes implements partnergraph.ChangeFeed, read up to the seq watermark (seqs.go).
// EINVALID naming "first" unless limit is in 1..partnergraph.MaxFeedSize;
// partnergraph.ErrChangesTrimmed when after is below the trim marker.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]partnergraph.Change, error) {
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	// The marker is read after the changes, in the same transaction: a trim that deletes
	// changes raises the marker in its own transaction, so a read that missed them sees it.
	trimmed := func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		upTo, err := trimMarker(ctx, tx)
		if err != nil {
			return err
		}
		if after < upTo {
			return partnergraph.ErrChangesTrimmed
		}
		return nil
	}
	out, err := readFeed(ctx, s, changeFeed, map[string]any{"after": after, "limit": int64(limit)},
		changeOf, func(c partnergraph.Change) int64 { return c.Seq }, trimmed)
	return out, wrap("read changes", err)
}

// ChangesHead implements partnergraph.ChangeFeed: the seq watermark, below which every write
// has committed or failed, or the trim marker if that is higher.
func (s *Store) ChangesHead(ctx context.Context) (int64, error) {
	head, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		upto, err := watermark(ctx, tx)
		if err != nil {
			return 0, err
		}
		upTo, err := trimMarker(ctx, tx)
		return max(upto, upTo), err
	})
	return head, wrap("read changes head", err)
}

// TrimChanges implements partnergraph.ChangeFeed: it deletes the changes written before the
// time, in batches of trimBatchSize, each in a transaction of its own that raises the trim
// marker to the highest seq it deleted. It deletes only changes at or below the seq watermark,
// so that the marker never passes a write that may still commit: a reader that rebuilds from
// ChangesHead then cannot miss it. EINVALID naming "before" for a zero time.
func (s *Store) TrimChanges(ctx context.Context, before time.Time) (int, error) {
	if err := partnergraph.RequireTime("before", before); err != nil {
		return 0, err
	}
	total := 0
	for {
		n, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (int64, error) {
			upto, err := watermark(ctx, tx)
			if err != nil {
				return 0, err
			}
			recs, err := run(ctx, tx, changeTrim, map[string]any{"before": before.UTC(), "upto": upto, "limit": int64(trimBatchSize)})
			if err != nil {
				return 0, err
			}
			if len(recs) != 1 {
				return 0, fmt.Errorf("change_trim returned %d rows", len(recs))
			}
			n, _, err := neo4j.GetRecordValue[int64](recs[0], "deleted")
			return n, err
		})
		if err != nil {
			return total, wrap("trim changes", err)
		}
		total += int(n)
		if n < trimBatchSize {
			return total, nil
		}
	}
}

// trimMarker reads the trim marker in tx: changes up to it may have been trimmed.
func trimMarker(ctx context.Context, tx neo4j.ManagedTransaction) (int64, error) {
	recs, err := run(ctx, tx, changeTrimmed, nil)
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("change_trimmed returned %d rows", len(recs))
	}
	upTo, _, err := neo4j.GetRecordValue[int64](recs[0], "upTo")
	return upTo, err
}

func changeOf(rec *neo4j.Record) (partnergraph.Change, error) {
	v, err := nodeValues(rec, "c")
	if err != nil {
		return partnergraph.Change{}, err
	}
	c := partnergraph.Change{
		Seq:    v.integer("seq"),
		Kind:   partnergraph.ChangeKind(v.str("kind")),
		ID:     v.str("id"),
		To:     v.str("to"),
		Origin: v.str("origin"),
		At:     v.time("at"),
	}
	if v.err != nil {
		return partnergraph.Change{}, fmt.Errorf("change %d: %w", c.Seq, v.err)
	}
	return c, nil
}
