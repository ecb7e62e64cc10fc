package storetest

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// returnTests are the contract of partnergraph.ReturnStore; each gets a new lead fixture.
var returnTests = []struct {
	name string
	fn   func(t *testing.T, f *leadFixture)
}{
	{"RequestAndFind", testReturnRequestAndFind},
	{"AcceptWonLead", testReturnAcceptWonLead},
	{"AcceptBeforeClose", testReturnAcceptBeforeClose},
	{"Reject", testReturnReject},
	{"ConcurrentDecisions", testReturnConcurrentDecisions},
	{"CommissionOnceConcurrent", testCommissionOnceConcurrent},
	{"DueListingAndStats", testReturnDueListingAndStats},
}

// acceptedLead submits a lead of the referrer to the business and has it accepted; with
// a partnership, it is also won with a commission of 1500 USD cents. It returns the lead and
// its accepted offer.
func (f *leadFixture) acceptedLead(t *testing.T, to string, partnership string) (*partnergraph.Lead, partnergraph.Offer) {
	t.Helper()
	l := f.lead(f.ref)
	os := f.submit(t, l, offer(to, 1))
	f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
		Answer: []partnergraph.OfferAnswer{{OfferID: os[0].ID, Status: partnergraph.OfferAccepted}}})
	if partnership != "" {
		f.apply(t, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadWon, Closes: os[0].ID,
			ValueMinor: 100000, Currency: "USD",
			Commission: &partnergraph.Commission{PartnershipID: partnership, PayerID: to, PayeeID: f.ref, AmountMinor: 1500, Currency: "USD"}})
	}
	o, err := f.s.Offer(ctx, os[0].ID)
	must(t, err)
	got, err := f.s.Lead(ctx, l.ID)
	must(t, err)
	return got, *o
}

// newReturn is the return of the lead by its recipient, requested now.
func newReturn(t *testing.T, l *partnergraph.Lead, o partnergraph.Offer, reason partnergraph.ReturnReason) partnergraph.LeadReturn {
	t.Helper()
	r, err := partnergraph.NewReturn(l, &o, reason, "the customer never answered", "user-recipient", time.Now(), partnergraph.Windows{Contest: time.Hour})
	must(t, err)
	return r
}

// request stores a new return and fails unless it was created.
func (f *leadFixture) request(t *testing.T, r partnergraph.LeadReturn) partnergraph.LeadReturn {
	t.Helper()
	got, created, err := f.s.RequestReturn(ctx, r)
	must(t, err)
	if !created {
		t.Fatalf("RequestReturn(%+v) found %+v, want it created", r, got)
	}
	return got
}

func sameReturn(t *testing.T, what string, got, want partnergraph.LeadReturn) {
	t.Helper()
	eqTime := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
	if got.LeadID != want.LeadID || got.OfferID != want.OfferID || got.RecipientID != want.RecipientID || got.ReferrerID != want.ReferrerID ||
		got.Reason != want.Reason || got.Note != want.Note || got.State != want.State || got.RequestedBy != want.RequestedBy ||
		!got.RequestedAt.Equal(want.RequestedAt) || !got.ContestBy.Equal(want.ContestBy) ||
		got.ContestedBy != want.ContestedBy || !eqTime(got.ContestedAt, want.ContestedAt) || got.ContestNote != want.ContestNote ||
		got.DecidedBy != want.DecidedBy || !eqTime(got.DecidedAt, want.DecidedAt) || got.DecisionNote != want.DecisionNote {
		t.Fatalf("%s = %+v, want %+v", what, got, want)
	}
}

