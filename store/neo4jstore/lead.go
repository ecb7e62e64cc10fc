package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// IdempotencyWindow is how long an idempotency key is kept at least: a client may retry a
// submission for this long and still get the lead it created.
const IdempotencyWindow = 24 * time.Hour

// purgeBatchSize is how many idempotency keys one transaction of PurgeIdempotencyKeys removes,
// so that a large purge never builds one huge transaction on the server.
const purgeBatchSize = 1000

// leadChanges are the changes of a lead write (partnergraph.ChangeKind): an OUTCOME per
// offer answered or closed (Transition.OutcomeOffers), an OFFER per recipient of new offers and, when it writes events, a
// LEAD_EVENT for the referrer. Their number does not depend on referrerID, so that a write
// can reserve seqs for them before it reads the lead.
func leadChanges(referrerID string, outcomes []string, offers []partnergraph.Offer, events int) []change {
	var out []change
	for _, id := range outcomes {
		out = append(out, change{kind: partnergraph.ChangeOutcome, id: id})
	}
	seen := map[string]bool{}
	for _, o := range offers {
		if !seen[o.BusinessID] {
			seen[o.BusinessID] = true
			out = append(out, change{kind: partnergraph.ChangeOffer, id: o.BusinessID})
		}
	}
	if events > 0 {
		out = append(out, change{kind: partnergraph.ChangeLeadEvent, id: referrerID})
	}
	return out
}

// assignSeqs numbers the offers, then the events, from first on, in order.
func assignSeqs(first int64, offers []partnergraph.Offer, events []partnergraph.LeadEvent) {
	for i := range offers {
		offers[i].Seq = first + int64(i)
	}
	first += int64(len(offers))
	for i := range events {
		events[i].Seq = first + int64(i)
	}
}

// refs asks lead_refs which referenced objects exist and which new ids are taken.
type refs struct {
	businessIDs, serviceIDs, partnershipIDs, leadIDs, offerIDs, commissionIDs, commissionLeadIDs []string
}

// refsFound is lead_refs's answer: each set holds the ids of the question that it matched.
type refsFound struct {
	businesses, services, partnerships, leadsTaken, offersTaken, commissionsTaken, leadsWithCommission map[string]bool
}

func checkRefs(ctx context.Context, tx neo4j.ManagedTransaction, q refs) (refsFound, error) {
	recs, err := run(ctx, tx, leadRefs, map[string]any{
		"businessIds":       sortedUnique(q.businessIDs),
		"serviceIds":        sortedUnique(q.serviceIDs),
		"partnershipIds":    sortedUnique(q.partnershipIDs),
		"leadIds":           sortedUnique(q.leadIDs),
		"offerIds":          sortedUnique(q.offerIDs),
		"commissionIds":     sortedUnique(q.commissionIDs),
		"commissionLeadIds": sortedUnique(q.commissionLeadIDs),
	})
	if err != nil {
		return refsFound{}, err
	}
	if len(recs) != 1 {
		return refsFound{}, fmt.Errorf("lead_refs returned %d rows", len(recs))
	}
	v := &values{m: recs[0].AsMap()}
	set := func(key string) map[string]bool {
		out := map[string]bool{}
		for _, id := range v.strs(key) {
			out[id] = true
		}
		return out
	}
	f := refsFound{
		businesses:          set("businesses"),
		services:            set("services"),
		partnerships:        set("partnerships"),
		leadsTaken:          set("leadsTaken"),
		offersTaken:         set("offersTaken"),
		commissionsTaken:    set("commissionsTaken"),
		leadsWithCommission: set("leadsWithCommission"),
	}
	return f, v.err
}

// checkNewOffers returns the first error among new offers, in order: ENOTFOUND naming
// "businessId" for an unknown recipient, ECONFLICT for an id that is taken (or used twice).
func checkNewOffers(offers []partnergraph.Offer, found refsFound) error {
	seen := map[string]bool{}
	for _, o := range offers {
		if !found.businesses[o.BusinessID] {
			return notFound("businessId", "business", o.BusinessID)
		}
		if found.offersTaken[o.ID] || seen[o.ID] {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "offer %q already exists", o.ID)
		}
		seen[o.ID] = true
	}
	return nil
}

