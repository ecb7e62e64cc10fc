package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// Group commit of submissions. Every lead write used to be a write transaction of its own,
// and each ended on its recipients' daily-cap counts (offer_cap_take), which writers to one
// recipient take in turn until they commit: under load, submissions queued there one commit
// at a time. Now the submissions of a process that wait at one time are written together, in
// one write transaction of a few UNWIND statements (one per kind of statement, not one per
// lead), numbered from one seq reservation and ended by one cap count; each caller still gets
// its own answer:
//   - a key that holds a lead answers with that lead (or ECONFLICT for other input), and an
//     unknown referrer, service or recipient or a taken id fails that submission alone: the
//     batch checks them in its transaction and leaves those submissions out;
//   - a submission that would take a recipient past its daily cap fails alone: the cap count
//     runs last, the transaction is rolled back, and the batch runs again without it;
//   - the same key twice in one batch: the later submissions run after the batch, and find the
//     lead;
//   - a constraint violation (another process wrote the same key or id meanwhile) cannot be
//     put down to one submission: the batch is rolled back and each submission runs alone,
//     as a batch of one, which looks its key up again.
// A batch commits or fails as a whole, so an acknowledged lead is written with its offers,
// events and changes, once.

const (
	// maxSubmitBatch bounds the submissions of one batch (its statements' parameters, and
	// the time its caller waits).
	maxSubmitBatch = 256
	// maxSubmitBatches is how many batches a process writes at once. A submission that
	// arrives while fewer are running starts one at once (no added wait at low load); one
	// that arrives while all run waits for the next, with the others that arrive meanwhile.
	maxSubmitBatches = 4
)

// errBatchCapped ends a batch's transaction, rolled back, when some of its submissions would
// take a recipient past its daily cap; the batch then runs again without them.
var errBatchCapped = errors.New("submissions of the batch reached a daily lead cap")

// submission is one SubmitLead waiting in a batch: its lead, offers and events as prepared
// (partnergraph.PrepareSubmission), its changes, and its outcome, which its caller reads once
// done is closed.
type submission struct {
	l       partnergraph.Lead
	offers  []partnergraph.Offer
	events  []partnergraph.LeadEvent
	changes []change
	done    chan struct{}
	settled bool // res and err hold its outcome
	res     submitted
	err     error
}

// submitted is what a submission produced: the existing lead under its key, or the offers
// and events as written.
type submitted struct {
	existing *partnergraph.Lead
	offers   []partnergraph.Offer
	events   []partnergraph.LeadEvent
}

// newSubmission prepares a submission of l with its offers and events
// (partnergraph.PrepareSubmission), on copies.
func newSubmission(l *partnergraph.Lead, offers []partnergraph.Offer, events []partnergraph.LeadEvent) (*submission, error) {
	nl, no, ne, err := partnergraph.PrepareSubmission(l, offers, events, now())
	if err != nil {
		return nil, err
	}
	return &submission{l: nl, offers: no, events: ne, changes: leadChanges(nl.ReferrerID, nil, no, len(ne)), done: make(chan struct{})}, nil
}

// seqs is how many seqs the submission numbers: its offers, events and changes.
func (m *submission) seqs() int { return len(m.offers) + len(m.events) + len(m.changes) }

// settle records the submission's outcome; its caller learns it once the batch's reservation
// is released (writeBatch), so that a subscriber it wakes reads past it.
func (m *submission) settle(res submitted, err error) {
	m.res, m.err, m.settled = res, err, true
}

// SubmitLead implements partnergraph.LeadStore. It validates l (EINVALID), fills its id,
// InputHash (l.Hash()), status (OFFERED) and creation time when they are empty, and writes the
// lead, offers and events in one write transaction, numbered from seqs reserved for it
// (seqs.go), together with the other submissions of this process that wait at the same time
// (group commit, above). The idempotency key is looked up with the referrer (keys are per
// referrer, so another referrer's lead under the same key is neither found nor a conflict);
// when the same key is submitted concurrently, the lead_referrer_key constraint lets one
// write commit and fails the others, which then run again and find its lead. ECONFLICT naming
// "idempotencyKey" if the key holds a lead of the same referrer with another input, ECONFLICT
// naming "dailyLeadCap" if an offer would take its recipient past its daily cap (counted
// under the recipient's lock), ECONFLICT if the lead's or an offer's id is taken; ENOTFOUND
// naming "referrerId", "service" or "businessId" (of an offer).
//
// The driver may run the transaction more than once (after a deadlock or a leader change), so
// each run starts from the prepared copies. A commit whose outcome is unknown comes back as an
// error; the caller's retry under the same key then finds the lead if it was written. Once
// queued, the write runs to its end even if ctx ends (see Store.numbered). On success with
// created=true, l, offers and events hold what was written (ids, Seq); on created=false or an
// error they are left as they were (but for l.Validate's defaults).
func (s *Store) SubmitLead(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer, events []partnergraph.LeadEvent) (*partnergraph.Lead, bool, error) {
	m, err := newSubmission(l, offers, events)
	if err != nil {
		return nil, false, err
	}
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	s.submits.add(m, maxSubmitBatches, maxSubmitBatch, func(batch []*submission) { s.writeBatch(context.Background(), batch) })
	<-m.done
	err = m.err
	if isConstraintViolation(err) {
		err = partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q or one of its offers already exists", m.l.ID)
	}
	if err != nil {
		return nil, false, wrap("submit lead", err)
	}
	if m.res.existing != nil {
		return m.res.existing, false, nil
	}
	*l = m.l
	copy(offers, m.res.offers)
	copy(events, m.res.events)
	return l, true, nil
}

