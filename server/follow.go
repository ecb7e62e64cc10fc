package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/metrics"
	"github.com/partnergraph/partnergraph/webhooks"
)

// Defaults of the change feed's follower and of its trimming.
const (
	// DefaultFollowInterval is how often a server reads the change feed for the writes of the
	// other servers on its store.
	DefaultFollowInterval = 250 * time.Millisecond
	// DefaultChangeRetention is how long the store keeps change records: a server that is
	// stopped or cut off for longer rebuilds its projection when it comes back.
	DefaultChangeRetention = 7 * 24 * time.Hour
	// DefaultTrimInterval is how often a server trims the change records past the retention.
	DefaultTrimInterval = time.Hour
)

// feedBatch is how many changes the follower reads at once (the most Changes returns).
const feedBatch = 1000

// follower keeps a server's projection and subscribers in step with the store's change feed:
// the writes of every server on the store, its own included (harmless: applying a change
// re-reads its record).
type follower struct {
	store  partnergraph.Store
	g      *matching.Graph
	leads  *leads.Service
	hooks  *webhooks.Deliverer
	m      *metrics.Metrics
	log    *slog.Logger
	origin string

	mu  sync.Mutex // one catch-up at a time: the loop's, or CatchUp's
	pos int64      // every change at or below it is applied
	// relearn is the feed's head just after the last rebuild: this server's own outcomes up
	// to it are learned from the feed too, as its lead service may have learned them into the
	// projection that the rebuild replaced (Learn takes each once, so the others are harmless).
	relearn int64
}

// catchUp reads and applies every change after the position, batch by batch, until a read
// finds fewer than a batch. A change whose store read fails stays unapplied, and the next
// catch-up starts from it. An IMPORT change, or a feed trimmed past the position, rebuilds
// the projection and goes on from the position noted before the rebuild.
func (f *follower) catchUp(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.catchUpLocked(ctx); err != nil {
		return fmt.Errorf("at position %d: %w", f.pos, err)
	}
	return nil
}

func (f *follower) catchUpLocked(ctx context.Context) error {
read:
	for {
		cs, err := f.store.Changes(ctx, f.pos, feedBatch)
		if errors.Is(err, partnergraph.ErrChangesTrimmed) {
			if err := f.rebuild(ctx, "trimmed"); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		f.m.FeedRead(len(cs))
		for _, c := range cs {
			if c.Kind == partnergraph.ChangeImport {
				if err := f.rebuild(ctx, "import"); err != nil {
					return err
				}
				continue read // the rebuild moved the position past the import
			}
			if err := f.apply(ctx, c); err != nil {
				return err
			}
		}
		if len(cs) < feedBatch {
			return nil
		}
	}
}

// apply applies one change to the projection and wakes the subscribers it concerns.
func (f *follower) apply(ctx context.Context, c partnergraph.Change) error {
	start := time.Now()
	var err error
	if c.Kind != partnergraph.ChangeOutcome || c.Origin != f.origin || c.Seq <= f.relearn {
		err = f.g.ApplyChange(ctx, f.store, c)
	}
	switch code := partnergraph.ErrorCode(err); {
	case err == nil:
	case code == partnergraph.EINTERNAL || ctx.Err() != nil:
		return err // the store: read it again next time
	default: // the graph cannot hold what the store holds: the store stays the truth
		f.log.Error("change not applied to the projection", "seq", c.Seq, "kind", c.Kind, "id", c.ID, "to", c.To, "err", err)
	}
	if c.Origin != f.origin { // this server woke its subscribers when it wrote
		f.leads.Wake(c)
	}
	// Webhooks follow the same feeds, on whichever server holds an endpoint's lease: a new
	// offer or lead event, this server's or another's, makes the deliverer look now.
	if f.hooks != nil && (c.Kind == partnergraph.ChangeOffer || c.Kind == partnergraph.ChangeLeadEvent) {
		f.hooks.Wake()
	}
	f.pos = c.Seq
	f.m.FeedApplied(c, time.Since(start))
	return nil
}

// rebuild builds the projection again from the store and swaps it in, for whoever holds the
// graph: the feed's position first, then the build, so that every change that committed
// during the build is applied after it. Subscribers are all woken, as the changes that would
// have woken them may be gone.
func (f *follower) rebuild(ctx context.Context, reason string) error {
	f.log.Warn("rebuilding the matching projection from the store", "reason", reason, "position", f.pos)
	head, err := f.store.ChangesHead(ctx)
	if err != nil {
		return err
	}
	rebuilt, err := buildProjection(ctx, f.store, f.log)
	if err != nil {
		return err
	}
	f.g.Replace(rebuilt)
	f.pos = head
	if f.relearn, err = f.store.ChangesHead(ctx); err != nil {
		return err
	}
	f.m.FeedRebuilt(reason, head)
	f.leads.WakeAll()
	return nil
}

// run catches up every interval until ctx ends.
func (f *follower) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := f.catchUp(ctx); err != nil && ctx.Err() == nil {
			f.log.Error("follow the change feed", "err", err)
		}
	}
}

// trim deletes the change records older than retention every interval until ctx ends. Every
// server trims; trimming twice deletes nothing the second time.
func trim(ctx context.Context, store partnergraph.Store, log *slog.Logger, retention, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := store.TrimChanges(ctx, time.Now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("trim the change feed", "err", err)
		case n > 0:
			log.Info("trimmed the change feed", "changes", n, "retention", retention)
		}
	}
}
