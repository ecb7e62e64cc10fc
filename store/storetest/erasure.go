package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// erasureTests are the contract of partnergraph.LeadErasure; each gets a new leadFixture.
var erasureTests = []struct {
	name string
	fn   func(t *testing.T, f *leadFixture)
}{
	{"Erase", testLeadErase},
	{"ErasePendingOffer", testLeadErasePendingOffer},
	{"EraseClosed", testLeadEraseClosed},
	{"EraseConcurrent", testLeadEraseConcurrent},
}

// The fixture's customer data (leadFixture.lead), what a recipient wrote about the customer,
// and the distance to the customer that routing tells (testLeadErase's offers): none of it may
// be read from the store after erasure.
var customerPII = []string{"Pat Doe", "pat@example.com", "555 0199", "rear bumper", "Pat was rude", "km from the customer"}

// wantNoPII fails if the JSON of v holds any of the customer's data.
func wantNoPII(t *testing.T, what string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	for _, pii := range customerPII {
		if strings.Contains(string(b), pii) {
			t.Fatalf("%s still holds %q after erasure: %s", what, pii, b)
		}
	}
}

// wantErased fails unless l carries the tombstone and none of its customer's data.
func wantErased(t *testing.T, l *partnergraph.Lead, by string) {
	t.Helper()
	if l.Erased == nil || l.Erased.By != by || l.Erased.At.IsZero() {
		t.Fatalf("lead %s has tombstone %+v, want one by %q", l.ID, l.Erased, by)
	}
	if l.Customer != (partnergraph.Customer{}) || l.Notes != "" || l.IdempotencyKey != "" || l.InputHash != "" {
		t.Fatalf("erased lead still holds customer data: %+v", l)
	}
	wantNoPII(t, "lead "+l.ID, l)
}

// everythingOf reads every reader's view of the fixture's leads: the lead, its offers, the
// inboxes, the referrer's events, the outcomes and the export.
func (f *leadFixture) everythingOf(t *testing.T, leadID string) map[string]any {
	t.Helper()
	l, err := f.s.Lead(ctx, leadID)
	must(t, err)
	offers, err := f.s.OffersOfLead(ctx, leadID)
	must(t, err)
	var outcomes []any
	must(t, f.s.Outcomes(ctx, time.Time{}, func(o partnergraph.Offer, l partnergraph.Lead) error {
		outcomes = append(outcomes, o, l)
		return nil
	}))
	var export []partnergraph.Record
	must(t, f.s.Export(ctx, func(r partnergraph.Record) error {
		export = append(export, r)
		return nil
	}))
	return map[string]any{
		"lead": l, "offers": offers, "events": f.events(t, f.ref), "outcomes": outcomes, "export": export,
		"inbox A": f.inbox(t, f.a), "inbox B": f.inbox(t, f.b), "inbox C": f.inbox(t, f.c),
	}
}

