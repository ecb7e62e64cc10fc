package leads

import (
	"context"

	"github.com/partnergraph/partnergraph"
)

// anyStatus is every lead status: a notice changes none, so it fits a lead in any.
var anyStatus = []partnergraph.LeadStatus{partnergraph.LeadOffered, partnergraph.LeadAccepted,
	partnergraph.LeadUnroutable, partnergraph.LeadWon, partnergraph.LeadLost}

// Notice appends an event with the message to the lead's feed (its referrer's, as every lead
// event), at the lead's current status, and wakes the referrer's subscribers: for what the
// referrer must hear about one of its leads that is not a change of its status (its webhook
// endpoint was disabled at this lead's event). Errors: ENOTFOUND for an unknown lead, the
// store's.
func (s *Service) Notice(ctx context.Context, leadID, message string) error {
	l, err := s.store.Lead(ctx, leadID)
	if err != nil {
		return err
	}
	t := partnergraph.Transition{LeadID: l.ID, LeadFrom: anyStatus, At: s.now(),
		Events: []partnergraph.LeadEvent{{Message: message}}}
	if err := s.store.Apply(ctx, t); err != nil {
		return err
	}
	s.wake(l.ReferrerID, nil)
	return nil
}
