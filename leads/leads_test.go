package leads_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

var ctx = context.Background()

// listRouter offers a lead to a fixed list of businesses, in order: the lifecycle's tests
// pin the candidates so that they test the lifecycle, not the ranking.
type listRouter []string

func (r listRouter) Route(l *partnergraph.Lead, exclude map[string]bool, n int, _ *partnergraph.RouteTrace) ([]partnergraph.Candidate, string, error) {
	var out []partnergraph.Candidate
	for _, id := range r {
		if !exclude[id] && id != l.ReferrerID && len(out) < n {
			out = append(out, partnergraph.Candidate{BusinessID: id, Path: []string{l.ReferrerID, id}, PathTrust: 0.9, Score: 0.9, Reasons: []string{"test"}})
		}
	}
	if len(out) == 0 {
		return nil, "no trusted partner offers the service nearby", nil
	}
	return out, "", nil
}

// clock is a fake clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func openStore(t *testing.T, path string) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func seeded(t *testing.T, path string) *sqlitestore.Store {
	t.Helper()
	s := openStore(t, path)
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		t.Fatal(err)
	}
	return s
}

func newLead(key string) *partnergraph.Lead {
	return &partnergraph.Lead{
		IdempotencyKey: key, ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney",
		Location: partnergraph.Point{Lat: 39.80, Lng: -89.65},
		Customer: partnergraph.Customer{Name: "Pat Customer", Email: "pat@example.com"},
		Consent:  partnergraph.Consent{Text: "I agree that Dave's Collision shares my details with a partner.", GivenAt: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)},
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code partnergraph.Code) {
	t.Helper()
	if got := partnergraph.ErrorCode(err); got != code {
		t.Fatalf("error %v, want code %s", err, code)
	}
}

// narrow hides every method of a store that leads.Store does not name: the tests' services run
// on it, so that they prove the lifecycle needs no more of the store.
type narrow struct{ leads.Store }

func newService(s partnergraph.Store, r leads.Router, c *clock) *leads.Service {
	return leads.New(narrow{s}, r, leads.NewHub(), leads.Config{OfferTTL: 30 * time.Minute, Now: c.now})
}

func TestSubmitIsIdempotentUnderConcurrency(t *testing.T) {
	s := seeded(t, sqlitestore.Memory)
	svc := newService(s, listRouter{"andys-attorney", "harper-cole-law"}, &clock{t: time.Now()})
	var wg sync.WaitGroup
	ids := make([]string, 50)
	created := make([]bool, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, c, err := svc.Submit(ctx, newLead("key-concurrent-1"))
			if err != nil {
				t.Error(err)
				return
			}
			ids[i], created[i] = l.ID, c
		}()
	}
	wg.Wait()
	n := 0
	for i := range ids {
		if ids[i] != ids[0] {
			t.Fatalf("submit %d got lead %s, submit 0 got %s", i, ids[i], ids[0])
		}
		if created[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d submits created a lead, want 1", n)
	}
	offers, err := s.Inbox(ctx, "andys-attorney", 0, 100)
	must(t, err)
	if len(offers) != 1 {
		t.Fatalf("Andy got %d offers, want 1", len(offers))
	}
	other := newLead("key-concurrent-1")
	other.Customer.Name = "Someone Else"
	_, _, err = svc.Submit(ctx, other)
	wantCode(t, err, partnergraph.ECONFLICT)
}