func testReturnRequestAndFind(t *testing.T, f *leadFixture) {
	l, o := f.acceptedLead(t, f.a, "")
	r := newReturn(t, l, o, partnergraph.ReturnUnreachable)
	_, err := f.s.LeadReturn(ctx, l.ID)
	wantCode(t, err, partnergraph.ENOTFOUND, "")

	got := f.request(t, r)
	sameReturn(t, "RequestReturn", got, r)
	stored, err := f.s.LeadReturn(ctx, l.ID)
	must(t, err)
	sameReturn(t, "LeadReturn", *stored, r)

	// A second request (a retry, or another reason) finds the first one.
	other := r
	other.Reason, other.Note = partnergraph.ReturnDuplicate, "other"
	again, created, err := f.s.RequestReturn(ctx, other)
	must(t, err)
	if created {
		t.Fatal("a second request of the lead's return created another one")
	}
	sameReturn(t, "RequestReturn again", again, r)

	// Only the lead's accepted offer, of an accepted lead, can be returned.
	offered := f.lead(f.ref)
	os := f.submit(t, offered, offer(f.b, 1))
	bad := r
	bad.LeadID, bad.OfferID, bad.RecipientID = offered.ID, os[0].ID, f.b
	_, _, err = f.s.RequestReturn(ctx, bad)
	wantCode(t, err, partnergraph.ECONFLICT, "")
	l2, o2 := f.acceptedLead(t, f.b, "")
	bad = newReturn(t, l2, o2, partnergraph.ReturnDuplicate)
	bad.OfferID = o.ID // another lead's offer
	_, _, err = f.s.RequestReturn(ctx, bad)
	wantCode(t, err, partnergraph.ECONFLICT, "")
	bad.LeadID = "no-such-lead"
	_, _, err = f.s.RequestReturn(ctx, bad)
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	bad = r
	bad.Reason = "BORED"
	_, _, err = f.s.RequestReturn(ctx, bad)
	wantCode(t, err, partnergraph.EINVALID, "reason")
	if _, err := f.s.LeadReturn(ctx, l2.ID); partnergraph.ErrorCode(err) != partnergraph.ENOTFOUND {
		t.Fatalf("a refused request wrote a return: %v", err)
	}

	// Many leads' returns at once: those that have one, keyed by lead.
	byLead, err := f.s.LeadReturnsOf(ctx, []string{l.ID, l2.ID, offered.ID, "no-such-lead"})
	must(t, err)
	if len(byLead) != 1 || byLead[l.ID] == nil {
		t.Fatalf("LeadReturnsOf = %v, want the return of %s alone", byLead, l.ID)
	}
	sameReturn(t, "LeadReturnsOf", *byLead[l.ID], r)
	if none, err := f.s.LeadReturnsOf(ctx, nil); err != nil || len(none) != 0 {
		t.Fatalf("LeadReturnsOf(nil) = %v, %v", none, err)
	}
}

