package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// probeWrite inserts ok-i and, for every third i, also bad-i and then fails.
func probeWrite(ctx context.Context, i int) func(tx *txn) error {
	return func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO probe (name) VALUES (?)`, fmt.Sprintf("ok-%d", i)); err != nil {
			return err
		}
		if i%3 == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO probe (name) VALUES (?)`, fmt.Sprintf("bad-%d", i)); err != nil {
				return err
			}
			return errBoom
		}
		return nil
	}
}

var errBoom = errors.New("boom")

func probeStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "pg.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.write(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE probe (name TEXT PRIMARY KEY)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkProbes checks the outcome of n probe writes: every third failed with its own error
// and left nothing, the abandoned one (if any) failed with the context's error and left
// nothing, the rest committed.
func checkProbes(t *testing.T, s *Store, errs []error, abandoned int) {
	t.Helper()
	for i, err := range errs {
		var rows int
		if err := s.r.QueryRow(`SELECT count(*) FROM probe WHERE name IN (?, ?)`, fmt.Sprintf("ok-%d", i), fmt.Sprintf("bad-%d", i)).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		switch {
		case i == abandoned:
			if !errors.Is(err, context.Canceled) || rows != 0 {
				t.Errorf("write %d, whose caller gave up: %v, %d rows; want context.Canceled and none", i, err, rows)
			}
		case i%3 == 0:
			if !errors.Is(err, errBoom) || rows != 0 {
				t.Errorf("write %d: %v, %d rows; want its own error and none", i, err, rows)
			}
		case err != nil || rows != 1:
			t.Errorf("write %d: %v, %d rows; want committed", i, err, rows)
		}
	}
}

// A group of writes commits in one transaction, each in a savepoint: a write that fails is
// rolled back alone, the others of its group commit, and a write whose caller gave up before
// its turn is not run.
func TestCommitGroup(t *testing.T) {
	s := probeStore(t)
	gaveUp, cancel := context.WithCancel(context.Background())
	cancel()
	const n, abandoned = 40, 7
	group := make([]*writeReq, n)
	for i := range group {
		ctx := context.Background()
		if i == abandoned {
			ctx = gaveUp
		}
		group[i] = &writeReq{ctx: ctx, fn: probeWrite(ctx, i)}
	}
	checkProbes(t, s, s.commit(group), abandoned)

	// A caller that hangs up while its write runs in a shared transaction must not fail
	// the others: the write finishes, and the group commits.
	hangUp, hang := context.WithCancel(context.Background())
	defer hang()
	bg := context.Background()
	group = []*writeReq{
		{ctx: bg, fn: func(tx *txn) error {
			_, err := tx.ExecContext(bg, `INSERT INTO probe (name) VALUES ('before')`)
			return err
		}},
		{ctx: hangUp, fn: func(tx *txn) error {
			hang()
			_, err := tx.ExecContext(hangUp, `INSERT INTO probe (name) VALUES ('hung-up')`)
			return err
		}},
		{ctx: bg, fn: func(tx *txn) error {
			_, err := tx.ExecContext(bg, `INSERT INTO probe (name) VALUES ('after')`)
			return err
		}},
	}
	for i, err := range s.commit(group) {
		if err != nil {
			t.Errorf("write %d of the group with a caller that hung up: %v", i, err)
		}
	}
	var rows int
	if err := s.r.QueryRow(`SELECT count(*) FROM probe WHERE name IN ('before', 'hung-up', 'after')`).Scan(&rows); err != nil || rows != 3 {
		t.Errorf("%d of 3 rows committed (%v)", rows, err)
	}
}

// Concurrent writers through write: whatever groups the writer forms, each write commits
// or fails alone.
func TestConcurrentWrites(t *testing.T) {
	s := probeStore(t)
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.write(context.Background(), probeWrite(context.Background(), i)) })
	}
	wg.Wait()
	checkProbes(t, s, errs, -1)
}

func TestWriteAfterClose(t *testing.T) {
	s, err := Open(context.Background(), Memory)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.write(context.Background(), func(*txn) error { return nil }); !errors.Is(err, errClosed) {
		t.Fatalf("write after Close: %v; want errClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