func TestDeclineAndExpiryReroute(t *testing.T) {
	c := &clock{t: time.Now().UTC()}
	s := seeded(t, sqlitestore.Memory)
	svc := newService(s, listRouter{"andys-attorney", "harper-cole-law", "marlow-injury-law"}, c)
	l, _, err := svc.Submit(ctx, newLead("key-reroute-1"))
	must(t, err)
	first, err := s.OffersOfLead(ctx, l.ID)
	must(t, err)
	if len(first) != 1 || first[0].BusinessID != "andys-attorney" || first[0].Status != partnergraph.OfferPending {
		t.Fatalf("first offers = %+v", first)
	}
	o, err := svc.Decline(ctx, first[0].ID, "fully booked")
	must(t, err)
	if o.Status != partnergraph.OfferDeclined || o.DeclineReason != "fully booked" {
		t.Fatalf("declined offer = %+v", o)
	}
	_, err = svc.Decline(ctx, first[0].ID, "again")
	wantCode(t, err, partnergraph.ECONFLICT)

	// The second candidate does not answer: after 30 minutes the offer expires and the lead
	// moves to the third.
	c.add(29 * time.Minute)
	n, err := svc.ExpireDue(ctx)
	must(t, err)
	if n != 0 {
		t.Fatalf("expired %d offers before their time", n)
	}
	c.add(2 * time.Minute)
	n, err = svc.ExpireDue(ctx)
	must(t, err)
	if n != 1 {
		t.Fatalf("expired %d offers, want 1", n)
	}
	offers, _ := s.OffersOfLead(ctx, l.ID)
	got := []string{}
	for _, o := range offers {
		got = append(got, fmt.Sprintf("%s:%s", o.BusinessID, o.Status))
	}
	want := []string{"andys-attorney:DECLINED", "harper-cole-law:EXPIRED", "marlow-injury-law:PENDING"}
	if !slices.Equal(got, want) {
		t.Fatalf("offers = %v, want %v", got, want)
	}
	// The last candidate declines: the lead is UNROUTABLE and the referrer is told.
	_, err = svc.Decline(ctx, offers[2].ID, "")
	must(t, err)
	l, err = s.Lead(ctx, l.ID)
	must(t, err)
	if l.Status != partnergraph.LeadUnroutable || l.Reason == "" {
		t.Fatalf("lead = %s %q, want UNROUTABLE with a reason", l.Status, l.Reason)
	}
	events, err := s.LeadEvents(ctx, "daves-collision", 0, 100)
	must(t, err)
	if last := events[len(events)-1]; last.Status != partnergraph.LeadUnroutable {
		t.Fatalf("last event = %+v", last)
	}
}

func TestExpirySurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pg.db")
	c := &clock{t: time.Now().UTC()}
	s := seeded(t, path)
	svc := newService(s, listRouter{"andys-attorney", "harper-cole-law"}, c)
	l, _, err := svc.Submit(ctx, newLead("key-restart-1"))
	must(t, err)
	must(t, s.Close())

	// A new process: nothing in memory knows of the offer; the store does.
	s2 := openStore(t, path)
	c.add(time.Hour)
	svc2 := newService(s2, listRouter{"andys-attorney", "harper-cole-law"}, c)
	n, err := svc2.ExpireDue(ctx)
	must(t, err)
	offers, _ := s2.OffersOfLead(ctx, l.ID)
	if n != 1 || len(offers) != 2 || offers[0].Status != partnergraph.OfferExpired || offers[1].BusinessID != "harper-cole-law" {
		t.Fatalf("after restart: expired %d, offers %+v", n, offers)
	}
}

func TestDailyCap(t *testing.T) {
	s := seeded(t, sqlitestore.Memory)
	one := 1
	_, err := s.UpdateBusiness(ctx, "andys-attorney", partnergraph.BusinessPatch{DailyLeadCap: &one})
	must(t, err)
	svc := newService(s, listRouter{"andys-attorney", "harper-cole-law"}, &clock{t: time.Now().UTC()})
	for i, want := range []string{"andys-attorney", "harper-cole-law"} {
		l, _, err := svc.Submit(ctx, newLead(fmt.Sprintf("key-cap-%d", i)))
		must(t, err)
		offers, _ := s.OffersOfLead(ctx, l.ID)
		if offers[0].BusinessID != want {
			t.Fatalf("lead %d went to %s, want %s (Andy's cap is 1 a day)", i, offers[0].BusinessID, want)
		}
	}
}

