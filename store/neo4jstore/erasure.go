package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// EraseLead implements partnergraph.LeadErasure: in one transaction it takes the lead's lock
// (as every transition of the lead does), reads it, and unless it was erased before, writes
// what partnergraph.Lead.Erase leaves of it (lead_erase). ENOTFOUND, EINVALID naming
// "erasure.at" or "erasure.by".
func (s *Store) EraseLead(ctx context.Context, leadID string, e partnergraph.Erasure) (*partnergraph.Lead, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	out, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (*partnergraph.Lead, error) {
		recs, err := run(ctx, tx, leadLock, map[string]any{"id": leadID})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q not found", leadID)
		}
		l, err := leadByIDIn(ctx, tx, leadID)
		if err != nil {
			return nil, err
		}
		if l.Erase(e) {
			if err := eraseLead(ctx, tx, l); err != nil {
				return nil, err
			}
		}
		return l, nil
	})
	return out, wrap("erase lead", err)
}

// eraseLead writes the erased lead l, whose lock the transaction holds, and its offers as
// partnergraph.Offer.Erase leaves them; it fails unless lead_erase erased the lead.
func eraseLead(ctx context.Context, tx neo4j.ManagedTransaction, l *partnergraph.Lead) error {
	recs, err := run(ctx, tx, leadErase, map[string]any{
		"id": l.ID, "location": toPoint(l.Location), "erasedAt": l.Erased.At.UTC(), "erasedBy": l.Erased.By,
	})
	if err != nil {
		return err
	}
	if len(recs) != 1 {
		return fmt.Errorf("lead_erase returned %d rows", len(recs))
	}
	if n, _, err := neo4j.GetRecordValue[int64](recs[0], "erased"); err != nil || n != 1 {
		return fmt.Errorf("lead %q was not erased under its lock (%d, %v)", l.ID, n, err)
	}
	offers, err := offersOfLead(ctx, tx, l.ID)
	if err != nil {
		return err
	}
	var rows []map[string]any
	for _, o := range offers {
		if o.Erase() {
			rows = append(rows, map[string]any{"id": o.ID, "reasons": list(o.Reasons)})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	_, err = run(ctx, tx, offerErase, map[string]any{"offers": rows})
	return err
}

// EraseClosedLeads implements partnergraph.LeadErasure: one transaction locks the longest
// closed leads that still hold customer data and re-reads them under the locks
// (lead_erase_due), so that of two servers at it at once, the one that waited skips what the
// other erased; then it erases each. EINVALID naming "closedBefore", "erasure.at",
// "erasure.by" or "first".
func (s *Store) EraseClosedLeads(ctx context.Context, closedBefore time.Time, e partnergraph.Erasure, limit int) (int, error) {
	if err := partnergraph.CheckEraseClosed(closedBefore, e, limit); err != nil {
		return 0, err
	}
	n, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (int, error) {
		recs, err := run(ctx, tx, leadEraseDue, map[string]any{"before": closedBefore.UTC(), "limit": int64(limit)})
		if err != nil {
			return 0, err
		}
		for _, rec := range recs {
			l, err := leadOf(rec)
			if err != nil {
				return 0, err
			}
			if !l.Erase(e) {
				return 0, fmt.Errorf("lead %q was selected as unerased but holds a tombstone", l.ID)
			}
			if err := eraseLead(ctx, tx, l); err != nil {
				return 0, err
			}
		}
		return len(recs), nil
	})
	return n, wrap("erase closed leads", err)
}
