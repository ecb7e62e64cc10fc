package leads_test

import (
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// learnings records what a learner hears.
type learnings struct {
	mu  sync.Mutex
	got []string // offer id + " " + outcome
}

func (r *learnings) Learn(o partnergraph.Offer, _ partnergraph.Lead, outcome string, _ time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, o.ID+" "+outcome)
}

func (r *learnings) count(entry string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.got {
		if e == entry {
			n++
		}
	}
	return n
}

// returnService is a lead service with a learner and windows of 7 days and 2 days.
func returnService(s partnergraph.Store, c *clock, l *learnings) *leads.Service {
	return leads.New(narrow{s}, listRouter{"andys-attorney"}, leads.NewHub(), leads.Config{
		OfferTTL: 30 * time.Minute, Now: c.now, Learner: l,
		Returns: partnergraph.Windows{Return: 7 * 24 * time.Hour, Contest: 48 * time.Hour},
	})
}

// acceptedLead submits a lead that Andy's Attorney accepts, and, if won, closes it as WON
// (Dave's and Andy's partnership owes $150). It returns the lead and its accepted offer.
func acceptedLead(t *testing.T, s partnergraph.Store, svc *leads.Service, key string, won bool) (*partnergraph.Lead, *partnergraph.Offer) {
	t.Helper()
	l, _, err := svc.Submit(ctx, newLead(key))
	must(t, err)
	offers, err := s.OffersOfLead(ctx, l.ID)
	must(t, err)
	if len(offers) != 1 {
		t.Fatalf("lead offered %d times, want once", len(offers))
	}
	o, err := svc.Accept(ctx, offers[0].ID)
	must(t, err)
	if won {
		_, c, err := svc.Close(ctx, l.ID, partnergraph.LeadWon, 500000, "USD")
		must(t, err)
		if c == nil {
			t.Fatal("the won lead owes no commission")
		}
	}
	l, err = s.Lead(ctx, l.ID)
	must(t, err)
	return l, o
}

func TestReturnWonLeadContestedAndAccepted(t *testing.T) {
	s := seeded(t, sqlitestore.Memory)
	c := &clock{t: time.Now().UTC()}
	heard := &learnings{}
	svc := returnService(s, c, heard)
	l, o := acceptedLead(t, s, svc, "return-won-1", true)

	c.add(time.Hour)
	r, created, err := svc.Return(ctx, l.ID, partnergraph.ReturnUnreachable, "three calls, no answer", "user-andy")
	must(t, err)
	if !created || r.State != partnergraph.ReturnRequested || r.RecipientID != "andys-attorney" || r.RequestedBy != "user-andy" ||
		!r.ContestBy.Equal(c.now().Add(48*time.Hour)) {
		t.Fatalf("Return = %+v, created %v", r, created)
	}
	// The same return again is the same return; another one is a conflict.
	again, created, err := svc.Return(ctx, l.ID, partnergraph.ReturnUnreachable, "three calls, no answer", "user-andy")
	must(t, err)
	if created || again.RequestedAt != r.RequestedAt {
		t.Fatalf("Return again = %+v, created %v; want the first, not created", again, created)
	}
	_, _, err = svc.Return(ctx, l.ID, partnergraph.ReturnDuplicate, "", "user-andy")
	wantCode(t, err, partnergraph.ECONFLICT)

	c.add(time.Hour)
	contested, err := svc.ContestReturn(ctx, l.ID, "user-dave", "they picked up when I called")
	must(t, err)
	if contested.State != partnergraph.ReturnContested || contested.ContestedBy != "user-dave" || contested.ContestedAt == nil {
		t.Fatalf("ContestReturn = %+v", contested)
	}
	again, err = svc.ContestReturn(ctx, l.ID, "user-dave", "they picked up when I called")
	must(t, err)
	if again.State != partnergraph.ReturnContested || !again.ContestedAt.Equal(*contested.ContestedAt) {
		t.Fatalf("ContestReturn again = %+v", again)
	}

	// A contested return waits for an admin, even past its contest window.
	c.add(72 * time.Hour)
	if n, err := svc.AcceptDueReturns(ctx); err != nil || n != 0 {
		t.Fatalf("AcceptDueReturns = %d, %v; want a contested return left alone", n, err)
	}
	decided, err := svc.DecideReturn(ctx, l.ID, partnergraph.ReturnAccepted, "admin-1", "the calls are in the log")
	must(t, err)
	if decided.State != partnergraph.ReturnAccepted || decided.DecidedBy != "admin-1" || decided.DecisionNote != "the calls are in the log" {
		t.Fatalf("DecideReturn = %+v", decided)
	}
	again, err = svc.DecideReturn(ctx, l.ID, partnergraph.ReturnAccepted, "admin-2", "")
	must(t, err)
	if again.DecidedBy != "admin-1" {
		t.Fatalf("deciding again changed the decision: %+v", again)
	}
	_, err = svc.DecideReturn(ctx, l.ID, partnergraph.ReturnRejected, "admin-2", "")
	wantCode(t, err, partnergraph.ECONFLICT)
	_, err = svc.DecideReturn(ctx, l.ID, partnergraph.ReturnContested, "admin-2", "")
	wantCode(t, err, partnergraph.EINVALID)

	cm, err := s.CommissionOfLead(ctx, l.ID)
	must(t, err)
	revs, err := s.CommissionReversals(ctx, l.ID)
	must(t, err)
	if cm.Status != partnergraph.CommissionVoid || len(revs) != 1 || revs[0].AmountMinor != cm.AmountMinor {
		t.Fatalf("commission %+v with reversals %+v, want it VOID with one reversal", cm, revs)
	}
	if got := heard.count(o.ID + " " + partnergraph.OutcomeReturned); got != 1 {
		t.Fatalf("the learner heard the return %d times, want once: %v", got, heard.got)
	}
}

