package partnergraph

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// What every LeadStore does to what it is asked to write (prepare, validate, compare the
// pending offers, count the daily cap), in one place so that the stores agree.

// MaxFeedSize caps how many offers or events one call to Inbox, LeadEvents or DueOffers
// returns.
const MaxFeedSize = 1000

// Valid reports whether s is a known lead status.
func (s LeadStatus) Valid() bool {
	switch s {
	case LeadOffered, LeadAccepted, LeadUnroutable, LeadWon, LeadLost:
		return true
	}
	return false
}

// Valid reports whether s is a known offer status.
func (s OfferStatus) Valid() bool {
	switch s {
	case OfferPending, OfferAccepted, OfferDeclined, OfferExpired, OfferWithdrawn:
		return true
	}
	return false
}

// RequireTime returns EINVALID naming field for a zero time, which no store can keep.
func RequireTime(field string, t time.Time) error {
	if t.IsZero() {
		return Invalidf(field, "is required")
	}
	return nil
}

// CheckFeedLimit returns EINVALID naming "first" (the API's name for a page size) unless
// limit is in 1..MaxFeedSize.
func CheckFeedLimit(limit int) error {
	if limit < 1 || limit > MaxFeedSize {
		return Invalidf("first", "must be between 1 and %d", MaxFeedSize)
	}
	return nil
}

// PrepareSubmission checks a lead submission and fills, on copies, what a store owns: the
// lead's id, input hash (l.Hash()), status (OFFERED) and creation time (now when zero; UTC),
// then each offer and event as Offer.Prepare and LeadEvent.Prepare do. l itself gets only
// l.Validate's defaults. EINVALID names the field at fault.
func PrepareSubmission(l *Lead, offers []Offer, events []LeadEvent, now time.Time) (Lead, []Offer, []LeadEvent, error) {
	if err := l.Validate(); err != nil {
		return Lead{}, nil, nil, err
	}
	nl := *l
	if nl.ID == "" {
		nl.ID = NewID()
	}
	if err := CheckID("id", nl.ID); err != nil {
		return Lead{}, nil, nil, err
	}
	if nl.InputHash == "" {
		nl.InputHash = nl.Hash()
	}
	if nl.Status == "" {
		nl.Status = LeadOffered
	}
	if !nl.Status.Valid() {
		return Lead{}, nil, nil, Invalidf("status", "is not a lead status")
	}
	if nl.Currency != "" {
		if err := ValidCurrency(nl.Currency); err != nil {
			return Lead{}, nil, nil, WithFieldPrefix("currency", err)
		}
	}
	if nl.CreatedAt.IsZero() {
		nl.CreatedAt = now
	}
	nl.CreatedAt = nl.CreatedAt.UTC()
	no := slices.Clone(offers)
	for i := range no {
		if err := no[i].Prepare(nl.ID, nl.CreatedAt); err != nil {
			return Lead{}, nil, nil, err
		}
	}
	ne := slices.Clone(events)
	for i := range ne {
		if err := ne[i].Prepare(&nl, nl.CreatedAt); err != nil {
			return Lead{}, nil, nil, err
		}
	}
	return nl, no, ne, nil
}

// Prepare fills what a store owns in a new offer of the lead (id, lead, status, creation
// time, no Seq yet) and returns EINVALID, naming "offer.<field>", for what no store can keep.
func (o *Offer) Prepare(leadID string, at time.Time) error {
	if o.ID == "" {
		o.ID = NewID()
	}
	if err := CheckID("offer.id", o.ID); err != nil {
		return err
	}
	if o.LeadID == "" {
		o.LeadID = leadID
	}
	if o.LeadID != leadID {
		return Invalidf("offer.leadId", "is %q, not the lead %q", o.LeadID, leadID)
	}
	if !ValidID(o.BusinessID) {
		return Invalidf("offer.businessId", "must be a business id")
	}
	if o.Status == "" {
		o.Status = OfferPending
	}
	if !o.Status.Valid() {
		return Invalidf("offer.status", "is not an offer status")
	}
	if err := RequireTime("offer.expiresAt", o.ExpiresAt); err != nil {
		return err
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = at
	}
	o.CreatedAt, o.ExpiresAt = o.CreatedAt.UTC(), o.ExpiresAt.UTC()
	o.Seq = 0
	return nil
}

// Prepare fills a new event's lead, referrer, status (the lead's, after the write) and time,
// and returns EINVALID naming "event.<field>" for one that belongs to another lead or referrer.
func (e *LeadEvent) Prepare(l *Lead, at time.Time) error {
	if e.LeadID == "" {
		e.LeadID = l.ID
	}
	if e.LeadID != l.ID {
		return Invalidf("event.leadId", "is %q, not the lead %q", e.LeadID, l.ID)
	}
	// The feed is the referrer's: an event filed under another business would leak the lead.
	if e.ReferrerID == "" {
		e.ReferrerID = l.ReferrerID
	}
	if e.ReferrerID != l.ReferrerID {
		return Invalidf("event.referrerId", "is %q, not the lead's referrer %q", e.ReferrerID, l.ReferrerID)
	}
	if e.Kind == "" {
		e.Kind = EventStatus
	}
	if !e.Kind.Valid() {
		return Invalidf("event.kind", "is not an event kind")
	}
	if e.Status == "" {
		e.Status = l.Status
	}
	if !e.Status.Valid() {
		return Invalidf("event.status", "is not a lead status")
	}
	if e.At.IsZero() {
		e.At = at
	}
	e.At = e.At.UTC()
	e.Seq = 0
	return nil
}

