package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// The lead work that concurrent requests (and, later, servers on one store) must neither do
// twice nor drop: each test here races real goroutines on one store.

// pendingIDs returns the ids of the lead's PENDING offers, as stored now.
func (f *leadFixture) pendingIDs(t *testing.T, leadID string) []string {
	t.Helper()
	all, err := f.s.OffersOfLead(ctx, leadID)
	must(t, err)
	var out []string
	for _, o := range all {
		if o.Status == partnergraph.OfferPending {
			out = append(out, o.ID)
		}
	}
	return out
}

// decline is the transition of a decline of the offer that expects pending to be the lead's
// PENDING offers; when the offer is the last of them, the lead becomes UNROUTABLE and the
// referrer gets an event.
func decline(leadID, offerID string, pending []string) partnergraph.Transition {
	tr := partnergraph.Transition{LeadID: leadID, LeadFrom: fromOffered, CheckPending: true, Pending: pending,
		Answer: []partnergraph.OfferAnswer{{OfferID: offerID, Status: partnergraph.OfferDeclined}}}
	if len(pending) == 1 && pending[0] == offerID {
		tr.LeadTo, tr.Reason = partnergraph.LeadUnroutable, "every partner declined"
		tr.Events = []partnergraph.LeadEvent{{Message: "every partner declined"}}
	}
	return tr
}

func testLeadApplyPendingCheck(t *testing.T, f *leadFixture) {
	l := f.lead(f.ref)
	l.Mode, l.MaxOffers = partnergraph.Shared, 3
	os := f.submit(t, l, offer(f.a, 1), offer(f.b, 1), offer(f.c, 1))
	a, b, c := os[0].ID, os[1].ID, os[2].ID

	// The expected set may come in any order.
	f.apply(t, decline(l.ID, a, []string{c, a, b}))
	// A decision taken before that decline is stale: nothing is written.
	before := f.counts(t)
	wantCode(t, f.s.Apply(ctx, decline(l.ID, b, []string{a, b, c})), partnergraph.ECONFLICT, "")
	if got := f.offerStatus(t, b); got != partnergraph.OfferPending {
		t.Fatalf("a refused transition answered the offer: %s", got)
	}
	// Nor may it leave out an offer that is pending.
	wantCode(t, f.s.Apply(ctx, decline(l.ID, b, []string{b})), partnergraph.ECONFLICT, "")
	if got := f.counts(t); got != before {
		t.Fatalf("refused transitions wrote offers or events: %v, before %v", got, before)
	}
	f.apply(t, decline(l.ID, b, []string{b, c}))
	f.apply(t, decline(l.ID, c, []string{c}))
	if got := f.leadStatus(t, l.ID); got != partnergraph.LeadUnroutable {
		t.Fatalf("lead is %s after its last offer was declined, want UNROUTABLE", got)
	}
	// Without CheckPending the set is not compared (Close and the like do not depend on it).
	l2 := f.lead(f.ref)
	os2 := f.submit(t, l2, offer(f.a, 1))
	f.apply(t, partnergraph.Transition{LeadID: l2.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
		Pending: []string{"not-compared"}, Answer: []partnergraph.OfferAnswer{{OfferID: os2[0].ID, Status: partnergraph.OfferAccepted}}})
}

