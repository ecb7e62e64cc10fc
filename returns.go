package partnergraph

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Returns and disputes (issue 16 §2). The business that accepted a lead may return it within
// the return window with a reason; the referrer may contest within the contest window; an admin
// decides, or, uncontested, the return is accepted when the contest window ends. An accepted
// return voids the lead: its commission is reversed by a line of its own (history is never
// edited), and a lead not closed yet is closed as LOST so that it can never earn one.

// ReturnReason says why the recipient returns a lead.
type ReturnReason string

// The reasons a lead may be returned for.
const (
	ReturnDuplicate      ReturnReason = "DUPLICATE"
	ReturnWrongService   ReturnReason = "WRONG_SERVICE"
	ReturnUnreachable    ReturnReason = "UNREACHABLE"
	ReturnNotAsDescribed ReturnReason = "NOT_AS_DESCRIBED"
	ReturnSuspectedFraud ReturnReason = "SUSPECTED_FRAUD"
)

// ReturnReasons are the valid reasons, in the API's order.
var ReturnReasons = []ReturnReason{ReturnDuplicate, ReturnWrongService, ReturnUnreachable, ReturnNotAsDescribed, ReturnSuspectedFraud}

// Valid reports whether r is a known reason.
func (r ReturnReason) Valid() bool { return slices.Contains(ReturnReasons, r) }

// ReturnState is where a return stands.
type ReturnState string

// Return states. REQUESTED: the recipient returned the lead; CONTESTED: the referrer disputes
// it and an admin must decide; ACCEPTED and REJECTED are final.
const (
	ReturnRequested ReturnState = "REQUESTED"
	ReturnContested ReturnState = "CONTESTED"
	ReturnAccepted  ReturnState = "ACCEPTED"
	ReturnRejected  ReturnState = "REJECTED"
)

// returnMoves are the allowed steps of a return: the referrer contests a requested return; an
// admin (or, for a requested one past its contest window, the server) accepts or rejects an
// open one. Final states go nowhere.
var returnMoves = map[ReturnState][]ReturnState{
	ReturnRequested: {ReturnContested, ReturnAccepted, ReturnRejected},
	ReturnContested: {ReturnAccepted, ReturnRejected},
}

// Valid reports whether s is a known return state.
func (s ReturnState) Valid() bool {
	switch s {
	case ReturnRequested, ReturnContested, ReturnAccepted, ReturnRejected:
		return true
	}
	return false
}

// Open reports whether the return still waits for a decision.
func (s ReturnState) Open() bool { return s == ReturnRequested || s == ReturnContested }

// CanMove reports whether a return may go from state s to state to.
func (s ReturnState) CanMove(to ReturnState) bool { return slices.Contains(returnMoves[s], to) }

// AutoDecider is who decided a return that was accepted because its contest window ended.
const AutoDecider = "system:contest-window"

// Default windows of returns.
const (
	DefaultReturnWindow  = 7 * 24 * time.Hour
	DefaultContestWindow = 3 * 24 * time.Hour
)

// LeadReturn is a lead's return and what became of it: one per lead, keyed by the lead, with
// who did each step, when and why (the audit).
type LeadReturn struct {
	LeadID      string       `json:"leadId"`
	OfferID     string       `json:"offerId"`     // the accepted offer
	RecipientID string       `json:"recipientId"` // the business that accepted and returned the lead
	ReferrerID  string       `json:"referrerId"`
	Reason      ReturnReason `json:"reason"`
	Note        string       `json:"note"`
	State       ReturnState  `json:"state"`
	RequestedBy string       `json:"requestedBy"` // the user (token subject) that returned it
	RequestedAt time.Time    `json:"requestedAt"`
	// ContestBy ends the contest window: the referrer may contest before it; a return still
	// REQUESTED then is accepted.
	ContestBy    time.Time  `json:"contestBy"`
	ContestedBy  string     `json:"contestedBy,omitempty"`
	ContestedAt  *time.Time `json:"contestedAt,omitempty"`
	ContestNote  string     `json:"contestNote,omitempty"`
	DecidedBy    string     `json:"decidedBy,omitempty"` // an admin's subject, or AutoDecider
	DecidedAt    *time.Time `json:"decidedAt,omitempty"`
	DecisionNote string     `json:"decisionNote,omitempty"`
}

