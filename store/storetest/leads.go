package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// leadTests are the contract of the LeadStore part of partnergraph.Store, races included; each
// gets a new leadFixture.
var leadTests = []struct {
	name string
	fn   func(t *testing.T, f *leadFixture)
}{
	{"SubmitAndFind", testLeadSubmitAndFind},
	{"Webhooks", testWebhooks},
	{"WebhookDeliveries", testWebhookDeliveries},
	{"WebhookLeases", testWebhookLeases},
	{"WebhookClaimRotates", testWebhookClaimRotates},
	{"SubmitInvalid", testLeadSubmitInvalid},
	{"SubmitIdempotent", testLeadSubmitIdempotent},
	{"SubmitKeyPerReferrer", testLeadSubmitKeyPerReferrer},
	{"SubmitConcurrent", testLeadSubmitConcurrent},
	{"SubmitConcurrentKeys", testLeadSubmitConcurrentKeys},
	{"SeqAndInbox", testLeadSeqAndInbox},
	{"Events", testLeadEvents},
	{"ApplyLifecycle", testLeadApplyLifecycle},
	{"ApplyConflicts", testLeadApplyConflicts},
	{"ApplySharedAccept", testLeadApplySharedAccept},
	{"ApplyConcurrentAccepts", testLeadApplyConcurrentAccepts},
	{"ApplyPendingCheck", testLeadApplyPendingCheck},
	{"ApplyConcurrentDeclines", testLeadApplyConcurrentDeclines},
	{"DailyCap", testLeadDailyCap},
	{"DueOffers", testLeadDueOffers},
	{"OffersSince", testLeadOffersSince},
	{"Ledger", testLeadLedger},
	{"Commissions", testLeadCommissions},
	{"CommissionOfLead", testLeadCommissionOfLead},
	{"PurgeIdempotencyKeys", testLeadPurgeIdempotencyKeys},
	{"Outcomes", testLeadOutcomes},
}

// leadFixture is a referrer and three partners that offer "tyres", the service leads ask for.
type leadFixture struct {
	s          partnergraph.Store
	ref        string
	a, b, c    string
	consentAt  time.Time
	keyCounter int
}

func newLeadFixture(t *testing.T, s partnergraph.Store) *leadFixture {
	t.Helper()
	addServices(t, s, "tyres")
	f := &leadFixture{s: s, consentAt: time.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)}
	f.ref = addBusiness(t, s, "Referrer", 39.8, -89.6).ID
	f.a = addBusiness(t, s, "Partner A", 39.8, -89.6).ID
	f.b = addBusiness(t, s, "Partner B", 39.8, -89.6).ID
	f.c = addBusiness(t, s, "Partner C", 39.8, -89.6).ID
	return f
}

// lead returns a valid lead of the referrer under a fresh idempotency key.
func (f *leadFixture) lead(referrerID string) *partnergraph.Lead {
	f.keyCounter++
	return &partnergraph.Lead{
		IdempotencyKey: fmt.Sprintf("key-%08d", f.keyCounter),
		ReferrerID:     referrerID,
		ServiceID:      "tyres",
		Location:       partnergraph.Point{Lat: 39.8, Lng: -89.6},
		Customer:       partnergraph.Customer{Name: "Pat Doe", Email: "pat@example.com", Phone: "+1 217 555 0199"},
		Consent:        partnergraph.Consent{Text: "I agree that my details go to one partner", GivenAt: f.consentAt},
		Notes:          "rear bumper",
	}
}

// offer returns a new offer to the business, due in an hour.
func offer(businessID string, rank int) partnergraph.Offer {
	return partnergraph.Offer{BusinessID: businessID, Rank: rank, Path: []string{"x", businessID}, PathTrust: 0.8,
		Score: 0.75, Reasons: []string{"close by", "trusted"}, ExpiresAt: time.Now().Add(time.Hour).UTC()}
}

// submit writes a new lead with the offers and one event, fails unless it was created, and
// returns the offers as written.
func (f *leadFixture) submit(t *testing.T, l *partnergraph.Lead, offers ...partnergraph.Offer) []partnergraph.Offer {
	t.Helper()
	got, created, err := f.s.SubmitLead(ctx, l, offers, []partnergraph.LeadEvent{{Message: "submitted"}})
	must(t, err)
	if !created || got.ID != l.ID || l.ID == "" {
		t.Fatalf("SubmitLead = %+v, created %v; want the new lead %+v", got, created, l)
	}
	return offers
}

func (f *leadFixture) apply(t *testing.T, tr partnergraph.Transition) {
	t.Helper()
	must(t, f.s.Apply(ctx, tr))
}

func (f *leadFixture) inbox(t *testing.T, businessID string) []partnergraph.Offer {
	t.Helper()
	got, err := f.s.Inbox(ctx, businessID, 0, 1000)
	must(t, err)
	return got
}

func (f *leadFixture) events(t *testing.T, referrerID string) []partnergraph.LeadEvent {
	t.Helper()
	got, err := f.s.LeadEvents(ctx, referrerID, 0, 1000)
	must(t, err)
	return got
}

func (f *leadFixture) offerStatus(t *testing.T, id string) partnergraph.OfferStatus {
	t.Helper()
	o, err := f.s.Offer(ctx, id)
	must(t, err)
	return o.Status
}

func (f *leadFixture) leadStatus(t *testing.T, id string) partnergraph.LeadStatus {
	t.Helper()
	l, err := f.s.Lead(ctx, id)
	must(t, err)
	return l.Status
}

// counts is how many offers each business and events the referrer have: what a failed write
// must leave unchanged.
func (f *leadFixture) counts(t *testing.T) [5]int {
	t.Helper()
	return [5]int{len(f.inbox(t, f.ref)), len(f.inbox(t, f.a)), len(f.inbox(t, f.b)), len(f.inbox(t, f.c)), len(f.events(t, f.ref))}
}

func offerIDs(os []partnergraph.Offer) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.ID
	}
	return out
}

func seqs(os []partnergraph.Offer) []int64 {
	out := make([]int64, len(os))
	for i, o := range os {
		out[i] = o.Seq
	}
	return out
}

func wantIncreasing(t *testing.T, what string, xs []int64) {
	t.Helper()
	for i := 1; i < len(xs); i++ {
		if xs[i] <= xs[i-1] {
			t.Fatalf("%s not strictly increasing: %v", what, xs)
		}
	}
}

