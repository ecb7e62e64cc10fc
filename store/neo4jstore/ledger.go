package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// ledgerRow is one row of ledger_rows: counts for kind "given" and "received", an amount for
// "owed" and "earned", and for "reversed_owed" and "reversed_earned" (reversal lines).
type ledgerRow struct {
	kind, partnerID, currency string
	leads, accepted, won      int
	amountMinor               int64
}

func ledgerRowOf(rec *neo4j.Record) (ledgerRow, error) {
	v := &values{m: rec.AsMap()}
	r := ledgerRow{
		kind:        v.str("kind"),
		partnerID:   v.str("partnerId"),
		currency:    v.str("currency"),
		leads:       int(v.integer("leads")),
		accepted:    int(v.integer("accepted")),
		won:         int(v.integer("won")),
		amountMinor: v.integer("amountMinor"),
	}
	return r, v.err
}

// ledgerLines turns ledger rows into the domain's ledger facts and lines.
func ledgerLines(rows []ledgerRow) []partnergraph.LedgerLine {
	facts := make([]partnergraph.LedgerFact, len(rows))
	for i, r := range rows {
		f := partnergraph.LedgerFact{PartnerID: r.partnerID, Given: r.kind == "given", Received: r.kind == "received",
			Leads: r.leads, Accepted: r.accepted, Won: r.won, Currency: r.currency}
		switch r.kind {
		case "owed":
			f.Owed = r.amountMinor
		case "earned":
			f.Earned = r.amountMinor
		case "reversed_owed":
			f.Owed, f.Reversal = r.amountMinor, true
		case "reversed_earned":
			f.Earned, f.Reversal = r.amountMinor, true
		}
		facts[i] = f
	}
	return partnergraph.LedgerLines(facts)
}

// Ledger implements partnergraph.LeadStore: one line per partner, by partner id, counting the
// offers each side made to the other (an offer is a lead given, whatever became of it) and
// summing commissions, one line per currency (see ledgerLines). An unknown business has no
// lines. One statement aggregates the business's own leads, offers and commissions, so the
// server sends a row per partner and kind, not every offer.
func (s *Store) Ledger(ctx context.Context, businessID string) ([]partnergraph.LedgerLine, error) {
	rows, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]ledgerRow, error) {
		recs, err := run(ctx, tx, ledgerRows, map[string]any{"businessId": businessID})
		if err != nil {
			return nil, err
		}
		rows := make([]ledgerRow, 0, len(recs))
		for _, rec := range recs {
			r, err := ledgerRowOf(rec)
			if err != nil {
				return nil, err
			}
			rows = append(rows, r)
		}
		return rows, nil
	})
	if err != nil {
		return nil, wrap("read ledger", err)
	}
	return ledgerLines(rows), nil
}

// Commissions implements partnergraph.LeadStore: newest first, paged by (createdAt, id)
// descending. EINVALID naming "first" or "after". An unknown business has none.
func (s *Store) Commissions(ctx context.Context, businessID string, p partnergraph.Page) (partnergraph.Slice[partnergraph.Commission], error) {
	var zero partnergraph.Slice[partnergraph.Commission]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, resume, err := decodeCursor(p.After, byCommission)
	if err != nil {
		return zero, err
	}
	params := map[string]any{"businessId": businessID, "afterCreatedAt": nil, "afterId": after.ID, "limit": int64(p.First + 1)}
	if resume {
		params["afterCreatedAt"] = after.time()
	}
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Slice[partnergraph.Commission], error) {
		recs, err := run(ctx, tx, commissionList, params)
		if err != nil {
			return zero, err
		}
		items := make([]partnergraph.Commission, 0, len(recs))
		cursors := make([]string, 0, len(recs))
		for _, rec := range recs {
			c, err := commissionOf(rec)
			if err != nil {
				return zero, err
			}
			items = append(items, c)
			cursors = append(cursors, commissionCursor(c.CreatedAt, c.ID).encode())
		}
		return partnergraph.SliceOf(items, cursors, p.First), nil
	})
	return out, wrap("list commissions", err)
}

// CommissionOfLead implements partnergraph.LeadStore: one read of the Commission.leadId
// uniqueness constraint's index. ENOTFOUND for a lead without a commission and for an unknown
// lead.
func (s *Store) CommissionOfLead(ctx context.Context, leadID string) (*partnergraph.Commission, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (*partnergraph.Commission, error) {
		recs, err := run(ctx, tx, commissionByLead, map[string]any{"leadId": leadID})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q has no commission", leadID)
		}
		c, err := commissionOf(recs[0])
		return &c, err
	})
	return out, wrap("find commission", err)
}