func testReturnAcceptWonLead(t *testing.T, f *leadFixture) {
	p := partnership(t, f.s, f.ref, f.a, "USD")
	l, o := f.acceptedLead(t, f.a, p)
	commission, err := f.s.CommissionOfLead(ctx, l.ID)
	must(t, err)
	r := f.request(t, newReturn(t, l, o, partnergraph.ReturnDuplicate))

	contested, err := r.Contest("user-referrer", "it was not a duplicate", time.Now())
	must(t, err)
	feed := newFeedReader(t, f.s)
	got, err := f.s.MoveReturn(ctx, contested, partnergraph.ReturnRequested)
	must(t, err)
	sameReturn(t, "contested", got, contested)
	feed.wantChanges(t, "contest", time.Now().Add(-time.Second), changeKey{partnergraph.ChangeLeadEvent, f.ref, ""}) // an event, nothing to learn yet
	if c, _ := f.s.CommissionOfLead(ctx, l.ID); c.Status != partnergraph.CommissionOwed {
		t.Fatalf("a contested return voided the commission: %+v", c)
	}

	accepted, err := got.Decide(partnergraph.ReturnAccepted, "admin-1", "duplicate of an earlier lead", time.Now())
	must(t, err)
	before := time.Now()
	got, err = f.s.MoveReturn(ctx, accepted, partnergraph.ReturnContested)
	must(t, err)
	sameReturn(t, "accepted", got, accepted)
	feed.wantChanges(t, "accept", before, changeKey{partnergraph.ChangeReturn, l.ID, ""}, changeKey{partnergraph.ChangeLeadEvent, f.ref, ""})

	// Each step told the referrer's feed, with the lead's status after it.
	events := f.events(t, f.ref)
	var steps []string
	for _, e := range events {
		if e.LeadID == l.ID && strings.HasPrefix(e.Message, "return") {
			steps = append(steps, string(e.Status)+" "+e.Message)
		}
	}
	wantSteps := []string{"WON returned", "WON return contested; an admin decides", "WON return accepted: the lead is void"}
	if len(steps) != 3 || !strings.HasPrefix(steps[0], "WON returned by "+f.a) || steps[1] != wantSteps[1] || steps[2] != wantSteps[2] {
		t.Fatalf("the referrer's feed for the return = %q", steps)
	}

	// The commission is void, the lead stays WON (history), and the reversal is its own line.
	c, err := f.s.CommissionOfLead(ctx, l.ID)
	must(t, err)
	if c.Status != partnergraph.CommissionVoid || c.AmountMinor != commission.AmountMinor || c.ID != commission.ID {
		t.Fatalf("commission after the return = %+v, want %+v read as VOID", c, commission)
	}
	if got := f.leadStatus(t, l.ID); got != partnergraph.LeadWon {
		t.Fatalf("the won lead is %s after its return, want WON", got)
	}
	revs, err := f.s.CommissionReversals(ctx, l.ID)
	must(t, err)
	if len(revs) != 1 || revs[0].CommissionID != c.ID || revs[0].AmountMinor != 1500 || revs[0].Currency != "USD" ||
		revs[0].PayerID != f.a || revs[0].PayeeID != f.ref || !revs[0].CreatedAt.Equal(*accepted.DecidedAt) {
		t.Fatalf("reversals = %+v", revs)
	}
	list, err := f.s.Commissions(ctx, f.ref, partnergraph.Page{})
	must(t, err)
	if len(list.Items) != 1 || list.Items[0].Status != partnergraph.CommissionVoid {
		t.Fatalf("Commissions = %+v, want the one commission, VOID", list.Items)
	}
	ledger, err := f.s.Ledger(ctx, f.ref)
	must(t, err)
	want := []partnergraph.LedgerLine{
		{PartnerID: f.a, LeadsGiven: 1, AcceptedGiven: 1, WonGiven: 1, Currency: "USD", CommissionEarned: 1500},
		{PartnerID: f.a, Currency: "USD", CommissionEarned: -1500, Reversal: true},
	}
	if !slices.Equal(ledger, want) {
		t.Fatalf("Ledger(referrer) =\n%+v\nwant\n%+v", ledger, want)
	}
	ledger, err = f.s.Ledger(ctx, f.a)
	must(t, err)
	want = []partnergraph.LedgerLine{
		{PartnerID: f.ref, LeadsReceived: 1, AcceptedReceived: 1, WonReceived: 1, Currency: "USD", CommissionOwed: 1500},
		{PartnerID: f.ref, Currency: "USD", CommissionOwed: -1500, Reversal: true},
	}
	if !slices.Equal(ledger, want) {
		t.Fatalf("Ledger(recipient) =\n%+v\nwant\n%+v", ledger, want)
	}

	// A decided return moves no more, and nothing is reversed twice.
	again, _ := got.Decide(partnergraph.ReturnRejected, "admin-2", "", time.Now())
	again.State = partnergraph.ReturnAccepted
	_, err = f.s.MoveReturn(ctx, again, partnergraph.ReturnContested)
	wantCode(t, err, partnergraph.ECONFLICT, "")
	_, err = f.s.MoveReturn(ctx, again, partnergraph.ReturnAccepted)
	wantCode(t, err, partnergraph.EINVALID, "state")
	feed.wantChanges(t, "refused moves", time.Now())
	if revs, _ := f.s.CommissionReversals(ctx, l.ID); len(revs) != 1 {
		t.Fatalf("%d reversals, want 1", len(revs))
	}
	stored, err := f.s.LeadReturn(ctx, l.ID)
	must(t, err)
	sameReturn(t, "stored", *stored, accepted)
}