func testLeadSubmitAndFind(t *testing.T, f *leadFixture) {
	l := f.lead(f.ref)
	offers := []partnergraph.Offer{offer(f.b, 2), offer(f.a, 1)}
	events := []partnergraph.LeadEvent{{Message: "submitted"}}
	got, created, err := f.s.SubmitLead(ctx, l, offers, events)
	must(t, err)
	if !created || got != l {
		t.Fatalf("SubmitLead returned %p created %v, want the lead passed in (%p) and true", got, created, l)
	}
	if l.ID == "" || l.CreatedAt.IsZero() || l.Status != partnergraph.LeadOffered || l.Mode != partnergraph.Exclusive || l.MaxOffers != 1 {
		t.Fatalf("SubmitLead did not fill id, createdAt, status and defaults: %+v", l)
	}
	if want := l.Hash(); l.InputHash != want {
		t.Fatalf("InputHash = %q, want Hash() %q", l.InputHash, want)
	}
	for i, o := range offers {
		if o.ID == "" || o.Seq <= 0 || o.LeadID != l.ID || o.Status != partnergraph.OfferPending || o.CreatedAt.IsZero() {
			t.Fatalf("offer %d not filled in the caller's slice: %+v", i, o)
		}
	}
	if events[0].Seq <= 0 || events[0].LeadID != l.ID || events[0].ReferrerID != f.ref || events[0].Status != partnergraph.LeadOffered {
		t.Fatalf("event not filled in the caller's slice: %+v", events[0])
	}

	stored, err := f.s.Lead(ctx, l.ID)
	must(t, err)
	if stored.ID != l.ID || stored.IdempotencyKey != l.IdempotencyKey || stored.InputHash != l.InputHash ||
		stored.ReferrerID != f.ref || stored.ServiceID != "tyres" || stored.Location != l.Location ||
		stored.Customer != l.Customer || stored.Consent.Text != l.Consent.Text || !stored.Consent.GivenAt.Equal(l.Consent.GivenAt) ||
		stored.Notes != l.Notes || stored.Mode != l.Mode || stored.MaxOffers != l.MaxOffers || stored.Status != l.Status ||
		!stored.CreatedAt.Equal(l.CreatedAt) || stored.ClosedAt != nil {
		t.Fatalf("Lead = %+v, want %+v", stored, l)
	}
	if stored.Hash() != l.InputHash {
		t.Fatalf("the stored lead hashes to %q, not its InputHash %q", stored.Hash(), l.InputHash)
	}

	o, err := f.s.Offer(ctx, offers[1].ID)
	must(t, err)
	want := offers[1]
	if o.ID != want.ID || o.LeadID != l.ID || o.BusinessID != f.a || o.Seq != want.Seq || o.Rank != 1 ||
		!slices.Equal(o.Path, want.Path) || o.PathTrust != want.PathTrust || o.Score != want.Score ||
		!slices.Equal(o.Reasons, want.Reasons) || o.Status != partnergraph.OfferPending ||
		!o.CreatedAt.Equal(want.CreatedAt) || !o.ExpiresAt.Equal(want.ExpiresAt) || o.RespondedAt != nil {
		t.Fatalf("Offer = %+v, want %+v", o, want)
	}

	byRank, err := f.s.OffersOfLead(ctx, l.ID)
	must(t, err)
	if got, want := offerIDs(byRank), []string{offers[1].ID, offers[0].ID}; !slices.Equal(got, want) {
		t.Fatalf("OffersOfLead = %v, want by rank %v", got, want)
	}

	_, err = f.s.Lead(ctx, "missing")
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	_, err = f.s.Offer(ctx, "missing")
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	_, err = f.s.OffersOfLead(ctx, "missing")
	wantCode(t, err, partnergraph.ENOTFOUND, "")

	// A lead without offers (unroutable from the start) has an empty list, not an error.
	bare := f.lead(f.ref)
	bare.Status, bare.Reason = partnergraph.LeadUnroutable, "no partner offers tyres nearby"
	f.submit(t, bare)
	none, err := f.s.OffersOfLead(ctx, bare.ID)
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("OffersOfLead of a lead without offers = %v", none)
	}
	if got, _ := f.s.Lead(ctx, bare.ID); got.Status != partnergraph.LeadUnroutable || got.Reason != bare.Reason {
		t.Fatalf("unroutable lead = %+v", got)
	}
}

func testLeadSubmitInvalid(t *testing.T, f *leadFixture) {
	cases := []struct {
		name   string
		edit   func(l *partnergraph.Lead, offers []partnergraph.Offer)
		code   partnergraph.Code
		field  string
		offers int
	}{
		{"short key", func(l *partnergraph.Lead, _ []partnergraph.Offer) { l.IdempotencyKey = "abc" }, partnergraph.EINVALID, "idempotencyKey", 0},
		{"no contact", func(l *partnergraph.Lead, _ []partnergraph.Offer) { l.Customer.Email, l.Customer.Phone = "", "" }, partnergraph.EINVALID, "customer.email", 0},
		{"service slug", func(l *partnergraph.Lead, _ []partnergraph.Offer) { l.ServiceID = "Tyres!" }, partnergraph.EINVALID, "service", 0},
		{"unknown referrer", func(l *partnergraph.Lead, _ []partnergraph.Offer) { l.ReferrerID = "no-such-business" }, partnergraph.ENOTFOUND, "referrerId", 0},
		{"unknown service", func(l *partnergraph.Lead, _ []partnergraph.Offer) { l.ServiceID = "catering" }, partnergraph.ENOTFOUND, "service", 0},
		{"offer to unknown business", func(_ *partnergraph.Lead, o []partnergraph.Offer) { o[1].BusinessID = "no-such-business" }, partnergraph.ENOTFOUND, "", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := f.counts(t)
			l := f.lead(f.ref)
			offers := []partnergraph.Offer{offer(f.a, 1), offer(f.b, 2)}[:c.offers]
			c.edit(l, offers)
			_, created, err := f.s.SubmitLead(ctx, l, offers, []partnergraph.LeadEvent{{Message: "submitted"}})
			wantCode(t, err, c.code, c.field)
			if created || l.ID != "" {
				t.Fatalf("failed SubmitLead created %v and set id %q", created, l.ID)
			}
			for _, o := range offers {
				if o.Seq != 0 || o.ID != "" {
					t.Fatalf("failed SubmitLead wrote back offer %+v", o)
				}
			}
			if after := f.counts(t); after != before {
				t.Fatalf("failed SubmitLead wrote offers or events: %v, then %v", before, after)
			}
			if c.code == partnergraph.ENOTFOUND {
				// Nothing was kept under the key: a corrected retry creates the lead.
				fixed := f.lead(f.ref)
				fixed.IdempotencyKey = l.IdempotencyKey
				f.submit(t, fixed, offer(f.a, 1))
			}
		})
	}
}

