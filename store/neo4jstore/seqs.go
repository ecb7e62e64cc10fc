package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// Seqs number the items of feeds (inboxes, lead events), which readers follow by seq: a reader
// that has seen seq n must never later find a smaller one, so a write that takes its seqs
// early and commits late must not be skipped. Writers do not hold a lock for that: a writer
// reserves its seqs in a short transaction of its own (seq_reserve: the counter moves up and a
// (:SeqReservation) records the range, with a deadline), writes in its own transaction, and
// deletes the reservation after that transaction has committed or failed (seq_release).
// Readers read up to a watermark (watermark): the counter first, then the oldest open
// reservation up to it, then the feed, each in its own statement, and return only items below
// that reservation and up to the counter. An item above the watermark waits until every write
// numbered before it has committed or failed; an item at or below it is final, since every seq
// up to the counter was reserved before the counter was read, and a reservation deleted before
// it was read belongs to a write that had already committed (or failed) entirely.
//
// A writer that dies leaves its reservation: readers ignore it from its deadline on, and the
// next reservation deletes it. The writer cannot commit after the deadline, because its
// transaction checks first (seq_check) that the deadline is further away than the transaction
// may last (the server ends it after Store.txTimeout).
//
// Reservations are the only moment writers queue on one node, and each process reserves for
// all its waiting writers at once (seqBatcher), so that queue is one short transaction per
// batch, not one per write.

const (
	// seqSlack is added to the transaction timeout, on both sides: a writer starts its
	// transaction only while its reservation's deadline is more than txTimeout+seqSlack away,
	// and a reservation's deadline is 2×txTimeout+2×seqSlack after it is made, which leaves
	// the writer txTimeout+seqSlack to start.
	seqSlack = 5 * time.Second

	// feedHoldMax bounds how long a feed read waits for earlier writes to commit when its next
	// items are committed but held back by the watermark; after that it returns what it may.
	feedHoldMax = time.Second
	// feedPollMin and feedPollMax bound the pause between such reads.
	feedPollMin, feedPollMax = 2 * time.Millisecond, 50 * time.Millisecond
)

// errSeqsExpired means a write's reservation passed its deadline before the write began.
var errSeqsExpired = errors.New("the seq reservation expired before the write began")

// reservation is a range of seqs reserved for one write (seq_reserve).
type reservation struct {
	id     string // the element id of its (:SeqReservation) node
	first  int64
	margin time.Duration // how far its deadline must be when the write begins (seq_check)
}

// check is the first statement of a write numbered from r: it fails with errSeqsExpired
// unless r is open and the transaction will end before r's deadline. A nil r checks nothing.
func (r *reservation) check(ctx context.Context, tx neo4j.ManagedTransaction) error {
	if r == nil {
		return nil
	}
	recs, err := run(ctx, tx, seqCheck, map[string]any{"id": r.id, "first": r.first, "marginMs": r.margin.Milliseconds()})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return errSeqsExpired
	}
	return nil
}

// numbered reserves n seqs and calls fn with them (nil when n is 0); fn runs the write
// transactions that use them, each starting with r.check, and numbers its items from
// r.first. Once the seqs are reserved, fn runs to its end whatever the caller does (its
// context no longer carries the caller's cancellation), so that the write's outcome is
// known and the reservation released at once: an abandoned one would hold every feed back
// until its deadline. It is left to its deadline only when the outcome is unknown (the
// connection failed).
func (s *Store) numbered(ctx context.Context, n int, fn func(ctx context.Context, r *reservation) error) error {
	if n == 0 {
		return fn(ctx, nil)
	}
	r, err := s.seqs.reserve(ctx, n)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	err = fn(ctx, &r)
	if outcomeKnown(err) {
		s.seqs.release(r)
	}
	return err
}

