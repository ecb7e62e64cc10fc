package neo4jstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// TestTrimStopsAtOpenWrites: a trim deletes only changes at or below the seq watermark, so its
// marker never passes a write that may still commit. Otherwise a follower that rebuilt from
// ChangesHead after the trim would start past that write's change and never see it.
func TestTrimStopsAtOpenWrites(t *testing.T) {
	s := contractStores(t)(t)
	ctx := context.Background()
	start, err := s.ChangesHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old := &partnergraph.Business{Name: "Old", Location: partnergraph.Point{Lat: 1, Lng: 1}, City: "Springfield", Country: "US"}
	if err := s.CreateBusiness(ctx, old, ""); err != nil {
		t.Fatal(err)
	}
	open, err := s.seqs.reserve(ctx, 1) // a write that took its seq and has not committed yet
	if err != nil {
		t.Fatal(err)
	}
	later := &partnergraph.Business{Name: "Later", Location: partnergraph.Point{Lat: 1, Lng: 1}, City: "Springfield", Country: "US"}
	if err := s.CreateBusiness(ctx, later, ""); err != nil {
		t.Fatal(err)
	}

	n, err := s.TrimChanges(ctx, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("TrimChanges deleted %d changes while a write before the second was open, want only the first", n)
	}
	head, err := s.ChangesHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head >= open.first {
		t.Fatalf("ChangesHead = %d, at or past the open write's seq %d", head, open.first)
	}
	if _, err := s.Changes(ctx, start, 10); !errors.Is(err, partnergraph.ErrChangesTrimmed) {
		t.Fatalf("Changes from before the trimmed change: %v, want ErrChangesTrimmed", err)
	}

	if err := s.releaseSeqs(ctx, open); err != nil { // the open write failed
		t.Fatal(err)
	}
	got, err := s.Changes(ctx, head, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != later.ID {
		t.Fatalf("a follower from the head after the trim read %+v, want the later business", got)
	}
}