func testLeadSubmitIdempotent(t *testing.T, f *leadFixture) {
	first := f.lead(f.ref)
	f.submit(t, first, offer(f.a, 1))
	before := f.counts(t)

	retry := f.lead(f.ref)
	retry.IdempotencyKey = first.IdempotencyKey
	offers := []partnergraph.Offer{offer(f.b, 1)}
	got, created, err := f.s.SubmitLead(ctx, retry, offers, []partnergraph.LeadEvent{{Message: "submitted"}})
	must(t, err)
	if created || got.ID != first.ID || got.InputHash != first.InputHash || !got.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("retry = %+v, created %v; want the first lead %s and false", got, created, first.ID)
	}
	if offers[0].Seq != 0 || offers[0].ID != "" {
		t.Fatalf("a retry wrote back its offers: %+v", offers[0])
	}
	if after := f.counts(t); after != before {
		t.Fatalf("a retry wrote offers or events: %v, then %v", before, after)
	}

	other := f.lead(f.ref)
	other.IdempotencyKey = first.IdempotencyKey
	other.Customer.Name = "Someone Else"
	_, created, err = f.s.SubmitLead(ctx, other, nil, nil)
	wantCode(t, err, partnergraph.ECONFLICT, "idempotencyKey")
	if created {
		t.Fatal("a conflicting submit reports created")
	}
	if after := f.counts(t); after != before {
		t.Fatalf("a conflicting submit wrote offers or events: %v, then %v", before, after)
	}
}

// testLeadSubmitKeyPerReferrer: an idempotency key belongs to its referrer, so one business
// can neither find nor block another's lead by using the same key.
func testLeadSubmitKeyPerReferrer(t *testing.T, f *leadFixture) {
	other := addBusiness(t, f.s, "Other Referrer", 39.8, -89.6).ID
	first := f.lead(f.ref)
	f.submit(t, first, offer(f.a, 1))

	// The same key and the same input but for the other referrer: a second lead.
	second := f.lead(other)
	second.IdempotencyKey = first.IdempotencyKey
	f.submit(t, second, offer(f.b, 1))
	if second.ID == first.ID {
		t.Fatal("the other referrer's submit returned the first referrer's lead")
	}
	// Under another input too: not a conflict with the first referrer's lead.
	third := f.lead(f.c)
	third.IdempotencyKey = first.IdempotencyKey
	third.Customer.Name = "Someone Else"
	f.submit(t, third)

	// Each referrer's retry finds its own lead.
	for _, want := range []*partnergraph.Lead{first, second, third} {
		retry := *want
		retry.ID, retry.InputHash = "", ""
		got, created, err := f.s.SubmitLead(ctx, &retry, nil, nil)
		must(t, err)
		if created || got.ID != want.ID || got.ReferrerID != want.ReferrerID {
			t.Fatalf("retry for %s = lead %s of %s, created %v; want %s", want.ReferrerID, got.ID, got.ReferrerID, created, want.ID)
		}
	}
	// Another input under a key the same referrer used is still a conflict.
	changed := *second
	changed.ID, changed.InputHash = "", ""
	changed.Notes = "something else"
	_, created, err := f.s.SubmitLead(ctx, &changed, nil, nil)
	wantCode(t, err, partnergraph.ECONFLICT, "idempotencyKey")
	if created {
		t.Fatal("a conflicting submit reports created")
	}
}

func testLeadSubmitConcurrent(t *testing.T, f *leadFixture) {
	const n = 50
	template := f.lead(f.ref)
	type result struct {
		id      string
		created bool
		err     error
	}
	results := make(chan result, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := *template
			got, created, err := f.s.SubmitLead(ctx, &l, []partnergraph.Offer{offer(f.a, 1)}, []partnergraph.LeadEvent{{Message: "submitted"}})
			r := result{created: created, err: err}
			if got != nil {
				r.id = got.ID
			}
			results <- r
		}()
	}
	wg.Wait()
	close(results)
	var created int
	ids := map[string]bool{}
	for r := range results {
		must(t, r.err)
		if r.created {
			created++
		}
		ids[r.id] = true
	}
	if created != 1 || len(ids) != 1 {
		t.Fatalf("%d of %d concurrent submits created a lead, %d lead ids returned; want 1 and 1", created, n, len(ids))
	}
	if got := len(f.inbox(t, f.a)); got != 1 {
		t.Fatalf("the recipient has %d offers, want 1", got)
	}
	if got := len(f.events(t, f.ref)); got != 1 {
		t.Fatalf("the referrer has %d events, want 1", got)
	}
}

func testLeadSeqAndInbox(t *testing.T, f *leadFixture) {
	// Seq grows across the whole store, in the order offers are written, whoever receives them.
	var all []partnergraph.Offer
	var wantA []string
	for i := range 7 {
		to := f.a
		if i%3 == 2 {
			to = f.b
		}
		offers := f.submit(t, f.lead(f.ref), offer(to, 1))
		all = append(all, offers...)
		if to == f.a {
			wantA = append(wantA, offers[0].ID)
		}
	}
	wantIncreasing(t, "Seq across submits", seqs(all))

	inbox := f.inbox(t, f.a)
	if got := offerIDs(inbox); !slices.Equal(got, wantA) {
		t.Fatalf("Inbox = %v, want %v", got, wantA)
	}
	wantIncreasing(t, "Seq in the inbox", seqs(inbox))

	// Paging by the last Seq seen returns each offer once, in order.
	for _, limit := range []int{1, 2, 3, 1000} {
		var paged []partnergraph.Offer
		var after int64
		for i := 0; ; i++ {
			if i > 100 {
				t.Fatal("inbox paging does not end")
			}
			page, err := f.s.Inbox(ctx, f.a, after, limit)
			must(t, err)
			if len(page) > limit {
				t.Fatalf("Inbox returned %d offers for limit %d", len(page), limit)
			}
			if len(page) == 0 {
				break
			}
			paged = append(paged, page...)
			after = page[len(page)-1].Seq
		}
		if got := offerIDs(paged); !slices.Equal(got, wantA) {
			t.Fatalf("paging with limit %d = %v, want %v", limit, got, wantA)
		}
	}
	rest, err := f.s.Inbox(ctx, f.a, inbox[2].Seq, 1000)
	must(t, err)
	if got := offerIDs(rest); !slices.Equal(got, wantA[3:]) {
		t.Fatalf("Inbox after the third = %v, want %v", got, wantA[3:])
	}
	if got := f.inbox(t, f.c); len(got) != 0 {
		t.Fatalf("an empty inbox = %v", got)
	}
	if got := f.inbox(t, "no-such-business"); len(got) != 0 {
		t.Fatalf("the inbox of an unknown business = %v", got)
	}
	for _, limit := range []int{0, -1, 1001} {
		_, err := f.s.Inbox(ctx, f.a, 0, limit)
		wantCode(t, err, partnergraph.EINVALID, "first")
	}
}

