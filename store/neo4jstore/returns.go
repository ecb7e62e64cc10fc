package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

func returnParams(r *partnergraph.LeadReturn) map[string]any {
	return map[string]any{
		"leadId":       r.LeadID,
		"offerId":      r.OfferID,
		"recipientId":  r.RecipientID,
		"referrerId":   r.ReferrerID,
		"reason":       string(r.Reason),
		"note":         r.Note,
		"state":        string(r.State),
		"requestedBy":  r.RequestedBy,
		"requestedAt":  r.RequestedAt.UTC(),
		"contestBy":    r.ContestBy.UTC(),
		"contestedBy":  r.ContestedBy,
		"contestedAt":  optTime(r.ContestedAt),
		"contestNote":  r.ContestNote,
		"decidedBy":    r.DecidedBy,
		"decidedAt":    optTime(r.DecidedAt),
		"decisionNote": r.DecisionNote,
	}
}

func returnOf(rec *neo4j.Record) (partnergraph.LeadReturn, error) {
	v, err := nodeValues(rec, "r")
	if err != nil {
		return partnergraph.LeadReturn{}, err
	}
	r := partnergraph.LeadReturn{
		LeadID: v.str("leadId"), OfferID: v.str("offerId"), RecipientID: v.str("recipientId"), ReferrerID: v.str("referrerId"),
		Reason: partnergraph.ReturnReason(v.str("reason")), Note: v.str("note"), State: partnergraph.ReturnState(v.str("state")),
		RequestedBy: v.str("requestedBy"), RequestedAt: v.time("requestedAt"), ContestBy: v.time("contestBy"),
		ContestedBy: v.str("contestedBy"), ContestedAt: v.optTime("contestedAt"), ContestNote: v.str("contestNote"),
		DecidedBy: v.str("decidedBy"), DecidedAt: v.optTime("decidedAt"), DecisionNote: v.str("decisionNote"),
	}
	return r, v.err
}

// returnIn reads the lead's return in tx (ENOTFOUND without one).
func returnIn(ctx context.Context, tx neo4j.ManagedTransaction, leadID string) (partnergraph.LeadReturn, error) {
	recs, err := run(ctx, tx, returnByLead, map[string]any{"leadId": leadID})
	if err != nil {
		return partnergraph.LeadReturn{}, err
	}
	if len(recs) == 0 {
		return partnergraph.LeadReturn{}, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q has no return", leadID)
	}
	return returnOf(recs[0])
}

// lockLead takes the lead's write lock, as every transition of the lead does, and reads it.
func lockLead(ctx context.Context, tx neo4j.ManagedTransaction, leadID string) (*partnergraph.Lead, error) {
	recs, err := run(ctx, tx, leadLock, map[string]any{"id": leadID})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q not found", leadID)
	}
	return leadByIDIn(ctx, tx, leadID)
}

// returnResult is what RequestReturn's transaction found or wrote.
type returnResult struct {
	r       partnergraph.LeadReturn
	created bool
}

// RequestReturn implements partnergraph.ReturnStore: under the lead's lock, which every
// transition of the lead takes (so a return and a close are ordered), it finds the lead's
// return or checks the lead and its accepted offer and creates one. Concurrent first requests
// also meet on the LeadReturn.leadId constraint; the loser's rerun finds the winner's.
func (s *Store) RequestReturn(ctx context.Context, r partnergraph.LeadReturn) (partnergraph.LeadReturn, bool, error) {
	if err := r.CheckReturnWrite(); err != nil {
		return r, false, err
	}
	if r.State != partnergraph.ReturnRequested {
		return r, false, partnergraph.Invalidf("state", "a new return is REQUESTED")
	}
	var res returnResult
	err := s.numbered(ctx, returnSeqs(false), func(ctx context.Context, rs *reservation) error {
		var err error
		res, err = write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (returnResult, error) {
			if err := rs.check(ctx, tx); err != nil {
				return returnResult{}, err
			}
			return s.requestReturn(ctx, tx, rs, r)
		})
		return err
	})
	if err != nil {
		return r, false, wrap("request return", err)
	}
	return res.r, res.created, nil
}