// Windows are how long a recipient has to return a lead after accepting it, and a referrer
// to contest a return.
type Windows struct {
	Return, Contest time.Duration
}

// withDefaults fills zero windows with the defaults.
func (w Windows) withDefaults() Windows {
	if w.Return == 0 {
		w.Return = DefaultReturnWindow
	}
	if w.Contest == 0 {
		w.Contest = DefaultContestWindow
	}
	return w
}

// NewReturn makes the return of lead l, whose accepted offer is accepted, by the user by,
// at now. Errors: EINVALID naming "reason" or "note"; ECONFLICT when the lead was not
// accepted (OFFERED, UNROUTABLE) or the return window, counted from the acceptance, is over.
func NewReturn(l *Lead, accepted *Offer, reason ReturnReason, note, by string, now time.Time, w Windows) (LeadReturn, error) {
	w = w.withDefaults()
	if !reason.Valid() {
		return LeadReturn{}, Invalidf("reason", "must be one of %v", ReturnReasons)
	}
	if err := checkText("note", note, 0, 2000); err != nil {
		return LeadReturn{}, err
	}
	switch l.Status {
	case LeadAccepted, LeadWon, LeadLost:
	default:
		return LeadReturn{}, Errorf(ECONFLICT, "lead %q is %s: only an accepted lead can be returned", l.ID, l.Status)
	}
	if accepted == nil || accepted.Status != OfferAccepted || accepted.LeadID != l.ID || accepted.RespondedAt == nil {
		return LeadReturn{}, Errorf(ECONFLICT, "lead %q has no accepted offer", l.ID)
	}
	now = now.UTC()
	if end := accepted.RespondedAt.Add(w.Return); now.After(end) {
		return LeadReturn{}, Errorf(ECONFLICT, "lead %q can no longer be returned: the return window ended at %s", l.ID, end.Format(time.RFC3339))
	}
	return LeadReturn{
		LeadID: l.ID, OfferID: accepted.ID, RecipientID: accepted.BusinessID, ReferrerID: l.ReferrerID,
		Reason: reason, Note: note, State: ReturnRequested, RequestedBy: by, RequestedAt: now,
		ContestBy: now.Add(w.Contest),
	}, nil
}

// Same reports whether o asks for what r holds (the same recipient, reason and note): a
// request repeated (a retry) rather than another one.
func (r *LeadReturn) Same(o *LeadReturn) bool {
	return r.LeadID == o.LeadID && r.RecipientID == o.RecipientID && r.Reason == o.Reason && r.Note == o.Note
}

// Contest returns r contested by the user by at now. ECONFLICT unless r is REQUESTED and its
// contest window is open; EINVALID naming "note".
func (r LeadReturn) Contest(by, note string, now time.Time) (LeadReturn, error) {
	if err := checkText("note", note, 0, 2000); err != nil {
		return r, err
	}
	if !r.State.CanMove(ReturnContested) {
		return r, Errorf(ECONFLICT, "the return of lead %q is %s and cannot be contested", r.LeadID, r.State)
	}
	now = now.UTC()
	if !now.Before(r.ContestBy) {
		return r, Errorf(ECONFLICT, "the return of lead %q can no longer be contested: the contest window ended at %s", r.LeadID, r.ContestBy.Format(time.RFC3339))
	}
	r.State, r.ContestedBy, r.ContestedAt, r.ContestNote = ReturnContested, by, &now, note
	return r, nil
}