func testLeadEvents(t *testing.T, f *leadFixture) {
	other := addBusiness(t, f.s, "Other referrer", 1, 1).ID
	var leads []string
	for i := range 4 {
		ref := f.ref
		if i == 1 {
			ref = other
		}
		l := f.lead(ref)
		f.submit(t, l, offer(f.a, 1))
		leads = append(leads, l.ID)
	}
	// A transition adds events to the referrer's feed, after the earlier ones.
	f.apply(t, partnergraph.Transition{LeadID: leads[0], LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered},
		Events: []partnergraph.LeadEvent{{Message: "still waiting"}, {Message: "reminder sent"}}})

	feed := f.events(t, f.ref)
	var got []string
	var gotSeqs []int64
	for _, e := range feed {
		if e.ReferrerID != f.ref {
			t.Fatalf("the feed of %s holds %+v", f.ref, e)
		}
		got = append(got, e.LeadID+" "+e.Message)
		gotSeqs = append(gotSeqs, e.Seq)
	}
	want := []string{leads[0] + " submitted", leads[2] + " submitted", leads[3] + " submitted", leads[0] + " still waiting", leads[0] + " reminder sent"}
	if !slices.Equal(got, want) {
		t.Fatalf("LeadEvents = %v, want %v", got, want)
	}
	wantIncreasing(t, "Seq of events", gotSeqs)
	page, err := f.s.LeadEvents(ctx, f.ref, feed[1].Seq, 2)
	must(t, err)
	if len(page) != 2 || page[0].Seq != feed[2].Seq || page[1].Seq != feed[3].Seq {
		t.Fatalf("LeadEvents after the second, limit 2 = %+v", page)
	}
	if got := f.events(t, other); len(got) != 1 || got[0].LeadID != leads[1] {
		t.Fatalf("the other referrer's feed = %+v", got)
	}
	for _, limit := range []int{0, 1001} {
		_, err := f.s.LeadEvents(ctx, f.ref, 0, limit)
		wantCode(t, err, partnergraph.EINVALID, "first")
	}
}

// partnership creates an active partnership between the two and returns its id.
func partnership(t *testing.T, s partnergraph.Store, a, b, currency string) string {
	t.Helper()
	p := &partnergraph.Partnership{ProposerID: a, PartnerID: b, Status: partnergraph.PartnershipActive,
		Terms: partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 1000, Currency: currency}}
	must(t, s.CreatePartnership(ctx, p))
	return p.ID
}

var (
	fromOffered  = []partnergraph.LeadStatus{partnergraph.LeadOffered}
	fromAccepted = []partnergraph.LeadStatus{partnergraph.LeadAccepted}
)

func testLeadApplyLifecycle(t *testing.T, f *leadFixture) {
	l := f.lead(f.ref)
	first := f.submit(t, l, offer(f.a, 1))

	// A declines; the lead goes to B.
	declinedAt := time.Now().Add(-time.Minute).UTC().Truncate(time.Microsecond)
	reroute := partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, At: declinedAt,
		Answer:    []partnergraph.OfferAnswer{{OfferID: first[0].ID, Status: partnergraph.OfferDeclined, DeclineReason: "fully booked"}},
		NewOffers: []partnergraph.Offer{offer(f.b, 2)},
		Events:    []partnergraph.LeadEvent{{Message: "offered to the next partner"}}}
	f.apply(t, reroute)
	second := reroute.NewOffers[0]
	if second.ID == "" || second.Seq <= first[0].Seq || second.LeadID != l.ID || second.Status != partnergraph.OfferPending {
		t.Fatalf("the new offer was not written back: %+v", second)
	}
	if e := reroute.Events[0]; e.Seq <= 0 || e.LeadID != l.ID || e.ReferrerID != f.ref || e.Status != partnergraph.LeadOffered {
		t.Fatalf("the event was not written back: %+v", e)
	}
	declined, err := f.s.Offer(ctx, first[0].ID)
	must(t, err)
	if declined.Status != partnergraph.OfferDeclined || declined.DeclineReason != "fully booked" ||
		declined.RespondedAt == nil || !declined.RespondedAt.Equal(declinedAt) {
		t.Fatalf("declined offer = %+v", declined)
	}
	byRank, err := f.s.OffersOfLead(ctx, l.ID)
	must(t, err)
	if got, want := offerIDs(byRank), []string{first[0].ID, second.ID}; !slices.Equal(got, want) {
		t.Fatalf("OffersOfLead = %v, want %v", got, want)
	}
	if got := offerIDs(f.inbox(t, f.b)); !slices.Equal(got, []string{second.ID}) {
		t.Fatalf("B's inbox = %v", got)
	}

	// B accepts.
	f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
		Answer: []partnergraph.OfferAnswer{{OfferID: second.ID, Status: partnergraph.OfferAccepted}},
		Events: []partnergraph.LeadEvent{{Message: "accepted"}}})
	if got := f.leadStatus(t, l.ID); got != partnergraph.LeadAccepted {
		t.Fatalf("lead is %s, want ACCEPTED", got)
	}

	// B wins it: the lead closes with its value and the commission is owed.
	p := partnership(t, f.s, f.ref, f.b, "USD")
	wonAt := time.Now().UTC().Truncate(time.Microsecond)
	c := &partnergraph.Commission{PartnershipID: p, PayerID: f.b, PayeeID: f.ref, AmountMinor: 15000, Currency: "USD"}
	won := partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadWon, At: wonAt,
		ValueMinor: 250000, Currency: "USD", Commission: c, Events: []partnergraph.LeadEvent{{Message: "won"}}}
	f.apply(t, won)
	if c.ID == "" || c.LeadID != l.ID || c.Status != partnergraph.CommissionOwed || !c.CreatedAt.Equal(wonAt) {
		t.Fatalf("the commission was not written back: %+v", c)
	}
	closed, err := f.s.Lead(ctx, l.ID)
	must(t, err)
	if closed.Status != partnergraph.LeadWon || closed.ClosedAt == nil || !closed.ClosedAt.Equal(wonAt) ||
		closed.ValueMinor != 250000 || closed.Currency != "USD" {
		t.Fatalf("won lead = %+v", closed)
	}
	if got := f.events(t, f.ref); len(got) != 4 || got[3].Status != partnergraph.LeadWon {
		t.Fatalf("events = %+v, want 4 ending with WON", got)
	}

	// A lead earns one commission.
	before := f.counts(t)
	again := partnergraph.Transition{LeadID: l.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadWon},
		Commission: &partnergraph.Commission{PartnershipID: p, PayerID: f.b, PayeeID: f.ref, AmountMinor: 15000, Currency: "USD"},
		Events:     []partnergraph.LeadEvent{{Message: "won twice?"}}}
	wantCode(t, f.s.Apply(ctx, again), partnergraph.ECONFLICT, "")
	if again.Commission.ID != "" || again.Events[0].Seq != 0 {
		t.Fatalf("a failed Apply wrote back %+v and %+v", again.Commission, again.Events[0])
	}
	if after := f.counts(t); after != before {
		t.Fatalf("a failed Apply wrote offers or events: %v, then %v", before, after)
	}
	list, err := f.s.Commissions(ctx, f.ref, partnergraph.Page{})
	must(t, err)
	if len(list.Items) != 1 || list.Items[0].ID != c.ID {
		t.Fatalf("Commissions = %+v, want the one commission", list.Items)
	}

	// A lost lead closes too.
	lost := f.lead(f.ref)
	o := f.submit(t, lost, offer(f.c, 1))
	f.apply(t, partnergraph.Transition{LeadID: lost.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
		Answer: []partnergraph.OfferAnswer{{OfferID: o[0].ID, Status: partnergraph.OfferAccepted}}})
	f.apply(t, partnergraph.Transition{LeadID: lost.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadLost, Reason: "customer went elsewhere"})
	if got, _ := f.s.Lead(ctx, lost.ID); got.Status != partnergraph.LeadLost || got.ClosedAt == nil || got.Reason != "customer went elsewhere" {
		t.Fatalf("lost lead = %+v", got)
	}
}