// requestReturn is one run of RequestReturn's transaction, numbered from rs.
func (s *Store) requestReturn(ctx context.Context, tx neo4j.ManagedTransaction, rs *reservation, r partnergraph.LeadReturn) (returnResult, error) {
	l, err := lockLead(ctx, tx, r.LeadID)
	if err != nil {
		return returnResult{}, err
	}
	old, err := returnIn(ctx, tx, r.LeadID)
	if err == nil {
		return returnResult{r: old}, nil
	}
	if partnergraph.ErrorCode(err) != partnergraph.ENOTFOUND {
		return returnResult{}, err
	}
	switch l.Status {
	case partnergraph.LeadAccepted, partnergraph.LeadWon, partnergraph.LeadLost:
	default:
		return returnResult{}, partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q is %s: only an accepted lead can be returned", l.ID, l.Status)
	}
	if l.ReferrerID != r.ReferrerID {
		return returnResult{}, partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q was referred by %q, not %q", l.ID, l.ReferrerID, r.ReferrerID)
	}
	found, err := offersByID(ctx, tx, []string{r.OfferID})
	if err != nil {
		return returnResult{}, err
	}
	if o, ok := found[r.OfferID]; !ok || o.LeadID != l.ID || o.BusinessID != r.RecipientID || o.Status != partnergraph.OfferAccepted {
		return returnResult{}, partnergraph.Errorf(partnergraph.ECONFLICT, "offer %q is not the accepted offer of lead %q to %q", r.OfferID, l.ID, r.RecipientID)
	}
	if _, err := run(ctx, tx, returnCreate, returnParams(&r)); err != nil {
		return returnResult{}, err
	}
	if err := s.returnEvent(ctx, tx, rs, &r, false); err != nil {
		return returnResult{}, err
	}
	return returnResult{r: r, created: true}, nil
}

// LeadReturn implements partnergraph.ReturnStore.
func (s *Store) LeadReturn(ctx context.Context, leadID string) (*partnergraph.LeadReturn, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.LeadReturn, error) {
		return returnIn(ctx, tx, leadID)
	})
	if err != nil {
		return nil, wrap("find return", err)
	}
	return &out, nil
}

// LeadReturnsOf implements partnergraph.LeadReturnsByLead (return_by_leads).
func (s *Store) LeadReturnsOf(ctx context.Context, leadIDs []string) (map[string]*partnergraph.LeadReturn, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]*partnergraph.LeadReturn, error) {
		recs, err := run(ctx, tx, returnByLeads, map[string]any{"leadIds": leadIDs})
		if err != nil {
			return nil, err
		}
		out := make(map[string]*partnergraph.LeadReturn, len(recs))
		for _, rec := range recs {
			r, err := returnOf(rec)
			if err != nil {
				return nil, err
			}
			out[r.LeadID] = &r
		}
		return out, nil
	})
	return out, wrap("find returns", err)
}

// MoveReturn implements partnergraph.ReturnStore: under the lead's lock, the compare-and-set
// of the return's state and, for an accepted return, the lead's close and the commission's
// reversal, in one transaction. Each step adds an event to the referrer's feed, and an
// accepted return a RETURN change, numbered from seqs reserved for them (seqs.go).
func (s *Store) MoveReturn(ctx context.Context, next partnergraph.LeadReturn, from partnergraph.ReturnState) (partnergraph.LeadReturn, error) {
	if err := next.CheckMove(from); err != nil {
		return next, err
	}
	accepted := next.State == partnergraph.ReturnAccepted
	var out partnergraph.LeadReturn
	err := s.numbered(ctx, returnSeqs(accepted), func(ctx context.Context, rs *reservation) error {
		var err error
		out, err = write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (partnergraph.LeadReturn, error) {
			if err := rs.check(ctx, tx); err != nil {
				return next, err
			}
			return s.moveReturn(ctx, tx, rs, next, from)
		})
		return err
	})
	if isConstraintViolation(err) {
		err = partnergraph.Errorf(partnergraph.ECONFLICT, "the commission of lead %q is already reversed", next.LeadID)
	}
	if err != nil {
		return next, wrap("move return", err)
	}
	return out, nil
}