func TestReturnWindows(t *testing.T) {
	s := seeded(t, sqlitestore.Memory)
	c := &clock{t: time.Now().UTC()}
	svc := returnService(s, c, &learnings{})

	late, _ := acceptedLead(t, s, svc, "return-late-1", false)
	c.add(7*24*time.Hour + time.Minute)
	_, _, err := svc.Return(ctx, late.ID, partnergraph.ReturnDuplicate, "", "user-andy")
	wantCode(t, err, partnergraph.ECONFLICT)

	l, _ := acceptedLead(t, s, svc, "return-late-2", false)
	_, _, err = svc.Return(ctx, l.ID, partnergraph.ReturnDuplicate, "", "user-andy")
	must(t, err)
	c.add(48 * time.Hour)
	_, err = svc.ContestReturn(ctx, l.ID, "user-dave", "")
	wantCode(t, err, partnergraph.ECONFLICT)

	offered, _, err := svc.Submit(ctx, newLead("return-offered-1"))
	must(t, err)
	_, _, err = svc.Return(ctx, offered.ID, partnergraph.ReturnDuplicate, "", "user-andy")
	wantCode(t, err, partnergraph.ECONFLICT)
	_, err = svc.ContestReturn(ctx, offered.ID, "user-dave", "")
	wantCode(t, err, partnergraph.ENOTFOUND)
}

// TestAcceptDueReturnsOnceAcrossServers: two services (two servers) on one store accept an
// uncontested return when its window ends, exactly once; the unclosed lead closes LOST and
// can no longer be won.
func TestAcceptDueReturnsOnceAcrossServers(t *testing.T) {
	s := seeded(t, sqlitestore.Memory)
	c := &clock{t: time.Now().UTC()}
	heardA, heardB := &learnings{}, &learnings{}
	a, b := returnService(s, c, heardA), returnService(s, c, heardB)
	l, o := acceptedLead(t, s, a, "return-due-1", false)
	_, _, err := a.Return(ctx, l.ID, partnergraph.ReturnWrongService, "they need a plumber", "user-andy")
	must(t, err)

	c.add(47 * time.Hour)
	if n, err := a.AcceptDueReturns(ctx); err != nil || n != 0 {
		t.Fatalf("AcceptDueReturns inside the window = %d, %v", n, err)
	}
	c.add(time.Hour)
	var wg sync.WaitGroup
	counts := make([]int, 8)
	for i := range counts {
		wg.Go(func() {
			svc := a
			if i%2 == 1 {
				svc = b
			}
			n, err := svc.AcceptDueReturns(ctx)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	total := 0
	for _, n := range counts {
		total += n
	}
	if total != 1 {
		t.Fatalf("the loops accepted %v returns in all, want 1", counts)
	}
	r, err := s.LeadReturn(ctx, l.ID)
	must(t, err)
	if r.State != partnergraph.ReturnAccepted || r.DecidedBy != partnergraph.AutoDecider {
		t.Fatalf("return = %+v, want accepted by %s", r, partnergraph.AutoDecider)
	}
	got, err := s.Lead(ctx, l.ID)
	must(t, err)
	if got.Status != partnergraph.LeadLost || got.Reason != partnergraph.ClosedByReturn(r) {
		t.Fatalf("lead = %s (%q), want LOST by its return", got.Status, got.Reason)
	}
	_, _, err = a.Close(ctx, l.ID, partnergraph.LeadWon, 100000, "USD")
	wantCode(t, err, partnergraph.ECONFLICT)
	if n := heardA.count(o.ID+" "+partnergraph.OutcomeReturned) + heardB.count(o.ID+" "+partnergraph.OutcomeReturned); n != 1 {
		t.Fatalf("the learners heard the return %d times, want once", n)
	}
}