func testLeadApplyConflicts(t *testing.T, f *leadFixture) {
	l := f.lead(f.ref)
	o := f.submit(t, l, offer(f.a, 1))
	f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
		Answer: []partnergraph.OfferAnswer{{OfferID: o[0].ID, Status: partnergraph.OfferAccepted}}})
	other := f.lead(f.ref)
	otherOffers := f.submit(t, other, offer(f.c, 1))

	cases := []struct {
		name string
		tr   partnergraph.Transition
		code partnergraph.Code
	}{
		{"answer an offer that is not pending", partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted,
			Answer: []partnergraph.OfferAnswer{{OfferID: o[0].ID, Status: partnergraph.OfferDeclined}}}, partnergraph.ECONFLICT},
		{"lead not in LeadFrom", partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadUnroutable}, partnergraph.ECONFLICT},
		{"answer an offer of another lead", partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted,
			Answer: []partnergraph.OfferAnswer{{OfferID: otherOffers[0].ID, Status: partnergraph.OfferWithdrawn}}}, partnergraph.ECONFLICT},
		{"answer an unknown offer", partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted,
			Answer: []partnergraph.OfferAnswer{{OfferID: "no-such-offer", Status: partnergraph.OfferDeclined}}}, partnergraph.ENOTFOUND},
		{"unknown lead", partnergraph.Transition{LeadID: "no-such-lead", LeadFrom: fromOffered}, partnergraph.ENOTFOUND},
		{"new offer to an unknown business", partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted,
			NewOffers: []partnergraph.Offer{offer("no-such-business", 2)}}, partnergraph.ENOTFOUND},
		{"no LeadFrom", partnergraph.Transition{LeadID: l.ID}, partnergraph.EINVALID},
		{"commission to the payer itself", partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted,
			Commission: &partnergraph.Commission{PartnershipID: "p-1", PayerID: f.a, PayeeID: f.a, AmountMinor: 100, Currency: "USD"}}, partnergraph.EINVALID},
		{"answer back to pending", partnergraph.Transition{LeadID: other.ID, LeadFrom: fromOffered,
			Answer: []partnergraph.OfferAnswer{{OfferID: otherOffers[0].ID, Status: partnergraph.OfferPending}}}, partnergraph.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Each failing transition also carries writes that must not happen.
			tr := c.tr
			tr.NewOffers = append(slices.Clone(tr.NewOffers), offer(f.b, 2))
			tr.Events = []partnergraph.LeadEvent{{Message: "must not be written"}}
			before := f.counts(t)
			wantCode(t, f.s.Apply(ctx, tr), c.code, "")
			if after := f.counts(t); after != before {
				t.Fatalf("a failed Apply wrote offers or events: %v, then %v", before, after)
			}
			for _, o := range tr.NewOffers {
				if o.Seq != 0 || o.ID != "" || o.LeadID != "" {
					t.Fatalf("a failed Apply wrote back %+v", o)
				}
			}
			if got := f.leadStatus(t, l.ID); got != partnergraph.LeadAccepted {
				t.Fatalf("lead is %s after a failed Apply, want ACCEPTED", got)
			}
			if got := f.offerStatus(t, otherOffers[0].ID); got != partnergraph.OfferPending {
				t.Fatalf("the other lead's offer is %s after a failed Apply", got)
			}
		})
	}

	// A transition that answers one offer and then fails on the next changes neither.
	third := f.lead(f.ref)
	third.Mode = partnergraph.Shared
	os := f.submit(t, third, offer(f.a, 1), offer(f.b, 1))
	f.apply(t, partnergraph.Transition{LeadID: third.ID, LeadFrom: fromOffered,
		Answer: []partnergraph.OfferAnswer{{OfferID: os[1].ID, Status: partnergraph.OfferDeclined}}})
	err := f.s.Apply(ctx, partnergraph.Transition{LeadID: third.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
		Answer: []partnergraph.OfferAnswer{{OfferID: os[0].ID, Status: partnergraph.OfferAccepted}, {OfferID: os[1].ID, Status: partnergraph.OfferWithdrawn}}})
	wantCode(t, err, partnergraph.ECONFLICT, "")
	if got := f.offerStatus(t, os[0].ID); got != partnergraph.OfferPending {
		t.Fatalf("the first answer of a failed Apply was kept: %s", got)
	}
	if got := f.leadStatus(t, third.ID); got != partnergraph.LeadOffered {
		t.Fatalf("lead is %s after a failed Apply", got)
	}
}

// acceptShared is the transition of a SHARED lead whose offer i is accepted: the others are
// withdrawn.
func acceptShared(leadID string, offers []partnergraph.Offer, i int) partnergraph.Transition {
	tr := partnergraph.Transition{LeadID: leadID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted}
	for j, o := range offers {
		st := partnergraph.OfferWithdrawn
		if j == i {
			st = partnergraph.OfferAccepted
		}
		tr.Answer = append(tr.Answer, partnergraph.OfferAnswer{OfferID: o.ID, Status: st})
	}
	return tr
}