// Decide returns r moved to ACCEPTED or REJECTED by the decider by at now. ECONFLICT unless r
// is open; EINVALID for another state or a long note.
func (r LeadReturn) Decide(to ReturnState, by, note string, now time.Time) (LeadReturn, error) {
	if to != ReturnAccepted && to != ReturnRejected {
		return r, Invalidf("decision", "must be ACCEPT or REJECT")
	}
	if err := checkText("note", note, 0, 2000); err != nil {
		return r, err
	}
	if !r.State.CanMove(to) {
		return r, Errorf(ECONFLICT, "the return of lead %q is already %s", r.LeadID, r.State)
	}
	now = now.UTC()
	r.State, r.DecidedBy, r.DecidedAt, r.DecisionNote = to, by, &now, note
	return r, nil
}

// AutoAccept returns r accepted by AutoDecider at now, when it is still REQUESTED and its
// contest window has ended; otherwise ECONFLICT.
func (r LeadReturn) AutoAccept(now time.Time) (LeadReturn, error) {
	if r.State != ReturnRequested || now.Before(r.ContestBy) {
		return r, Errorf(ECONFLICT, "the return of lead %q is %s, contestable until %s", r.LeadID, r.State, r.ContestBy.Format(time.RFC3339))
	}
	return r.Decide(ReturnAccepted, AutoDecider, "not contested in time", now)
}

// StepAt is when the return's last step happened.
func (r *LeadReturn) StepAt() time.Time {
	switch {
	case r.DecidedAt != nil:
		return *r.DecidedAt
	case r.ContestedAt != nil:
		return *r.ContestedAt
	}
	return r.RequestedAt
}

// ReturnEvent is the event a return's last step adds to the referrer's feed, so that a
// referrer's subscription learns of a return while it can still contest it. Its status is
// the lead's after the step, which LeadEvent.Prepare fills.
func ReturnEvent(r *LeadReturn) LeadEvent {
	var msg string
	switch r.State {
	case ReturnRequested:
		msg = fmt.Sprintf("returned by %s (%s); contest before %s", r.RecipientID, r.Reason, r.ContestBy.UTC().Format(time.RFC3339))
	case ReturnContested:
		msg = "return contested; an admin decides"
	case ReturnAccepted:
		msg = "return accepted: the lead is void"
	case ReturnRejected:
		msg = "return rejected: the lead stands"
	}
	return LeadEvent{LeadID: r.LeadID, ReferrerID: r.ReferrerID, Message: msg, At: r.StepAt()}
}

// OutcomeReturned is the outcome a learner hears for the accepted offer of a lead whose return
// was accepted: the lead turned out bad (see matching.Learn).
const OutcomeReturned = "RETURNED"

// ClosedByReturn is the reason a lead gets when an accepted return closes it as LOST.
func ClosedByReturn(r *LeadReturn) string {
	return fmt.Sprintf("returned by the recipient (%s); return accepted", r.Reason)
}

// CommissionReversal voids a commission: its own ledger line, with the commission's amount
// taken back, written once when the lead's return is accepted. The commission itself is
// never changed; it reads as VOID once reversed.
type CommissionReversal struct {
	ID           string    `json:"id"`
	CommissionID string    `json:"commissionId"`
	LeadID       string    `json:"leadId"`
	PayerID      string    `json:"payerId"` // of the commission: it no longer owes the amount
	PayeeID      string    `json:"payeeId"`
	AmountMinor  int64     `json:"amountMinor"` // the commission's amount, positive
	Currency     string    `json:"currency"`
	Reason       string    `json:"reason"`
	CreatedAt    time.Time `json:"createdAt"`
}

// CommissionVoid is how a reversed commission reads.
const CommissionVoid CommissionStatus = "VOID"

// ReversalOf is the reversal of commission c for the accepted return r, at at.
func ReversalOf(c *Commission, r *LeadReturn, at time.Time) CommissionReversal {
	return CommissionReversal{
		ID: NewID(), CommissionID: c.ID, LeadID: c.LeadID, PayerID: c.PayerID, PayeeID: c.PayeeID,
		AmountMinor: c.AmountMinor, Currency: c.Currency, Reason: "return accepted: " + string(r.Reason), CreatedAt: at.UTC(),
	}
}

