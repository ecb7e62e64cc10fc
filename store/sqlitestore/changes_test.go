package sqlitestore_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// Once every change is trimmed the feed is empty, but its positions go on: the head stays at
// the last change ever written, a follower from there is not told it missed any, and the
// next write, after a reopen too, gets a seq above every trimmed one (SQLite would give a
// deleted highest rowid again without AUTOINCREMENT). Each Open writes under a new origin.
func TestChangesAfterTrimmingAll(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pg.db")
	s, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	for _, id := range []string{"tyres", "glass"} {
		if err := s.PutService(ctx, partnergraph.Service{ID: id, Name: id, Sector: "auto"}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := s.ChangesHead(ctx)
	if err != nil || head < 2 {
		t.Fatalf("ChangesHead = %d, %v after two writes", head, err)
	}
	if n, err := s.TrimChanges(ctx, time.Now().Add(time.Second)); err != nil || int64(n) != head {
		t.Fatalf("TrimChanges = %d, %v; want all %d", n, err, head)
	}
	if got, err := s.ChangesHead(ctx); err != nil || got != head {
		t.Fatalf("ChangesHead after trimming all = %d, %v; want %d", got, err, head)
	}
	if got, err := s.Changes(ctx, head, 10); err != nil || len(got) != 0 {
		t.Fatalf("Changes from the head after trimming all = %+v, %v; want none", got, err)
	}
	if _, err := s.Changes(ctx, head-1, 10); !errors.Is(err, partnergraph.ErrChangesTrimmed) {
		t.Fatalf("Changes from before the head after trimming all: %v, want ErrChangesTrimmed", err)
	}

	origin := s.Origin()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = sqlitestore.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	if s.Origin() == origin {
		t.Fatalf("two Opens share the origin %q", origin)
	}
	if err := s.PutService(ctx, partnergraph.Service{ID: "paint", Name: "Paint", Sector: "auto"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Changes(ctx, head, 10)
	if err != nil || len(got) != 1 || got[0].Seq <= head || got[0].ID != "paint" || got[0].Origin != s.Origin() {
		t.Fatalf("Changes after the trimmed head = %+v, %v; want the new service above seq %d", got, err, head)
	}
}
