package sqlitestore

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/partnergraph/partnergraph"
)

const partnershipColumns = `id, proposer_id, partner_id, status, fee_type, amount_minor, percent_bp,
	currency, message, created_at, responded_at, ended_at`

func scanPartnership(row scanner) (*partnergraph.Partnership, error) {
	var p partnergraph.Partnership
	var created int64
	var responded, ended sql.NullInt64
	err := row.Scan(&p.ID, &p.ProposerID, &p.PartnerID, &p.Status, &p.Terms.Type, &p.Terms.AmountMinor,
		&p.Terms.PercentBP, &p.Terms.Currency, &p.Message, &created, &responded, &ended)
	if err != nil {
		return nil, err
	}
	p.CreatedAt, p.RespondedAt, p.EndedAt = fromNanos(created), fromNullNanos(responded), fromNullNanos(ended)
	return &p, nil
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "|" + b
}

// CreatePartnership implements partnergraph.Store.
func (s *Store) CreatePartnership(ctx context.Context, p *partnergraph.Partnership) error {
	np, err := p.Prepare(time.Now())
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *txn) error {
		if err := putPartnership(ctx, tx, &np, false); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangePartnership, np.ID, "")
	})
	if err != nil {
		return wrap("create partnership", err)
	}
	*p = np
	return nil
}

// putPartnership inserts p, or with replace (for imports) overwrites the one with its id.
func putPartnership(ctx context.Context, tx *txn, p *partnergraph.Partnership, replace bool) error {
	// An import replaces by id; the pair's one-open rule still holds, since an upsert on the
	// id conflicts with the pair index like an insert does.
	upsert := ""
	if replace {
		upsert = ` ON CONFLICT (id) DO UPDATE SET proposer_id = excluded.proposer_id, partner_id = excluded.partner_id,
			status = excluded.status, fee_type = excluded.fee_type, amount_minor = excluded.amount_minor,
			percent_bp = excluded.percent_bp, currency = excluded.currency, message = excluded.message,
			created_at = excluded.created_at, responded_at = excluded.responded_at, ended_at = excluded.ended_at,
			pair_key = excluded.pair_key`
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO partnerships (`+partnershipColumns+`, pair_key) VALUES (`+placeholders(13)+`)`+upsert,
		p.ID, p.ProposerID, p.PartnerID, p.Status, p.Terms.Type, p.Terms.AmountMinor, p.Terms.PercentBP,
		p.Terms.Currency, p.Message, p.CreatedAt.UnixNano(), toNullNanos(p.RespondedAt), toNullNanos(p.EndedAt),
		pairKey(p.ProposerID, p.PartnerID))
	if isUnique(err) {
		if ok, _ := exists(ctx, tx, "partnerships", p.ID); ok && !replace {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "partnership %q already exists", p.ID)
		}
		return partnergraph.Errorf(partnergraph.ECONFLICT, "%q and %q already have an open partnership", p.ProposerID, p.PartnerID)
	}
	return explainForeignKey(ctx, tx, err,
		ref{"businesses", "business", "proposerId", p.ProposerID}, ref{"businesses", "business", "partnerId", p.PartnerID})
}

// Partnership implements partnergraph.Store.
func (s *Store) Partnership(ctx context.Context, id string) (*partnergraph.Partnership, error) {
	return partnership(ctx, s.r, id)
}

func partnership(ctx context.Context, q querier, id string) (*partnergraph.Partnership, error) {
	p, err := scanPartnership(q.QueryRowContext(ctx, `SELECT `+partnershipColumns+` FROM partnerships WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "partnership %q not found", id)
	}
	return p, wrap("find partnership", err)
}

// SetPartnershipStatus implements partnergraph.Store.
func (s *Store) SetPartnershipStatus(ctx context.Context, id string, from []partnergraph.PartnershipStatus, to partnergraph.PartnershipStatus) (*partnergraph.Partnership, error) {
	if err := to.Check("status"); err != nil {
		return nil, err
	}
	var out *partnergraph.Partnership
	err := s.write(ctx, func(tx *txn) error {
		p, err := partnership(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, p.Status) {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "partnership %q is %s", id, p.Status)
		}
		t := fromNanos(now())
		switch to {
		case partnergraph.PartnershipActive, partnergraph.PartnershipDeclined:
			p.RespondedAt = &t
		case partnergraph.PartnershipEnded:
			p.EndedAt = &t
		}
		p.Status = to
		_, err = tx.ExecContext(ctx, `UPDATE partnerships SET status = ?, responded_at = ?, ended_at = ? WHERE id = ?`,
			p.Status, toNullNanos(p.RespondedAt), toNullNanos(p.EndedAt), id)
		if isUnique(err) {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "%q and %q already have an open partnership", p.ProposerID, p.PartnerID)
		}
		if err != nil {
			return err
		}
		out = p
		return tx.change(ctx, partnergraph.ChangePartnership, id, "")
	})
	return out, wrap("set partnership status", err)
}

// Partnerships implements partnergraph.Store.
func (s *Store) Partnerships(ctx context.Context, f partnergraph.PartnershipFilter, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Partnership], error) {
	var zero partnergraph.Slice[*partnergraph.Partnership]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	if f.Status != "" {
		if err := f.Status.Check("status"); err != nil {
			return zero, err
		}
	}
	after, hasAfter, err := decodeCursor(p.After)
	if err != nil {
		return zero, err
	}
	if !hasAfter {
		after.N, after.ID = int64(^uint64(0)>>1), "\U0010FFFF"
	}
	var items []*partnergraph.Partnership
	var cursors []string
	err = eachRow(ctx, s.r, `SELECT `+partnershipColumns+` FROM partnerships
		WHERE (? = '' OR proposer_id = ? OR partner_id = ?) AND (? = '' OR status = ?) AND (created_at, id) < (?, ?)
		ORDER BY created_at DESC, id DESC LIMIT ?`,
		[]any{f.BusinessID, f.BusinessID, f.BusinessID, f.Status, f.Status, after.N, after.ID, p.First + 1},
		func(rows *sql.Rows) error {
			pp, err := scanPartnership(rows)
			if err == nil {
				items = append(items, pp)
				cursors = append(cursors, cursor{N: pp.CreatedAt.UnixNano(), ID: pp.ID}.encode())
			}
			return err
		})
	if err != nil {
		return zero, wrap("list partnerships", err)
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}
