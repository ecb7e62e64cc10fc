package partnergraph

import "time"

// FeeType is how a referral fee is computed.
type FeeType string

// Fee types: a flat amount per won lead, or a percentage of the won lead's value.
const (
	FeeFlat    FeeType = "FLAT"
	FeePercent FeeType = "PERCENT"
)

// FeeTerms are the referral-fee terms of a partnership: what the business that receives and
// wins a lead pays the business that referred it. Amounts are in minor units of Currency;
// percentages in basis points.
type FeeTerms struct {
	Type        FeeType `json:"type"`
	AmountMinor int64   `json:"amountMinor,omitempty"` // FLAT only
	PercentBP   int64   `json:"percentBp,omitempty"`   // PERCENT only
	Currency    string  `json:"currency"`
}

// Validate returns EINVALID naming the field at fault.
func (t FeeTerms) Validate() error {
	if err := ValidCurrency(t.Currency); err != nil {
		return WithFieldPrefix("currency", err)
	}
	switch t.Type {
	case FeeFlat:
		if t.AmountMinor <= 0 {
			return Invalidf("amount", "must be greater than 0 for a FLAT fee")
		}
		if t.PercentBP != 0 {
			return Invalidf("percent", "must be empty for a FLAT fee")
		}
	case FeePercent:
		if t.PercentBP <= 0 || t.PercentBP > 10000 {
			return Invalidf("percent", "must be greater than 0 and at most 100 for a PERCENT fee")
		}
		if t.AmountMinor != 0 {
			return Invalidf("amount", "must be empty for a PERCENT fee")
		}
	default:
		return Invalidf("type", "must be FLAT or PERCENT")
	}
	return nil
}

// Fee returns the fee owed for a won lead of the given value (minor units), per the terms.
func (t FeeTerms) Fee(valueMinor int64) int64 {
	if t.Type == FeeFlat {
		return t.AmountMinor
	}
	return PercentOf(valueMinor, t.PercentBP)
}

// PartnershipStatus is where a partnership stands.
type PartnershipStatus string

// Partnership statuses: proposed by one business, then accepted (ACTIVE) or DECLINED by the
// other; an ACTIVE one is ENDED by either side. A proposal can be withdrawn (ENDED) too.
const (
	PartnershipProposed PartnershipStatus = "PROPOSED"
	PartnershipActive   PartnershipStatus = "ACTIVE"
	PartnershipDeclined PartnershipStatus = "DECLINED"
	PartnershipEnded    PartnershipStatus = "ENDED"
)

// Valid reports whether s is a known status.
func (s PartnershipStatus) Valid() bool {
	switch s {
	case PartnershipProposed, PartnershipActive, PartnershipDeclined, PartnershipEnded:
		return true
	}
	return false
}

// Check returns EINVALID naming field unless s is a known partnership status.
func (s PartnershipStatus) Check(field string) error {
	if !s.Valid() {
		return Invalidf(field, "must be PROPOSED, ACTIVE, DECLINED or ENDED")
	}
	return nil
}

// Open reports whether a partnership in status s still binds its pair: a pair has at most
// one open partnership.
func (s PartnershipStatus) Open() bool { return s == PartnershipProposed || s == PartnershipActive }

// Partnership is a referral agreement between two businesses.
type Partnership struct {
	ID          string            `json:"id"`
	ProposerID  string            `json:"proposerId"`
	PartnerID   string            `json:"partnerId"`
	Status      PartnershipStatus `json:"status"`
	Terms       FeeTerms          `json:"terms"`
	Message     string            `json:"message,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	RespondedAt *time.Time        `json:"respondedAt,omitempty"`
	EndedAt     *time.Time        `json:"endedAt,omitempty"`
}

// Validate fills a missing status with PROPOSED and returns EINVALID naming the field at fault.
func (p *Partnership) Validate() error {
	if p.ID != "" {
		if err := CheckID("id", p.ID); err != nil {
			return err
		}
	}
	if !ValidID(p.ProposerID) {
		return Invalidf("proposerId", "must be a business id")
	}
	if !ValidID(p.PartnerID) {
		return Invalidf("partnerId", "must be a business id")
	}
	if p.ProposerID == p.PartnerID {
		return Invalidf("partnerId", "a business cannot partner with itself")
	}
	if p.Status == "" {
		p.Status = PartnershipProposed
	}
	if err := p.Status.Check("status"); err != nil {
		return err
	}
	if err := p.Terms.Validate(); err != nil {
		return WithFieldPrefix("terms", err)
	}
	return checkText("message", p.Message, 0, 1000)
}

// Prepare validates p (EINVALID naming the field; p keeps Validate's defaults) and returns the
// copy that a store creates, as Business.Prepare does.
func (p *Partnership) Prepare(now time.Time) (Partnership, error) {
	if err := p.Validate(); err != nil {
		return Partnership{}, err
	}
	np := *p
	stampNew(&np.ID, &np.CreatedAt, now)
	return np, nil
}

// Other returns the id of the partner of businessID in p.
func (p *Partnership) Other(businessID string) string {
	if p.ProposerID == businessID {
		return p.PartnerID
	}
	return p.ProposerID
}

// PartnershipFilter narrows a partnership listing; zero fields do not filter.
type PartnershipFilter struct {
	BusinessID string // either party
	Status     PartnershipStatus
}