// ReturnStats are a referrer's returns: how many of its leads partners accepted, how many
// of them were returned and how many returns were accepted.
type ReturnStats struct {
	AcceptedLeads   int `json:"acceptedLeads"`
	Returns         int `json:"returns"`
	ReturnsAccepted int `json:"returnsAccepted"`
}

// ReturnRate is the share of the referrer's accepted leads whose return was accepted (0 with
// none accepted).
func (s ReturnStats) ReturnRate() float64 {
	if s.AcceptedLeads == 0 {
		return 0
	}
	return float64(s.ReturnsAccepted) / float64(s.AcceptedLeads)
}

// CheckMove returns EINVALID (CheckReturnWrite's, or naming "state") unless a store may move a
// return from the state from to r's: the check both stores' MoveReturn make first.
func (r *LeadReturn) CheckMove(from ReturnState) error {
	if err := r.CheckReturnWrite(); err != nil {
		return err
	}
	if !from.CanMove(r.State) {
		return Invalidf("state", "a return cannot go from %s to %s", from, r.State)
	}
	return nil
}

// CheckReturnWrite returns EINVALID for a return no store can keep.
func (r *LeadReturn) CheckReturnWrite() error {
	if !ValidID(r.LeadID) || !ValidID(r.OfferID) || !ValidID(r.RecipientID) || !ValidID(r.ReferrerID) {
		return Invalidf("leadId", "the return must name its lead, offer, recipient and referrer")
	}
	if !r.Reason.Valid() {
		return Invalidf("reason", "must be one of %v", ReturnReasons)
	}
	if !r.State.Valid() {
		return Invalidf("state", "is not a return state")
	}
	if r.RequestedAt.IsZero() || r.ContestBy.IsZero() {
		return Invalidf("requestedAt", "is required")
	}
	if r.State != ReturnRequested && r.State != ReturnContested && r.DecidedAt == nil {
		return Invalidf("decidedAt", "is required for a decided return")
	}
	return nil
}

// ReturnStore keeps returns: part of Store (storetest.Run holds its contract).
type ReturnStore interface {
	// RequestReturn writes r (REQUESTED) unless the lead has a return already: then it returns
	// that one and created=false. ENOTFOUND for an unknown lead; ECONFLICT when r.OfferID is not
	// the lead's accepted offer or the lead is not ACCEPTED, WON or LOST (checked under the
	// lead's lock). EINVALID for a malformed return.
	RequestReturn(ctx context.Context, r LeadReturn) (stored LeadReturn, created bool, err error)
	// LeadReturn returns the lead's return, or ENOTFOUND.
	LeadReturn(ctx context.Context, leadID string) (*LeadReturn, error)
	// MoveReturn writes next, the lead's return after one step, if the stored return is in
	// state from (a compare-and-set: ECONFLICT otherwise, ENOTFOUND without a return). When
	// next is ACCEPTED, in the same transaction and under the lead's lock: a lead still
	// ACCEPTED is closed as LOST (ClosedByReturn), so it can never earn a commission; a
	// commission of the lead is reversed once (ReversalOf; a second reversal is ECONFLICT); and
	// a RETURN change is appended for the servers that learn from it.
	MoveReturn(ctx context.Context, next LeadReturn, from ReturnState) (LeadReturn, error)
	// DueReturns returns up to limit REQUESTED returns whose ContestBy is at or before now,
	// the oldest first.
	DueReturns(ctx context.Context, now time.Time, limit int) ([]LeadReturn, error)
	// Returns lists the returns in the state, oldest request first. EINVALID for a bad page.
	Returns(ctx context.Context, state ReturnState, p Page) (Slice[LeadReturn], error)
	// ReturnStats returns each referrer's return counts, keyed by id (absent: none).
	ReturnStats(ctx context.Context, referrerIDs []string) (map[string]ReturnStats, error)
	// CommissionReversals returns the reversals of the lead's commission (none or one).
	CommissionReversals(ctx context.Context, leadID string) ([]CommissionReversal, error)
}