func offerIDsOf(offers []partnergraph.Offer) []string {
	out := make([]string, len(offers))
	for i, o := range offers {
		out[i] = o.ID
	}
	return out
}

func businessIDsOf(offers []partnergraph.Offer) []string {
	out := make([]string, len(offers))
	for i, o := range offers {
		out[i] = o.BusinessID
	}
	return out
}

func offerRows(offers []partnergraph.Offer) []any {
	rows := make([]any, len(offers))
	for i := range offers {
		rows[i] = offerRow(&offers[i])
	}
	return rows
}

func eventRows(events []partnergraph.LeadEvent) []any {
	rows := make([]any, len(events))
	for i := range events {
		rows[i] = eventRow(&events[i])
	}
	return rows
}

// capKey names a recipient's UTC day (partnergraph.CapDay) of offers.
type capKey struct {
	business string
	day      int64
}

func capKeyOf(o partnergraph.Offer) capKey {
	return capKey{o.BusinessID, partnergraph.CapDay(o.CreatedAt).UnixNano()}
}

// dayCount is a recipient's daily lead cap and how many offers it had that day before the
// offers counted so far.
type dayCount struct{ limit, sent int }

// takeCaps counts the new offers, which the transaction has just written, against their
// recipients' daily lead caps, on each offer's UTC day: it returns each recipient and day's
// cap and its offers before these (unknown recipients are absent; checkNewOffers deals with
// them). The day's count is read and moved up under a lock of its own (offer_cap_take) that
// the transaction holds until it ends, and every writer of offers takes it after writing
// them, so each offer is counted once and no two writers to a recipient count from the same
// value. It must be the transaction's last statement: writers to one recipient wait for each
// other from here on.
func takeCaps(ctx context.Context, tx neo4j.ManagedTransaction, offers []partnergraph.Offer) (map[capKey]*dayCount, error) {
	out := map[capKey]*dayCount{}
	if len(offers) == 0 {
		return out, nil
	}
	type capRow struct {
		business string
		day      time.Time
		n        int64
	}
	group := map[capKey]int{} // the row of each recipient and day
	var crows []capRow
	for _, o := range offers {
		k := capKeyOf(o)
		if _, ok := group[k]; !ok {
			group[k] = len(crows)
			crows = append(crows, capRow{business: o.BusinessID, day: partnergraph.CapDay(o.CreatedAt)})
		}
		crows[group[k]].n++
	}
	keys := make([]capKey, len(crows))
	for k, i := range group {
		keys[i] = k
	}
	// By business and day, so that concurrent writers lock in one order; "i" names each row.
	order := make([]int, len(crows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := strings.Compare(crows[a].business, crows[b].business); c != 0 {
			return c
		}
		return crows[a].day.Compare(crows[b].day)
	})
	rows := make([]any, len(crows))
	for j, i := range order {
		r := crows[i]
		rows[j] = map[string]any{"i": int64(i), "businessId": r.business, "from": r.day, "to": r.day.Add(24 * time.Hour), "n": r.n}
	}
	recs, err := run(ctx, tx, offerCapTake, map[string]any{"rows": rows})
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		v := &values{m: rec.AsMap()}
		i, limit, sent := v.integer("i"), v.integer("cap"), v.integer("offers")
		if v.err != nil {
			return nil, v.err
		}
		if i < 0 || int(i) >= len(keys) {
			return nil, fmt.Errorf("offer_cap_take returned row %d of %d", i, len(keys))
		}
		out[keys[i]] = &dayCount{int(limit), int(sent)}
	}
	return out, nil
}

// checkCapsOf checks offers, in order, against counts (takeCaps), the offers before each in
// the list included, and returns the first partnergraph.CheckDailyCap error. Only when all
// pass does it count them in counts, so that a batch can leave out a submission that fails.
func checkCapsOf(counts map[capKey]*dayCount, offers []partnergraph.Offer) error {
	add := map[capKey]int{}
	for _, o := range offers {
		k := capKeyOf(o)
		c, ok := counts[k]
		if !ok {
			continue
		}
		if err := partnergraph.CheckDailyCap(o.BusinessID, c.limit, c.sent+add[k]); err != nil {
			return err
		}
		add[k]++
	}
	for k, n := range add {
		counts[k].sent += n
	}
	return nil
}

