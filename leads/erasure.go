package leads

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph"
)

// eraseBatch is how many leads one EraseClosedLeads call of the retention erases, so that no
// one transaction grows with the backlog.
const eraseBatch = 200

// Erase erases the customer data of the lead now, with a tombstone naming by (the subject of
// the caller): see partnergraph.Lead.Erase. The lead goes on as before: a pending offer can
// still be accepted or declined, an accepted lead closed; whoever reads it sees the tombstone.
// The referrer and every business offered the lead are told through their feeds
// (partnergraph.LeadErasedEvents, written by the store). The caller decides who may erase.
// Errors: NOT_FOUND; a lead erased before is returned with its first tombstone.
func (s *Service) Erase(ctx context.Context, leadID, by string) (*partnergraph.Lead, error) {
	l, err := s.store.EraseLead(ctx, leadID, partnergraph.Erasure{At: s.now(), By: by})
	if err != nil {
		return nil, err
	}
	// The store told every business that got the lead's data, in its feed: wake this
	// server's subscribers of those feeds (the follower wakes the other servers').
	offers, err := s.store.OffersOfLead(ctx, l.ID)
	if err != nil {
		s.log.Warn("read the offers of an erased lead to wake their feeds", "lead", l.ID, "err", err)
		return l, nil
	}
	for _, e := range partnergraph.LeadErasedEvents(l, offers) {
		s.hub.Notify(eventsKey(e.ReferrerID))
	}
	return l, nil
}

// EraseClosed erases the customer data of every lead closed (WON or LOST) more than after
// ago that still holds it, a batch at a time, and returns how many it erased: the retention
// setting. Several servers may run it at once (the store's writes are conditional).
func (s *Service) EraseClosed(ctx context.Context, after time.Duration) (int, error) {
	now := s.now()
	e := partnergraph.Erasure{At: now, By: partnergraph.ErasedByRetention}
	total := 0
	for {
		n, err := s.store.EraseClosedLeads(ctx, now.Add(-after), e, eraseBatch)
		total += n
		if err != nil || n < eraseBatch {
			return total, err
		}
	}
}

// RunRetention erases, every interval until ctx ends, the customer data of the leads closed
// more than after ago (EraseClosed), and logs how many. (The metrics' store counts them.)
func (s *Service) RunRetention(ctx context.Context, after, interval time.Duration) {
	s.every(ctx, interval, "erase the customer data of closed leads", func(ctx context.Context) (int, error) {
		n, err := s.EraseClosed(ctx, after)
		if n > 0 {
			s.log.Info("erased the customer data of closed leads", "leads", n, "closedBefore", s.now().Add(-after).Round(time.Second))
		}
		return n, err
	})
}