// outcomeKnown reports whether a write that returned err has certainly committed or certainly
// not: it succeeded, or the store or the server refused it.
func outcomeKnown(err error) bool {
	var domain *partnergraph.Error
	var server *neo4j.Neo4jError
	return err == nil || errors.As(err, &domain) || errors.As(err, &server)
}

// reserveSeqs runs seq_reserve for ranges of the given sizes, in one transaction.
func (s *Store) reserveSeqs(ctx context.Context, sizes []int64) ([]reservation, error) {
	hold := 2*s.txTimeout + 2*seqSlack
	return write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) ([]reservation, error) {
		recs, err := run(ctx, tx, seqReserve, map[string]any{"sizes": sizes, "holdMs": hold.Milliseconds()})
		if err != nil {
			return nil, err
		}
		if len(recs) != len(sizes) {
			return nil, fmt.Errorf("seq_reserve returned %d reservations for %d", len(recs), len(sizes))
		}
		out := make([]reservation, len(recs))
		for i, rec := range recs {
			v := &values{m: rec.AsMap()}
			out[i] = reservation{id: v.str("id"), first: v.integer("first"), margin: s.txTimeout + seqSlack}
			if v.err != nil {
				return nil, v.err
			}
		}
		return out, nil
	})
}

// releaseSeqs deletes the reservations, in one transaction: feeds may be read past them.
func (s *Store) releaseSeqs(ctx context.Context, rs ...reservation) error {
	rows := make([]any, len(rs))
	for i, r := range rs {
		rows[i] = map[string]any{"id": r.id, "first": r.first}
	}
	return exec(ctx, s, func(tx neo4j.ManagedTransaction) error {
		_, err := run(ctx, tx, seqRelease, map[string]any{"reservations": rows})
		return err
	})
}

// watermark returns the highest seq that a feed read in tx may return (see Seqs above): the
// counter, or the seq before the oldest open reservation up to it. The two reads are separate
// statements so that the counter is read first.
func watermark(ctx context.Context, tx neo4j.ManagedTransaction) (int64, error) {
	recs, err := run(ctx, tx, seqTop, nil)
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("seq_top returned %d rows", len(recs))
	}
	top, _, err := neo4j.GetRecordValue[int64](recs[0], "top")
	if err != nil {
		return 0, err
	}
	recs, err = run(ctx, tx, seqOpen, map[string]any{"top": top})
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("seq_open returned %d rows", len(recs))
	}
	open, isNull, err := neo4j.GetRecordValue[int64](recs[0], "open")
	if err != nil && !isNull {
		return 0, err
	}
	if isNull {
		return top, nil
	}
	return open - 1, nil
}

// readFeed reads a page of a feed: st returns the items after a cursor by seq, at most a
// page, and of reads one; then, if not nil, then runs in the same transaction (after the
// feed, so that it sees whatever removed items before the feed was read). It returns the
// items up to the watermark. When the page holds items
// above it (committed after a write numbered before them that is still open), it reads again
// after a pause, for up to feedHoldMax, so that a subscriber woken by a write gets it once the
// writes before it are done rather than at its next poll.
func readFeed[T any](ctx context.Context, s *Store, st statement, params map[string]any, of func(*neo4j.Record) (T, error), seq func(T) int64, then func(context.Context, neo4j.ManagedTransaction) error) ([]T, error) {
	type page struct {
		items []T
		held  bool
	}
	give := time.Now().Add(feedHoldMax)
	for pause := feedPollMin; ; pause = min(2*pause, feedPollMax) {
		p, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (page, error) {
			upto, err := watermark(ctx, tx)
			if err != nil {
				return page{}, err
			}
			recs, err := run(ctx, tx, st, params)
			if err != nil {
				return page{}, err
			}
			out := page{items: make([]T, 0, len(recs))}
			for _, rec := range recs {
				x, err := of(rec)
				if err != nil {
					return page{}, err
				}
				if seq(x) > upto {
					out.held = true
					break
				}
				out.items = append(out.items, x)
			}
			if then != nil {
				if err := then(ctx, tx); err != nil {
					return page{}, err
				}
			}
			return out, nil
		})
		if err != nil || !p.held || time.Now().Add(pause).After(give) {
			return p.items, err
		}
		select {
		case <-ctx.Done():
			return p.items, nil
		case <-time.After(pause):
		}
	}
}

