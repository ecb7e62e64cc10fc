package matching

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// failingStore exports n copies of a record and then fails, or fails at once for n = 0.
type failingStore struct {
	partnergraph.Store
	n         int
	cancelled chan struct{} // closed when Export sees its context end
}

var errExport = errors.New("disk on fire")

func (s *failingStore) Export(ctx context.Context, yield func(partnergraph.Record) error) error {
	for i := range s.n {
		if err := yield(bizRecord(fmt.Sprintf("b%d", i), 0, "tyres")); err != nil {
			if ctx.Err() != nil {
				close(s.cancelled)
			}
			return err
		}
	}
	return errExport
}

// Exported reads on a goroutine of its own: it must hand over every record in the store's
// order, pass the store's error on after the records before it, and end the reader when the
// caller stops early.
func TestExported(t *testing.T) {
	ctx := context.Background()
	store := exampleStore(t)
	var want []string
	must(t, store.Export(ctx, func(r partnergraph.Record) error {
		want = append(want, flattenRecord(r))
		return nil
	}))
	var got []string
	for r, err := range Exported(ctx, store) {
		must(t, err)
		got = append(got, flattenRecord(r))
	}
	if len(got) != len(want) {
		t.Fatalf("Exported gave %d records; the export holds %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("record %d: %s; want %s", i, got[i], want[i])
		}
	}

	failing := &failingStore{n: 3*exportBatch + 5, cancelled: make(chan struct{})}
	n := 0
	var last error
	for _, err := range Exported(ctx, failing) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != failing.n || !errors.Is(last, errExport) {
		t.Errorf("from a store that fails after %d records: %d records then %v", failing.n, n, last)
	}

	goroutines := runtime.NumGoroutine()
	stopping := &failingStore{n: 100 * exportBatch, cancelled: make(chan struct{})}
	n = 0
	for range Exported(ctx, stopping) {
		if n++; n == 10 {
			break
		}
	}
	select {
	case <-stopping.cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the reader did not see the cancellation after the caller stopped")
	}
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after stopping early; %d before", runtime.NumGoroutine(), goroutines)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func flattenRecord(r partnergraph.Record) string {
	b, err := json.Marshal(r)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func TestBuildFromFailingStore(t *testing.T) {
	_, err := Build(context.Background(), &failingStore{n: 10, cancelled: make(chan struct{})}, nil)
	if !errors.Is(err, errExport) {
		t.Fatalf("Build: %v; want the store's error", err)
	}
}