func testLeadApplySharedAccept(t *testing.T, f *leadFixture) {
	l := f.lead(f.ref)
	l.Mode, l.MaxOffers = partnergraph.Shared, 3
	os := f.submit(t, l, offer(f.a, 1), offer(f.b, 1), offer(f.c, 1))
	f.apply(t, acceptShared(l.ID, os, 1))
	for i, want := range []partnergraph.OfferStatus{partnergraph.OfferWithdrawn, partnergraph.OfferAccepted, partnergraph.OfferWithdrawn} {
		if got := f.offerStatus(t, os[i].ID); got != want {
			t.Fatalf("offer %d is %s, want %s", i, got, want)
		}
	}
	stored, err := f.s.Lead(ctx, l.ID)
	must(t, err)
	if stored.Status != partnergraph.LeadAccepted || stored.Mode != partnergraph.Shared || stored.MaxOffers != 3 {
		t.Fatalf("lead = %+v", stored)
	}
	// A withdrawn partner that accepts late gets a conflict.
	wantCode(t, f.s.Apply(ctx, acceptShared(l.ID, os, 0)), partnergraph.ECONFLICT, "")
}

func testLeadApplyConcurrentAccepts(t *testing.T, f *leadFixture) {
	l := f.lead(f.ref)
	l.Mode, l.MaxOffers = partnergraph.Shared, 3
	os := f.submit(t, l, offer(f.a, 1), offer(f.b, 1), offer(f.c, 1))
	errs := make([]error, len(os))
	var wg sync.WaitGroup
	for i := range os {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.s.Apply(ctx, acceptShared(l.ID, os, i))
		}()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("offers %d and %d were both accepted", winner, i)
			}
			winner = i
			continue
		}
		wantCode(t, err, partnergraph.ECONFLICT, "")
	}
	if winner < 0 {
		t.Fatal("no accept succeeded")
	}
	for i, o := range os {
		want := partnergraph.OfferWithdrawn
		if i == winner {
			want = partnergraph.OfferAccepted
		}
		if got := f.offerStatus(t, o.ID); got != want {
			t.Fatalf("offer %d is %s, want %s", i, got, want)
		}
	}
}

func testLeadDueOffers(t *testing.T, f *leadFixture) {
	now := time.Now().UTC()
	due := func(to string, in time.Duration) partnergraph.Offer {
		o := offer(to, 1)
		o.ExpiresAt = now.Add(in)
		return o
	}
	l1, l2, l3 := f.lead(f.ref), f.lead(f.ref), f.lead(f.ref)
	later := f.submit(t, l1, due(f.a, -time.Hour))
	first := f.submit(t, l2, due(f.b, -2*time.Hour))
	notYet := f.submit(t, l3, due(f.c, time.Hour))
	// Expired but answered: no longer due.
	answered := f.lead(f.ref)
	ao := f.submit(t, answered, due(f.c, -3*time.Hour))
	f.apply(t, partnergraph.Transition{LeadID: answered.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
		Answer: []partnergraph.OfferAnswer{{OfferID: ao[0].ID, Status: partnergraph.OfferAccepted}}})
	// Exactly at now is due.
	atNow := f.lead(f.ref)
	exact := f.submit(t, atNow, due(f.a, 0))

	got, err := f.s.DueOffers(ctx, now, 10)
	must(t, err)
	if ids, want := offerIDs(got), []string{first[0].ID, later[0].ID, exact[0].ID}; !slices.Equal(ids, want) {
		t.Fatalf("DueOffers = %v, want %v (longest overdue first; %s is not due)", ids, want, notYet[0].ID)
	}
	got, err = f.s.DueOffers(ctx, now, 1)
	must(t, err)
	if len(got) != 1 || got[0].ID != first[0].ID {
		t.Fatalf("DueOffers limit 1 = %v", offerIDs(got))
	}

	f.apply(t, partnergraph.Transition{LeadID: l2.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadUnroutable, Reason: "nobody answered",
		Answer: []partnergraph.OfferAnswer{{OfferID: first[0].ID, Status: partnergraph.OfferExpired}}})
	got, err = f.s.DueOffers(ctx, now, 10)
	must(t, err)
	if ids, want := offerIDs(got), []string{later[0].ID, exact[0].ID}; !slices.Equal(ids, want) {
		t.Fatalf("DueOffers after expiring one = %v, want %v", ids, want)
	}
	_, err = f.s.DueOffers(ctx, now, 0)
	wantCode(t, err, partnergraph.EINVALID, "first")
}

func testLeadOffersSince(t *testing.T, f *leadFixture) {
	t0 := time.Now().Add(-6 * time.Hour).UTC().Truncate(time.Second)
	at := func(to string, d time.Duration) partnergraph.Offer {
		o := offer(to, 1)
		o.CreatedAt = t0.Add(d)
		return o
	}
	f.submit(t, f.lead(f.ref), at(f.a, -2*time.Hour))
	f.submit(t, f.lead(f.ref), at(f.a, 0))
	declined := f.lead(f.ref)
	os := f.submit(t, declined, at(f.a, time.Hour))
	f.submit(t, f.lead(f.ref), at(f.b, 30*time.Minute))
	// Every offer counts against the cap, whatever became of it.
	f.apply(t, partnergraph.Transition{LeadID: declined.ID, LeadFrom: fromOffered,
		Answer: []partnergraph.OfferAnswer{{OfferID: os[0].ID, Status: partnergraph.OfferDeclined}}})

	got, err := f.s.OffersSince(ctx, []string{f.a, f.b, f.c, "no-such-business"}, t0)
	must(t, err)
	if got[f.a] != 2 || got[f.b] != 1 || got[f.c] != 0 || got["no-such-business"] != 0 {
		t.Fatalf("OffersSince(t0) = %v, want a:2 b:1", got)
	}
	got, err = f.s.OffersSince(ctx, []string{f.a}, t0.Add(-3*time.Hour))
	must(t, err)
	if got[f.a] != 3 {
		t.Fatalf("OffersSince(t0-3h) = %v, want a:3", got)
	}
	got, err = f.s.OffersSince(ctx, nil, t0)
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("OffersSince of no businesses = %v", got)
	}
}

