package neo4jstore

import "context"

// The lead path reads, for every submission, the referrer and the candidates
// (BusinessesByID), the candidates' offers of the day (OffersSince) and the service catalogue
// (Services): four read transactions per lead, each a few round trips, which under load cost
// the server more than the lead's share of its (batched) write. A readGroup answers the
// concurrent calls of one such read with one read transaction: the calls that arrive while
// maxReadGroups reads of the kind run wait for the next one, and share it. A call is only
// ever answered by a read that began after it was made, so it sees every write that
// committed before it (and this process's own, through the store's bookmarks), as a read of
// its own would.

// maxReadGroups is how many reads of one kind a process runs at once.
const maxReadGroups = 2

// readGroup coalesces the concurrent calls of one read. Q is a call's question, A its answer.
type readGroup[Q, A any] struct {
	calls batcher[*readCall[Q, A]]
}

// readCall is one call waiting in a readGroup.
type readCall[Q, A any] struct {
	q    Q
	done chan struct{}
	a    A
	err  error
}

// do answers q with the next read of the group: readAll gets the questions of the calls that
// wait together and returns their answers in the same order. A caller that gives up (ctx)
// leaves its answer to be dropped.
func (g *readGroup[Q, A]) do(ctx context.Context, s *Store, q Q, readAll func(ctx context.Context, qs []Q) ([]A, error)) (A, error) {
	c := &readCall[Q, A]{q: q, done: make(chan struct{})}
	g.calls.add(c, maxReadGroups, 0, func(calls []*readCall[Q, A]) { answer(s, calls, readAll) })
	select {
	case <-c.done:
		return c.a, c.err
	case <-ctx.Done():
		var zero A
		return zero, ctx.Err()
	}
}

// answer reads once for the calls and gives each its answer.
func answer[Q, A any](s *Store, calls []*readCall[Q, A], readAll func(ctx context.Context, qs []Q) ([]A, error)) {
	qs := make([]Q, len(calls))
	for i, c := range calls {
		qs[i] = c.q
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.txTimeout)
	as, err := readAll(ctx, qs)
	cancel()
	for i, c := range calls {
		if err == nil {
			c.a = as[i]
		}
		c.err = err
		close(c.done)
	}
}