func testReturnAcceptBeforeClose(t *testing.T, f *leadFixture) {
	p := partnership(t, f.s, f.ref, f.a, "USD")
	l, o := f.acceptedLead(t, f.a, "")
	r := f.request(t, newReturn(t, l, o, partnergraph.ReturnWrongService))
	accepted, err := r.Decide(partnergraph.ReturnAccepted, "admin-1", "", time.Now())
	must(t, err)
	_, err = f.s.MoveReturn(ctx, accepted, partnergraph.ReturnRequested)
	must(t, err)

	// The lead is closed as LOST by the return, so it can never be won and earn a commission.
	got, err := f.s.Lead(ctx, l.ID)
	must(t, err)
	if got.Status != partnergraph.LeadLost || got.ClosedAt == nil || !got.ClosedAt.Equal(*accepted.DecidedAt) || got.Reason != partnergraph.ClosedByReturn(&accepted) {
		t.Fatalf("lead after an accepted return = %+v", got)
	}
	if evs := f.events(t, f.ref); evs[len(evs)-1].Status != partnergraph.LeadLost || evs[len(evs)-1].LeadID != l.ID {
		t.Fatalf("the referrer's last event = %+v, want the lead LOST by its return", evs[len(evs)-1])
	}
	err = f.s.Apply(ctx, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadWon, Closes: o.ID,
		Commission: &partnergraph.Commission{PartnershipID: p, PayerID: f.a, PayeeID: f.ref, AmountMinor: 1500, Currency: "USD"}})
	wantCode(t, err, partnergraph.ECONFLICT, "")
	_, err = f.s.CommissionOfLead(ctx, l.ID)
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	if revs, _ := f.s.CommissionReversals(ctx, l.ID); len(revs) != 0 {
		t.Fatalf("reversals of a lead without commission: %+v", revs)
	}
}

func testReturnReject(t *testing.T, f *leadFixture) {
	p := partnership(t, f.s, f.ref, f.a, "USD")
	l, o := f.acceptedLead(t, f.a, p)
	r := f.request(t, newReturn(t, l, o, partnergraph.ReturnNotAsDescribed))
	rejected, err := r.Decide(partnergraph.ReturnRejected, "admin-1", "it was as described", time.Now())
	must(t, err)
	feed := newFeedReader(t, f.s)
	got, err := f.s.MoveReturn(ctx, rejected, partnergraph.ReturnRequested)
	must(t, err)
	sameReturn(t, "rejected", got, rejected)
	feed.wantChanges(t, "reject", time.Now().Add(-time.Second), changeKey{partnergraph.ChangeLeadEvent, f.ref, ""})
	if c, _ := f.s.CommissionOfLead(ctx, l.ID); c == nil || c.Status != partnergraph.CommissionOwed {
		t.Fatalf("a rejected return changed the commission: %+v", c)
	}
}

// testReturnConcurrentDecisions: several deciders (admins, servers' loops) race to move one
// return; exactly one wins and the commission is reversed once.
func testReturnConcurrentDecisions(t *testing.T, f *leadFixture) {
	p := partnership(t, f.s, f.ref, f.a, "USD")
	l, o := f.acceptedLead(t, f.a, p)
	r := f.request(t, newReturn(t, l, o, partnergraph.ReturnSuspectedFraud))
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			to := partnergraph.ReturnAccepted
			if i%3 == 2 {
				to = partnergraph.ReturnRejected
			}
			next, err := r.Decide(to, "admin", "", time.Now())
			if err == nil {
				_, err = f.s.MoveReturn(ctx, next, partnergraph.ReturnRequested)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch partnergraph.ErrorCode(err) {
		case "":
			won++
		case partnergraph.ECONFLICT:
		default:
			t.Fatalf("a concurrent decision failed with %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d concurrent decisions succeeded, want 1: %v", won, errs)
	}
	stored, err := f.s.LeadReturn(ctx, l.ID)
	must(t, err)
	revs, err := f.s.CommissionReversals(ctx, l.ID)
	must(t, err)
	want := 0
	if stored.State == partnergraph.ReturnAccepted {
		want = 1
	}
	if len(revs) != want {
		t.Fatalf("return %s with %d reversals, want %d", stored.State, len(revs), want)
	}
}

// testCommissionOnceConcurrent: closing one lead as WON several times at once owes its
// commission once.
func testCommissionOnceConcurrent(t *testing.T, f *leadFixture) {
	p := partnership(t, f.s, f.ref, f.a, "USD")
	l, o := f.acceptedLead(t, f.a, "")
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = f.s.Apply(ctx, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadWon, Closes: o.ID,
				ValueMinor: 1000, Currency: "USD",
				Commission: &partnergraph.Commission{PartnershipID: p, PayerID: f.a, PayeeID: f.ref, AmountMinor: 1500, Currency: "USD"}})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch partnergraph.ErrorCode(err) {
		case "":
			won++
		case partnergraph.ECONFLICT:
		default:
			t.Fatalf("a concurrent close failed with %v", err)
		}
	}
	list, err := f.s.Commissions(ctx, f.ref, partnergraph.Page{})
	must(t, err)
	if won != 1 || len(list.Items) != 1 {
		t.Fatalf("%d concurrent closes succeeded with %d commissions, want 1 and 1", won, len(list.Items))
	}
}