// checkCaps counts the new offers against their recipients' daily caps (takeCaps) and returns
// the first partnergraph.CheckDailyCap error. It must be the transaction's last statement.
func checkCaps(ctx context.Context, tx neo4j.ManagedTransaction, offers []partnergraph.Offer) error {
	counts, err := takeCaps(ctx, tx, offers)
	if err != nil {
		return err
	}
	return checkCapsOf(counts, offers)
}

// createOffersAndEvents writes new offers and events (their seqs assigned; they may belong to
// several leads) and checks that every row was written.
func createOffersAndEvents(ctx context.Context, tx neo4j.ManagedTransaction, offers []partnergraph.Offer, events []partnergraph.LeadEvent) error {
	if len(offers) > 0 {
		recs, err := run(ctx, tx, offerCreate, map[string]any{"offers": offerRows(offers)})
		if err != nil {
			return err
		}
		if err := wantCount(recs, "created", len(offers)); err != nil {
			return err
		}
	}
	if len(events) > 0 {
		recs, err := run(ctx, tx, eventCreate, map[string]any{"events": eventRows(events)})
		if err != nil {
			return err
		}
		if err := wantCount(recs, "created", len(events)); err != nil {
			return err
		}
	}
	return nil
}

// wantCount checks the count a statement returned under key. A short count means a row found
// nothing to match, which the checks before it should have ruled out: the transaction must not
// commit half of what it was asked to write.
func wantCount(recs []*neo4j.Record, key string, want int) error {
	if len(recs) != 1 {
		return fmt.Errorf("%s: %d rows, want 1", key, len(recs))
	}
	n, _, err := neo4j.GetRecordValue[int64](recs[0], key)
	if err != nil {
		return err
	}
	if n != int64(want) {
		return fmt.Errorf("%s %d of %d", key, n, want)
	}
	return nil
}

// Lead implements partnergraph.LeadStore. ENOTFOUND for an unknown id. A lead whose
// idempotency key was purged has IdempotencyKey "".
func (s *Store) Lead(ctx context.Context, id string) (*partnergraph.Lead, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (*partnergraph.Lead, error) {
		return leadByIDIn(ctx, tx, id)
	})
	return out, wrap("find lead", err)
}

func leadByIDIn(ctx context.Context, tx neo4j.ManagedTransaction, id string) (*partnergraph.Lead, error) {
	recs, err := run(ctx, tx, leadByID, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q not found", id)
	}
	return leadOf(recs[0])
}

// Offer implements partnergraph.LeadStore. ENOTFOUND for an unknown id.
func (s *Store) Offer(ctx context.Context, id string) (*partnergraph.Offer, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (*partnergraph.Offer, error) {
		found, err := offersByID(ctx, tx, []string{id})
		if err != nil {
			return nil, err
		}
		o, ok := found[id]
		if !ok {
			return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "offer %q not found", id)
		}
		return &o, nil
	})
	return out, wrap("find offer", err)
}

// offersByID returns the offers with these ids that exist, keyed by id.
func offersByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]partnergraph.Offer, error) {
	recs, err := run(ctx, tx, offerByIDs, map[string]any{"ids": sortedUnique(ids)})
	if err != nil {
		return nil, err
	}
	out := make(map[string]partnergraph.Offer, len(recs))
	for _, rec := range recs {
		o, err := offerOf(rec)
		if err != nil {
			return nil, err
		}
		out[o.ID] = o
	}
	return out, nil
}

// OffersOfLead implements partnergraph.LeadStore: by rank, then seq (a re-offer to the same
// rank comes after the first). ENOTFOUND for an unknown lead; a lead without offers has none.
func (s *Store) OffersOfLead(ctx context.Context, leadID string) ([]partnergraph.Offer, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]partnergraph.Offer, error) {
		return offersOfLead(ctx, tx, leadID)
	})
	return out, wrap("list offers of lead", err)
}

