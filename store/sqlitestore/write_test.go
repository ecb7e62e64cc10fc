package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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

// holdWriter starts a write that keeps the writer busy until release is closed, so that the
// writes made meanwhile queue up behind it.
func holdWriter(t *testing.T, s *Store) (release chan struct{}, done chan error) {
	t.Helper()
	release, holding, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.write(context.Background(), func(*txn) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	return release, done
}

// A write that panics is rolled back, its caller's goroutine panics with the same value, and
// the store goes on: on the writer's goroutine the panic would end the process.
func TestWritePanics(t *testing.T) {
	s := probeStore(t)
	ctx := context.Background()
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v; want the write's panic", p)
			}
		}()
		s.write(ctx, func(tx *txn) error {
			tx.ExecContext(ctx, `INSERT INTO probe (name) VALUES ('panicked')`)
			panic("boom")
		})
		t.Error("write returned after its function panicked")
	}()
	if err := s.write(ctx, probeWrite(ctx, 1)); err != nil {
		t.Fatalf("write after a panic: %v", err)
	}
	var rows int
	s.r.QueryRow(`SELECT count(*) FROM probe WHERE name = 'panicked'`).Scan(&rows)
	if rows != 0 {
		t.Error("the panicked write was committed")
	}
}

// A caller that gives up while its write waits in the queue returns at once, and its write
// never runs.
func TestAbandonQueuedWrite(t *testing.T) {
	s := probeStore(t)
	release, held := holdWriter(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.write(ctx, probeWrite(ctx, 1))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("queued write whose caller gave up: %v after %v; want DeadlineExceeded at once", err, time.Since(start))
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := s.write(context.Background(), probeWrite(context.Background(), 2)); err != nil {
		t.Fatal(err)
	}
	var rows int
	s.r.QueryRow(`SELECT count(*) FROM probe WHERE name = 'ok-1'`).Scan(&rows)
	if rows != 0 {
		t.Error("the abandoned write ran")
	}
}

// An import never shares its transaction, however many writes wait with it.
func TestWriteAloneIsNotGrouped(t *testing.T) {
	s := probeStore(t)
	release, held := holdWriter(t, s)
	var wg sync.WaitGroup
	var mu sync.Mutex
	shared := map[string]bool{}
	record := func(name string) func(tx *txn) error {
		return func(tx *txn) error {
			mu.Lock()
			shared[name] = tx.shared
			mu.Unlock()
			return nil
		}
	}
	for i := range 6 {
		wg.Go(func() { s.write(context.Background(), record(fmt.Sprint("w", i))) })
	}
	wg.Go(func() { s.writeAlone(context.Background(), record("import")) })
	time.Sleep(100 * time.Millisecond) // let them queue
	close(release)
	<-held
	wg.Wait()
	if len(shared) != 7 || shared["import"] {
		t.Errorf("shared transactions: %v; want 7 writes run, the import alone", shared)
	}
}

// When one write's error rolls back the whole transaction (here an INSERT OR ROLLBACK that
// breaks a unique key), the others of its group fail too, with an error that names that
// cause rather than the lost savepoint, and nothing is committed.
func TestGroupRolledBackTogether(t *testing.T) {
	s := probeStore(t)
	bg := context.Background()
	rollback := func(tx *txn) error {
		_, err := tx.ExecContext(bg, `INSERT OR ROLLBACK INTO probe (name) VALUES ('dup'), ('dup')`)
		return err
	}
	group := []*writeReq{{ctx: bg, fn: probeWrite(bg, 1)}, {ctx: bg, fn: rollback}, {ctx: bg, fn: probeWrite(bg, 2)}}
	for i, err := range s.commit(group) {
		if err == nil || !strings.Contains(err.Error(), "UNIQUE") || i != 1 && !strings.Contains(err.Error(), "rolled back with the other writes") {
			t.Errorf("write %d: %v; want the unique-key error, as the cause for the others", i, err)
		}
	}
	var rows int
	s.r.QueryRow(`SELECT count(*) FROM probe`).Scan(&rows)
	if rows != 0 {
		t.Errorf("%d rows committed; want none", rows)
	}
	if err := s.write(bg, probeWrite(bg, 4)); err != nil {
		t.Fatalf("write after the group was rolled back: %v", err)
	}
}
