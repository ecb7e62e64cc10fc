package leads_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// Lead work that concurrent requests, and two expiry loops on one store (as two servers will
// run), must neither do twice nor drop. Run these with -race.

// fivePartners are the seed's active businesses that the race tests route to, in order.
var fivePartners = listRouter{"andys-attorney", "harper-cole-law", "marlow-injury-law", "mikes-tyre", "quickspin-tyres"}

// uncapped lifts the daily caps of the businesses, so that a test with many leads tests what it
// names and not the caps.
func uncapped(t *testing.T, s partnergraph.Store, ids ...string) {
	t.Helper()
	limit := 10000
	for _, id := range ids {
		_, err := s.UpdateBusiness(ctx, id, partnergraph.BusinessPatch{DailyLeadCap: &limit})
		must(t, err)
	}
}

// outcomes counts what a Learner hears, by outcome, across every service that shares it.
type outcomes struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomes) Learn(_ partnergraph.Offer, _ partnergraph.Lead, outcome string, _ time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.n == nil {
		o.n = map[string]int{}
	}
	o.n[outcome]++
}

func (o *outcomes) count(outcome string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[outcome]
}

// servers returns n services on one store, each with its own hub (as separate processes
// would have), sharing the clock and the learner.
func servers(s partnergraph.Store, r leads.Router, c *clock, learner leads.Learner, n int) []*leads.Service {
	out := make([]*leads.Service, n)
	for i := range out {
		out[i] = leads.New(narrow{s}, r, leads.NewHub(), leads.Config{OfferTTL: 30 * time.Minute, Now: c.now, Learner: learner})
	}
	return out
}

// submitShared submits n SHARED leads for up to maxOffers partners each and returns them.
func submitShared(t *testing.T, svc *leads.Service, prefix string, n, maxOffers int) []*partnergraph.Lead {
	t.Helper()
	out := make([]*partnergraph.Lead, n)
	for i := range out {
		in := newLead(fmt.Sprintf("%s-%03d", prefix, i))
		in.Mode, in.MaxOffers = partnergraph.Shared, maxOffers
		l, created, err := svc.Submit(ctx, in)
		must(t, err)
		if !created {
			t.Fatalf("lead %d was not created", i)
		}
		out[i] = l
	}
	return out
}

// pendingOffers returns every PENDING offer of the leads.
func pendingOffers(t *testing.T, s partnergraph.Store, ls []*partnergraph.Lead) []partnergraph.Offer {
	t.Helper()
	var out []partnergraph.Offer
	for _, l := range ls {
		offers, err := s.OffersOfLead(ctx, l.ID)
		must(t, err)
		for _, o := range offers {
			if o.Status == partnergraph.OfferPending {
				out = append(out, o)
			}
		}
	}
	return out
}

// wantRoutedOnce checks each lead after every offer it was ever made was answered with a no:
// it is UNROUTABLE with nothing pending, went to each partner exactly once, and its referrer's
// feed holds one event per step (the submit, each re-route, the end), the end exactly once.
func wantRoutedOnce(t *testing.T, s partnergraph.Store, ls []*partnergraph.Lead, partners []string, steps int) {
	t.Helper()
	feed, err := s.LeadEvents(ctx, "daves-collision", 0, partnergraph.MaxFeedSize)
	must(t, err)
	for _, l := range ls {
		got, err := s.Lead(ctx, l.ID)
		must(t, err)
		offers, err := s.OffersOfLead(ctx, l.ID)
		must(t, err)
		to := map[string]int{}
		for _, o := range offers {
			if o.Status == partnergraph.OfferPending {
				t.Fatalf("lead %s (%s) still has a pending offer to %s", l.ID, got.Status, o.BusinessID)
			}
			to[o.BusinessID]++
		}
		if got.Status != partnergraph.LeadUnroutable {
			t.Fatalf("lead %s is %s with no offer pending, want UNROUTABLE", l.ID, got.Status)
		}
		for _, p := range partners {
			if to[p] != 1 {
				t.Fatalf("lead %s was offered to %s %d times, want once (offers %v)", l.ID, p, to[p], to)
			}
		}
		var events, ends int
		for _, e := range feed {
			if e.LeadID == l.ID {
				events++
				if e.Status == partnergraph.LeadUnroutable {
					ends++
				}
			}
		}
		if ends != 1 || events != steps {
			t.Fatalf("the referrer heard of lead %s %d times, %d of them that it is unroutable; want %d and 1", l.ID, events, ends, steps)
		}
	}
}