// writeBatch writes the submissions ms (see the group commit above) and finishes each.
func (s *Store) writeBatch(ctx context.Context, ms []*submission) {
	// The same key twice: the later ones run once this batch has written the first.
	var later []*submission
	seen := map[[2]string]bool{}
	batch := ms[:0:0]
	for _, m := range ms {
		k := [2]string{m.l.ReferrerID, m.l.IdempotencyKey}
		if m.l.IdempotencyKey != "" && seen[k] {
			later = append(later, m)
			continue
		}
		seen[k] = true
		batch = append(batch, m)
	}
	defer func() {
		for _, m := range later {
			s.writeBatch(ctx, []*submission{m})
		}
	}()

	total := 0
	for _, m := range batch {
		total += m.seqs()
	}
	var alone []*submission // to run one by one once the reservation is released
	err := s.numbered(ctx, total, func(ctx context.Context, r *reservation) error {
		live := batch
		for attempt := 0; len(live) > 0; attempt++ {
			var out batchRun
			_, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (struct{}, error) {
				var err error
				out, err = s.batchRun(ctx, tx, r, live)
				return struct{}{}, err
			})
			switch {
			case err == nil:
				for i, m := range live {
					m.settle(out.res[i], out.errs[i])
				}
				return nil
			case errors.Is(err, errBatchCapped):
				// Those that fail the cap fail; the others run again without them.
				next := live[:0:0]
				for i, m := range live {
					if out.capped[i] {
						m.settle(submitted{}, out.errs[i])
					} else {
						next = append(next, m)
					}
				}
				live = next
			case isConstraintViolation(err) && len(live) > 1:
				alone = live
				return nil
			case isConstraintViolation(err) && attempt == 0:
				// A concurrent submit of the same key (or a taken id) committed first: the
				// second run's look-up finds its lead, and a second violation is a conflict.
			default:
				for _, m := range live {
					m.settle(submitted{}, err)
				}
				return err
			}
		}
		return nil
	})
	// The reservation is released now (unless the outcome is unknown): tell the callers.
	for _, m := range batch {
		if slices.Contains(alone, m) {
			continue
		}
		if !m.settled {
			if err == nil {
				err = errors.New("a submission of the batch was left undecided")
			}
			m.settle(submitted{}, err) // the reservation failed
		}
		close(m.done)
	}
	var wg sync.WaitGroup
	for _, m := range alone {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.writeBatch(ctx, []*submission{m})
		}()
	}
	wg.Wait()
}

// batchRun is what one run of a batch's transaction decided, by submission: what it wrote or
// found, its error, and whether that error is a daily cap (errBatchCapped).
type batchRun struct {
	res    []submitted
	errs   []error
	capped []bool
}

