package neo4jstore

import (
	"slices"
	"sync"
)

// batcher hands the items added while earlier ones are being handled to handle together: the
// lead path's submissions (one write transaction a batch), reservation releases and its
// shared reads each wait in one. Up to workers batches run at once, each of up to size items
// (0: any number); a worker takes the next batch when it finishes one, and stops when none
// waits.
type batcher[T any] struct {
	mu      sync.Mutex
	queue   []T
	running int // workers
}

// add queues x and starts a worker if fewer than workers run. Every add of one batcher passes
// the same workers, size and handle.
func (b *batcher[T]) add(x T, workers, size int, handle func([]T)) {
	b.mu.Lock()
	b.queue = append(b.queue, x)
	if b.running < workers {
		b.running++
		go b.work(size, handle)
	}
	b.mu.Unlock()
}

// work handles the queue, batch after batch, until it is empty.
func (b *batcher[T]) work(size int, handle func([]T)) {
	for {
		b.mu.Lock()
		n := len(b.queue)
		if size > 0 {
			n = min(n, size)
		}
		if n == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		batch := slices.Clone(b.queue[:n])
		b.queue = slices.Delete(b.queue, 0, n)
		b.mu.Unlock()
		handle(batch)
	}
}