func TestSharedAcceptWithdrawsOthers(t *testing.T) {
	s := seeded(t, sqlitestore.Memory)
	svc := newService(s, listRouter{"andys-attorney", "harper-cole-law", "marlow-injury-law"}, &clock{t: time.Now().UTC()})
	in := newLead("key-shared-1")
	in.Mode, in.MaxOffers = partnergraph.Shared, 2
	l, _, err := svc.Submit(ctx, in)
	must(t, err)
	offers, _ := s.OffersOfLead(ctx, l.ID)
	if len(offers) != 2 {
		t.Fatalf("a SHARED lead for 2 made %d offers", len(offers))
	}
	_, err = svc.Accept(ctx, offers[1].ID)
	must(t, err)
	_, err = svc.Accept(ctx, offers[0].ID)
	wantCode(t, err, partnergraph.ECONFLICT)
	offers, _ = s.OffersOfLead(ctx, l.ID)
	if offers[0].Status != partnergraph.OfferWithdrawn || offers[1].Status != partnergraph.OfferAccepted {
		t.Fatalf("offers = %+v", offers)
	}
}

func TestCloseWithCommission(t *testing.T) {
	cases := []struct {
		name      string
		recipient string // the seed's partnership with Dave decides the terms
		value     int64
		currency  string
		want      int64
	}{
		{"flat fee", "andys-attorney", 500000, "USD", 15000},    // p-daves-andys: FLAT 150.00
		{"percent fee", "mikes-tyre", 123456, "USD", 12346},     // p-daves-mikes: 10% of 1234.56, rounded half to even
		{"no partnership", "harper-cole-law", 100000, "USD", 0}, // declined proposal: no fee
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := seeded(t, sqlitestore.Memory)
			svc := newService(s, listRouter{c.recipient}, &clock{t: time.Now().UTC()})
			in := newLead("key-close-" + c.recipient)
			in.ServiceID = "tyres"
			l, _, err := svc.Submit(ctx, in)
			must(t, err)
			offers, _ := s.OffersOfLead(ctx, l.ID)
			_, err = svc.Accept(ctx, offers[0].ID)
			must(t, err)
			l, com, err := svc.Close(ctx, l.ID, partnergraph.LeadWon, c.value, c.currency)
			must(t, err)
			if l.Status != partnergraph.LeadWon {
				t.Fatalf("lead status %s", l.Status)
			}
			got := int64(0)
			if com != nil {
				got = com.AmountMinor
			}
			if got != c.want {
				t.Fatalf("commission %d, want %d", got, c.want)
			}
			_, _, err = svc.Close(ctx, l.ID, partnergraph.LeadLost, 0, "")
			wantCode(t, err, partnergraph.ECONFLICT)
			if c.want == 0 {
				return
			}
			dave, err := s.Ledger(ctx, "daves-collision")
			must(t, err)
			line := lineFor(dave, c.recipient)
			if line == nil || line.CommissionEarned != c.want || line.WonGiven != 1 || line.LeadsGiven != 1 {
				t.Fatalf("Dave's ledger line = %+v", line)
			}
			theirs, err := s.Ledger(ctx, c.recipient)
			must(t, err)
			if line := lineFor(theirs, "daves-collision"); line == nil || line.CommissionOwed != c.want || line.WonReceived != 1 {
				t.Fatalf("%s's ledger line = %+v", c.recipient, line)
			}
		})
	}
}

func lineFor(lines []partnergraph.LedgerLine, partner string) *partnergraph.LedgerLine {
	for i := range lines {
		if lines[i].PartnerID == partner {
			return &lines[i]
		}
	}
	return nil
}