// testLeadApplyConcurrentDeclines declines every offer of several SHARED leads at once, each
// decline deciding from what it read whether it is the last, and retrying on a conflict: every
// lead must end UNROUTABLE with exactly one event for it, never OFFERED with nothing pending.
func testLeadApplyConcurrentDeclines(t *testing.T, f *leadFixture) {
	const leads, perLead = 8, partnergraph.MaxSharedOffers
	recipients := []string{f.a, f.b, f.c}
	for i := len(recipients); i < perLead; i++ {
		recipients = append(recipients, addBusiness(t, f.s, fmt.Sprintf("Partner %d", i), 39.8, -89.6).ID)
	}
	type job struct{ lead, offer string }
	var jobs []job
	var ids []string
	for range leads {
		l := f.lead(f.ref)
		l.Mode, l.MaxOffers = partnergraph.Shared, perLead
		var offers []partnergraph.Offer
		for _, r := range recipients {
			offers = append(offers, offer(r, 1))
		}
		for _, o := range f.submit(t, l, offers...) {
			jobs = append(jobs, job{l.ID, o.ID})
		}
		ids = append(ids, l.ID)
	}
	start := make(chan struct{})
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for attempt := 0; ; attempt++ {
				all, err := f.s.OffersOfLead(ctx, j.lead)
				if err != nil {
					errs <- err
					return
				}
				var pending []string
				for _, o := range all {
					if o.Status == partnergraph.OfferPending {
						pending = append(pending, o.ID)
					}
				}
				err = f.s.Apply(ctx, decline(j.lead, j.offer, pending))
				if partnergraph.ErrorCode(err) != partnergraph.ECONFLICT || attempt == 100 {
					errs <- err
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	events := f.events(t, f.ref)
	for _, id := range ids {
		if p := f.pendingIDs(t, id); len(p) != 0 {
			t.Fatalf("lead %s still has pending offers %v after every offer was declined", id, p)
		}
		if got := f.leadStatus(t, id); got != partnergraph.LeadUnroutable {
			t.Fatalf("lead %s is %s with no offer pending, want UNROUTABLE", id, got)
		}
		n := 0
		for _, e := range events {
			if e.LeadID == id && e.Status == partnergraph.LeadUnroutable {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("the referrer heard %d times that lead %s is unroutable, want once", n, id)
		}
	}
}

func testLeadDailyCap(t *testing.T, f *leadFixture) {
	const limit, submits = 3, 12
	three := limit
	_, err := f.s.UpdateBusiness(ctx, f.a, partnergraph.BusinessPatch{DailyLeadCap: &three})
	must(t, err)
	// One instant for every offer, so that the test cannot straddle two UTC days.
	today := time.Now().UTC()
	toA := func() partnergraph.Offer {
		o := offer(f.a, 1)
		o.CreatedAt = today
		return o
	}
	leads := make([]*partnergraph.Lead, submits)
	for i := range leads {
		leads[i] = f.lead(f.ref)
	}
	errs := make([]error, submits)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range submits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, errs[i] = f.s.SubmitLead(ctx, leads[i], []partnergraph.Offer{toA()}, []partnergraph.LeadEvent{{Message: "submitted"}})
		}()
	}
	close(start)
	wg.Wait()
	var created []*partnergraph.Lead
	for i, err := range errs {
		if err == nil {
			created = append(created, leads[i])
			continue
		}
		wantCode(t, err, partnergraph.ECONFLICT, "dailyLeadCap")
		if !partnergraph.CapReached(err) {
			t.Fatalf("CapReached(%v) = false", err)
		}
	}
	if len(created) != limit {
		t.Fatalf("%d of %d concurrent submits to a business with a cap of %d were written", len(created), submits, limit)
	}
	if got := len(f.inbox(t, f.a)); got != limit {
		t.Fatalf("the capped business has %d offers, want %d", got, limit)
	}
	if got := len(f.events(t, f.ref)); got != limit {
		t.Fatalf("the referrer has %d events, want %d: a refused submit wrote its event", got, limit)
	}

	// A transition that would offer the lead to the capped business is refused whole.
	l := created[0]
	offers, err := f.s.OffersOfLead(ctx, l.ID)
	must(t, err)
	before := f.counts(t)
	err = f.s.Apply(ctx, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered,
		Answer:    []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferDeclined}},
		NewOffers: []partnergraph.Offer{offer(f.b, 2), toA()}, Events: []partnergraph.LeadEvent{{Message: "re-offered"}}})
	wantCode(t, err, partnergraph.ECONFLICT, "dailyLeadCap")
	if got := f.counts(t); got != before {
		t.Fatalf("a transition refused for the cap wrote offers or events: %v, before %v", got, before)
	}
	if got := f.offerStatus(t, offers[0].ID); got != partnergraph.OfferPending {
		t.Fatalf("a transition refused for the cap answered the offer: %s", got)
	}
	// Another day is another count; so is another business.
	yesterday := toA()
	yesterday.CreatedAt = partnergraph.CapDay(today).Add(-time.Hour)
	f.submit(t, f.lead(f.ref), yesterday)
	f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered,
		Answer:    []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferDeclined}},
		NewOffers: []partnergraph.Offer{offer(f.b, 2)}})
}

// testLeadSubmitConcurrentKeys sends one idempotency key from two referrers at once, many
// times each: keys are per referrer, so each gets exactly one lead, and every retry its own.
func testLeadSubmitConcurrentKeys(t *testing.T, f *leadFixture) {
	const n = 40
	template := f.lead(f.ref)
	referrers := []string{f.ref, f.c}
	ids := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := *template
			l.ReferrerID = referrers[i%2]
			<-start
			got, c, err := f.s.SubmitLead(ctx, &l, []partnergraph.Offer{offer(f.a, 1)}, []partnergraph.LeadEvent{{Message: "submitted"}})
			errs[i], created[i] = err, c
			if got != nil {
				ids[i] = got.ID
			}
		}()
	}
	close(start)
	wg.Wait()
	leadOf := map[string]string{}
	createdBy := map[string]int{}
	for i := range n {
		must(t, errs[i])
		r := referrers[i%2]
		if id, ok := leadOf[r]; ok && id != ids[i] {
			t.Fatalf("referrer %s got leads %s and %s for one key", r, id, ids[i])
		}
		leadOf[r] = ids[i]
		if created[i] {
			createdBy[r]++
		}
	}
	if leadOf[f.ref] == "" || leadOf[f.ref] == leadOf[f.c] {
		t.Fatalf("two referrers got the same lead %s for the same key", leadOf[f.ref])
	}
	for _, r := range referrers {
		if createdBy[r] != 1 {
			t.Fatalf("referrer %s created %d leads with one key, want 1", r, createdBy[r])
		}
		if got := len(f.events(t, r)); got != 1 {
			t.Fatalf("referrer %s has %d events, want 1", r, got)
		}
	}
	if got := len(f.inbox(t, f.a)); got != 2 {
		t.Fatalf("the recipient has %d offers, want 2 (one per referrer)", got)
	}
}