// offersOfLead reads the lead's offers in tx, by rank then seq; never nil. ENOTFOUND for an
// unknown lead.
func offersOfLead(ctx context.Context, tx neo4j.ManagedTransaction, leadID string) ([]partnergraph.Offer, error) {
	recs, err := run(ctx, tx, offerListByLead, map[string]any{"leadId": leadID})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q not found", leadID)
	}
	out := []partnergraph.Offer{}
	for _, rec := range recs {
		v, err := optNode(rec, "o")
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue // the lead has no offers
		}
		o, err := offerFrom(v)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// readOffers runs st, which returns offers under "o", in a read transaction; never nil.
func (s *Store) readOffers(ctx context.Context, st statement, params map[string]any) ([]partnergraph.Offer, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]partnergraph.Offer, error) {
		recs, err := run(ctx, tx, st, params)
		if err != nil {
			return nil, err
		}
		out := make([]partnergraph.Offer, 0, len(recs))
		for _, rec := range recs {
			o, err := offerOf(rec)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		return out, nil
	})
}

// Inbox implements partnergraph.LeadStore: Seq is the cursor, so a subscriber that resumes
// with the last Seq it saw misses nothing (the inbox is read up to the seq watermark, below
// which no write can still commit: seqs.go). EINVALID naming "first" unless limit is in
// 1..partnergraph.MaxFeedSize. An unknown business has an empty inbox.
func (s *Store) Inbox(ctx context.Context, businessID string, after int64, limit int) ([]partnergraph.Offer, error) {
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out, err := readFeed(ctx, s, offerInbox, map[string]any{"businessId": businessID, "after": after, "limit": int64(limit)},
		offerOf, func(o partnergraph.Offer) int64 { return o.Seq }, nil)
	return out, wrap("read inbox", err)
}

// LeadEvents implements partnergraph.LeadStore, as Inbox does for offers. EINVALID naming
// "first" unless limit is in 1..partnergraph.MaxFeedSize.
func (s *Store) LeadEvents(ctx context.Context, referrerID string, after int64, limit int) ([]partnergraph.LeadEvent, error) {
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out, err := readFeed(ctx, s, eventFeed, map[string]any{"referrerId": referrerID, "after": after, "limit": int64(limit)},
		eventOf, func(e partnergraph.LeadEvent) int64 { return e.Seq }, nil)
	return out, wrap("read lead events", err)
}

// LeadErasures implements partnergraph.LeadErasureFeed, as LeadEvents does, through the
// LeadEvent(referrerId, kind, seq) index. EINVALID naming "first".
func (s *Store) LeadErasures(ctx context.Context, businessID string, after int64, limit int) ([]partnergraph.LeadEvent, error) {
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out, err := readFeed(ctx, s, eventErasures, map[string]any{"referrerId": businessID, "after": after, "limit": int64(limit)},
		eventOf, func(e partnergraph.LeadEvent) int64 { return e.Seq }, nil)
	return out, wrap("read lead erasures", err)
}

// DueOffers implements partnergraph.LeadStore: the PENDING offers that expired at or before
// now, the longest overdue first (then by seq). EINVALID naming "now" for a zero time, and
// "first" unless limit is in 1..partnergraph.MaxFeedSize.
func (s *Store) DueOffers(ctx context.Context, now time.Time, limit int) ([]partnergraph.Offer, error) {
	if err := partnergraph.RequireTime("now", now); err != nil {
		return nil, err
	}
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out, err := s.readOffers(ctx, offerDue, map[string]any{"now": now.UTC(), "limit": int64(limit)})
	return out, wrap("find due offers", err)
}

// OffersSince implements partnergraph.LeadStore. Every offer counts, whatever became of it: a
// daily cap limits what a business is sent, not what it kept. A business with no offers is
// absent from the map (which reads as 0); a zero since counts every offer. Concurrent calls
// share one read (readGroup).
func (s *Store) OffersSince(ctx context.Context, businessIDs []string, since time.Time) (map[string]int, error) {
	if len(businessIDs) == 0 {
		return map[string]int{}, nil
	}
	out, err := s.offerCountReads.do(ctx, s, offersSince{businessIDs, since.UTC()}, s.offerCounts)
	if err != nil {
		return nil, wrap("count offers", err)
	}
	return out, nil
}

// offersSince is one question of OffersSince.
type offersSince struct {
	businessIDs []string
	since       time.Time
}