// TestFollowResumesAfterRestart checks delivery without loss: a subscriber reads some offers,
// the server restarts, more offers are made meanwhile, and resuming from the last cursor
// delivers every offer exactly once.
func TestFollowResumesAfterRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pg.db")
	c := &clock{t: time.Now().UTC()}
	s := seeded(t, path)
	svc := newService(s, listRouter{"andys-attorney"}, c)
	fctx, cancel := context.WithCancel(ctx)
	feed := svc.FollowInbox(fctx, "andys-attorney", 0, 50*time.Millisecond)
	var seen []string
	var cursor int64
	for i := range 3 {
		l, _, err := svc.Submit(ctx, newLead(fmt.Sprintf("key-follow-%d", i)))
		must(t, err)
		o := <-feed
		if o.LeadID != l.ID {
			t.Fatalf("offer %d is for lead %s, want %s", i, o.LeadID, l.ID)
		}
		seen, cursor = append(seen, o.ID), o.Seq
	}
	cancel()
	must(t, s.Close())

	// Offers made while the subscriber is away, by another process.
	s2 := openStore(t, path)
	svc2 := newService(s2, listRouter{"andys-attorney"}, c)
	for i := 3; i < 6; i++ {
		_, _, err := svc2.Submit(ctx, newLead(fmt.Sprintf("key-follow-%d", i)))
		must(t, err)
	}
	fctx2, cancel2 := context.WithCancel(ctx)
	defer cancel2()
	feed2 := svc2.FollowInbox(fctx2, "andys-attorney", cursor, 50*time.Millisecond)
	for range 3 {
		select {
		case o := <-feed2:
			seen = append(seen, o.ID)
		case <-time.After(5 * time.Second):
			t.Fatalf("resumed feed delivered %d of 6 offers", len(seen))
		}
	}
	// A seventh offer, then nothing more.
	_, _, err := svc2.Submit(ctx, newLead("key-follow-6"))
	must(t, err)
	seen = append(seen, (<-feed2).ID)
	select {
	case o := <-feed2:
		t.Fatalf("an extra delivery: %+v", o)
	case <-time.After(200 * time.Millisecond):
	}
	all, err := s2.Inbox(ctx, "andys-attorney", 0, 100)
	must(t, err)
	if len(all) != 7 || len(seen) != 7 {
		t.Fatalf("inbox has %d offers, delivered %d", len(all), len(seen))
	}
	for i := range all {
		if all[i].ID != seen[i] {
			t.Fatalf("delivery %d is %s, want %s (in order, once each)", i, seen[i], all[i].ID)
		}
	}
}

// TestNearTiesGoToTheLessLoaded: with equal scores, a business that already had offers today
// yields the next lead to one that had none.
func TestNearTiesGoToTheLessLoaded(t *testing.T) {
	s := seeded(t, sqlitestore.Memory)
	svc := newService(s, listRouter{"andys-attorney", "harper-cole-law"}, &clock{t: time.Now().UTC()})
	var got []string
	for i := range 4 {
		l, _, err := svc.Submit(ctx, newLead(fmt.Sprintf("key-fair-%d", i)))
		must(t, err)
		offers, _ := s.OffersOfLead(ctx, l.ID)
		got = append(got, offers[0].BusinessID)
	}
	want := []string{"andys-attorney", "harper-cole-law", "andys-attorney", "harper-cole-law"}
	if !slices.Equal(got, want) {
		t.Fatalf("tied candidates got %v, want them taking turns %v", got, want)
	}
}

// TestDailyCapUnroutableKind: a lead whose only candidate is capped is UNROUTABLE with a reason
// that the health view counts as DAILY_CAP (partnergraph.UnroutableKinds).
func TestDailyCapUnroutableKind(t *testing.T) {
	s := seeded(t, sqlitestore.Memory)
	one := 1
	_, err := s.UpdateBusiness(ctx, "andys-attorney", partnergraph.BusinessPatch{DailyLeadCap: &one})
	must(t, err)
	svc := newService(s, listRouter{"andys-attorney"}, &clock{t: time.Now().UTC()})
	_, _, err = svc.Submit(ctx, newLead("key-capkind-1"))
	must(t, err)
	l, _, err := svc.Submit(ctx, newLead("key-capkind-2"))
	must(t, err)
	if l.Status != partnergraph.LeadUnroutable || partnergraph.UnroutableKindOf(l.Reason) != partnergraph.UnroutableDailyCap {
		t.Errorf("lead %s %q: want UNROUTABLE of kind DAILY_CAP", l.Status, l.Reason)
	}
}