// testLeadErase: erasure replaces the customer data by a tombstone in every read of the store,
// keeps statuses, offers and events, is idempotent, and frees the idempotency key.
func testLeadErase(t *testing.T, f *leadFixture) {
	l := f.lead(f.ref)
	l.Location = partnergraph.Point{Lat: 39.781234, Lng: -89.654321}
	routed := func(businessID string, rank int) partnergraph.Offer {
		o := offer(businessID, rank)
		o.Reasons = []string{"close by", partnergraph.CustomerDistanceReason(2.34), "trusted"}
		return o
	}
	offers := f.submit(t, l, routed(f.a, 1))
	reroute := partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered,
		Answer:    []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferDeclined, DeclineReason: "Pat was rude"}},
		NewOffers: []partnergraph.Offer{routed(f.b, 2)},
		Events:    []partnergraph.LeadEvent{{Message: "offered to the next partner"}}}
	f.apply(t, reroute)
	before, err := f.s.OffersOfLead(ctx, l.ID)
	must(t, err)
	counts := f.counts(t)

	at := time.Now().UTC().Truncate(time.Microsecond)
	got, err := f.s.EraseLead(ctx, l.ID, partnergraph.Erasure{At: at, By: "admin-1"})
	must(t, err)
	wantErased(t, got, "admin-1")
	if !got.Erased.At.Equal(at) || got.Status != partnergraph.LeadOffered || got.ReferrerID != f.ref ||
		got.ServiceID != "tyres" || got.Consent.Text != l.Consent.Text || got.CreatedAt.IsZero() {
		t.Fatalf("erased lead = %+v, want the lead as it was but for its customer data", got)
	}
	if got.Location != (partnergraph.Point{Lat: 39.78, Lng: -89.65}) {
		t.Fatalf("erased location = %+v, want it rounded to 2 places", got.Location)
	}
	all := f.everythingOf(t, l.ID)
	wantErased(t, all["lead"].(*partnergraph.Lead), "admin-1")
	for what, v := range all {
		wantNoPII(t, what, v)
	}
	after := all["offers"].([]partnergraph.Offer)
	if len(after) != len(before) {
		t.Fatalf("offers after erasure = %+v, want %+v", after, before)
	}
	for i := range after {
		if after[i].ID != before[i].ID || after[i].Status != before[i].Status || after[i].Seq != before[i].Seq ||
			after[i].DeclineReason != "" || !slices.Equal(after[i].Reasons, []string{"close by", "trusted"}) {
			t.Fatalf("offer after erasure = %+v, want %+v but for its decline reason and distance", after[i], before[i])
		}
	}
	// The erasure wrote no offer, and one LEAD_ERASED event in the feed of each business that
	// got the lead's data (the referrer, and f.a and f.b, which were offered it), with the
	// lead's id and when, and no customer data; LeadErasures reads them apart from the rest.
	counts[4]++
	if got := f.counts(t); got != counts {
		t.Fatalf("erasure wrote offers or other events: %v, then %v", counts, got)
	}
	for _, b := range []string{f.ref, f.a, f.b, f.c} {
		es, err := f.s.LeadErasures(ctx, b, 0, 100)
		must(t, err)
		if b == f.c {
			if len(es) != 0 {
				t.Fatalf("a business never offered the lead was told of its erasure: %+v", es)
			}
			continue
		}
		if len(es) != 1 {
			t.Fatalf("LeadErasures(%s) = %+v, want the one erasure", b, es)
		}
		e := es[0]
		if e.Kind != partnergraph.EventLeadErased || e.LeadID != l.ID || e.ReferrerID != b || !e.At.Equal(at) || e.Seq <= 0 || e.WebhookID != "" {
			t.Fatalf("erasure event of %s = %+v", b, e)
		}
		wantNoPII(t, "erasure event", e)
		all, err := f.s.LeadEvents(ctx, b, e.Seq-1, 1)
		must(t, err)
		if len(all) != 1 || all[0] != e {
			t.Fatalf("the erasure event is not in the feed of %s: %+v", b, all)
		}
	}
	if es, err := f.s.LeadErasures(ctx, f.ref, 0, 0); err == nil {
		t.Fatalf("LeadErasures with limit 0 = %+v, want EINVALID", es)
	}

	// Again: the first tombstone stays, and no one is told twice.
	again, err := f.s.EraseLead(ctx, l.ID, partnergraph.Erasure{At: at.Add(time.Hour), By: "someone-else"})
	must(t, err)
	wantErased(t, again, "admin-1")
	if !again.Erased.At.Equal(at) {
		t.Fatalf("a second erasure moved the tombstone to %+v", again.Erased)
	}
	if got := f.counts(t); got != counts {
		t.Fatalf("a second erasure wrote events: %v, then %v", counts, got)
	}

	// The erased lead's key is free: a new submission under it is a new lead.
	reuse := f.lead(f.ref)
	reuse.IdempotencyKey = l.IdempotencyKey
	f.submit(t, reuse)
	if reuse.ID == l.ID {
		t.Fatal("resubmitting an erased lead's key returned the erased lead")
	}

	_, err = f.s.EraseLead(ctx, partnergraph.NewID(), partnergraph.Erasure{At: at, By: "admin-1"})
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	_, err = f.s.EraseLead(ctx, reuse.ID, partnergraph.Erasure{By: "admin-1"})
	wantCode(t, err, partnergraph.EINVALID, "erasure.at")
	_, err = f.s.EraseLead(ctx, reuse.ID, partnergraph.Erasure{At: at})
	wantCode(t, err, partnergraph.EINVALID, "erasure.by")
	if kept, err := f.s.Lead(ctx, reuse.ID); err != nil || kept.Erased != nil || kept.Customer.Name != "Pat Doe" {
		t.Fatalf("a refused erasure changed the lead: %+v, %v", kept, err)
	}
}