// testLeadLedger builds a tiny graph by hand and checks every number of X's ledger:
//
//	L1  X refers → P accepts, wins; P pays X 50.00 USD
//	L2  X refers → P declines, Q accepts (not closed)
//	L3  P refers → X accepts, wins; X pays P 20.00 USD
//	L4  Q refers → X (pending)
//	L5  R refers → X accepts, wins; X pays R 3.00 EUR
//	L6  R refers → X accepts, wins; X pays R 10.00 USD
//	L7  P refers → Q (X is not part of it)
func testLeadLedger(t *testing.T, f *leadFixture) {
	s := f.s
	mk := func(id string) string {
		b := newBusiness("Ledger "+id, 1, 1)
		b.ID = id
		must(t, s.CreateBusiness(ctx, b, ""))
		return id
	}
	x, p, q, r := mk("ledger-x"), mk("ledger-p"), mk("ledger-q"), mk("ledger-r")
	xp, xr := partnership(t, s, x, p, "USD"), partnership(t, s, x, r, "USD")
	pq := partnership(t, s, p, q, "USD")

	// A referral goes to each recipient in turn (all but the last decline), then the last
	// accepts unless pending, and with a partnership the lead is won with that commission.
	type referral struct {
		referrer    string
		to          []string
		pending     bool
		partnership string
		amount      int64
		currency    string
	}
	for _, ref := range []referral{
		{referrer: x, to: []string{p}, partnership: xp, amount: 5000, currency: "USD"}, // L1
		{referrer: x, to: []string{p, q}},                                              // L2
		{referrer: p, to: []string{x}, partnership: xp, amount: 2000, currency: "USD"}, // L3
		{referrer: q, to: []string{x}, pending: true},                                  // L4
		{referrer: r, to: []string{x}, partnership: xr, amount: 300, currency: "EUR"},  // L5
		{referrer: r, to: []string{x}, partnership: xr, amount: 1000, currency: "USD"}, // L6
		{referrer: p, to: []string{q}, partnership: pq, amount: 700, currency: "USD"},  // L7
	} {
		l := f.lead(ref.referrer)
		os := f.submit(t, l, offer(ref.to[0], 1))
		for i := 1; i < len(ref.to); i++ {
			tr := partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered,
				Answer:    []partnergraph.OfferAnswer{{OfferID: os[len(os)-1].ID, Status: partnergraph.OfferDeclined}},
				NewOffers: []partnergraph.Offer{offer(ref.to[i], i+1)}}
			f.apply(t, tr)
			os = append(os, tr.NewOffers...)
		}
		if ref.pending {
			continue
		}
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
			Answer: []partnergraph.OfferAnswer{{OfferID: os[len(os)-1].ID, Status: partnergraph.OfferAccepted}}})
		if ref.partnership == "" {
			continue
		}
		winner := ref.to[len(ref.to)-1]
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadWon,
			ValueMinor: 100000, Currency: ref.currency,
			Commission: &partnergraph.Commission{PartnershipID: ref.partnership, PayerID: winner, PayeeID: ref.referrer,
				AmountMinor: ref.amount, Currency: ref.currency}})
	}

	got, err := s.Ledger(ctx, x)
	must(t, err)
	want := []partnergraph.LedgerLine{
		{PartnerID: p, LeadsGiven: 2, LeadsReceived: 1, AcceptedGiven: 1, AcceptedReceived: 1, WonGiven: 1, WonReceived: 1, Currency: "USD", CommissionOwed: 2000, CommissionEarned: 5000},
		{PartnerID: q, LeadsGiven: 1, LeadsReceived: 1, AcceptedGiven: 1},
		// R's commissions are in two currencies: one line each, the counts on the first.
		{PartnerID: r, LeadsReceived: 2, AcceptedReceived: 2, WonReceived: 2, Currency: "EUR", CommissionOwed: 300},
		{PartnerID: r, Currency: "USD", CommissionOwed: 1000},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Ledger(x) =\n%+v\nwant\n%+v", got, want)
	}

	// P's line for X mirrors X's line for P.
	got, err = s.Ledger(ctx, p)
	must(t, err)
	want = []partnergraph.LedgerLine{
		{PartnerID: q, LeadsGiven: 1, AcceptedGiven: 1, WonGiven: 1, Currency: "USD", CommissionEarned: 700},
		{PartnerID: x, LeadsGiven: 1, LeadsReceived: 2, AcceptedGiven: 1, AcceptedReceived: 1, WonGiven: 1, WonReceived: 1, Currency: "USD", CommissionOwed: 5000, CommissionEarned: 2000},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Ledger(p) =\n%+v\nwant\n%+v", got, want)
	}

	got, err = s.Ledger(ctx, f.c)
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("the ledger of a business without leads = %+v", got)
	}
}

func testLeadCommissions(t *testing.T, f *leadFixture) {
	p := partnership(t, f.s, f.ref, f.a, "USD")
	pc := partnership(t, f.s, f.b, f.c, "USD")
	t0 := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	// win closes a new lead of the referrer, won by the business, with a commission created at d.
	win := func(referrer, winner, partnershipID string, d time.Duration) string {
		t.Helper()
		l := f.lead(referrer)
		os := f.submit(t, l, offer(winner, 1))
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
			Answer: []partnergraph.OfferAnswer{{OfferID: os[0].ID, Status: partnergraph.OfferAccepted}}})
		c := &partnergraph.Commission{PartnershipID: partnershipID, PayerID: winner, PayeeID: referrer, AmountMinor: 1000, Currency: "USD", CreatedAt: t0.Add(d)}
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadWon, Commission: c})
		return c.ID
	}
	var newestFirst []string
	for _, d := range []time.Duration{0, time.Minute, time.Minute, 2 * time.Minute, 3 * time.Minute} {
		newestFirst = append(newestFirst, win(f.ref, f.a, p, d))
	}
	win(f.b, f.c, pc, time.Minute) // neither pays nor earns for the referrer
	slices.Reverse(newestFirst)
	// Two were created at the same time: the newer id first, as with the other listings.
	if newestFirst[2] < newestFirst[3] {
		newestFirst[2], newestFirst[3] = newestFirst[3], newestFirst[2]
	}

	for _, business := range []string{f.ref, f.a} {
		for _, n := range []int{1, 2, 100} {
			got := collect(t, n, func(pg partnergraph.Page) (partnergraph.Slice[partnergraph.Commission], error) {
				return f.s.Commissions(ctx, business, pg)
			})
			var gotIDs []string
			for _, c := range got {
				gotIDs = append(gotIDs, c.ID)
				if c.PayerID != f.a || c.PayeeID != f.ref || c.AmountMinor != 1000 || c.Currency != "USD" || c.Status != partnergraph.CommissionOwed || c.PartnershipID != p {
					t.Fatalf("commission = %+v", c)
				}
			}
			if !slices.Equal(gotIDs, newestFirst) {
				t.Fatalf("Commissions(%s) by %d = %v, want %v", business, n, gotIDs, newestFirst)
			}
		}
	}
	none, err := f.s.Commissions(ctx, "no-such-business", partnergraph.Page{})
	must(t, err)
	if len(none.Items) != 0 || none.HasNext {
		t.Fatalf("Commissions of an unknown business = %+v", none)
	}
	_, err = f.s.Commissions(ctx, f.ref, partnergraph.Page{After: "garbage"})
	wantCode(t, err, partnergraph.EINVALID, "after")
	_, err = f.s.Commissions(ctx, f.ref, partnergraph.Page{First: partnergraph.MaxPageSize + 1})
	wantCode(t, err, partnergraph.EINVALID, "first")
}

