package leads

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph"
)

// DefaultPoll is how often a subscriber re-reads its feed without being woken. Subscribers
// are woken by this server's writes and, through Wake, by the change feed's follower for the
// writes of other servers, within the follow interval: the re-read is only a safety net, for
// writes that append no change (a server of an older version during a rolling upgrade) and
// for a follower that cannot read the feed. Every 30 s it costs a server with 10,000
// subscriptions about 330 indexed reads a second, against 5,000 at the 2 s it was before the
// change feed.
const DefaultPoll = 30 * time.Second

// Wake wakes the subscribers that a change of the feed concerns: a new offer in a business's
// inbox (OFFER), a new event of the leads a business referred (LEAD_EVENT). Other changes wake
// no one. The server's follower calls it for the changes of other servers; this service wakes
// its subscribers for its own writes when it makes them.
func (s *Service) Wake(c partnergraph.Change) {
	switch c.Kind {
	case partnergraph.ChangeOffer:
		s.hub.Notify(inboxKey(c.ID))
	case partnergraph.ChangeLeadEvent:
		s.hub.Notify(eventsKey(c.ID))
	}
}

// WakeAll wakes every subscriber, so that each re-reads its feed: for a server that cannot
// know which feeds changed (its change feed was trimmed past what it read).
func (s *Service) WakeAll() { s.hub.NotifyAll() }

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