// testLeadErasePendingOffer: a lead erased while its offer is pending goes on as before: the
// recipient accepts it (and then holds a lead without customer data), it is re-routed, won,
// and its commission and ledger are those of any lead.
func testLeadErasePendingOffer(t *testing.T, f *leadFixture) {
	l := f.lead(f.ref)
	offers := f.submit(t, l, offer(f.a, 1))
	ledger, err := f.s.Ledger(ctx, f.ref)
	must(t, err)
	_, err = f.s.EraseLead(ctx, l.ID, partnergraph.Erasure{At: time.Now(), By: "referrer-owner"})
	must(t, err)

	// A declines: re-routed to B after the erasure.
	reroute := partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered,
		Answer:    []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferDeclined, DeclineReason: "busy"}},
		NewOffers: []partnergraph.Offer{offer(f.b, 2)},
		Events:    []partnergraph.LeadEvent{{Message: "offered to the next partner"}}}
	f.apply(t, reroute)
	second := reroute.NewOffers[0]
	// B accepts the erased lead, and wins it.
	f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
		Answer: []partnergraph.OfferAnswer{{OfferID: second.ID, Status: partnergraph.OfferAccepted}},
		Events: []partnergraph.LeadEvent{{Message: "accepted"}}})
	p := partnership(t, f.s, f.ref, f.b, "USD")
	c := &partnergraph.Commission{PartnershipID: p, PayerID: f.b, PayeeID: f.ref, AmountMinor: 1000, Currency: "USD"}
	f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadWon,
		ValueMinor: 50000, Currency: "USD", Commission: c, Events: []partnergraph.LeadEvent{{Message: "won"}}})

	got, err := f.s.Lead(ctx, l.ID)
	must(t, err)
	wantErased(t, got, "referrer-owner")
	if got.Status != partnergraph.LeadWon || got.ClosedAt == nil || got.ValueMinor != 50000 {
		t.Fatalf("erased lead after it was won = %+v", got)
	}
	if o, err := f.s.Offer(ctx, second.ID); err != nil || o.Status != partnergraph.OfferAccepted {
		t.Fatalf("B's offer = %+v, %v; want ACCEPTED", o, err)
	}
	if got, err := f.s.CommissionOfLead(ctx, l.ID); err != nil || got.ID != c.ID || got.AmountMinor != 1000 {
		t.Fatalf("commission of the erased lead = %+v, %v; want %+v", got, err, c)
	}
	after, err := f.s.Ledger(ctx, f.ref)
	must(t, err)
	if len(ledger) != 1 || len(after) != 2 {
		t.Fatalf("ledger = %+v, then %+v; want A's line, then A's and B's", ledger, after)
	}
	for what, v := range f.everythingOf(t, l.ID) {
		wantNoPII(t, what, v)
	}
}

// testLeadEraseClosed: EraseClosedLeads erases the leads closed before the time, in batches of
// the limit, and leaves open, recent and already erased leads alone.
func testLeadEraseClosed(t *testing.T, f *leadFixture) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	closed := func(outcome partnergraph.LeadStatus, at time.Time) *partnergraph.Lead {
		t.Helper()
		l := f.lead(f.ref)
		l.CreatedAt = at.Add(-time.Hour)
		offers := f.submit(t, l, offer(f.a, 1))
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted, At: at.Add(-time.Minute),
			Answer: []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferAccepted}}})
		if outcome != partnergraph.LeadAccepted {
			f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: outcome, At: at})
		}
		return l
	}
	oldWon := closed(partnergraph.LeadWon, now.Add(-10*24*time.Hour))
	oldLost := closed(partnergraph.LeadLost, now.Add(-9*24*time.Hour))
	recent := closed(partnergraph.LeadWon, now.Add(-24*time.Hour))
	open := closed(partnergraph.LeadAccepted, now.Add(-10*24*time.Hour))
	erased := closed(partnergraph.LeadLost, now.Add(-10*24*time.Hour))
	_, err := f.s.EraseLead(ctx, erased.ID, partnergraph.Erasure{At: now.Add(-time.Hour), By: "admin-1"})
	must(t, err)

	retention := partnergraph.Erasure{At: now, By: partnergraph.ErasedByRetention}
	before := now.Add(-5 * 24 * time.Hour)
	for _, c := range []struct {
		name  string
		e     partnergraph.Erasure
		limit int
		field string
	}{{"zero time", retention, 10, "closedBefore"}, {"no tombstone", partnergraph.Erasure{}, 10, "erasure.at"},
		{"limit 0", retention, 0, "first"}, {"limit too big", retention, partnergraph.MaxFeedSize + 1, "first"}} {
		at := before
		if c.name == "zero time" {
			at = time.Time{}
		}
		_, err := f.s.EraseClosedLeads(ctx, at, c.e, c.limit)
		if partnergraph.ErrorCode(err) != partnergraph.EINVALID || fieldOf(err) != c.field {
			t.Fatalf("%s: EraseClosedLeads = %v, want EINVALID naming %q", c.name, err, c.field)
		}
	}

	total := 0
	for i, want := range []int{1, 1, 0} {
		n, err := f.s.EraseClosedLeads(ctx, before, retention, 1)
		must(t, err)
		if n != want {
			t.Fatalf("EraseClosedLeads call %d = %d, want %d", i+1, n, want)
		}
		total += n
	}
	for _, l := range []*partnergraph.Lead{oldWon, oldLost} {
		got, err := f.s.Lead(ctx, l.ID)
		must(t, err)
		wantErased(t, got, partnergraph.ErasedByRetention)
		if !got.Erased.At.Equal(now) || (got.Status != partnergraph.LeadWon && got.Status != partnergraph.LeadLost) {
			t.Fatalf("lead erased by retention = %+v", got)
		}
	}
	for _, l := range []*partnergraph.Lead{recent, open} {
		if got, err := f.s.Lead(ctx, l.ID); err != nil || got.Erased != nil || got.Customer.Name != "Pat Doe" {
			t.Fatalf("retention erased a lead it must keep: %+v, %v", got, err)
		}
	}
	if got, err := f.s.Lead(ctx, erased.ID); err != nil || got.Erased == nil || got.Erased.By != "admin-1" {
		t.Fatalf("retention replaced an earlier tombstone: %+v, %v", got, err)
	}
	// The referrer and the recipient were told of each erasure once: the manual one, then the
	// retention's, in that order.
	for _, b := range []string{f.ref, f.a} {
		es, err := f.s.LeadErasures(ctx, b, 0, 100)
		must(t, err)
		var got []string
		for _, e := range es {
			got = append(got, e.LeadID)
		}
		if want := []string{erased.ID, oldWon.ID, oldLost.ID}; !slices.Equal(got, want) {
			t.Fatalf("the erasures told to %s: %v, want %v", b, got, want)
		}
		if !es[1].At.Equal(now) {
			t.Fatalf("the retention's erasure event = %+v, want it at %s", es[1], now)
		}
	}
}

