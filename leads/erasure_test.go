package leads_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// TestEraseClosed: the retention erasure erases every lead closed before the cutoff, past the
// size of one batch, and none closed after it; erasing again finds nothing.
func TestEraseClosed(t *testing.T) {
	s := seeded(t, sqlitestore.Memory)
	c := &clock{t: time.Now().UTC()}
	svc := newService(s, listRouter{"andys-attorney"}, c)
	closeAt := func(key string, at time.Time) string {
		t.Helper()
		l := newLead(key)
		l.CreatedAt = at.Add(-time.Hour)
		_, _, err := s.SubmitLead(ctx, l, nil, nil)
		must(t, err)
		must(t, s.Apply(ctx, partnergraph.Transition{LeadID: l.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered},
			LeadTo: partnergraph.LeadLost, At: at}))
		return l.ID
	}
	const old = 450 // more than two batches
	for i := range old {
		closeAt(fmt.Sprintf("retention-old-%04d", i), c.now().Add(-40*24*time.Hour))
	}
	recent := closeAt("retention-recent", c.now().Add(-10*24*time.Hour))

	n, err := svc.EraseClosed(ctx, 30*24*time.Hour)
	must(t, err)
	if n != old {
		t.Fatalf("EraseClosed erased %d leads, want %d", n, old)
	}
	if n, err := svc.EraseClosed(ctx, 30*24*time.Hour); err != nil || n != 0 {
		t.Fatalf("EraseClosed again = %d, %v; want 0", n, err)
	}
	if l, err := s.Lead(ctx, recent); err != nil || l.Erased != nil {
		t.Fatalf("the lead closed 10 days ago = %+v, %v; want it kept", l, err)
	}

	// Ten days on, it is due too.
	c.add(21 * 24 * time.Hour)
	if n, err := svc.EraseClosed(ctx, 30*24*time.Hour); err != nil || n != 1 {
		t.Fatalf("EraseClosed after 21 days = %d, %v; want 1", n, err)
	}
	l, err := s.Lead(ctx, recent)
	must(t, err)
	if l.Erased == nil || l.Erased.By != partnergraph.ErasedByRetention || !l.Erased.At.Equal(c.now()) {
		t.Fatalf("erased lead's tombstone = %+v, want retention at %s", l.Erased, c.now())
	}
}