// offerCounts answers the questions in one read transaction, one statement per distinct since
// (the lead path asks them all from the start of the day).
func (s *Store) offerCounts(ctx context.Context, qs []offersSince) ([]map[string]int, error) {
	bySince := map[time.Time][]string{}
	for _, q := range qs {
		bySince[q.since] = append(bySince[q.since], q.businessIDs...)
	}
	counts, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[time.Time]map[string]int, error) {
		out := map[time.Time]map[string]int{}
		for since, ids := range bySince {
			// The zero time is 0001-01-01T00:00:00Z, before any offer.
			recs, err := run(ctx, tx, offerCountsSince, map[string]any{"businessIds": sortedUnique(ids), "since": since})
			if err != nil {
				return nil, err
			}
			n := map[string]int{}
			for _, rec := range recs {
				v := &values{m: rec.AsMap()}
				id, k := v.str("businessId"), v.integer("offers")
				if v.err != nil {
					return nil, v.err
				}
				n[id] = int(k)
			}
			out[since] = n
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]map[string]int, len(qs))
	for i, q := range qs {
		out[i] = make(map[string]int, len(q.businessIDs))
		for _, id := range q.businessIDs {
			if k, ok := counts[q.since][id]; ok {
				out[i][id] = k
			}
		}
	}
	return out, nil
}

// PurgeIdempotencyKeys implements partnergraph.LeadStore: it removes the idempotency key of
// leads created before the time (the (referrerId, idempotencyKey) uniqueness constraint
// ignores leads without one, so the key can be used
// again) and returns how many it removed. The keys go in batches of purgeBatchSize, each in a
// transaction of its own: on an error the batches before it stay purged, and running it again
// finishes the work. EINVALID naming "before" for a zero time or one within IdempotencyWindow
// of now, since purging a recent key would let a retry create a second lead.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	if err := partnergraph.RequireTime("before", before); err != nil {
		return 0, err
	}
	if before.After(time.Now().Add(-IdempotencyWindow)) {
		return 0, partnergraph.Invalidf("before", "must be at least %s ago", IdempotencyWindow)
	}
	total := 0
	for {
		n, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (int64, error) {
			recs, err := run(ctx, tx, leadPurgeKeys, map[string]any{"before": before.UTC(), "limit": int64(purgeBatchSize)})
			if err != nil {
				return 0, err
			}
			if len(recs) != 1 {
				return 0, fmt.Errorf("lead_purge_keys returned %d rows", len(recs))
			}
			n, _, err := neo4j.GetRecordValue[int64](recs[0], "purged")
			return n, err
		})
		if err != nil {
			return total, wrap("purge idempotency keys", err)
		}
		total += int(n)
		if n < purgeBatchSize {
			return total, nil
		}
	}
}

// Outcomes implements partnergraph.LeadStore: pages of answered offers, in the order the
// offer_responded index keeps them, each offer with its lead in the same statement (a page
// costs its own size, so the replay is linear in the outcomes).
func (s *Store) Outcomes(ctx context.Context, since time.Time, fn func(partnergraph.Offer, partnergraph.Lead) error) error {
	after, seq := since.UTC(), int64(-1)
	type outcome struct {
		o partnergraph.Offer
		l *partnergraph.Lead
	}
	for {
		page, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]outcome, error) {
			recs, err := run(ctx, tx, outcomePage, map[string]any{"after": after, "seq": seq, "limit": int64(outcomePageSize)})
			if err != nil {
				return nil, err
			}
			out := make([]outcome, 0, len(recs))
			for _, rec := range recs {
				o, err := offerOf(rec)
				if err != nil {
					return nil, err
				}
				l, err := leadOf(rec)
				if err != nil {
					return nil, err
				}
				out = append(out, outcome{o, l})
			}
			return out, nil
		})
		if err != nil {
			return wrap("read outcomes", err)
		}
		for _, x := range page {
			if err := fn(x.o, *x.l); err != nil {
				return err
			}
		}
		if len(page) < outcomePageSize {
			return nil
		}
		last := page[len(page)-1].o
		after, seq = last.RespondedAt.UTC(), last.Seq
	}
}

// outcomePageSize is how many outcomes Outcomes reads in one transaction.
const outcomePageSize = 5000