func testReturnDueListingAndStats(t *testing.T, f *leadFixture) {
	var rs []partnergraph.LeadReturn
	for i, to := range []string{f.a, f.b, f.c} {
		l, o := f.acceptedLead(t, to, "")
		r := newReturn(t, l, o, partnergraph.ReturnUnreachable)
		r.RequestedAt = time.Now().Add(time.Duration(i-10) * time.Minute).UTC().Truncate(time.Microsecond)
		r.ContestBy = r.RequestedAt.Add(time.Duration(i*5) * time.Minute)
		rs = append(rs, f.request(t, r))
	}
	f.acceptedLead(t, f.a, "") // accepted, never returned
	// rs[0] is due since 10 minutes ago, rs[1] since 4, rs[2] in 2 minutes.
	due, err := f.s.DueReturns(ctx, time.Now(), 10)
	must(t, err)
	if len(due) != 2 || due[0].LeadID != rs[0].LeadID || due[1].LeadID != rs[1].LeadID {
		t.Fatalf("DueReturns = %+v, want the first two", due)
	}
	contested, err := rs[1].Contest("user-referrer", "", rs[1].RequestedAt)
	must(t, err)
	_, err = f.s.MoveReturn(ctx, contested, partnergraph.ReturnRequested)
	must(t, err)
	due, err = f.s.DueReturns(ctx, time.Now(), 10)
	must(t, err)
	if len(due) != 1 || due[0].LeadID != rs[0].LeadID {
		t.Fatalf("DueReturns = %+v, want only the first (the second is contested)", due)
	}
	_, err = f.s.DueReturns(ctx, time.Time{}, 10)
	wantCode(t, err, partnergraph.EINVALID, "now")

	page, err := f.s.Returns(ctx, partnergraph.ReturnRequested, partnergraph.Page{First: 1})
	must(t, err)
	if len(page.Items) != 1 || page.Items[0].LeadID != rs[0].LeadID || !page.HasNext {
		t.Fatalf("Returns page 1 = %+v", page)
	}
	page, err = f.s.Returns(ctx, partnergraph.ReturnRequested, partnergraph.Page{First: 1, After: page.Cursors[0]})
	must(t, err)
	if len(page.Items) != 1 || page.Items[0].LeadID != rs[2].LeadID || page.HasNext {
		t.Fatalf("Returns page 2 = %+v", page)
	}
	page, err = f.s.Returns(ctx, partnergraph.ReturnContested, partnergraph.Page{})
	must(t, err)
	if len(page.Items) != 1 || page.Items[0].LeadID != rs[1].LeadID {
		t.Fatalf("contested Returns = %+v", page)
	}
	_, err = f.s.Returns(ctx, "LOST", partnergraph.Page{})
	wantCode(t, err, partnergraph.EINVALID, "state")

	accepted, err := rs[0].AutoAccept(time.Now())
	must(t, err)
	_, err = f.s.MoveReturn(ctx, accepted, partnergraph.ReturnRequested)
	must(t, err)
	stats, err := f.s.ReturnStats(ctx, []string{f.ref, f.a})
	must(t, err)
	if got, want := stats[f.ref], (partnergraph.ReturnStats{AcceptedLeads: 4, Returns: 3, ReturnsAccepted: 1}); got != want {
		t.Fatalf("ReturnStats(referrer) = %+v, want %+v", got, want)
	}
	if got := stats[f.a]; got != (partnergraph.ReturnStats{}) {
		t.Fatalf("ReturnStats of a business that referred nothing = %+v", got)
	}
}
