package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

// lateCommitLead is a lead of Dave's Collision for Andy's attorney office (the example
// network), with one offer and one event.
func lateCommitLead(key string) (*partnergraph.Lead, []partnergraph.Offer, []partnergraph.LeadEvent) {
	l := &partnergraph.Lead{
		IdempotencyKey: key,
		ReferrerID:     "daves-collision",
		ServiceID:      "personal-injury-attorney",
		Location:       partnergraph.Point{Lat: 39.8, Lng: -89.65},
		Customer:       partnergraph.Customer{Name: "Pat Doe", Email: "pat@example.com"},
		Consent:        partnergraph.Consent{Text: "I agree that my details go to one partner", GivenAt: time.Now().UTC().Add(-time.Minute)},
		Notes:          key,
	}
	offers := []partnergraph.Offer{{BusinessID: "andys-attorney", Rank: 1, Path: []string{"daves-collision", "andys-attorney"},
		PathTrust: 0.8, Score: 0.7, Reasons: []string{"trusted"}, ExpiresAt: time.Now().Add(time.Hour).UTC()}}
	return l, offers, []partnergraph.LeadEvent{{Message: "submitted " + key}}
}

// TestFeedsWaitForLateCommits holds one lead write open after it took its seqs, lets a later
// one commit, and reads the referrer's events in between: a reader must not get the later
// write before the earlier one has committed, or it would move its cursor past the earlier
// one's seq and never see it. After the first commits, the feed holds both, in seq order. The
// later write must not wait for the earlier one either (lead writes that all queued on one
// lock were the lead path's bottleneck). The writes are declines of two leads of one referrer,
// each with an event, which share no node that either locks.
func TestFeedsWaitForLateCommits(t *testing.T) {
	s := contractStores(t)(t)
	ctx := context.Background()
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		t.Fatal(err)
	}
	var ids, offerIDs []string
	for _, key := range []string{"late-commit-1", "late-commit-2"} {
		l, o, e := lateCommitLead(key)
		if _, _, err := s.SubmitLead(ctx, l, o, e); err != nil {
			t.Fatal(err)
		}
		ids, offerIDs = append(ids, l.ID), append(offerIDs, o[0].ID)
	}
	before, err := s.LeadEvents(ctx, "daves-collision", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 2 {
		t.Fatalf("the referrer has %d events, want 2", len(before))
	}
	cursor := before[1].Seq
	head, err := s.ChangesHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	decline := func(i int) partnergraph.Transition {
		return partnergraph.Transition{LeadID: ids[i], LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered},
			LeadTo: partnergraph.LeadUnroutable, Reason: "declined",
			Answer: []partnergraph.OfferAnswer{{OfferID: offerIDs[i], Status: partnergraph.OfferDeclined}},
			Events: []partnergraph.LeadEvent{{Message: fmt.Sprintf("declined %d", i)}}}
	}

	// The first write: its seq reserved, its decline and event written, not committed.
	t1 := decline(0)
	at, no, c, err := t1.Prepare(now())
	if err != nil {
		t.Fatal(err)
	}
	r1, err := s.seqs.reserve(ctx, applySeqs(&t1, no))
	if err != nil {
		t.Fatal(err)
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	tx1, err := sess.BeginTransaction(ctx, neo4j.WithTxTimeout(s.txTimeout))
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Close(ctx)
	first, err := s.applyTransition(ctx, tx1.(neo4j.ManagedTransaction), &r1, &t1, at, no, c)
	if err != nil {
		t.Fatal(err)
	}

	// The second write commits while the first is open, with a later seq.
	t2 := decline(1)
	done := make(chan error, 1)
	go func() { done <- s.Apply(ctx, t2) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a lead write waited for another one that was still open")
	}
	if t2.Events[0].Seq <= first.events[0].Seq {
		t.Fatalf("the later write's event has seq %d, not after the open one's %d", t2.Events[0].Seq, first.events[0].Seq)
	}

	// A reader now gets nothing: the later write is held back behind the open one.
	events, err := s.LeadEvents(ctx, "daves-collision", cursor, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 0 {
		t.Fatalf("while an earlier write is open, the feed returned %+v", events)
	}
	// So does the change feed, and its head stays below the open write.
	changes, err := s.Changes(ctx, head, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 0 {
		t.Fatalf("while an earlier write is open, the change feed returned %+v", changes)
	}
	if h, err := s.ChangesHead(ctx); err != nil || h >= r1.first {
		t.Fatalf("while the write numbered from %d is open, ChangesHead = %d, %v", r1.first, h, err)
	}

	// The first commits (and releases its seqs, as Store.numbered does): both, in order.
	if err := tx1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.releaseSeqs(ctx, r1); err != nil {
		t.Fatal(err)
	}
	events, err = s.LeadEvents(ctx, "daves-collision", cursor, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, fmt.Sprintf("%s@%d", e.Message, e.Seq))
	}
	want := []string{fmt.Sprintf("declined 0@%d", first.events[0].Seq), fmt.Sprintf("declined 1@%d", t2.Events[0].Seq)}
	if !slices.Equal(got, want) {
		t.Fatalf("events after both committed: %v, want %v", got, want)
	}
	changes, err = s.Changes(ctx, head, 100)
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for i, c := range changes {
		if i > 0 && c.Seq <= changes[i-1].Seq {
			t.Fatalf("changes out of order: %+v", changes)
		}
		if c.Kind == partnergraph.ChangeOutcome {
			outcomes = append(outcomes, c.ID)
		}
	}
	if len(changes) != 4 || !slices.Equal(outcomes, offerIDs) {
		t.Fatalf("changes after both committed: %+v, want the outcome and lead event of each decline, the first's first", changes)
	}
}

// TestAbandonedReservationExpires shows that a reservation whose writer never comes back
// holds feeds back only until its deadline, and that a write cannot use it after that.
func TestAbandonedReservationExpires(t *testing.T) {
	s := contractStores(t)(t)
	ctx := context.Background()
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		t.Fatal(err)
	}
	// Plan the statements first, which can take longer than the short timeout below.
	warm, err := s.seqs.reserve(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.releaseSeqs(ctx, warm); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Inbox(ctx, "andys-attorney", 0, 10); err != nil {
		t.Fatal(err)
	}
	s.txTimeout = time.Second // deadlines 2×1 s + 2×seqSlack away
	dead, err := s.seqs.reserve(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	l, o, e := lateCommitLead("after-a-dead-writer")
	if _, _, err := s.SubmitLead(ctx, l, o, e); err != nil {
		t.Fatal(err)
	}
	inbox, err := s.Inbox(ctx, "andys-attorney", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 0 {
		t.Fatalf("an open reservation before it did not hold the offer back: %+v", inbox)
	}
	time.Sleep(2*s.txTimeout + 2*seqSlack + 500*time.Millisecond)
	inbox, err = s.Inbox(ctx, "andys-attorney", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 1 || inbox[0].LeadID != l.ID {
		t.Fatalf("past the dead reservation's deadline the inbox is %+v, want the one offer", inbox)
	}
	_, err = write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, dead.check(ctx, tx)
	})
	if !errors.Is(err, errSeqsExpired) {
		t.Fatalf("a write with an expired reservation: %v, want errSeqsExpired", err)
	}
}
