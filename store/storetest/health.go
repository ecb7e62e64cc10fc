package storetest

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// healthTests are the contract of HealthStore; each gets a new store with the lead fixture.
var healthTests = []struct {
	name string
	fn   func(t *testing.T, f *leadFixture)
}{
	{"Counts", testHealthCounts},
	{"Invalid", testHealthInvalid},
}

// testHealthCounts writes leads and offers at known times around a range of four hours and
// checks every count: only what was created in the range, each lead in its bucket by its
// status now, routing failures by kind, offers by status, and the top referrers and
// recipients in their order.
func testHealthCounts(t *testing.T, f *leadFixture) {
	base := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return base.Add(d) }
	submit := func(referrer string, created time.Time, status partnergraph.LeadStatus, reason string, to ...string) (*partnergraph.Lead, []partnergraph.Offer) {
		t.Helper()
		l := f.lead(referrer)
		l.CreatedAt, l.Status, l.Reason = created, status, reason
		var offers []partnergraph.Offer
		for i, b := range to {
			o := offer(b, i+1)
			o.CreatedAt = created
			offers = append(offers, o)
		}
		if len(offers) == 0 {
			_, _, err := f.s.SubmitLead(ctx, l, nil, []partnergraph.LeadEvent{{Message: "unroutable"}})
			must(t, err)
			return l, nil
		}
		return l, f.submit(t, l, offers...)
	}
	answer := func(l *partnergraph.Lead, o partnergraph.Offer, status partnergraph.OfferStatus, to partnergraph.LeadStatus, reason string) {
		t.Helper()
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: to, Reason: reason,
			Answer: []partnergraph.OfferAnswer{{OfferID: o.ID, Status: status}}})
	}

	submit(f.ref, at(-time.Minute), partnergraph.LeadOffered, "", f.a) // before the range
	submit(f.ref, at(time.Hour+10*time.Minute), partnergraph.LeadOffered, "", f.a)
	accepted, ao := submit(f.ref, at(time.Hour+20*time.Minute), partnergraph.LeadOffered, "", f.a)
	answer(accepted, ao[0], partnergraph.OfferAccepted, partnergraph.LeadAccepted, "")
	won, wo := submit(f.b, at(time.Hour+30*time.Minute), partnergraph.LeadOffered, "", f.a)
	answer(won, wo[0], partnergraph.OfferAccepted, partnergraph.LeadAccepted, "")
	f.apply(t, partnergraph.Transition{LeadID: won.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadWon, At: time.Now().UTC()})
	submit(f.ref, at(3*time.Hour), partnergraph.LeadUnroutable, "no business offers tyres")
	submit(f.b, at(3*time.Hour+30*time.Minute), partnergraph.LeadUnroutable, "no trusted path from Partner B to a business that offers Tyres and serves the customer's place")
	declined, do := submit(f.ref, at(3*time.Hour+40*time.Minute), partnergraph.LeadOffered, "", f.b)
	answer(declined, do[0], partnergraph.OfferDeclined, partnergraph.LeadUnroutable, "2 candidate(s) reached their daily lead cap")
	submit(f.ref, at(3*time.Hour+50*time.Minute), partnergraph.LeadUnroutable, "the referrer was suspended")
	submit(f.ref, at(5*time.Hour), partnergraph.LeadOffered, "", f.c) // at the end: outside

	q := partnergraph.HealthQuery{From: at(time.Hour), To: at(5 * time.Hour), Bucket: partnergraph.BucketHour, Top: 2}
	h, err := f.s.NetworkHealth(ctx, q)
	must(t, err)
	want := []partnergraph.LeadBucket{
		{Start: at(time.Hour), Offered: 1, Accepted: 1, Won: 1},
		{Start: at(2 * time.Hour)},
		{Start: at(3 * time.Hour), Unroutable: 4},
		{Start: at(4 * time.Hour)},
	}
	if len(h.Leads) != len(want) {
		t.Fatalf("buckets %+v, want %+v", h.Leads, want)
	}
	for i := range want {
		if g := h.Leads[i]; !g.Start.Equal(want[i].Start) || g.Offered != want[i].Offered || g.Accepted != want[i].Accepted ||
			g.Unroutable != want[i].Unroutable || g.Won != want[i].Won || g.Lost != want[i].Lost {
			t.Errorf("bucket %d = %+v, want %+v", i, g, want[i])
		}
	}
	wantKinds := map[partnergraph.UnroutableKind]int{partnergraph.UnroutableNoProvider: 1, partnergraph.UnroutableNoTrustedPath: 1,
		partnergraph.UnroutableDailyCap: 1, partnergraph.UnroutableOther: 1}
	if !maps.Equal(h.Unroutable, wantKinds) {
		t.Errorf("unroutable %v, want %v", h.Unroutable, wantKinds)
	}
	if want := (partnergraph.OfferCounts{Made: 4, Pending: 1, Accepted: 2, Declined: 1}); h.Offers != want {
		t.Errorf("offers %+v, want %+v", h.Offers, want)
	}
	if want := []partnergraph.ReferrerCount{{BusinessID: f.ref, Leads: 5}, {BusinessID: f.b, Leads: 2, Won: 1}}; !slices.Equal(h.Referrers, want) {
		t.Errorf("referrers %+v, want %+v", h.Referrers, want)
	}
	if want := []partnergraph.RecipientCount{{BusinessID: f.a, Offers: 3, Accepted: 2}, {BusinessID: f.b, Offers: 1}}; !slices.Equal(h.Recipients, want) {
		t.Errorf("recipients %+v, want %+v", h.Recipients, want)
	}

	// A day bucket holds the whole range; a top of one keeps the first of each.
	q.Bucket, q.Top = partnergraph.BucketDay, 1
	h, err = f.s.NetworkHealth(ctx, q)
	must(t, err)
	if len(h.Leads) != 1 || h.Leads[0].Total() != 7 || !h.Leads[0].Start.Equal(q.From) {
		t.Errorf("one day: %+v, want one bucket from %s with 7 leads", h.Leads, q.From)
	}
	if len(h.Referrers) != 1 || h.Referrers[0].BusinessID != f.ref || len(h.Recipients) != 1 || h.Recipients[0].BusinessID != f.a {
		t.Errorf("top 1: %+v %+v", h.Referrers, h.Recipients)
	}

	// A range with nothing in it.
	h, err = f.s.NetworkHealth(ctx, partnergraph.HealthQuery{From: at(-48 * time.Hour), To: at(-24 * time.Hour), Bucket: partnergraph.BucketHour, Top: 5})
	must(t, err)
	if len(h.Leads) != 24 || h.Leads[23].Total() != 0 || len(h.Unroutable) != 0 || h.Offers != (partnergraph.OfferCounts{}) || len(h.Referrers) != 0 || len(h.Recipients) != 0 {
		t.Errorf("empty range: %+v", h)
	}
}

func testHealthInvalid(t *testing.T, f *leadFixture) {
	now := time.Now().UTC()
	for _, c := range []struct {
		q     partnergraph.HealthQuery
		field string
	}{
		{partnergraph.HealthQuery{To: now, Bucket: partnergraph.BucketHour, Top: 5}, "from"},
		{partnergraph.HealthQuery{From: now, To: now, Bucket: partnergraph.BucketHour, Top: 5}, "to"},
		{partnergraph.HealthQuery{From: now, To: now.Add(time.Hour), Bucket: time.Minute, Top: 5}, "bucket"},
		{partnergraph.HealthQuery{From: now, To: now.Add(1001 * time.Hour), Bucket: partnergraph.BucketHour, Top: 5}, "to"},
		{partnergraph.HealthQuery{From: now, To: now.Add(time.Hour), Bucket: partnergraph.BucketHour, Top: 0}, "top"},
		{partnergraph.HealthQuery{From: now, To: now.Add(time.Hour), Bucket: partnergraph.BucketHour, Top: 101}, "top"},
	} {
		_, err := f.s.NetworkHealth(ctx, c.q)
		wantCode(t, err, partnergraph.EINVALID, c.field)
	}
}
