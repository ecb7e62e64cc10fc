package neo4jstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

// TestBatchGivesEachItsAnswer writes one batch of submissions (group commit: submit.go) in
// which some fail in every way one can, and checks that each gets the answer it would get
// alone and that the others are written once, with their offers, events and changes: an
// unknown referrer, an unknown recipient, a key already used with other input, a key used
// twice in the batch, a reused lead id, and more offers to one attorney than its daily cap
// leaves room for (the first ones in the batch get the places).
func TestBatchGivesEachItsAnswer(t *testing.T) {
	s := contractStores(t)(t)
	ctx := context.Background()
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		t.Fatal(err)
	}
	// A lead before the batch, whose key a batch member reuses with other input.
	l, o, e := lateCommitLead("batch-used")
	if _, _, err := s.SubmitLead(ctx, l, o, e); err != nil {
		t.Fatal(err)
	}
	takenID := l.ID
	// Room for 4 more offers today.
	limit := 5
	if _, err := s.UpdateBusiness(ctx, "andys-attorney", partnergraph.BusinessPatch{DailyLeadCap: &limit}); err != nil {
		t.Fatal(err)
	}

	type want struct {
		created bool
		code    partnergraph.Code
		field   string
		sameAs  int // for created=false: the member whose lead it gets (-1: none)
	}
	var ms []*submission
	var wants []want
	given := now().Add(-time.Hour)
	add := func(key string, w want, change func(*partnergraph.Lead, []partnergraph.Offer)) {
		t.Helper()
		l, o, e := lateCommitLead(key)
		l.Consent.GivenAt = given // the same input hashes the same
		if change != nil {
			change(l, o)
		}
		m, err := newSubmission(l, o, e)
		if err != nil {
			t.Fatal(err)
		}
		ms, wants = append(ms, m), append(wants, w)
	}
	add("batch-key-0", want{created: true}, nil)
	add("batch-bad-referrer", want{code: partnergraph.ENOTFOUND, field: "referrerId"}, func(l *partnergraph.Lead, o []partnergraph.Offer) {
		l.ReferrerID = "no-such-business"
	})
	add("batch-key-0", want{sameAs: 0}, nil) // the same key and input again: member 0's lead
	add("batch-used", want{code: partnergraph.ECONFLICT, field: "idempotencyKey"}, func(l *partnergraph.Lead, o []partnergraph.Offer) {
		l.Notes = "other input"
	})
	add("batch-bad-recipient", want{code: partnergraph.ENOTFOUND, field: "businessId"}, func(l *partnergraph.Lead, o []partnergraph.Offer) {
		o[0].BusinessID = "no-such-business"
	})
	add("batch-taken-id", want{code: partnergraph.ECONFLICT}, func(l *partnergraph.Lead, o []partnergraph.Offer) {
		l.ID = takenID
	})
	for i := 1; i <= 5; i++ { // members 6..10: 3 more places after member 0
		w := want{created: true}
		if i > 3 {
			w = want{code: partnergraph.ECONFLICT, field: "dailyLeadCap"}
		}
		add(fmt.Sprintf("batch-key-%d", i), w, nil)
	}

	s.writeBatch(ctx, ms)

	var createdIDs []string
	for i, m := range ms {
		<-m.done
		w := wants[i]
		switch {
		case w.code != "":
			got := partnergraph.ErrorCode(m.err)
			var field string
			if e, ok := m.err.(*partnergraph.Error); ok {
				field = e.Field
			}
			if got != w.code || field != w.field {
				t.Errorf("member %d (%s): error %v (code %q, field %q), want code %q field %q", i, m.l.IdempotencyKey, m.err, got, field, w.code, w.field)
			}
		case w.created:
			if m.err != nil || m.res.existing != nil {
				t.Errorf("member %d (%s): err %v, existing %v; want it created", i, m.l.IdempotencyKey, m.err, m.res.existing)
				continue
			}
			createdIDs = append(createdIDs, m.l.ID)
		default:
			if m.err != nil || m.res.existing == nil || m.res.existing.ID != ms[w.sameAs].l.ID {
				t.Errorf("member %d (%s): err %v, existing %v; want member %d's lead %s", i, m.l.IdempotencyKey, m.err, m.res.existing, w.sameAs, ms[w.sameAs].l.ID)
			}
		}
	}

	// Each created lead once, with its offer; the attorney exactly at its cap.
	seqs := map[int64]string{}
	for _, id := range createdIDs {
		offers, err := s.OffersOfLead(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(offers) != 1 {
			t.Errorf("lead %s has %d offers, want 1", id, len(offers))
		}
		for _, o := range offers {
			if other, ok := seqs[o.Seq]; ok {
				t.Errorf("offer %s has seq %d, as %s has", o.ID, o.Seq, other)
			}
			seqs[o.Seq] = o.ID
		}
	}
	counts, err := s.OffersSince(ctx, []string{"andys-attorney"}, partnergraph.CapDay(now()))
	if err != nil {
		t.Fatal(err)
	}
	if counts["andys-attorney"] != limit {
		t.Errorf("andys-attorney has %d offers today, want its cap %d", counts["andys-attorney"], limit)
	}
	events, err := s.LeadEvents(ctx, "daves-collision", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1+len(createdIDs) {
		t.Errorf("the referrer has %d events, want %d", len(events), 1+len(createdIDs))
	}
	for _, e := range events {
		if other, ok := seqs[e.Seq]; ok {
			t.Errorf("event of lead %s has seq %d, as %s has", e.LeadID, e.Seq, other)
		}
		seqs[e.Seq] = e.LeadID
	}
	changes, err := s.Changes(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	offerChanges := 0
	for _, c := range changes {
		if other, ok := seqs[c.Seq]; ok {
			t.Errorf("change %s %s has seq %d, as %s has", c.Kind, c.ID, c.Seq, other)
		}
		if c.Kind == partnergraph.ChangeOffer && c.ID == "andys-attorney" {
			offerChanges++
		}
	}
	if offerChanges != limit {
		t.Errorf("%d OFFER changes for andys-attorney, want one per lead offered to it, %d", offerChanges, limit)
	}
}

// TestConcurrentSubmissionsEachAnswered submits many leads at once through SubmitLead, so that
// they are written in batches, each key several times: every call of a key gets the same
// lead, exactly one of them created=true, and every lead is stored once with its offer.
func TestConcurrentSubmissionsEachAnswered(t *testing.T) {
	s := contractStores(t)(t)
	ctx := context.Background()
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		t.Fatal(err)
	}
	const keys, repeats = 40, 3
	limit := 1000
	if _, err := s.UpdateBusiness(ctx, "andys-attorney", partnergraph.BusinessPatch{DailyLeadCap: &limit}); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		id      string
		created bool
		err     error
	}
	answers := make([][repeats]answer, keys)
	given := now().Add(-time.Hour)
	var wg sync.WaitGroup
	for k := range keys {
		for r := range repeats {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l, o, e := lateCommitLead(fmt.Sprintf("concurrent-%d", k))
				l.Consent.GivenAt = given // the same input hashes the same
				got, created, err := s.SubmitLead(ctx, l, o, e)
				a := answer{created: created, err: err}
				if got != nil {
					a.id = got.ID
				}
				answers[k][r] = a
			}()
		}
	}
	wg.Wait()
	for k, as := range answers {
		created := 0
		for _, a := range as {
			if a.err != nil {
				t.Fatalf("key %d: %v", k, a.err)
			}
			if a.id != as[0].id {
				t.Errorf("key %d: leads %s and %s", k, as[0].id, a.id)
			}
			if a.created {
				created++
			}
		}
		if created != 1 {
			t.Errorf("key %d: created=true %d times, want once", k, created)
		}
		offers, err := s.OffersOfLead(ctx, as[0].id)
		if err != nil {
			t.Fatal(err)
		}
		if len(offers) != 1 {
			t.Errorf("key %d: lead %s has %d offers, want 1", k, as[0].id, len(offers))
		}
	}
	counts, err := s.OffersSince(ctx, []string{"andys-attorney"}, partnergraph.CapDay(now()))
	if err != nil {
		t.Fatal(err)
	}
	if counts["andys-attorney"] != keys {
		t.Errorf("andys-attorney has %d offers today, want %d", counts["andys-attorney"], keys)
	}
}
