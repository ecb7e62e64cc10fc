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

// checkCaps counts each new offer, which the transaction has just written, against its
// recipient's daily lead cap, on the offer's UTC day (partnergraph.CapDay), the offers before
// it in the list included, and returns the first partnergraph.CheckDailyCap error. The day's
// count is read and moved up under a lock of its own (offer_cap_take) that the transaction
// holds until it ends, and every writer of offers takes it after writing them, so each offer
// is counted once and no two writers to a recipient count from the same value. It must be
// the transaction's last statement: writers to one recipient wait for each other from here
// on. Unknown recipients are left to checkNewOffers.
func checkCaps(ctx context.Context, tx neo4j.ManagedTransaction, offers []partnergraph.Offer) error {
	if len(offers) == 0 {
		return nil
	}
	type key struct {
		business string
		day      int64
	}
	type capRow struct {
		i        int64
		business string
		day      time.Time
		n        int64
	}
	group := map[key]int{} // the row of each recipient and day
	var crows []capRow
	keys := make([]key, len(offers))
	for i, o := range offers {
		day := partnergraph.CapDay(o.CreatedAt)
		k := key{o.BusinessID, day.UnixNano()}
		keys[i] = k
		if _, ok := group[k]; !ok {
			group[k] = len(crows)
			crows = append(crows, capRow{i: int64(len(crows)), business: o.BusinessID, day: day})
		}
		crows[group[k]].n++
	}
	// By business and day, so that concurrent writers lock in one order; "i" names each row.
	slices.SortFunc(crows, func(a, b capRow) int {
		if c := strings.Compare(a.business, b.business); c != 0 {
			return c
		}
		return a.day.Compare(b.day)
	})
	rows := make([]any, len(crows))
	for j, r := range crows {
		rows[j] = map[string]any{"i": r.i, "businessId": r.business, "from": r.day, "to": r.day.Add(24 * time.Hour), "n": r.n}
	}
	recs, err := run(ctx, tx, offerCapTake, map[string]any{"rows": rows})
	if err != nil {
		return err
	}
	type count struct{ limit, sent int }
	counts := map[int]count{}
	for _, rec := range recs {
		v := &values{m: rec.AsMap()}
		i, limit, sent := v.integer("i"), v.integer("cap"), v.integer("offers")
		if v.err != nil {
			return v.err
		}
		counts[int(i)] = count{int(limit), int(sent)}
	}
	for i, o := range offers {
		c, ok := counts[group[keys[i]]]
		if !ok {
			continue
		}
		if err := partnergraph.CheckDailyCap(o.BusinessID, c.limit, c.sent); err != nil {
			return err
		}
		c.sent++
		counts[group[keys[i]]] = c
	}
	return nil
}

