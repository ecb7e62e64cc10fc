package partnergraph

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Erasure is the tombstone a lead keeps in place of its customer's data once that data was
// erased: when, and by whom. Everything else of the lead (status, offers, commission, the
// ledger it counts in) stays as it was.
type Erasure struct {
	At time.Time `json:"at"`
	// By names who erased it: a user's subject for a manual erasure, ErasedByRetention for the
	// retention loop.
	By string `json:"by"`
}

// ErasedByRetention is Erasure.By for the customer data that the retention setting erased.
const ErasedByRetention = "retention"

// ErasedLocationPlaces is how many decimal places of a lead's location survive erasure: two
// places are about a kilometre, enough for the ledger's and routing's sense of place (a lead
// erased while an offer is pending may still be re-routed) and too coarse to find a home by.
const ErasedLocationPlaces = 2

// Validate returns EINVALID naming "erasure.at" or "erasure.by" when either is missing.
func (e Erasure) Validate() error {
	if err := RequireTime("erasure.at", e.At); err != nil {
		return err
	}
	if strings.TrimSpace(e.By) == "" {
		return Invalidf("erasure.by", "is required")
	}
	if len(e.By) > 200 {
		return Invalidf("erasure.by", "must be at most 200 characters")
	}
	return nil
}

// CheckEraseClosed returns EINVALID naming "closedBefore", "erasure.at", "erasure.by" or
// "first" for arguments no store's EraseClosedLeads may take: the check both stores make first.
func CheckEraseClosed(closedBefore time.Time, e Erasure, limit int) error {
	if err := RequireTime("closedBefore", closedBefore); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	return CheckFeedLimit(limit)
}

// Erase replaces l's customer data with the tombstone e, unless l was erased before (then it
// keeps the first tombstone: erasing is idempotent). Erased are the customer's name, email
// and phone, the notes, the idempotency key and the input hash (a digest of the customer's
// details that a guess could be checked against), and the location's precision beyond
// ErasedLocationPlaces. Both stores write what Erase leaves, so that they agree on what
// erasure means; it reports whether l changed.
func (l *Lead) Erase(e Erasure) bool {
	if l.Erased != nil {
		return false
	}
	e.At = e.At.UTC()
	l.Erased = &e
	l.Customer = Customer{}
	l.Notes = ""
	l.IdempotencyKey, l.InputHash = "", ""
	l.Location = Point{Lat: coarse(l.Location.Lat), Lng: coarse(l.Location.Lng)}
	return true
}

// customerDistance ends the reason that tells how far a recipient is from the customer.
const customerDistance = " km from the customer"

// CustomerDistanceReason is the reason of an offer that tells how far its recipient is from
// the customer. Routing writes it; Offer.Erase removes it.
func CustomerDistanceReason(km float64) string {
	return fmt.Sprintf("%.1f", km) + customerDistance
}

// Erase removes from o what it tells of the lead's customer: its decline reason (free text
// that the recipient wrote) and its CustomerDistanceReason (the distances of several
// recipients, whose places are public, would give back the location that Lead.Erase
// coarsened). It reports whether o changed.
func (o *Offer) Erase() bool {
	kept := slices.DeleteFunc(slices.Clone(o.Reasons), func(r string) bool { return strings.HasSuffix(r, customerDistance) })
	if o.DeclineReason == "" && len(kept) == len(o.Reasons) {
		return false
	}
	o.DeclineReason, o.Reasons = "", kept
	return true
}

func coarse(x float64) float64 {
	p := math.Pow10(ErasedLocationPlaces)
	return math.Round(x*p) / p
}

// LeadErasure erases the customer data of leads, in the store itself, so that no reader of
// the store (the API, subscriptions, webhooks, exports) can show it again: the lead as
// Lead.Erase leaves it, and each of its offers as Offer.Erase leaves it.
// storetest.Run holds its contract.
type LeadErasure interface {
	// EraseLead erases the lead's customer data (Lead.Erase) and returns the lead as stored;
	// in the same transaction it tells each business that got the lead's data
	// (LeadErasedEvents: a LEAD_ERASED event in each one's feed, with its LEAD_EVENT change).
	// A lead erased before is returned as it is, with its first tombstone, and no one is told again. ENOTFOUND for an
	// unknown lead, EINVALID (Erasure.Validate) for a bad tombstone.
	EraseLead(ctx context.Context, leadID string, e Erasure) (*Lead, error)
	// EraseClosedLeads erases the customer data of up to limit leads closed (WON or LOST)
	// before closedBefore that are not erased yet, with the tombstone e, telling each as
	// EraseLead does, and returns how many it erased. Each lead is erased by a conditional write, so that servers running it at
	// once never erase one lead twice. EINVALID for a zero closedBefore, a bad tombstone, or a
	// limit outside 1..MaxFeedSize (naming "first").
	EraseClosedLeads(ctx context.Context, closedBefore time.Time, e Erasure, limit int) (int, error)
}