// moveReturn is one run of MoveReturn's transaction, numbered from rs.
func (s *Store) moveReturn(ctx context.Context, tx neo4j.ManagedTransaction, rs *reservation, next partnergraph.LeadReturn, from partnergraph.ReturnState) (partnergraph.LeadReturn, error) {
	if _, err := lockLead(ctx, tx, next.LeadID); err != nil {
		return next, err
	}
	cur, err := returnIn(ctx, tx, next.LeadID)
	if err != nil {
		return next, err
	}
	if cur.State != from {
		return next, partnergraph.Errorf(partnergraph.ECONFLICT, "the return of lead %q is %s, not %s", cur.LeadID, cur.State, from)
	}
	params := returnParams(&next)
	params["from"] = string(from)
	recs, err := run(ctx, tx, returnUpdate, params)
	if err != nil {
		return next, err
	}
	if err := wantCount(recs, "updated", 1); err != nil {
		return next, err
	}
	accepted := next.State == partnergraph.ReturnAccepted
	if accepted {
		if err := voidLead(ctx, tx, &next); err != nil {
			return next, err
		}
	}
	if err := s.returnEvent(ctx, tx, rs, &next, accepted); err != nil {
		return next, err
	}
	return returnIn(ctx, tx, next.LeadID)
}

// returnSeqs is how many seqs a step of a return numbers: its event in the referrer's feed,
// the feed's LEAD_EVENT change, and for an accepted return its RETURN change (what other
// servers learn from).
func returnSeqs(accepted bool) int {
	if accepted {
		return 3
	}
	return 2
}

// returnEvent writes the event of the return's last step in its referrer's feed, with the
// lead's status after the step, and its changes, numbered from rs (returnSeqs).
func (s *Store) returnEvent(ctx context.Context, tx neo4j.ManagedTransaction, rs *reservation, r *partnergraph.LeadReturn, accepted bool) error {
	l, err := leadByIDIn(ctx, tx, r.LeadID)
	if err != nil {
		return err
	}
	events := []partnergraph.LeadEvent{partnergraph.ReturnEvent(r)}
	if err := events[0].Prepare(l, events[0].At); err != nil {
		return err
	}
	assignSeqs(rs.first, nil, events)
	if err := createOffersAndEvents(ctx, tx, nil, events); err != nil {
		return err
	}
	changes := leadChanges(l.ReferrerID, nil, nil, 1)
	if accepted {
		changes = append(changes, change{kind: partnergraph.ChangeReturn, id: r.LeadID})
	}
	return s.appendChanges(ctx, tx, rs.first+1, changes)
}

// voidLead is what an accepted return does to its lead, in the deciding transaction: a lead
// not closed yet closes as LOST, and a commission gets its reversal.
func voidLead(ctx context.Context, tx neo4j.ManagedTransaction, r *partnergraph.LeadReturn) error {
	at := r.DecidedAt.UTC()
	if _, err := run(ctx, tx, returnCloseLead, map[string]any{"leadId": r.LeadID, "reason": partnergraph.ClosedByReturn(r), "at": at}); err != nil {
		return err
	}
	recs, err := run(ctx, tx, commissionByLead, map[string]any{"leadId": r.LeadID})
	if err != nil || len(recs) == 0 {
		return err
	}
	c, err := commissionOf(recs[0])
	if err != nil {
		return err
	}
	if c.Status == partnergraph.CommissionVoid {
		return partnergraph.Errorf(partnergraph.ECONFLICT, "the commission of lead %q is already reversed", r.LeadID)
	}
	rev := partnergraph.ReversalOf(&c, r, at)
	_, err = run(ctx, tx, reversalCreate, map[string]any{
		"id": rev.ID, "commissionId": rev.CommissionID, "leadId": rev.LeadID, "payerId": rev.PayerID, "payeeId": rev.PayeeID,
		"amountMinor": rev.AmountMinor, "currency": rev.Currency, "reason": rev.Reason, "createdAt": rev.CreatedAt,
	})
	return err
}

