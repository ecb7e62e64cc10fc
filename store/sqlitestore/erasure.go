package sqlitestore

import (
	"context"
	"database/sql"
	"errors"

	"time"

	"github.com/partnergraph/partnergraph"
)

// EraseLead implements partnergraph.LeadErasure: in one write transaction it reads the lead,
// and unless it was erased before, writes what partnergraph.Lead.Erase leaves of it and
// clears the decline reasons of its offers. ENOTFOUND, EINVALID naming "erasure.at" or
// "erasure.by".
func (s *Store) EraseLead(ctx context.Context, leadID string, e partnergraph.Erasure) (*partnergraph.Lead, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	var out *partnergraph.Lead
	err := s.write(ctx, func(tx *txn) error {
		l, err := lead(ctx, tx, leadID)
		if err != nil {
			return err
		}
		if l.Erase(e) {
			if err := eraseLead(ctx, tx, l); err != nil {
				return err
			}
		}
		out = l
		return nil
	})
	if err != nil {
		return nil, wrap("erase lead", err)
	}
	return out, nil
}

// eraseLead writes the erased lead l, and its offers as partnergraph.Offer.Erase leaves them,
// and tells each business that got the lead's data (partnergraph.LeadErasedEvents) through
// its feed. The condition on erased_at keeps the first tombstone.
func eraseLead(ctx context.Context, tx *txn, l *partnergraph.Lead) error {
	_, err := tx.ExecContext(ctx, `UPDATE leads SET idempotency_key = NULL, input_hash = '', lat = ?, lng = ?,
		customer_name = '', customer_email = '', customer_phone = '', notes = '', erased_at = ?, erased_by = ?
		WHERE id = ? AND erased_at IS NULL`,
		l.Location.Lat, l.Location.Lng, l.Erased.At.UnixNano(), l.Erased.By, l.ID)
	if err != nil {
		return err
	}
	var offers []partnergraph.Offer
	err = eachRow(ctx, tx, `SELECT `+offerColumns+` FROM offers WHERE lead_id = ?`, []any{l.ID}, func(rows *sql.Rows) error {
		o, err := scanOffer(rows)
		offers = append(offers, o)
		return err
	})
	if err != nil {
		return err
	}
	for _, o := range offers {
		if !o.Erase() {
			continue
		}
		reasons, err := jsonArray(o.Reasons)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE offers SET decline_reason = '', reasons = ? WHERE id = ?`, reasons, o.ID); err != nil {
			return err
		}
	}
	return insertEvents(ctx, tx, partnergraph.LeadErasedEvents(l, offers))
}

// EraseClosedLeads implements partnergraph.LeadErasure: one write transaction erases the
// oldest closed leads first. It holds SQLite's write lock (BEGIN IMMEDIATE) before it reads
// which leads are due, so that no two calls, of this handle or another on the same file,
// erase one lead.
// EINVALID naming "closedBefore", "erasure.at", "erasure.by" or "first".
func (s *Store) EraseClosedLeads(ctx context.Context, closedBefore time.Time, e partnergraph.Erasure, limit int) (int, error) {
	if err := partnergraph.CheckEraseClosed(closedBefore, e, limit); err != nil {
		return 0, err
	}
	n := 0
	err := s.write(ctx, func(tx *txn) error {
		n = 0
		var due []*partnergraph.Lead
		err := eachRow(ctx, tx, `SELECT `+leadColumns+` FROM leads WHERE erased_at IS NULL AND closed_at IS NOT NULL
			AND closed_at < ? ORDER BY closed_at LIMIT ?`, []any{closedBefore.UnixNano(), limit}, func(rows *sql.Rows) error {
			l, err := scanLead(rows)
			due = append(due, l)
			return err
		})
		if err != nil {
			return err
		}
		for _, l := range due {
			if !l.Erase(e) {
				return errors.New("a lead selected as unerased holds a tombstone")
			}
			if err := eraseLead(ctx, tx, l); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, wrap("erase closed leads", err)
	}
	return n, nil
}
