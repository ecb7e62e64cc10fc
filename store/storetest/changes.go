package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// changeKey is what a change names, without its position and time.
type changeKey struct {
	Kind   partnergraph.ChangeKind
	ID, To string
}

func (k changeKey) String() string { return fmt.Sprintf("%s(%s,%s)", k.Kind, k.ID, k.To) }

// feedReader reads the change feed from a position, as a follower does.
type feedReader struct {
	s   partnergraph.Store
	pos int64
}

func newFeedReader(t *testing.T, s partnergraph.Store) *feedReader {
	t.Helper()
	head, err := s.ChangesHead(ctx)
	must(t, err)
	return &feedReader{s: s, pos: head}
}

// next returns every change after the reader's position and moves the position past them.
func (r *feedReader) next(t *testing.T) []partnergraph.Change {
	t.Helper()
	var all []partnergraph.Change
	for {
		got, err := r.s.Changes(ctx, r.pos, 3)
		must(t, err)
		for _, c := range got {
			if c.Seq <= r.pos {
				t.Fatalf("change %+v at or before the position %d it was read after", c, r.pos)
			}
			r.pos = c.Seq
		}
		all = append(all, got...)
		if len(got) < 3 {
			return all
		}
	}
}

// wantChanges checks that the write just made appended exactly the named changes (in any
// order; a store may name one record more than once), written by this store handle just now.
func (r *feedReader) wantChanges(t *testing.T, what string, before time.Time, want ...changeKey) {
	t.Helper()
	got := r.next(t)
	seen := map[changeKey]bool{}
	for _, c := range got {
		seen[changeKey{c.Kind, c.ID, c.To}] = true
		if c.Origin != r.s.Origin() || r.s.Origin() == "" {
			t.Errorf("%s: change %+v has origin %q, want this store's %q", what, c, c.Origin, r.s.Origin())
		}
		if c.At.Before(before.Add(-time.Second)) || c.At.After(time.Now().Add(time.Second)) {
			t.Errorf("%s: change %+v written at %v, not during the write", what, c, c.At)
		}
	}
	var gotKeys, wantKeys []string
	for k := range seen {
		gotKeys = append(gotKeys, k.String())
	}
	for _, k := range want {
		wantKeys = append(wantKeys, k.String())
	}
	sort.Strings(gotKeys)
	sort.Strings(wantKeys)
	wantKeys = slices.Compact(wantKeys)
	if !slices.Equal(gotKeys, wantKeys) {
		t.Fatalf("%s appended %v, want %v", what, gotKeys, wantKeys)
	}
}

