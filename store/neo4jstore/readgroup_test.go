package neo4jstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReadGroupAnswersAfterTheCall makes calls of a readGroup while its reads are running:
// each call gets its own answer, from a read that began after the call was made (so it sees
// every write that committed before it), and the calls that wait together share one read.
func TestReadGroupAnswersAfterTheCall(t *testing.T) {
	s := &Store{txTimeout: time.Second}
	var g readGroup[int, int]
	var reads atomic.Int64
	var mu sync.Mutex
	began := map[int]time.Time{} // when the read that answered each question began
	readAll := func(ctx context.Context, qs []int) ([]int, error) {
		reads.Add(1)
		at := time.Now()
		time.Sleep(5 * time.Millisecond) // calls arrive meanwhile
		out := make([]int, len(qs))
		mu.Lock()
		for i, q := range qs {
			out[i] = 2 * q
			began[q] = at
		}
		mu.Unlock()
		return out, nil
	}
	const calls = 200
	called := make([]time.Time, calls)
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i%20) * time.Millisecond)
			called[i] = time.Now()
			a, err := g.do(context.Background(), s, i, readAll)
			if err != nil || a != 2*i {
				t.Errorf("call %d: answer %d, %v; want %d", i, a, err, 2*i)
			}
		}()
	}
	wg.Wait()
	for i := range calls {
		if began[i].Before(called[i]) {
			t.Errorf("call %d was answered by a read that began %s before it", i, called[i].Sub(began[i]))
		}
	}
	if n := reads.Load(); n >= calls/2 {
		t.Errorf("%d reads for %d calls: the calls that wait together should share one", n, calls)
	}
}
