package sqlitestore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/partnergraph/partnergraph"
)

// The statements of NetworkHealth. Each reads the rows created in a range through
// leads_by_created or offers_by_created (TestHealthPlans checks the plans).
var (
	healthLeads = `SELECT (created_at - ?) / ?, status, count(*) FROM leads
		WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2`
	// The kinds are the domain's (partnergraph.UnroutableKinds): a CASE of one test per kind,
	// its texts and names parameters (unroutableKindArgs).
	healthUnroutable = `SELECT ` + unroutableKind() + `, count(*) FROM leads
		WHERE created_at >= ? AND created_at < ? AND status = 'UNROUTABLE' GROUP BY 1`
	healthOffers    = `SELECT status, count(*) FROM offers WHERE created_at >= ? AND created_at < ? GROUP BY status`
	healthReferrers = `SELECT referrer_id, count(*), sum(status = 'WON') FROM leads
		WHERE created_at >= ? AND created_at < ? GROUP BY referrer_id ORDER BY 2 DESC, 1 LIMIT ?`
	healthRecipients = `SELECT business_id, count(*), sum(status = 'ACCEPTED') FROM offers
		WHERE created_at >= ? AND created_at < ? GROUP BY business_id ORDER BY 3 DESC, 2 DESC, 1 LIMIT ?`
)

func unroutableKind() string {
	return "CASE" + strings.Repeat(" WHEN instr(reason, ?) > 0 THEN ?", len(partnergraph.UnroutableKinds)) + " ELSE ? END"
}

func unroutableKindArgs() []any {
	var args []any
	for _, k := range partnergraph.UnroutableKinds {
		args = append(args, k.Contains, string(k.Kind))
	}
	return append(args, string(partnergraph.UnroutableOther))
}

// NetworkHealth implements partnergraph.HealthStore. Its five counts read one snapshot (a
// read transaction), each a range scan of leads_by_created or offers_by_created over the
// rows created in the range (migration 0012), grouped in SQLite: the answer is bounded by the
// buckets, the kinds and q.Top, whatever the rows.
func (s *Store) NetworkHealth(ctx context.Context, q partnergraph.HealthQuery) (partnergraph.Health, error) {
	if err := q.Validate(); err != nil {
		return partnergraph.Health{}, err
	}
	h := partnergraph.NewHealth(q)
	from, to, bucket := q.From.UnixNano(), q.To.UnixNano(), int64(q.Bucket)
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return h, wrap("read health", err)
	}
	defer tx.Rollback()
	err = eachRow(ctx, tx, healthLeads, []any{from, bucket, from, to}, func(rows *sql.Rows) error {
		var i, n int
		var status partnergraph.LeadStatus
		if err := rows.Scan(&i, &status, &n); err != nil {
			return err
		}
		h.AddLeads(i, status, n)
		return nil
	})
	if err != nil {
		return h, wrap("count leads", err)
	}
	args := append(unroutableKindArgs(), from, to)
	err = eachRow(ctx, tx, healthUnroutable, args, func(rows *sql.Rows) error {
		var k partnergraph.UnroutableKind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		h.Unroutable[k] += n
		return nil
	})
	if err != nil {
		return h, wrap("count unroutable leads", err)
	}
	err = eachRow(ctx, tx, healthOffers,
		[]any{from, to}, func(rows *sql.Rows) error {
			var status partnergraph.OfferStatus
			var n int
			if err := rows.Scan(&status, &n); err != nil {
				return err
			}
			h.Offers.AddOffers(status, n)
			return nil
		})
	if err != nil {
		return h, wrap("count offers", err)
	}
	err = eachRow(ctx, tx, healthReferrers,
		[]any{from, to, q.Top}, func(rows *sql.Rows) error {
			var r partnergraph.ReferrerCount
			if err := rows.Scan(&r.BusinessID, &r.Leads, &r.Won); err != nil {
				return err
			}
			h.Referrers = append(h.Referrers, r)
			return nil
		})
	if err != nil {
		return h, wrap("rank referrers", err)
	}
	err = eachRow(ctx, tx, healthRecipients,
		[]any{from, to, q.Top}, func(rows *sql.Rows) error {
			var r partnergraph.RecipientCount
			if err := rows.Scan(&r.BusinessID, &r.Offers, &r.Accepted); err != nil {
				return err
			}
			h.Recipients = append(h.Recipients, r)
			return nil
		})
	return h, wrap("rank recipients", err)
}