// batchRun is one run of a batch's transaction, numbered from r (nil when no submission
// numbers anything): it looks every key up, checks every reference, writes the submissions
// that pass (each numbered from its own part of r: its offers, then its events, then its
// changes) and counts their offers against the daily caps last. It changes none of the
// submissions; with errBatchCapped, out says which failed the cap.
func (s *Store) batchRun(ctx context.Context, tx neo4j.ManagedTransaction, r *reservation, ms []*submission) (batchRun, error) {
	out := batchRun{res: make([]submitted, len(ms)), errs: make([]error, len(ms)), capped: make([]bool, len(ms))}
	if err := r.check(ctx, tx); err != nil {
		return out, err
	}
	decided := make([]bool, len(ms))
	fail := func(i int, err error) { out.errs[i], decided[i] = err, true }

	var keys []any
	for i, m := range ms {
		if m.l.IdempotencyKey != "" {
			keys = append(keys, map[string]any{"i": int64(i), "referrerId": m.l.ReferrerID, "key": m.l.IdempotencyKey})
		}
	}
	if len(keys) > 0 {
		recs, err := run(ctx, tx, leadByKey, map[string]any{"keys": keys})
		if err != nil {
			return out, err
		}
		for _, rec := range recs {
			i, _, err := neo4j.GetRecordValue[int64](rec, "i")
			if err != nil {
				return out, err
			}
			if i < 0 || int(i) >= len(ms) || decided[i] {
				return out, fmt.Errorf("lead_by_key returned row %d of %d", i, len(ms))
			}
			old, err := leadOf(rec)
			if err != nil {
				return out, err
			}
			if old.InputHash != ms[i].l.InputHash {
				fail(int(i), &partnergraph.Error{Code: partnergraph.ECONFLICT, Field: "idempotencyKey", Message: "was already used for a lead with other input"})
				continue
			}
			out.res[i], decided[i] = submitted{existing: old}, true
		}
	}

	var q refs
	for i, m := range ms {
		if decided[i] {
			continue
		}
		q.businessIDs = append(q.businessIDs, m.l.ReferrerID)
		q.businessIDs = append(q.businessIDs, businessIDsOf(m.offers)...)
		q.serviceIDs = append(q.serviceIDs, m.l.ServiceID)
		q.leadIDs = append(q.leadIDs, m.l.ID)
		q.offerIDs = append(q.offerIDs, offerIDsOf(m.offers)...)
	}
	if len(q.leadIDs) == 0 {
		return out, nil
	}
	found, err := checkRefs(ctx, tx, q)
	if err != nil {
		return out, err
	}
	// Ids of the batch count as taken for the submissions after the one that has them.
	for i, m := range ms {
		if decided[i] {
			continue
		}
		switch {
		case !found.businesses[m.l.ReferrerID]:
			fail(i, notFound("referrerId", "business", m.l.ReferrerID))
		case !found.services[m.l.ServiceID]:
			fail(i, notFound("service", "service", m.l.ServiceID))
		case found.leadsTaken[m.l.ID]:
			fail(i, partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q already exists", m.l.ID))
		default:
			if err := checkNewOffers(m.offers, found); err != nil {
				fail(i, err)
				continue
			}
			found.leadsTaken[m.l.ID] = true
			for _, o := range m.offers {
				found.offersTaken[o.ID] = true
			}
		}
	}

	var leadRows, changes []any
	var offers []partnergraph.Offer
	var events []partnergraph.LeadEvent
	var kept []int
	next := int64(0)
	if r != nil {
		next = r.first
	}
	for i, m := range ms {
		if decided[i] {
			continue
		}
		res := submitted{offers: slices.Clone(m.offers), events: slices.Clone(m.events)}
		if r != nil {
			assignSeqs(next, res.offers, res.events)
			changes = changeRows(changes, next+int64(len(m.offers)+len(m.events)), m.changes)
			next += int64(m.seqs())
		}
		out.res[i] = res
		kept = append(kept, i)
		leadRows = append(leadRows, leadParams(&m.l))
		offers = append(offers, res.offers...)
		events = append(events, res.events...)
	}
	if len(kept) == 0 {
		return out, nil
	}
	// Linking a lead to its referrer and an offer to its recipient locks those businesses:
	// rows in id order make concurrent batches lock them in one order, so they deadlock (and
	// rerun) less often.
	slices.SortStableFunc(leadRows, func(a, b any) int {
		return strings.Compare(a.(map[string]any)["referrerId"].(string), b.(map[string]any)["referrerId"].(string))
	})
	byRecipient := slices.Clone(offers)
	slices.SortStableFunc(byRecipient, func(a, b partnergraph.Offer) int { return strings.Compare(a.BusinessID, b.BusinessID) })
	recs, err := run(ctx, tx, leadCreate, map[string]any{"leads": leadRows})
	if err != nil {
		return out, err
	}
	if err := wantCount(recs, "created", len(leadRows)); err != nil {
		return out, err
	}
	if err := createOffersAndEvents(ctx, tx, byRecipient, events); err != nil {
		return out, err
	}
	if err := s.createChanges(ctx, tx, changes); err != nil {
		return out, err
	}
	counts, err := takeCaps(ctx, tx, offers)
	if err != nil {
		return out, err
	}
	capped := false
	for _, i := range kept {
		if err := checkCapsOf(counts, out.res[i].offers); err != nil {
			out.errs[i], out.capped[i], out.res[i] = err, true, submitted{}
			capped = true
		}
	}
	if capped {
		return out, errBatchCapped
	}
	return out, nil
}