// createOffersAndEvents writes a lead's new offers and events (their seqs assigned) and checks
// that every row was written.
func createOffersAndEvents(ctx context.Context, tx neo4j.ManagedTransaction, leadID string, offers []partnergraph.Offer, events []partnergraph.LeadEvent) error {
	if len(offers) > 0 {
		recs, err := run(ctx, tx, offerCreate, map[string]any{"leadId": leadID, "offers": offerRows(offers)})
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

// submitted is what one run of SubmitLead's transaction produced: the existing lead under the
// key, or the offers and events as written.
type submitted struct {
	existing *partnergraph.Lead
	offers   []partnergraph.Offer
	events   []partnergraph.LeadEvent
}

// SubmitLead implements partnergraph.LeadStore. It validates l (EINVALID), fills its id,
// InputHash (l.Hash()), status (OFFERED) and creation time when they are empty, and writes the
// lead, offers and events in one write transaction, numbered from seqs reserved for it
// (seqs.go). The idempotency key is looked up with the referrer (keys are per referrer, so
// another referrer's lead under the same key is neither found nor a conflict); when the same
// key is submitted concurrently, the lead_referrer_key constraint lets one write commit and
// fails the others, which then run again and find its lead. ECONFLICT naming
// "idempotencyKey" if the key holds a lead of the same referrer with another input, ECONFLICT
// naming "dailyLeadCap" if an offer would take its recipient past its daily cap (counted
// under the recipient's lock), ECONFLICT if the lead's or an offer's id is taken; ENOTFOUND
// naming "referrerId", "service" or "businessId" (of an offer).
//
// The driver may run the transaction more than once (after a deadlock or a leader change), so
// each run starts from the prepared copies. A commit whose outcome is unknown comes back as an
// error; the caller's retry under the same key then finds the lead if it was written. Once its
// seqs are reserved the write runs to its end even if ctx ends (see Store.numbered). On
// success with created=true, l, offers and events hold what was written (ids, Seq); on
// created=false or an error they are left as they were (but for l.Validate's defaults).
func (s *Store) SubmitLead(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer, events []partnergraph.LeadEvent) (*partnergraph.Lead, bool, error) {
	nl, no, ne, err := partnergraph.PrepareSubmission(l, offers, events, now())
	if err != nil {
		return nil, false, err
	}

	var res submitted
	changes := leadChanges(nl.ReferrerID, nil, no, len(ne))
	err = s.numbered(ctx, len(no)+len(ne)+len(changes), func(ctx context.Context, r *reservation) error {
		// A constraint violation means a concurrent submit of the same key (or a taken id)
		// committed first: the second run's look-up finds its lead, and a second violation
		// is a conflict.
		var err error
		for attempt := 0; attempt < 2; attempt++ {
			res, err = write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (submitted, error) {
				return s.submitLead(ctx, tx, r, &nl, no, ne, changes)
			})
			if !isConstraintViolation(err) {
				break
			}
		}
		return err
	})
	if isConstraintViolation(err) {
		err = partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q or one of its offers already exists", nl.ID)
	}
	if err != nil {
		return nil, false, wrap("submit lead", err)
	}
	if res.existing != nil {
		return res.existing, false, nil
	}
	*l = nl
	copy(offers, res.offers)
	copy(events, res.events)
	return l, true, nil
}

// submitLead is one run of SubmitLead's transaction, numbered from r (nil when the lead has
// neither offers nor events): the offers, then the events, then the changes of a new lead.
// It changes none of its arguments.
func (s *Store) submitLead(ctx context.Context, tx neo4j.ManagedTransaction, r *reservation, l *partnergraph.Lead, offers []partnergraph.Offer, events []partnergraph.LeadEvent, changes []change) (submitted, error) {
	if err := r.check(ctx, tx); err != nil {
		return submitted{}, err
	}
	recs, err := run(ctx, tx, leadByKey, map[string]any{"referrerId": l.ReferrerID, "key": l.IdempotencyKey})
	if err != nil {
		return submitted{}, err
	}
	if len(recs) > 0 {
		old, err := leadOf(recs[0])
		if err != nil {
			return submitted{}, err
		}
		if old.InputHash != l.InputHash {
			return submitted{}, &partnergraph.Error{Code: partnergraph.ECONFLICT, Field: "idempotencyKey", Message: "was already used for a lead with other input"}
		}
		return submitted{existing: old}, nil
	}
	found, err := checkRefs(ctx, tx, refs{
		businessIDs: append([]string{l.ReferrerID}, businessIDsOf(offers)...),
		serviceIDs:  []string{l.ServiceID},
		leadIDs:     []string{l.ID},
		offerIDs:    offerIDsOf(offers),
	})
	if err != nil {
		return submitted{}, err
	}
	if !found.businesses[l.ReferrerID] {
		return submitted{}, notFound("referrerId", "business", l.ReferrerID)
	}
	if !found.services[l.ServiceID] {
		return submitted{}, notFound("service", "service", l.ServiceID)
	}
	if found.leadsTaken[l.ID] {
		return submitted{}, partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q already exists", l.ID)
	}
	if err := checkNewOffers(offers, found); err != nil {
		return submitted{}, err
	}
	// A concurrent submit of the same key waits here on the constraint, and fails once the
	// other commits.
	recs, err = run(ctx, tx, leadCreate, leadParams(l))
	if err != nil {
		return submitted{}, err
	}
	if len(recs) != 1 {
		return submitted{}, fmt.Errorf("lead %q was not created", l.ID)
	}
	out := submitted{offers: slices.Clone(offers), events: slices.Clone(events)}
	if r != nil {
		assignSeqs(r.first, out.offers, out.events)
	}
	if err := createOffersAndEvents(ctx, tx, l.ID, out.offers, out.events); err != nil {
		return submitted{}, err
	}
	if r != nil {
		if err := s.appendChanges(ctx, tx, r.first+int64(len(offers)+len(events)), changes); err != nil {
			return submitted{}, err
		}
	}
	if err := checkCaps(ctx, tx, out.offers); err != nil {
		return submitted{}, err
	}
	return out, nil
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
// absent from the map (which reads as 0); a zero since counts every offer.
func (s *Store) OffersSince(ctx context.Context, businessIDs []string, since time.Time) (map[string]int, error) {
	out := make(map[string]int, len(businessIDs))
	if len(businessIDs) == 0 {
		return out, nil
	}
	// The zero time is 0001-01-01T00:00:00Z, before any offer.
	params := map[string]any{"businessIds": sortedUnique(businessIDs), "since": since.UTC()}
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		recs, err := run(ctx, tx, offerCountsSince, params)
		if err != nil {
			return struct{}{}, err
		}
		clear(out) // the driver may run this function again
		for _, rec := range recs {
			v := &values{m: rec.AsMap()}
			id, n := v.str("businessId"), v.integer("offers")
			if v.err != nil {
				return struct{}{}, v.err
			}
			out[id] = int(n)
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, wrap("count offers", err)
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