// Prepare fills a new commission's id, lead, status and time and returns EINVALID naming
// "commission.<field>" for bad ids or amounts.
func (c *Commission) Prepare(leadID string, at time.Time) error {
	if c.ID == "" {
		c.ID = NewID()
	}
	if err := CheckID("commission.id", c.ID); err != nil {
		return err
	}
	if c.LeadID == "" {
		c.LeadID = leadID
	}
	if c.LeadID != leadID {
		return Invalidf("commission.leadId", "is %q, not the lead %q", c.LeadID, leadID)
	}
	for _, f := range []struct{ field, id string }{{"commission.partnershipId", c.PartnershipID}, {"commission.payerId", c.PayerID}, {"commission.payeeId", c.PayeeID}} {
		if !ValidID(f.id) {
			return Invalidf(f.field, "must be an id")
		}
	}
	if c.PayerID == c.PayeeID {
		return Invalidf("commission.payeeId", "a business cannot pay itself")
	}
	if c.AmountMinor < 0 {
		return Invalidf("commission.amountMinor", "must not be negative")
	}
	if err := ValidCurrency(c.Currency); err != nil {
		return WithFieldPrefix("commission.currency", err)
	}
	if c.Status == "" {
		c.Status = CommissionOwed
	}
	if c.Status != CommissionOwed && c.Status != CommissionPaid {
		return Invalidf("commission.status", "must be OWED or PAID")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = at
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return nil
}

// Validate returns EINVALID for a malformed transition, before a store touches anything.
func (t *Transition) Validate() error {
	if !ValidID(t.LeadID) {
		return Invalidf("leadId", "must be a lead id")
	}
	if len(t.LeadFrom) == 0 {
		return Invalidf("leadFrom", "must name at least one status")
	}
	if t.LeadTo != "" && !t.LeadTo.Valid() {
		return Invalidf("leadTo", "is not a lead status")
	}
	for _, a := range t.Answer {
		if !a.Status.Valid() || a.Status == OfferPending {
			return Invalidf("answer.status", "must be ACCEPTED, DECLINED, EXPIRED or WITHDRAWN")
		}
	}
	if t.ValueMinor < 0 {
		return Invalidf("valueMinor", "must not be negative")
	}
	if t.ValueMinor != 0 && t.Currency == "" {
		return Invalidf("currency", "is required with a value")
	}
	if t.Currency != "" {
		if err := ValidCurrency(t.Currency); err != nil {
			return WithFieldPrefix("currency", err)
		}
	}
	return nil
}

// ComparePending returns ECONFLICT when the transition asks for it (CheckPending) and stored,
// the ids of the lead's PENDING offers as the store reads them under the lead's lock, are not
// the ids in t.Pending (in any order).
func (t *Transition) ComparePending(stored []string) error {
	if !t.CheckPending {
		return nil
	}
	want, got := slices.Clone(t.Pending), slices.Clone(stored)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(slices.Compact(want), slices.Compact(got)) {
		return Errorf(ECONFLICT, "the pending offers of lead %q changed: %v, not %v", t.LeadID, got, want)
	}
	return nil
}

// CapDay returns the start of the UTC day that an offer made at t counts against in its
// recipient's daily lead cap; the day ends 24 hours later.
func CapDay(t time.Time) time.Time {
	return t.UTC().Truncate(24 * time.Hour)
}

// capField is the Field of CheckDailyCap's error, by which CapReached knows it.
const capField = "dailyLeadCap"

// CheckDailyCap returns ECONFLICT naming "dailyLeadCap" when a new offer to the business would
// take it past its daily lead cap (limit), sent offers having been made to it on the offer's
// UTC day (CapDay) before. Every store calls it for each new offer inside the transaction that
// writes the offer, counting under the same lock as the write, so that concurrent writers
// (requests, servers) never take a business past its cap.
func CheckDailyCap(businessID string, limit, sent int) error {
	if sent < limit {
		return nil
	}
	return &Error{Code: ECONFLICT, Field: capField, Message: fmt.Sprintf("business %q reached its daily lead cap of %d", businessID, limit)}
}

// CapReached reports whether err is CheckDailyCap's: the lead lifecycle routes the lead again
// on the counts as they are now.
func CapReached(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == ECONFLICT && e.Field == capField
}

// Prepare validates the transition and returns, on copies, what a store writes for it: its
// time (now when zero; UTC), its new offers and its commission (or nil), prepared as
// Offer.Prepare and Commission.Prepare do.
func (t *Transition) Prepare(now time.Time) (time.Time, []Offer, *Commission, error) {
	if err := t.Validate(); err != nil {
		return time.Time{}, nil, nil, err
	}
	at := t.At
	if at.IsZero() {
		at = now
	}
	at = at.UTC()
	no := slices.Clone(t.NewOffers)
	for i := range no {
		if err := no[i].Prepare(t.LeadID, at); err != nil {
			return time.Time{}, nil, nil, err
		}
	}
	var c *Commission
	if t.Commission != nil {
		cc := *t.Commission
		if err := cc.Prepare(t.LeadID, at); err != nil {
			return time.Time{}, nil, nil, err
		}
		c = &cc
	}
	return at, no, c, nil
}