// readReturns runs a statement that returns returns as r.
func (s *Store) readReturns(ctx context.Context, st statement, params map[string]any) ([]partnergraph.LeadReturn, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]partnergraph.LeadReturn, error) {
		recs, err := run(ctx, tx, st, params)
		if err != nil {
			return nil, err
		}
		out := make([]partnergraph.LeadReturn, 0, len(recs))
		for _, rec := range recs {
			r, err := returnOf(rec)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	})
}

// DueReturns implements partnergraph.ReturnStore. EINVALID naming "now" or "first".
func (s *Store) DueReturns(ctx context.Context, now time.Time, limit int) ([]partnergraph.LeadReturn, error) {
	if err := partnergraph.RequireTime("now", now); err != nil {
		return nil, err
	}
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out, err := s.readReturns(ctx, returnDue, map[string]any{"now": now.UTC(), "limit": int64(limit)})
	return out, wrap("find due returns", err)
}

// Returns implements partnergraph.ReturnStore, paged by (requestedAt, leadId). EINVALID naming
// "state", "first" or "after".
func (s *Store) Returns(ctx context.Context, state partnergraph.ReturnState, p partnergraph.Page) (partnergraph.Slice[partnergraph.LeadReturn], error) {
	var zero partnergraph.Slice[partnergraph.LeadReturn]
	if !state.Valid() {
		return zero, partnergraph.Invalidf("state", "is not a return state")
	}
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, resume, err := decodeCursor(p.After, byReturn)
	if err != nil {
		return zero, err
	}
	params := map[string]any{"state": string(state), "afterRequestedAt": nil, "afterId": after.ID, "limit": int64(p.First + 1)}
	if resume {
		params["afterRequestedAt"] = after.time()
	}
	items, err := s.readReturns(ctx, returnList, params)
	if err != nil {
		return zero, wrap("list returns", err)
	}
	cursors := make([]string, len(items))
	for i, r := range items {
		cursors[i] = cursor{Kind: byReturn, S: r.RequestedAt.UTC().Format(time.RFC3339Nano), ID: r.LeadID}.encode()
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}

// ReturnStats implements partnergraph.ReturnStore, one statement for all the referrers.
func (s *Store) ReturnStats(ctx context.Context, referrerIDs []string) (map[string]partnergraph.ReturnStats, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]partnergraph.ReturnStats, error) {
		out := map[string]partnergraph.ReturnStats{}
		if len(referrerIDs) == 0 {
			return out, nil
		}
		recs, err := run(ctx, tx, returnStats, map[string]any{"ids": referrerIDs})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			v := &values{m: rec.AsMap()}
			st := partnergraph.ReturnStats{AcceptedLeads: int(v.integer("accepted")), Returns: int(v.integer("returns")), ReturnsAccepted: int(v.integer("returnsAccepted"))}
			if v.err != nil {
				return nil, v.err
			}
			if st != (partnergraph.ReturnStats{}) {
				out[v.str("id")] = st
			}
		}
		return out, nil
	})
	return out, wrap("count returns", err)
}

// CommissionReversals implements partnergraph.ReturnStore.
func (s *Store) CommissionReversals(ctx context.Context, leadID string) ([]partnergraph.CommissionReversal, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]partnergraph.CommissionReversal, error) {
		recs, err := run(ctx, tx, reversalByLead, map[string]any{"leadId": leadID})
		if err != nil {
			return nil, err
		}
		out := []partnergraph.CommissionReversal{}
		for _, rec := range recs {
			v, err := nodeValues(rec, "v")
			if err != nil {
				return nil, err
			}
			out = append(out, partnergraph.CommissionReversal{
				ID: v.str("id"), CommissionID: v.str("commissionId"), LeadID: v.str("leadId"), PayerID: v.str("payerId"),
				PayeeID: v.str("payeeId"), AmountMinor: v.integer("amountMinor"), Currency: v.str("currency"),
				Reason: v.str("reason"), CreatedAt: v.time("createdAt"),
			})
			if v.err != nil {
				return nil, v.err
			}
		}
		return out, nil
	})
	return out, wrap("read commission reversals", err)
}