// testChangesEveryWrite: every write that the projection or a subscriber follows appends its
// changes, and a write that fails appends none.
func testChangesEveryWrite(t *testing.T, s partnergraph.Store) {
	r := newFeedReader(t, s)
	k := func(kind partnergraph.ChangeKind, id, to string) changeKey { return changeKey{kind, id, to} }
	step := func(what string, write func() error, want ...changeKey) {
		t.Helper()
		before := time.Now()
		must(t, write())
		r.wantChanges(t, what, before, want...)
	}
	// created is step for a write that gives its record a new id: the changes it should
	// append can name the record only once it has run.
	created := func(what string, write func() error, want func() []changeKey) {
		t.Helper()
		before := time.Now()
		must(t, write())
		r.wantChanges(t, what, before, want()...)
	}
	fails := func(what string, write func() error) {
		t.Helper()
		if write() == nil {
			t.Fatalf("%s: the write should have failed", what)
		}
		r.wantChanges(t, what+" (failed)", time.Now())
	}

	step("PutService", func() error {
		return s.PutService(ctx, partnergraph.Service{ID: "tyres", Name: "Tyres", Sector: "auto"})
	},
		k(partnergraph.ChangeService, "tyres", ""))
	must(t, s.PutService(ctx, partnergraph.Service{ID: "glass", Name: "Glass", Sector: "auto"}))
	r.next(t)
	step("SetComplement", func() error {
		return s.SetComplement(ctx, partnergraph.Complement{From: "tyres", To: "glass", Weight: 0.5, Source: partnergraph.SourceCurated})
	},
		k(partnergraph.ChangeComplement, "tyres", "glass"))
	step("RemoveComplement", func() error { return s.RemoveComplement(ctx, "tyres", "glass") },
		k(partnergraph.ChangeComplement, "tyres", "glass"))

	a, b := newBusiness("A", 1, 1), newBusiness("B", 1, 1)
	created("CreateBusiness", func() error { return s.CreateBusiness(ctx, a, "user-a") },
		func() []changeKey { return []changeKey{k(partnergraph.ChangeBusiness, a.ID, "")} })
	must(t, s.CreateBusiness(ctx, b, ""))
	r.next(t)
	fails("CreateBusiness", func() error { return s.CreateBusiness(ctx, &partnergraph.Business{Name: " "}, "") })
	step("UpdateBusiness", func() error {
		_, err := s.UpdateBusiness(ctx, a.ID, partnergraph.BusinessPatch{Verified: new(true)})
		return err
	}, k(partnergraph.ChangeBusiness, a.ID, ""))
	step("SetBusinessServices", func() error { return s.SetBusinessServices(ctx, a.ID, []string{"tyres"}) },
		k(partnergraph.ChangeBusiness, a.ID, ""))
	fails("SetBusinessServices", func() error { return s.SetBusinessServices(ctx, a.ID, []string{"missing"}) })

	n := &partnergraph.Network{Name: "Chamber"}
	created("CreateNetwork", func() error { return s.CreateNetwork(ctx, n, a.ID) }, func() []changeKey {
		return []changeKey{k(partnergraph.ChangeNetwork, n.ID, ""), k(partnergraph.ChangeMembership, a.ID, n.ID)}
	})
	step("Join", func() error {
		_, err := s.Join(ctx, partnergraph.Membership{BusinessID: b.ID, NetworkID: n.ID})
		return err
	}, k(partnergraph.ChangeMembership, b.ID, n.ID))
	step("Leave", func() error { return s.Leave(ctx, b.ID, n.ID) }, k(partnergraph.ChangeMembership, b.ID, n.ID))

	step("SetTrust", func() error {
		_, err := s.SetTrust(ctx, partnergraph.Trust{From: a.ID, To: b.ID, Score: 0.8})
		return err
	}, k(partnergraph.ChangeTrust, a.ID, b.ID))
	fails("SetTrust", func() error {
		_, err := s.SetTrust(ctx, partnergraph.Trust{From: a.ID, To: "missing", Score: 0.8})
		return err
	})
	step("RemoveTrust", func() error { return s.RemoveTrust(ctx, a.ID, b.ID) }, k(partnergraph.ChangeTrust, a.ID, b.ID))

	p := &partnergraph.Partnership{ProposerID: a.ID, PartnerID: b.ID, Terms: flat(1000)}
	created("CreatePartnership", func() error { return s.CreatePartnership(ctx, p) },
		func() []changeKey { return []changeKey{k(partnergraph.ChangePartnership, p.ID, "")} })
	step("SetPartnershipStatus", func() error {
		_, err := s.SetPartnershipStatus(ctx, p.ID, []partnergraph.PartnershipStatus{partnergraph.PartnershipProposed}, partnergraph.PartnershipActive)
		return err
	}, k(partnergraph.ChangePartnership, p.ID, ""))
	fails("SetPartnershipStatus", func() error {
		_, err := s.SetPartnershipStatus(ctx, p.ID, []partnergraph.PartnershipStatus{partnergraph.PartnershipProposed}, partnergraph.PartnershipActive)
		return err
	})

	// Leads: a new offer wakes its recipient, a new event the referrer, an answer is an outcome.
	f := &leadFixture{s: s, ref: a.ID, a: b.ID, consentAt: time.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)}
	l := f.lead(a.ID)
	var offers []partnergraph.Offer
	step("SubmitLead", func() error {
		offers = []partnergraph.Offer{offer(b.ID, 1)}
		_, _, err := s.SubmitLead(ctx, l, offers, []partnergraph.LeadEvent{{Message: "submitted"}})
		return err
	}, k(partnergraph.ChangeOffer, b.ID, ""), k(partnergraph.ChangeLeadEvent, a.ID, ""))
	step("SubmitLead again (the same key)", func() error {
		_, _, err := s.SubmitLead(ctx, l, []partnergraph.Offer{offer(b.ID, 1)}, []partnergraph.LeadEvent{{Message: "submitted"}})
		return err
	})
	step("Apply", func() error {
		return s.Apply(ctx, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
			Answer: []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferAccepted}},
			Events: []partnergraph.LeadEvent{{Message: "accepted"}}})
	}, k(partnergraph.ChangeOutcome, offers[0].ID, ""), k(partnergraph.ChangeLeadEvent, a.ID, ""))
	fails("Apply", func() error {
		return s.Apply(ctx, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromOffered, LeadTo: partnergraph.LeadAccepted,
			Answer: []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferAccepted}}})
	})
	step("Apply (a close)", func() error {
		return s.Apply(ctx, partnergraph.Transition{LeadID: l.ID, LeadFrom: fromAccepted, LeadTo: partnergraph.LeadLost,
			Closes: offers[0].ID, Events: []partnergraph.LeadEvent{{Message: "lost"}}})
	}, k(partnergraph.ChangeOutcome, offers[0].ID, ""), k(partnergraph.ChangeLeadEvent, a.ID, ""))

	step("Import", func() error {
		_, err := s.Import(ctx, seq(exampleRecords()))
		return err
	}, k(partnergraph.ChangeImport, "", ""))
}