// seqBatcher reserves seqs for all the writes of this process that wait at one time in one
// transaction, so that writers queue on the counter once per batch rather than once each, and
// releases them in batches too (a commit less per write).
type seqBatcher struct {
	s        *Store
	mu       sync.Mutex
	queue    []*seqRequest
	running  bool                     // a goroutine is reserving for the queue
	releases batcher[*releaseRequest] // one worker
}

// releaseRequest is one writer's wait for its reservation to be deleted.
type releaseRequest struct {
	r    reservation
	done chan struct{}
}

// release deletes r's reservation with those of the other writers that finish meanwhile, and
// returns once it is deleted, so that a subscriber woken after the write reads past it. A
// failed release leaves the reservation to its deadline: feeds are late, not wrong.
func (b *seqBatcher) release(r reservation) {
	req := &releaseRequest{r: r, done: make(chan struct{})}
	b.releases.add(req, 1, 0, b.releaseAll)
	<-req.done
}

// releaseAll deletes the reservations of the batch in one transaction.
func (b *seqBatcher) releaseAll(batch []*releaseRequest) {
	rs := make([]reservation, len(batch))
	for i, req := range batch {
		rs[i] = req.r
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.s.txTimeout+seqSlack)
	_ = b.s.releaseSeqs(ctx, rs...)
	cancel()
	for _, req := range batch {
		close(req.done)
	}
}

// seqRequest is one writer's wait for its reservation.
type seqRequest struct {
	n         int
	done      chan struct{} // closed when r or err is set
	r         reservation
	err       error
	abandoned bool // the writer gave up: release r as soon as it is made
}

// reserve reserves n seqs, waiting for the batch that takes this request. A writer that gives
// up (ctx) before its reservation is made leaves it to be released by the batch.
func (b *seqBatcher) reserve(ctx context.Context, n int) (reservation, error) {
	req := &seqRequest{n: n, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, req)
	if !b.running {
		b.running = true
		go b.run()
	}
	b.mu.Unlock()
	select {
	case <-req.done:
		return req.r, req.err
	case <-ctx.Done():
	}
	b.mu.Lock()
	select {
	case <-req.done:
		b.mu.Unlock()
		if req.err == nil {
			_ = b.s.releaseSeqs(context.WithoutCancel(ctx), req.r)
		}
	default:
		req.abandoned = true
		b.mu.Unlock()
	}
	return reservation{}, ctx.Err()
}

// run reserves for the queue, batch after batch, until it is empty.
func (b *seqBatcher) run() {
	for {
		b.mu.Lock()
		var batch []*seqRequest
		for _, req := range b.queue {
			if !req.abandoned {
				batch = append(batch, req)
			}
		}
		b.queue = nil
		if len(batch) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()

		sizes := make([]int64, len(batch))
		for i, req := range batch {
			sizes[i] = int64(req.n)
		}
		ctx, cancel := context.WithTimeout(context.Background(), b.s.txTimeout+seqSlack)
		rs, err := b.s.reserveSeqs(ctx, sizes)
		cancel()

		var orphans []reservation
		b.mu.Lock()
		for i, req := range batch {
			if err != nil {
				req.err = fmt.Errorf("reserve seqs: %w", err)
			} else {
				req.r = rs[i]
				if req.abandoned {
					orphans = append(orphans, rs[i])
				}
			}
			close(req.done)
		}
		b.mu.Unlock()
		if len(orphans) > 0 {
			_ = b.s.releaseSeqs(context.Background(), orphans...)
		}
	}
}