// testLeadEraseConcurrent: erasures at once, of one lead and by several retention runs, each
// erase a lead once: every EraseLead returns the one tombstone that won, and the retention
// runs' counts add up to the leads there were.
func testLeadEraseConcurrent(t *testing.T, f *leadFixture) {
	l := f.lead(f.ref)
	f.submit(t, l, offer(f.a, 1))
	const n = 6
	var wg sync.WaitGroup
	got := make([]*partnergraph.Lead, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			got[i], errs[i] = f.s.EraseLead(ctx, l.ID, partnergraph.Erasure{At: time.Now(), By: fmt.Sprintf("admin-%d", i)})
		})
	}
	wg.Wait()
	stored, err := f.s.Lead(ctx, l.ID)
	must(t, err)
	for i := range n {
		must(t, errs[i])
		if got[i].Erased == nil || *got[i].Erased != *stored.Erased {
			t.Fatalf("EraseLead %d returned tombstone %+v; the store holds %+v", i, got[i].Erased, stored.Erased)
		}
	}

	// Closed leads erased by two retention runs at once.
	closedAt := time.Now().Add(-48 * time.Hour).UTC()
	var ids []string
	for range 8 {
		l := f.lead(f.ref)
		offers := f.submit(t, l, offer(f.b, 1))
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted, At: closedAt.Add(-time.Minute),
			Answer: []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferAccepted}}})
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadLost, At: closedAt})
		ids = append(ids, l.ID)
	}
	counts := make([]int, 2)
	for i := range counts {
		wg.Go(func() {
			e := partnergraph.Erasure{At: time.Now(), By: fmt.Sprintf("retention-%d", i)}
			for {
				k, err := f.s.EraseClosedLeads(ctx, time.Now().Add(-24*time.Hour), e, 3)
				if err != nil {
					errs[i] = err
					return
				}
				if k == 0 {
					return
				}
				counts[i] += k
			}
		})
	}
	wg.Wait()
	must(t, errs[0])
	must(t, errs[1])
	if sum := counts[0] + counts[1]; sum != len(ids) {
		t.Fatalf("two retention runs erased %v leads, want %d in all: a lead was erased twice or missed", counts, len(ids))
	}
	var bys []string
	for _, id := range ids {
		got, err := f.s.Lead(ctx, id)
		must(t, err)
		if got.Erased == nil {
			t.Fatalf("lead %s was not erased", id)
		}
		bys = append(bys, got.Erased.By)
	}
	for i, c := range counts {
		if got := len(slices.DeleteFunc(slices.Clone(bys), func(b string) bool { return b != fmt.Sprintf("retention-%d", i) })); got != c {
			t.Fatalf("run %d counted %d erasures but its tombstone is on %d leads", i, c, got)
		}
	}
}