// testChangesPaging: Changes returns the changes after a position, by Seq, up to a limit;
// ChangesHead is at or past every change written.
func testChangesPaging(t *testing.T, s partnergraph.Store) {
	start, err := s.ChangesHead(ctx)
	must(t, err)
	if start < 0 {
		t.Fatalf("ChangesHead = %d", start)
	}
	none, err := s.Changes(ctx, start, 10)
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("Changes after the head = %+v, want none", none)
	}
	var want []string
	for i := range 7 {
		b := addBusiness(t, s, fmt.Sprint("B", i), 1, 1)
		want = append(want, b.ID)
	}
	all, err := s.Changes(ctx, start, 1000)
	must(t, err)
	var got []string
	var seqs []int64
	for _, c := range all {
		got = append(got, c.ID)
		seqs = append(seqs, c.Seq)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Changes named %v, want the businesses in the order written %v", got, want)
	}
	wantIncreasing(t, "change seqs", seqs)
	head, err := s.ChangesHead(ctx)
	must(t, err)
	if head < seqs[len(seqs)-1] {
		t.Fatalf("ChangesHead = %d, below the last change %d", head, seqs[len(seqs)-1])
	}
	page, err := s.Changes(ctx, seqs[2], 2)
	must(t, err)
	if len(page) != 2 || page[0].Seq != seqs[3] || page[1].Seq != seqs[4] {
		t.Fatalf("Changes(after %d, 2) = %+v, want seqs %v", seqs[2], page, seqs[3:5])
	}
	for _, limit := range []int{0, 1001} {
		_, err := s.Changes(ctx, start, limit)
		wantCode(t, err, partnergraph.EINVALID, "first")
	}
	if s.Origin() == "" {
		t.Fatal("Origin is empty")
	}
}

// testChangesTrim: trimming deletes the old changes; a reader from before them learns that it
// missed some (and rebuilds), a reader past them goes on.
func testChangesTrim(t *testing.T, s partnergraph.Store) {
	start, err := s.ChangesHead(ctx)
	must(t, err)
	old := addBusiness(t, s, "Old", 1, 1)
	time.Sleep(20 * time.Millisecond)
	cut := time.Now()
	time.Sleep(20 * time.Millisecond)
	recent := addBusiness(t, s, "Recent", 1, 1)

	all, err := s.Changes(ctx, start, 100)
	must(t, err)
	if len(all) != 2 || all[0].ID != old.ID || all[1].ID != recent.ID {
		t.Fatalf("Changes = %+v", all)
	}
	n, err := s.TrimChanges(ctx, cut)
	must(t, err)
	if n != 1 {
		t.Fatalf("TrimChanges deleted %d changes, want 1", n)
	}
	if _, err := s.Changes(ctx, start, 100); !errors.Is(err, partnergraph.ErrChangesTrimmed) {
		t.Fatalf("Changes from before the trimmed change: %v, want ErrChangesTrimmed", err)
	}
	after, err := s.Changes(ctx, all[0].Seq, 100)
	must(t, err)
	if len(after) != 1 || after[0].ID != recent.ID {
		t.Fatalf("Changes after the trimmed change = %+v, want the recent one", after)
	}
	n, err = s.TrimChanges(ctx, cut)
	must(t, err)
	if n != 0 {
		t.Fatalf("TrimChanges again deleted %d", n)
	}
}

// testChangesConcurrent: a reader that follows the feed while many writers commit sees every
// change once, in Seq order, though writes commit in another order than they were numbered.
func testChangesConcurrent(t *testing.T, s partnergraph.Store) {
	f := newLeadFixture(t, s)
	start, err := s.ChangesHead(ctx)
	must(t, err)

	done := make(chan struct{})
	var seen []int64
	var readErr error
	var readWG sync.WaitGroup
	readWG.Add(1)
	go func() {
		defer readWG.Done()
		pos := start
		read := func() bool {
			got, err := s.Changes(ctx, pos, 50)
			if err != nil {
				readErr = err
				return false
			}
			for _, c := range got {
				seen = append(seen, c.Seq)
				pos = c.Seq
			}
			return len(got) > 0
		}
		for {
			select {
			case <-done:
				for read() {
				}
				return
			default:
				read()
			}
		}
	}()

	const writers, each = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	var mu sync.Mutex
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var err error
				switch i % 3 {
				case 0:
					mu.Lock()
					l := f.lead(f.ref)
					mu.Unlock()
					_, _, err = s.SubmitLead(ctx, l, []partnergraph.Offer{offer(f.a, 1)}, []partnergraph.LeadEvent{{Message: "submitted"}})
				case 1:
					_, err = s.SetTrust(ctx, partnergraph.Trust{From: f.ref, To: f.b, Score: float64(w*each+i+1) / 100})
				default:
					err = s.CreateBusiness(ctx, newBusiness(fmt.Sprintf("W%d-%d", w, i), 1, 1), "")
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	close(done)
	readWG.Wait()
	must(t, readErr)

	all, err := s.Changes(ctx, start, 1000)
	must(t, err)
	var want []int64
	for _, c := range all {
		want = append(want, c.Seq)
	}
	// 16 leads × (offer + event) + 16 trust + 16 businesses, at least.
	if len(want) < 64 {
		t.Fatalf("%d changes after %d writes", len(want), writers*each)
	}
	if !slices.Equal(seen, want) {
		t.Fatalf("the follower read %d changes %v,\nthe feed holds %d %v", len(seen), seen, len(want), want)
	}
}
