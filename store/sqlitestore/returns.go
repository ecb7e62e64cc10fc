package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"time"

	"github.com/partnergraph/partnergraph"
)

const returnColumns = `lead_id, offer_id, recipient_id, referrer_id, reason, note, state, requested_by, requested_at,
	contest_by, contested_by, contested_at, contest_note, decided_by, decided_at, decision_note`

func scanReturn(row scanner) (partnergraph.LeadReturn, error) {
	var r partnergraph.LeadReturn
	var requested, contestBy int64
	var contested, decided sql.NullInt64
	err := row.Scan(&r.LeadID, &r.OfferID, &r.RecipientID, &r.ReferrerID, &r.Reason, &r.Note, &r.State, &r.RequestedBy,
		&requested, &contestBy, &r.ContestedBy, &contested, &r.ContestNote, &r.DecidedBy, &decided, &r.DecisionNote)
	r.RequestedAt, r.ContestBy = fromNanos(requested), fromNanos(contestBy)
	r.ContestedAt, r.DecidedAt = fromNullNanos(contested), fromNullNanos(decided)
	return r, err
}

// leadReturn reads the lead's return in q (ENOTFOUND without one).
func leadReturn(ctx context.Context, q querier, leadID string) (partnergraph.LeadReturn, error) {
	r, err := scanReturn(q.QueryRowContext(ctx, `SELECT `+returnColumns+` FROM lead_returns WHERE lead_id = ?`, leadID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q has no return", leadID)
	}
	return r, err
}

// RequestReturn implements partnergraph.ReturnStore, on the one writer: the lead's status and
// accepted offer are checked and the return written in one transaction, so a return and a
// close of the same lead are ordered. The lead is the key: a second request returns the first.
func (s *Store) RequestReturn(ctx context.Context, r partnergraph.LeadReturn) (partnergraph.LeadReturn, bool, error) {
	if err := r.CheckReturnWrite(); err != nil {
		return r, false, err
	}
	if r.State != partnergraph.ReturnRequested {
		return r, false, partnergraph.Invalidf("state", "a new return is REQUESTED")
	}
	var out partnergraph.LeadReturn
	created := false
	err := s.write(ctx, func(tx *txn) error {
		old, err := leadReturn(ctx, tx, r.LeadID)
		if err == nil {
			out = old
			return nil
		}
		if partnergraph.ErrorCode(err) != partnergraph.ENOTFOUND {
			return err
		}
		l, err := lead(ctx, tx, r.LeadID)
		if err != nil {
			return err
		}
		if err := returnable(l, r); err != nil {
			return err
		}
		var status partnergraph.OfferStatus
		var owner, recipient string
		err = tx.QueryRowContext(ctx, `SELECT lead_id, business_id, status FROM offers WHERE id = ?`, r.OfferID).Scan(&owner, &recipient, &status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (owner != l.ID || recipient != r.RecipientID || status != partnergraph.OfferAccepted)) {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "offer %q is not the accepted offer of lead %q to %q", r.OfferID, l.ID, r.RecipientID)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO lead_returns (`+returnColumns+`) VALUES (`+placeholders(16)+`)`,
			r.LeadID, r.OfferID, r.RecipientID, r.ReferrerID, r.Reason, r.Note, r.State, r.RequestedBy, r.RequestedAt.UnixNano(),
			r.ContestBy.UnixNano(), r.ContestedBy, toNullNanos(r.ContestedAt), r.ContestNote, r.DecidedBy, toNullNanos(r.DecidedAt), r.DecisionNote)
		if err != nil {
			return err
		}
		if err := returnEvent(ctx, tx, &r); err != nil {
			return err
		}
		out, created = r, true
		return nil
	})
	return out, created, wrap("request return", err)
}

// returnable is the store's check of a new return against its lead, read under the write
// lock: the lead was accepted (ACCEPTED, WON or LOST) and the return names its referrer.
func returnable(l *partnergraph.Lead, r partnergraph.LeadReturn) error {
	switch l.Status {
	case partnergraph.LeadAccepted, partnergraph.LeadWon, partnergraph.LeadLost:
	default:
		return partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q is %s: only an accepted lead can be returned", l.ID, l.Status)
	}
	if l.ReferrerID != r.ReferrerID {
		return partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q was referred by %q, not %q", l.ID, l.ReferrerID, r.ReferrerID)
	}
	return nil
}

// LeadReturn implements partnergraph.ReturnStore.
func (s *Store) LeadReturn(ctx context.Context, leadID string) (*partnergraph.LeadReturn, error) {
	r, err := leadReturn(ctx, s.r, leadID)
	if err != nil {
		return nil, wrap("find return", err)
	}
	return &r, nil
}

// LeadReturnsOf implements partnergraph.LeadReturnsByLead, through the primary key of
// lead_returns (lead_id).
func (s *Store) LeadReturnsOf(ctx context.Context, leadIDs []string) (map[string]*partnergraph.LeadReturn, error) {
	out := make(map[string]*partnergraph.LeadReturn, len(leadIDs))
	err := inChunks(leadIDs, func(chunk []string) error {
		return eachRow(ctx, s.r, `SELECT `+returnColumns+` FROM lead_returns WHERE lead_id IN (`+placeholders(len(chunk))+`)`, anys(chunk),
			func(rows *sql.Rows) error {
				r, err := scanReturn(rows)
				out[r.LeadID] = &r
				return err
			})
	})
	return out, wrap("find returns", err)
}

// MoveReturn implements partnergraph.ReturnStore: the compare-and-set of the state, and for
// an accepted return the lead's close and the commission's reversal, in one transaction on
// the one writer, so exactly one of several concurrent deciders (requests, servers' loops)
// moves the return and reverses the commission.
func (s *Store) MoveReturn(ctx context.Context, next partnergraph.LeadReturn, from partnergraph.ReturnState) (partnergraph.LeadReturn, error) {
	if err := next.CheckMove(from); err != nil {
		return next, err
	}
	var out partnergraph.LeadReturn
	err := s.write(ctx, func(tx *txn) error {
		cur, err := leadReturn(ctx, tx, next.LeadID)
		if err != nil {
			return err
		}
		if cur.State != from {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "the return of lead %q is %s, not %s", cur.LeadID, cur.State, from)
		}
		_, err = tx.ExecContext(ctx, `UPDATE lead_returns SET state = ?, contested_by = ?, contested_at = ?, contest_note = ?,
			decided_by = ?, decided_at = ?, decision_note = ? WHERE lead_id = ? AND state = ?`,
			next.State, next.ContestedBy, toNullNanos(next.ContestedAt), next.ContestNote,
			next.DecidedBy, toNullNanos(next.DecidedAt), next.DecisionNote, next.LeadID, from)
		if err != nil {
			return err
		}
		if next.State == partnergraph.ReturnAccepted {
			if err := voidLead(ctx, tx, &next); err != nil {
				return err
			}
		}
		if err := returnEvent(ctx, tx, &next); err != nil {
			return err
		}
		out, err = leadReturn(ctx, tx, next.LeadID)
		return err
	})
	return out, wrap("move return", err)
}

// returnEvent adds the return's last step to its referrer's feed, with the lead's status
// after the step.
func returnEvent(ctx context.Context, tx *txn, r *partnergraph.LeadReturn) error {
	l, err := lead(ctx, tx, r.LeadID)
	if err != nil {
		return err
	}
	e := partnergraph.ReturnEvent(r)
	if err := e.Prepare(l, e.At); err != nil {
		return err
	}
	if err := insertEvent(ctx, tx, &e); err != nil {
		return err
	}
	return leadChanges(ctx, tx, nil, nil, []partnergraph.LeadEvent{e})
}

// voidLead is what an accepted return does to its lead, in the deciding transaction: a lead
// not closed yet closes as LOST, a commission gets its reversal, and the RETURN change tells
// other servers to learn the bad outcome.
func voidLead(ctx context.Context, tx *txn, r *partnergraph.LeadReturn) error {
	at := *r.DecidedAt
	_, err := tx.ExecContext(ctx, `UPDATE leads SET status = 'LOST', reason = ?, closed_at = ? WHERE id = ? AND status = 'ACCEPTED'`,
		partnergraph.ClosedByReturn(r), at.UnixNano(), r.LeadID)
	if err != nil {
		return err
	}
	c, err := scanCommission(tx.QueryRowContext(ctx, `SELECT `+commissionReadColumns+` FROM commissions WHERE lead_id = ?`, r.LeadID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		rev := partnergraph.ReversalOf(&c, r, at)
		_, err := tx.ExecContext(ctx, `INSERT INTO commission_reversals (id, commission_id, lead_id, payer_id, payee_id,
			amount_minor, currency, reason, created_at) VALUES (`+placeholders(9)+`)`,
			rev.ID, rev.CommissionID, rev.LeadID, rev.PayerID, rev.PayeeID, rev.AmountMinor, rev.Currency, rev.Reason, rev.CreatedAt.UnixNano())
		if isUnique(err) {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "the commission of lead %q is already reversed", r.LeadID)
		}
		if err != nil {
			return err
		}
	}
	return tx.change(ctx, partnergraph.ChangeReturn, r.LeadID, "")
}

// DueReturns implements partnergraph.ReturnStore. EINVALID naming "now" or "first".
func (s *Store) DueReturns(ctx context.Context, now time.Time, limit int) ([]partnergraph.LeadReturn, error) {
	if err := partnergraph.RequireTime("now", now); err != nil {
		return nil, err
	}
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	var out []partnergraph.LeadReturn
	err := eachRow(ctx, s.r, `SELECT `+returnColumns+` FROM lead_returns WHERE state = 'REQUESTED' AND contest_by <= ?
		ORDER BY contest_by, lead_id LIMIT ?`, []any{now.UnixNano(), limit}, func(rows *sql.Rows) error {
		r, err := scanReturn(rows)
		out = append(out, r)
		return err
	})
	return out, wrap("find due returns", err)
}

// Returns implements partnergraph.ReturnStore, paged by (requested_at, lead_id). EINVALID
// naming "state", "first" or "after".
func (s *Store) Returns(ctx context.Context, state partnergraph.ReturnState, p partnergraph.Page) (partnergraph.Slice[partnergraph.LeadReturn], error) {
	var zero partnergraph.Slice[partnergraph.LeadReturn]
	if !state.Valid() {
		return zero, partnergraph.Invalidf("state", "is not a return state")
	}
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, hasAfter, err := decodeCursor(p.After)
	if err != nil {
		return zero, err
	}
	if !hasAfter {
		after.N, after.ID = math.MinInt64, ""
	}
	var items []partnergraph.LeadReturn
	var cursors []string
	err = eachRow(ctx, s.r, `SELECT `+returnColumns+` FROM lead_returns WHERE state = ? AND (requested_at, lead_id) > (?, ?)
		ORDER BY requested_at, lead_id LIMIT ?`, []any{state, after.N, after.ID, p.First + 1}, func(rows *sql.Rows) error {
		r, err := scanReturn(rows)
		items = append(items, r)
		cursors = append(cursors, cursor{N: r.RequestedAt.UnixNano(), ID: r.LeadID}.encode())
		return err
	})
	if err != nil {
		return zero, wrap("list returns", err)
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}

// ReturnStats implements partnergraph.ReturnStore.
func (s *Store) ReturnStats(ctx context.Context, referrerIDs []string) (map[string]partnergraph.ReturnStats, error) {
	out := map[string]partnergraph.ReturnStats{}
	err := inChunks(referrerIDs, func(chunk []string) error {
		in := placeholders(len(chunk))
		args := append(anys(chunk), anys(chunk)...)
		return eachRow(ctx, s.r, `
			SELECT l.referrer_id, count(*), 0, 0 FROM leads l JOIN offers o ON o.lead_id = l.id
			WHERE l.referrer_id IN (`+in+`) AND o.status = 'ACCEPTED' GROUP BY l.referrer_id
			UNION ALL
			SELECT referrer_id, 0, count(*), sum(state = 'ACCEPTED') FROM lead_returns
			WHERE referrer_id IN (`+in+`) GROUP BY referrer_id`, args, func(rows *sql.Rows) error {
			var id string
			var accepted, returns, returnsAccepted int
			if err := rows.Scan(&id, &accepted, &returns, &returnsAccepted); err != nil {
				return err
			}
			st := out[id]
			st.AcceptedLeads += accepted
			st.Returns += returns
			st.ReturnsAccepted += returnsAccepted
			out[id] = st
			return nil
		})
	})
	return out, wrap("count returns", err)
}

// CommissionReversals implements partnergraph.ReturnStore.
func (s *Store) CommissionReversals(ctx context.Context, leadID string) ([]partnergraph.CommissionReversal, error) {
	out := []partnergraph.CommissionReversal{}
	err := eachRow(ctx, s.r, `SELECT id, commission_id, lead_id, payer_id, payee_id, amount_minor, currency, reason, created_at
		FROM commission_reversals WHERE lead_id = ? ORDER BY created_at, id`, []any{leadID}, func(rows *sql.Rows) error {
		var r partnergraph.CommissionReversal
		var created int64
		err := rows.Scan(&r.ID, &r.CommissionID, &r.LeadID, &r.PayerID, &r.PayeeID, &r.AmountMinor, &r.Currency, &r.Reason, &created)
		r.CreatedAt = fromNanos(created)
		out = append(out, r)
		return err
	})
	return out, wrap("read commission reversals", err)
}
