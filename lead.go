package partnergraph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// LeadMode says how many partners see a lead at once.
type LeadMode string

// Lead modes: one partner at a time (the next after a decline or expiry), or up to
// Lead.MaxOffers at once (the first to accept wins).
const (
	Exclusive LeadMode = "EXCLUSIVE"
	Shared    LeadMode = "SHARED"
)

// LeadStatus is where a lead stands.
type LeadStatus string

// Lead statuses. OFFERED: waiting for a recipient to accept; ACCEPTED: a business took it;
// UNROUTABLE: no (more) candidates; WON and LOST: closed by the business that accepted it.
const (
	LeadOffered    LeadStatus = "OFFERED"
	LeadAccepted   LeadStatus = "ACCEPTED"
	LeadUnroutable LeadStatus = "UNROUTABLE"
	LeadWon        LeadStatus = "WON"
	LeadLost       LeadStatus = "LOST"
)

// Customer is the person a lead is about: private data, visible only to the referrer, the
// business that accepted the lead, and admins.
type Customer struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Consent records what the customer agreed to, and when, before their details were shared.
type Consent struct {
	Text    string    `json:"text"`
	GivenAt time.Time `json:"givenAt"`
}

// Lead is a customer that a business refers to its partners.
type Lead struct {
	ID             string     `json:"id"`
	IdempotencyKey string     `json:"idempotencyKey"`
	InputHash      string     `json:"inputHash"` // of the submitted input: same key, other input is a CONFLICT
	ReferrerID     string     `json:"referrerId"`
	ServiceID      string     `json:"serviceId"`
	Location       Point      `json:"location"`
	Customer       Customer   `json:"customer"`
	Consent        Consent    `json:"consent"`
	Notes          string     `json:"notes,omitempty"`
	Mode           LeadMode   `json:"mode"`
	MaxOffers      int        `json:"maxOffers"` // 1 for EXCLUSIVE
	Status         LeadStatus `json:"status"`
	Reason         string     `json:"reason,omitempty"` // why it is UNROUTABLE
	ValueMinor     int64      `json:"valueMinor,omitempty"`
	Currency       string     `json:"currency,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
	ClosedAt       *time.Time `json:"closedAt,omitempty"`
	// Erased is the tombstone of the customer's data, nil until it is erased (Lead.Erase).
	Erased *Erasure `json:"erased,omitempty"`
}

// MaxSharedOffers caps how many partners see a SHARED lead at once.
const MaxSharedOffers = 5

// Validate fills defaults (mode EXCLUSIVE, MaxOffers) and returns EINVALID naming the field.
func (l *Lead) Validate() error {
	if !ValidID(l.ReferrerID) {
		return Invalidf("referrerId", "must be a business id")
	}
	if !ValidSlug(l.ServiceID) {
		return Invalidf("service", "must be a service slug")
	}
	if err := l.Location.Validate(); err != nil {
		return WithFieldPrefix("location", err)
	}
	l.IdempotencyKey = strings.TrimSpace(l.IdempotencyKey)
	if err := checkText("idempotencyKey", l.IdempotencyKey, 8, 128); err != nil {
		return err
	}
	if err := checkText("customer.name", l.Customer.Name, 1, 120); err != nil {
		return err
	}
	if l.Customer.Email == "" && l.Customer.Phone == "" {
		return Invalidf("customer.email", "an email or a phone is required")
	}
	if l.Customer.Email != "" {
		if err := ValidEmail(l.Customer.Email); err != nil {
			return WithFieldPrefix("customer.email", err)
		}
	}
	if l.Customer.Phone != "" {
		if err := ValidPhone(l.Customer.Phone); err != nil {
			return WithFieldPrefix("customer.phone", err)
		}
	}
	if err := checkText("consent.text", l.Consent.Text, 10, 2000); err != nil {
		return err
	}
	if l.Consent.GivenAt.IsZero() {
		return Invalidf("consent.givenAt", "is required")
	}
	if l.Consent.GivenAt.After(time.Now().Add(5 * time.Minute)) {
		return Invalidf("consent.givenAt", "must not be in the future")
	}
	if err := checkText("notes", l.Notes, 0, 2000); err != nil {
		return err
	}
	switch l.Mode {
	case "", Exclusive:
		l.Mode, l.MaxOffers = Exclusive, 1
	case Shared:
		if l.MaxOffers == 0 {
			l.MaxOffers = 3
		}
		if l.MaxOffers < 1 || l.MaxOffers > MaxSharedOffers {
			return Invalidf("maxOffers", "must be between 1 and %d", MaxSharedOffers)
		}
	default:
		return Invalidf("mode", "must be EXCLUSIVE or SHARED")
	}
	return nil
}

// Hash returns a digest of the submitted input (everything but server-set fields), so that a
// retry with the same idempotency key can be told from a different lead under a reused key.
func (l *Lead) Hash() string {
	in := struct {
		ReferrerID, ServiceID string
		Location              Point
		Customer              Customer
		Consent               Consent
		Notes                 string
		Mode                  LeadMode
		MaxOffers             int
	}{l.ReferrerID, l.ServiceID, l.Location, l.Customer, Consent{l.Consent.Text, l.Consent.GivenAt.UTC()}, l.Notes, l.Mode, l.MaxOffers}
	b, _ := json.Marshal(in)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// OfferStatus is where an offer stands.
type OfferStatus string

// Offer statuses. PENDING until the recipient answers; EXPIRED when not answered in time;
// WITHDRAWN when another recipient of a SHARED lead accepted first.
const (
	OfferPending   OfferStatus = "PENDING"
	OfferAccepted  OfferStatus = "ACCEPTED"
	OfferDeclined  OfferStatus = "DECLINED"
	OfferExpired   OfferStatus = "EXPIRED"
	OfferWithdrawn OfferStatus = "WITHDRAWN"
)

// Offer is a lead offered to one business: an entry in that business's inbox.
type Offer struct {
	ID         string `json:"id"`
	LeadID     string `json:"leadId"`
	BusinessID string `json:"businessId"`
	// Seq orders the recipient's inbox: assigned by the store when the offer is written,
	// increasing, and the cursor a subscriber resumes from.
	Seq           int64       `json:"seq"`
	Rank          int         `json:"rank"` // 1 for the first candidate of the lead
	Path          []string    `json:"path"` // business ids from the referrer to the recipient
	PathTrust     float64     `json:"pathTrust"`
	Score         float64     `json:"score"`
	Reasons       []string    `json:"reasons"`
	Status        OfferStatus `json:"status"`
	DeclineReason string      `json:"declineReason,omitempty"`
	CreatedAt     time.Time   `json:"createdAt"`
	ExpiresAt     time.Time   `json:"expiresAt"`
	RespondedAt   *time.Time  `json:"respondedAt,omitempty"`
}

// LeadEvent is an entry of a business's feed (Seq orders the feed, as it orders an inbox): a
// change of the status of a lead it referred, or a notice to it (Kind).
type LeadEvent struct {
	Seq    int64         `json:"seq"`
	Kind   LeadEventKind `json:"kind"`
	LeadID string        `json:"leadId"` // "" for a notice about no lead (WEBHOOK_DISABLED)
	// ReferrerID is the business whose feed holds the event: the lead's referrer for its
	// status changes, the business told for a notice (a LEAD_ERASED event goes to the lead's
	// recipients too). The name is the feed's key in both stores.
	ReferrerID string     `json:"referrerId"`
	Status     LeadStatus `json:"status"` // the lead's, after the event; "" without a lead
	Message    string     `json:"message"`
	WebhookID  string     `json:"webhookId,omitempty"` // the endpoint of a WEBHOOK_DISABLED event
	At         time.Time  `json:"at"`
}

// CommissionStatus is where a commission stands.
type CommissionStatus string

// Commission statuses: OWED when the lead is won; PAID once settled (outside PartnerGraph).
const (
	CommissionOwed CommissionStatus = "OWED"
	CommissionPaid CommissionStatus = "PAID"
)

// Commission is a referral fee that the business that won a lead owes its referrer.
type Commission struct {
	ID            string           `json:"id"`
	LeadID        string           `json:"leadId"`
	PartnershipID string           `json:"partnershipId"`
	PayerID       string           `json:"payerId"` // won the lead
	PayeeID       string           `json:"payeeId"` // referred it
	AmountMinor   int64            `json:"amountMinor"`
	Currency      string           `json:"currency"`
	Status        CommissionStatus `json:"status"`
	CreatedAt     time.Time        `json:"createdAt"`
}

// Transition is one atomic step of a lead's life that a LeadStore writes: the offers whose
// status changes, the new offers to make, the lead's new status, events for the referrer,
// and a commission. Each offer change is a compare-and-set from PENDING.
type Transition struct {
	LeadID     string
	LeadFrom   []LeadStatus // the lead must be in one of these (ECONFLICT otherwise)
	LeadTo     LeadStatus   // "" keeps the status
	Reason     string
	Answer     []OfferAnswer
	NewOffers  []Offer
	Events     []LeadEvent
	Commission *Commission
	// Closes is, for a close (LeadTo WON or LOST), the lead's accepted offer: the store names it
	// in an OUTCOME change, so that other servers learn the close as they learn answers.
	Closes     string
	ValueMinor int64
	Currency   string
	At         time.Time
	// CheckPending makes the store compare, under the lead's lock, the lead's PENDING offers
	// with Pending, and answer ECONFLICT when they differ. A caller whose decision depends on
	// what else is pending (move the lead on when nothing is left; withdraw the others) thus
	// decides on what is true when the transition commits, and on a conflict re-reads and
	// decides again: two declines at once can no longer each see the other pending and leave
	// the lead OFFERED with nothing pending.
	CheckPending bool
	// Pending holds the ids of every offer of the lead that was PENDING when the caller
	// decided, its own answered offers included, in any order. Read only with CheckPending.
	Pending []string
}

// OutcomeOffers are the offers whose outcome the transition records: those it answers and the
// accepted offer it closes. Each is an OUTCOME change in the feed.
func (t *Transition) OutcomeOffers() []string {
	var ids []string
	for _, a := range t.Answer {
		ids = append(ids, a.OfferID)
	}
	if t.Closes != "" {
		ids = append(ids, t.Closes)
	}
	return ids
}

// OfferAnswer moves a PENDING offer to Status (ECONFLICT if it is no longer PENDING).
type OfferAnswer struct {
	OfferID       string
	Status        OfferStatus
	DeclineReason string
}

// LeadStore keeps leads, offers, inboxes and commissions: the lead part of Store (storetest.Run
// holds its contract).
type LeadStore interface {
	// SubmitLead writes the lead, its first offers (their Seq assigned) and its first events in
	// one transaction, unless a lead of the same referrer with the same idempotency key exists:
	// then it returns that lead and created=false, or ECONFLICT if the existing lead's InputHash
	// differs. Keys are scoped to the referrer, so that no business can find or block another's
	// lead by using its key. Each offer counts against its recipient's daily cap inside the
	// transaction (CheckDailyCap's ECONFLICT, and nothing is written).
	SubmitLead(ctx context.Context, l *Lead, offers []Offer, events []LeadEvent) (existing *Lead, created bool, err error)
	// Lead returns the lead, or ENOTFOUND.
	Lead(ctx context.Context, id string) (*Lead, error)
	// Offer returns the offer, or ENOTFOUND.
	Offer(ctx context.Context, id string) (*Offer, error)
	// OffersOfLead returns every offer of a lead, by rank.
	OffersOfLead(ctx context.Context, leadID string) ([]Offer, error)
	// Inbox returns up to limit offers made to the business with Seq > after, by Seq.
	Inbox(ctx context.Context, businessID string, after int64, limit int) ([]Offer, error)
	// LeadEvents returns up to limit events of the referrer's leads with Seq > after, by Seq.
	LeadEvents(ctx context.Context, referrerID string, after int64, limit int) ([]LeadEvent, error)
	// Apply writes a transition atomically: ECONFLICT if the lead or an answered offer is not
	// in the expected status, if t.CheckPending and the lead's pending offers are not
	// t.Pending, or if a new offer would take its recipient past its daily cap
	// (CheckDailyCap), and then nothing is written.
	Apply(ctx context.Context, t Transition) error
	// DueOffers returns up to limit PENDING offers whose ExpiresAt is at or before now.
	DueOffers(ctx context.Context, now time.Time, limit int) ([]Offer, error)
	// OffersSince counts the offers made to each business at or after since (for daily caps).
	OffersSince(ctx context.Context, businessIDs []string, since time.Time) (map[string]int, error)
	// Ledger returns the business's ledger lines, one per partner it exchanged leads with.
	Ledger(ctx context.Context, businessID string) ([]LedgerLine, error)
	// Commissions lists commissions the business pays or earns, newest first.
	Commissions(ctx context.Context, businessID string, p Page) (Slice[Commission], error)
	// CommissionOfLead returns the commission the lead earned when it was won, or ENOTFOUND
	// (for a lead without one, and for an unknown lead).
	CommissionOfLead(ctx context.Context, leadID string) (*Commission, error)
	// Outcomes calls fn for every offer answered (ACCEPTED, DECLINED, EXPIRED) at or after
	// since, in the order they were answered, with its lead: what routing and suggestions
	// learn from, replayed when the projection is built. fn's error ends the walk.
	Outcomes(ctx context.Context, since time.Time, fn func(o Offer, l Lead) error) error
	// PurgeIdempotencyKeys forgets the keys of leads created before the time (at least 24 h
	// ago), so that they can be reused; the leads stay.
	PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error)
}

// Candidate is a business a lead may be offered to, with how it was reached: what routing
// (matching) gives the lead lifecycle.
type Candidate struct {
	BusinessID string
	Path       []string // business ids from the referrer to the candidate
	PathTrust  float64  // the product of the trust along Path
	Score      float64
	Reasons    []string
}
