package leads

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph"
)

// DefaultPoll is how often a subscriber re-reads its feed without being woken, so that
// writes by another server replica reach it.
const DefaultPoll = 2 * time.Second

// FollowInbox streams the offers made to the business with Seq > after: first those the inbox
// already holds, then each new one, once, in Seq order. The channel closes when ctx ends.
func (s *Service) FollowInbox(ctx context.Context, businessID string, after int64, poll time.Duration) <-chan partnergraph.Offer {
	return follow(ctx, s, inboxKey(businessID), after, poll,
		func(after int64) ([]partnergraph.Offer, error) { return s.store.Inbox(ctx, businessID, after, 100) },
		func(o partnergraph.Offer) int64 { return o.Seq })
}

// FollowEvents streams the status changes of the leads the business referred, like FollowInbox.
func (s *Service) FollowEvents(ctx context.Context, referrerID string, after int64, poll time.Duration) <-chan partnergraph.LeadEvent {
	return follow(ctx, s, eventsKey(referrerID), after, poll,
		func(after int64) ([]partnergraph.LeadEvent, error) {
			return s.store.LeadEvents(ctx, referrerID, after, 100)
		},
		func(e partnergraph.LeadEvent) int64 { return e.Seq })
}

// follow reads a feed from the cursor and sends each item, then waits for a wake-up or the
// poll interval and reads again. The store is the truth: a wake-up only says "read now". The
// sender blocks on a slow receiver, so memory stays at one page per subscriber.
func follow[T any](ctx context.Context, s *Service, key string, after int64, poll time.Duration, read func(after int64) ([]T, error), seq func(T) int64) <-chan T {
	if poll <= 0 {
		poll = DefaultPoll
	}
	out := make(chan T)
	wake, unsubscribe := s.hub.Subscribe(key)
	go func() {
		defer close(out)
		defer unsubscribe()
		t := time.NewTicker(poll)
		defer t.Stop()
		for {
			items, err := read(after)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("read feed", "feed", key, "err", err)
			}
			for _, item := range items {
				select {
				case out <- item:
					after = seq(item)
				case <-ctx.Done():
					return
				}
			}
			if len(items) == 100 {
				continue // a full page: more may follow at once
			}
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-t.C:
			}
		}
	}()
	return out
}
