package leads

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Returns (issue 16 §2): the recipient of an accepted lead returns it, the referrer may
// contest, an admin decides, and a return left uncontested is accepted when its contest
// window ends (AcceptDueReturns, run by RunReturns). Each step is idempotent: asking for what
// already happened answers with the return as it stands, not an error or a second step.

// Return returns the lead for its recipient, the business whose offer was accepted, by the
// user by (the audit's who) with a reason and a note. created is false when the lead already
// has this return (a retry). Errors: NOT_FOUND for an unknown lead; CONFLICT when the lead
// was not accepted, its return window is over, or it already has another return;
// BAD_USER_INPUT naming "reason" or "note".
func (s *Service) Return(ctx context.Context, leadID string, reason partnergraph.ReturnReason, note, by string) (*partnergraph.LeadReturn, bool, error) {
	l, err := s.store.Lead(ctx, leadID)
	if err != nil {
		return nil, false, err
	}
	won, err := s.acceptedOffer(ctx, l)
	if err != nil {
		return nil, false, err
	}
	asked := partnergraph.LeadReturn{LeadID: l.ID, RecipientID: won.BusinessID, Reason: reason, Note: note}
	if old, err := s.store.LeadReturn(ctx, l.ID); err == nil {
		return sameReturn(old, &asked)
	} else if partnergraph.ErrorCode(err) != partnergraph.ENOTFOUND {
		return nil, false, err
	}
	r, err := partnergraph.NewReturn(l, won, reason, note, by, s.now(), s.windows)
	if err != nil {
		return nil, false, err
	}
	stored, created, err := s.store.RequestReturn(ctx, r)
	if err != nil {
		return nil, false, err
	}
	if !created {
		return sameReturn(&stored, &asked) // a concurrent request came first
	}
	s.wake(stored.ReferrerID, nil) // its feed has the return's event
	return &stored, true, nil
}

// sameReturn answers a request for a lead that has a return: the same request again is that
// return; another is CONFLICT.
func sameReturn(old, asked *partnergraph.LeadReturn) (*partnergraph.LeadReturn, bool, error) {
	if !old.Same(asked) {
		return nil, false, partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q was already returned (%s, %s)", old.LeadID, old.Reason, old.State)
	}
	return old, false, nil
}

// ContestReturn records that the referrer, through the user by, disputes the lead's return;
// an admin then decides. Contesting again with the same note answers the contested return.
// Errors: NOT_FOUND for a lead without a return; CONFLICT when the return is decided or its
// contest window is over; BAD_USER_INPUT naming "note".
func (s *Service) ContestReturn(ctx context.Context, leadID, by, note string) (*partnergraph.LeadReturn, error) {
	for attempt := 1; ; attempt++ {
		cur, err := s.store.LeadReturn(ctx, leadID)
		if err != nil {
			return nil, err
		}
		if cur.State == partnergraph.ReturnContested && cur.ContestNote == note {
			return cur, nil
		}
		next, err := cur.Contest(by, note, s.now())
		if err != nil {
			return nil, err
		}
		stored, err := s.move(ctx, next, cur.State)
		if partnergraph.ErrorCode(err) == partnergraph.ECONFLICT && attempt < maxAttempts {
			continue // moved meanwhile: decide on what it is now
		}
		return stored, err
	}
}

// DecideReturn accepts or rejects the lead's open return, for an admin (the user by) with a
// note. An accepted return voids the lead (see partnergraph.ReturnStore.MoveReturn) and the
// router learns it as a bad outcome. Deciding what was decided answers the return as it is.
// Errors: NOT_FOUND for a lead without a return; CONFLICT when it was decided otherwise;
// BAD_USER_INPUT naming "decision" or "note".
func (s *Service) DecideReturn(ctx context.Context, leadID string, to partnergraph.ReturnState, by, note string) (*partnergraph.LeadReturn, error) {
	if to != partnergraph.ReturnAccepted && to != partnergraph.ReturnRejected {
		return nil, partnergraph.Invalidf("decision", "must be ACCEPT or REJECT")
	}
	for attempt := 1; ; attempt++ {
		cur, err := s.store.LeadReturn(ctx, leadID)
		if err != nil {
			return nil, err
		}
		if cur.State == to {
			return cur, nil
		}
		next, err := cur.Decide(to, by, note, s.now())
		if err != nil {
			return nil, err
		}
		stored, err := s.move(ctx, next, cur.State)
		if partnergraph.ErrorCode(err) == partnergraph.ECONFLICT && attempt < maxAttempts {
			continue
		}
		return stored, err
	}
}

// move writes one step of a return, wakes the referrer's feed (the store added the step's
// event) and, for an accepted return, teaches the learner.
func (s *Service) move(ctx context.Context, next partnergraph.LeadReturn, from partnergraph.ReturnState) (*partnergraph.LeadReturn, error) {
	stored, err := s.store.MoveReturn(ctx, next, from)
	if err != nil {
		return nil, err
	}
	s.wake(stored.ReferrerID, nil)
	if stored.State == partnergraph.ReturnAccepted {
		s.learnReturn(ctx, &stored)
	}
	return &stored, nil
}

// learnReturn tells the learner that the lead's accepted offer was RETURNED. Failing to read
// them only loses this server's lesson: the RETURN change teaches every server's follower.
func (s *Service) learnReturn(ctx context.Context, r *partnergraph.LeadReturn) {
	if s.learn == nil || r.DecidedAt == nil {
		return
	}
	o, err := s.store.Offer(ctx, r.OfferID)
	if err != nil {
		s.log.Warn("learn a return", "lead", r.LeadID, "err", err)
		return
	}
	l, err := s.store.Lead(ctx, r.LeadID)
	if err != nil {
		s.log.Warn("learn a return", "lead", r.LeadID, "err", err)
		return
	}
	s.learned(*o, *l, partnergraph.OutcomeReturned, *r.DecidedAt)
}

// AcceptDueReturns accepts every return whose contest window ended uncontested, and returns
// how many it accepted. Several loops (servers) may run it at once: each acceptance is a
// compare-and-set from REQUESTED, so exactly one of them accepts each return (and reverses
// its commission); the others get CONFLICT and skip it.
func (s *Service) AcceptDueReturns(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := s.store.DueReturns(ctx, s.now(), 100)
		if err != nil || len(due) == 0 {
			return n, err
		}
		progress := false
		for _, r := range due {
			next, err := r.AutoAccept(s.now())
			if err != nil {
				continue
			}
			_, err = s.move(ctx, next, partnergraph.ReturnRequested)
			if partnergraph.ErrorCode(err) == partnergraph.ECONFLICT {
				continue // contested or decided meanwhile, or another loop accepted it
			}
			if err != nil {
				return n, err
			}
			n++
			progress = true
		}
		if !progress {
			return n, nil
		}
	}
}

// RunReturns accepts due returns every interval until ctx ends.
func (s *Service) RunReturns(ctx context.Context, interval time.Duration) {
	s.every(ctx, interval, "accept due returns", s.AcceptDueReturns)
}
