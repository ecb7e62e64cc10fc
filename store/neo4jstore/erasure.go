package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// maxEraseTries bounds the retries of an erasure whose lead got a new recipient between the
// count of the businesses to tell and the write (errMoreToTell).
const maxEraseTries = 3

// EraseLead implements partnergraph.LeadErasure: it counts the businesses to tell (the
// referrer and the lead's recipients), reserves seqs for their events (seqs.go), and in one
// transaction takes the lead's lock (as every transition of the lead does), reads it, and
// unless it was erased before, writes what partnergraph.Lead.Erase leaves of it (lead_erase)
// and the events (partnergraph.LeadErasedEvents). ENOTFOUND, EINVALID naming "erasure.at" or
// "erasure.by".
func (s *Store) EraseLead(ctx context.Context, leadID string, e partnergraph.Erasure) (*partnergraph.Lead, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	for try := 1; ; try++ {
		offers, err := s.OffersOfLead(ctx, leadID)
		if err != nil {
			return nil, err
		}
		// The referrer, and each business offered the lead (once each).
		told := len(partnergraph.LeadErasedEvents(&partnergraph.Lead{Erased: &e}, offers))
		var out *partnergraph.Lead
		err = s.numbered(ctx, noticeSeqs(told), func(ctx context.Context, r *reservation) error {
			var err error
			out, err = write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (*partnergraph.Lead, error) {
				if err := r.check(ctx, tx); err != nil {
					return nil, err
				}
				l, err := lockLead(ctx, tx, leadID)
				if err != nil {
					return nil, err
				}
				if l.Erase(e) {
					if _, err := s.eraseLead(ctx, tx, l, r.first, r.first+int64(noticeSeqs(told))); err != nil {
						return nil, err
					}
				}
				return l, nil
			})
			return err
		})
		if errors.Is(err, errMoreToTell) && try < maxEraseTries {
			continue
		}
		return out, wrap("erase lead", err)
	}
}

// eraseLead writes the erased lead l, whose lock the transaction holds, and its offers as
// partnergraph.Offer.Erase leaves them, and tells each business that got its data
// (writeNotices from first, up to end); it returns the next free seq. It fails unless
// lead_erase erased the lead.
func (s *Store) eraseLead(ctx context.Context, tx neo4j.ManagedTransaction, l *partnergraph.Lead, first, end int64) (int64, error) {
	recs, err := run(ctx, tx, leadErase, map[string]any{
		"id": l.ID, "location": toPoint(l.Location), "erasedAt": l.Erased.At.UTC(), "erasedBy": l.Erased.By,
	})
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("lead_erase returned %d rows", len(recs))
	}
	if n, _, err := neo4j.GetRecordValue[int64](recs[0], "erased"); err != nil || n != 1 {
		return 0, fmt.Errorf("lead %q was not erased under its lock (%d, %v)", l.ID, n, err)
	}
	offers, err := offersOfLead(ctx, tx, l.ID)
	if err != nil {
		return 0, err
	}
	var rows []map[string]any
	for _, o := range offers {
		if o.Erase() {
			rows = append(rows, map[string]any{"id": o.ID, "reasons": list(o.Reasons)})
		}
	}
	if len(rows) > 0 {
		if _, err = run(ctx, tx, offerErase, map[string]any{"offers": rows}); err != nil {
			return 0, err
		}
	}
	return s.writeNotices(ctx, tx, first, end, partnergraph.LeadErasedEvents(l, offers))
}

// EraseClosedLeads implements partnergraph.LeadErasure: a read picks the longest closed
// leads that still hold customer data and counts the businesses to tell of each
// (lead_erase_due), seqs are reserved for their events, and one transaction locks those leads
// and re-reads them under the locks (lead_erase_lock), so that of two servers at it at once,
// the one that waited skips what the other erased; then it erases each. A closed lead gets no
// new offers, so the count holds. EINVALID naming "closedBefore", "erasure.at", "erasure.by"
// or "first".
func (s *Store) EraseClosedLeads(ctx context.Context, closedBefore time.Time, e partnergraph.Erasure, limit int) (int, error) {
	if err := partnergraph.CheckEraseClosed(closedBefore, e, limit); err != nil {
		return 0, err
	}
	type due struct {
		ids  []any
		told int
	}
	d, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (due, error) {
		recs, err := run(ctx, tx, leadEraseDue, map[string]any{"before": closedBefore.UTC(), "limit": int64(limit)})
		if err != nil {
			return due{}, err
		}
		var d due
		for _, rec := range recs {
			v := &values{m: rec.AsMap()}
			d.ids = append(d.ids, v.str("id"))
			d.told += 1 + int(v.integer("recipients"))
			if v.err != nil {
				return due{}, v.err
			}
		}
		return d, nil
	})
	if err != nil || len(d.ids) == 0 {
		return 0, wrap("erase closed leads", err)
	}
	n := 0
	err = s.numbered(ctx, noticeSeqs(d.told), func(ctx context.Context, r *reservation) error {
		var err error
		n, err = write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (int, error) {
			if err := r.check(ctx, tx); err != nil {
				return 0, err
			}
			recs, err := run(ctx, tx, leadEraseLock, map[string]any{"ids": d.ids})
			if err != nil {
				return 0, err
			}
			next, end := r.first, r.first+int64(noticeSeqs(d.told))
			for _, rec := range recs {
				l, err := leadOf(rec)
				if err != nil {
					return 0, err
				}
				if !l.Erase(e) {
					return 0, fmt.Errorf("lead %q was selected as unerased but holds a tombstone", l.ID)
				}
				if next, err = s.eraseLead(ctx, tx, l, next, end); err != nil {
					return 0, err
				}
			}
			return len(recs), nil
		})
		return err
	})
	return n, wrap("erase closed leads", err)
}