func testLeadCommissionOfLead(t *testing.T, f *leadFixture) {
	p := partnership(t, f.s, f.ref, f.a, "USD")
	// closed submits a lead of the referrer that a accepts, then closes it with c (nil: no
	// commission), and returns its id.
	closed := func(outcome partnergraph.LeadStatus, c *partnergraph.Commission) string {
		t.Helper()
		l := f.lead(f.ref)
		os := f.submit(t, l, offer(f.a, 1))
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
			Answer: []partnergraph.OfferAnswer{{OfferID: os[0].ID, Status: partnergraph.OfferAccepted}}})
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: outcome, Commission: c})
		return l.ID
	}
	var want []partnergraph.Commission
	var won []string
	for i := range 3 {
		c := &partnergraph.Commission{PartnershipID: p, PayerID: f.a, PayeeID: f.ref, AmountMinor: int64(1000 * (i + 1)), Currency: "USD"}
		won = append(won, closed(partnergraph.LeadWon, c))
		want = append(want, *c)
	}
	for i, leadID := range won {
		got, err := f.s.CommissionOfLead(ctx, leadID)
		must(t, err)
		if got.ID != want[i].ID || got.LeadID != leadID || got.AmountMinor != want[i].AmountMinor || got.PayerID != f.a ||
			got.PayeeID != f.ref || got.PartnershipID != p || got.Currency != "USD" || got.Status != partnergraph.CommissionOwed ||
			!got.CreatedAt.Equal(want[i].CreatedAt) {
			t.Fatalf("CommissionOfLead(%s) = %+v, want %+v", leadID, got, want[i])
		}
	}
	_, err := f.s.CommissionOfLead(ctx, closed(partnergraph.LeadWon, nil)) // won without a partnership's terms
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	_, err = f.s.CommissionOfLead(ctx, closed(partnergraph.LeadLost, nil))
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	offered := f.lead(f.ref)
	f.submit(t, offered, offer(f.a, 1))
	_, err = f.s.CommissionOfLead(ctx, offered.ID)
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	_, err = f.s.CommissionOfLead(ctx, "no-such-lead")
	wantCode(t, err, partnergraph.ENOTFOUND, "")
}

func testLeadPurgeIdempotencyKeys(t *testing.T, f *leadFixture) {
	old := f.lead(f.ref)
	old.CreatedAt = time.Now().Add(-72 * time.Hour)
	f.submit(t, old, offer(f.a, 1))
	recent := f.lead(f.ref)
	f.submit(t, recent, offer(f.a, 1))

	_, err := f.s.PurgeIdempotencyKeys(ctx, time.Now())
	wantCode(t, err, partnergraph.EINVALID, "before")

	n, err := f.s.PurgeIdempotencyKeys(ctx, time.Now().Add(-48*time.Hour))
	must(t, err)
	if n != 1 {
		t.Fatalf("PurgeIdempotencyKeys = %d, want 1", n)
	}
	kept, err := f.s.Lead(ctx, old.ID)
	must(t, err)
	if kept.IdempotencyKey != "" || kept.Status != partnergraph.LeadOffered {
		t.Fatalf("purged lead = %+v, want it kept without its key", kept)
	}
	n, err = f.s.PurgeIdempotencyKeys(ctx, time.Now().Add(-48*time.Hour))
	must(t, err)
	if n != 0 {
		t.Fatalf("a second purge cleared %d keys", n)
	}

	// The purged key is free again; the recent one still answers retries.
	reuse := f.lead(f.ref)
	reuse.IdempotencyKey = old.IdempotencyKey
	f.submit(t, reuse)
	if reuse.ID == old.ID {
		t.Fatal("resubmitting a purged key returned the old lead")
	}
	retry := f.lead(f.ref)
	retry.IdempotencyKey = recent.IdempotencyKey
	got, created, err := f.s.SubmitLead(ctx, retry, nil, nil)
	must(t, err)
	if created || got.ID != recent.ID {
		t.Fatalf("retry of a kept key = %s, created %v; want %s", got.ID, created, recent.ID)
	}
}

// testLeadOutcomes: every answered offer since a time, in the order answered, with its lead;
// pending and withdrawn offers are not outcomes.
func testLeadOutcomes(t *testing.T, f *leadFixture) {
	t0 := time.Now().UTC().Truncate(time.Millisecond)
	l1 := f.lead(f.ref)
	o1 := f.submit(t, l1, offer(f.a, 1))
	f.apply(t, partnergraph.Transition{LeadID: l1.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered}, At: t0.Add(time.Minute),
		Answer: []partnergraph.OfferAnswer{{OfferID: o1[0].ID, Status: partnergraph.OfferDeclined}}, NewOffers: []partnergraph.Offer{offer(f.b, 2)}})
	o2 := f.inbox(t, f.b)
	f.apply(t, partnergraph.Transition{LeadID: l1.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered}, LeadTo: partnergraph.LeadAccepted,
		At: t0.Add(2 * time.Minute), Answer: []partnergraph.OfferAnswer{{OfferID: o2[0].ID, Status: partnergraph.OfferAccepted}}})
	f.apply(t, partnergraph.Transition{LeadID: l1.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadAccepted}, LeadTo: partnergraph.LeadWon,
		At: t0.Add(3 * time.Minute)})
	l2 := f.lead(f.ref)
	f.submit(t, l2, offer(f.c, 1)) // still pending: not an outcome

	type seen struct {
		offer  string
		status partnergraph.OfferStatus
		lead   partnergraph.LeadStatus
	}
	walk := func(since time.Time) []seen {
		var out []seen
		must(t, f.s.Outcomes(ctx, since, func(o partnergraph.Offer, l partnergraph.Lead) error {
			if o.LeadID != l.ID || o.RespondedAt == nil {
				t.Fatalf("outcome offer %+v with lead %+v", o, l)
			}
			out = append(out, seen{o.ID, o.Status, l.Status})
			return nil
		}))
		return out
	}
	want := []seen{{o1[0].ID, partnergraph.OfferDeclined, partnergraph.LeadWon}, {o2[0].ID, partnergraph.OfferAccepted, partnergraph.LeadWon}}
	if got := walk(time.Time{}); !slices.Equal(got, want) {
		t.Fatalf("Outcomes = %+v, want %+v", got, want)
	}
	if got := walk(t0.Add(90 * time.Second)); !slices.Equal(got, want[1:]) {
		t.Fatalf("Outcomes since the decline = %+v, want %+v", got, want[1:])
	}
	stop := errors.New("stop")
	if err := f.s.Outcomes(ctx, time.Time{}, func(partnergraph.Offer, partnergraph.Lead) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("Outcomes does not return fn's error: %v", err)
	}
}