// TestConcurrentNoesNeverStrandASharedLead answers every pending offer of many SHARED leads at
// once, round after round, until no partner is left: with declines only, and with declines
// racing two expiry loops on separate services for the same (due) offers. Five partners,
// two at a time: each lead is offered 2, 2 and 1, so its referrer hears 4 times.
func TestConcurrentNoesNeverStrandASharedLead(t *testing.T) {
	for _, expire := range []bool{false, true} {
		name := "declines"
		if expire {
			name = "declines and expiries"
		}
		t.Run(name, func(t *testing.T) {
			c := &clock{t: time.Now().UTC()}
			s := seeded(t, sqlitestore.Memory)
			uncapped(t, s, fivePartners...)
			learned := &outcomes{}
			svcs := servers(s, fivePartners, c, learned, 2)
			ls := submitShared(t, svcs[0], "key-noes", 12, 2)
			answered := 0
			for round := 0; ; round++ {
				pending := pendingOffers(t, s, ls)
				if len(pending) == 0 {
					break
				}
				if round == 3 {
					t.Fatalf("%d offers still pending after every partner was offered every lead", len(pending))
				}
				answered += len(pending)
				if expire {
					c.add(31 * time.Minute) // every pending offer is due
				}
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i, o := range pending {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						_, err := svcs[i%2].Decline(ctx, o.ID, "fully booked")
						if expire && partnergraph.ErrorCode(err) == partnergraph.ECONFLICT {
							return // it expired first
						}
						if err != nil {
							t.Error(err)
						}
					}()
				}
				if expire {
					for _, svc := range svcs {
						wg.Add(1)
						go func() {
							defer wg.Done()
							<-start
							if _, err := svc.ExpireDue(ctx); err != nil {
								t.Error(err)
							}
						}()
					}
				}
				close(start)
				wg.Wait()
				if t.Failed() {
					t.FailNow()
				}
			}
			wantRoutedOnce(t, s, ls, fivePartners, 4)
			if got := learned.count("DECLINED") + learned.count("EXPIRED"); got != answered {
				t.Fatalf("the learner heard %d outcomes of %d answered offers", got, answered)
			}
		})
	}
}

// TestExpiryRunsOnceOnTwoServers runs two expiry loops at once on one store, as two servers
// do: every due offer is expired and its lead re-routed exactly once, EXCLUSIVE and SHARED.
func TestExpiryRunsOnceOnTwoServers(t *testing.T) {
	c := &clock{t: time.Now().UTC()}
	s := seeded(t, sqlitestore.Memory)
	uncapped(t, s, fivePartners...)
	learned := &outcomes{}
	svcs := servers(s, fivePartners, c, learned, 2)
	var exclusive []*partnergraph.Lead
	for i := range 20 {
		l, _, err := svcs[0].Submit(ctx, newLead(fmt.Sprintf("key-expire-exclusive-%03d", i)))
		must(t, err)
		exclusive = append(exclusive, l)
	}
	shared := submitShared(t, svcs[0], "key-expire-shared", 20, 2)
	all := append(append([]*partnergraph.Lead{}, exclusive...), shared...)
	due := len(pendingOffers(t, s, all))
	c.add(31 * time.Minute)

	expired := make([]int, len(svcs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, svc := range svcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			n, err := svc.ExpireDue(ctx)
			if err != nil {
				t.Error(err)
			}
			expired[i] = n
		}()
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if got := expired[0] + expired[1]; got != due {
		t.Fatalf("the two loops expired %d and %d offers, %d in all; %d were due", expired[0], expired[1], got, due)
	}
	if got := learned.count("EXPIRED"); got != due {
		t.Fatalf("the learner heard of %d expiries, want %d", got, due)
	}
	// Each lead moved on once: an EXCLUSIVE lead to one more partner, a SHARED one to two
	// more, each partner once, and the referrer heard of it once.
	feed, err := s.LeadEvents(ctx, "daves-collision", 0, partnergraph.MaxFeedSize)
	must(t, err)
	for _, tc := range []struct {
		leads []*partnergraph.Lead
		want  string // the statuses of the lead's offers, by rank
	}{
		{exclusive, "[EXPIRED PENDING]"},
		{shared, "[EXPIRED EXPIRED PENDING PENDING]"},
	} {
		for _, l := range tc.leads {
			offers, err := s.OffersOfLead(ctx, l.ID)
			must(t, err)
			var got []partnergraph.OfferStatus
			to := map[string]bool{}
			for _, o := range offers {
				got = append(got, o.Status)
				to[o.BusinessID] = true
			}
			if fmt.Sprint(got) != tc.want || len(to) != len(offers) {
				t.Fatalf("lead %s (%s) has offers %+v, want %s to different partners", l.ID, l.Mode, offers, tc.want)
			}
			events := 0
			for _, e := range feed {
				if e.LeadID == l.ID {
					events++
				}
			}
			if events != 2 {
				t.Fatalf("the referrer heard of lead %s %d times, want 2 (submitted, re-routed)", l.ID, events)
			}
		}
	}
}

// TestDailyCapHoldsUnderConcurrentSubmits submits many leads at once through two services on
// one store to two partners with small caps: neither gets more than its cap, and the rest are
// UNROUTABLE for the caps.
func TestDailyCapHoldsUnderConcurrentSubmits(t *testing.T) {
	const limit, submits = 4, 24
	s := seeded(t, sqlitestore.Memory)
	router := listRouter{"andys-attorney", "harper-cole-law"}
	n := limit
	for _, id := range router {
		_, err := s.UpdateBusiness(ctx, id, partnergraph.BusinessPatch{DailyLeadCap: &n})
		must(t, err)
	}
	// One instant: the test cannot straddle two UTC days.
	svcs := servers(s, router, &clock{t: time.Now().UTC()}, nil, 2)
	results := make([]*partnergraph.Lead, submits)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range submits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			l, _, err := svcs[i%2].Submit(ctx, newLead(fmt.Sprintf("key-capped-%03d", i)))
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = l
		}()
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for _, id := range router {
		offers, err := s.Inbox(ctx, id, 0, 100)
		must(t, err)
		if len(offers) != limit {
			t.Fatalf("%s got %d offers with a daily cap of %d", id, len(offers), limit)
		}
	}
	unroutable := 0
	for _, l := range results {
		if l.Status == partnergraph.LeadUnroutable {
			unroutable++
		}
	}
	if want := submits - 2*limit; unroutable != want {
		t.Fatalf("%d leads are UNROUTABLE, want %d (the rest of the caps)", unroutable, want)
	}
}
