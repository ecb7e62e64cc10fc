package partnergraph

import (
	"strings"
	"time"
)

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

// PartnershipParty is the side of a partnership that a caller acts for.
type PartnershipParty string

// The parties: the business that proposed the partnership, and the one it proposed to.
const (
	PartyProposer PartnershipParty = "PROPOSER"
	PartyPartner  PartnershipParty = "PARTNER"
)

// PartnershipMove is a change of a partnership's status that one of its parties asks for.
type PartnershipMove string

// Moves: the partner accepts or declines a proposal; either party ends the partnership.
const (
	MoveAccept  PartnershipMove = "ACCEPT"
	MoveDecline PartnershipMove = "DECLINE"
	MoveEnd     PartnershipMove = "END"
)

// partnershipMoves is every move that a party may make, the statuses it may make it from and
// the status it leads to. What is not here is forbidden.
var partnershipMoves = []struct {
	move PartnershipMove
	by   PartnershipParty
	from []PartnershipStatus
	to   PartnershipStatus
}{
	{MoveAccept, PartyPartner, []PartnershipStatus{PartnershipProposed}, PartnershipActive},
	{MoveDecline, PartyPartner, []PartnershipStatus{PartnershipProposed}, PartnershipDeclined},
	// Either party ends an active partnership; only the proposer withdraws its proposal: the
	// partner declines it instead.
	{MoveEnd, PartyProposer, []PartnershipStatus{PartnershipActive, PartnershipProposed}, PartnershipEnded},
	{MoveEnd, PartyPartner, []PartnershipStatus{PartnershipActive}, PartnershipEnded},
}

// Transition returns the statuses from which the party may make the move and the status it
// leads to. EFORBIDDEN when the party may not make the move at all (the proposer answering its
// own proposal); a move from another status is the store's ECONFLICT
// (Store.SetPartnershipStatus).
func (m PartnershipMove) Transition(by PartnershipParty) (from []PartnershipStatus, to PartnershipStatus, err error) {
	for _, t := range partnershipMoves {
		if t.move == m && t.by == by {
			return t.from, t.to, nil
		}
	}
	return nil, "", Errorf(EFORBIDDEN, "the %s of a partnership may not %s it", strings.ToLower(string(by)), strings.ToLower(string(m)))
}

// CheckProposalTo returns EINVALID naming "partnerId" when partner may not be proposed to: a
// suspended business takes no new partnerships.
func CheckProposalTo(partner *Business) error {
	if partner.Status == BusinessSuspended {
		return Invalidf("partnerId", "business %q is suspended", partner.ID)
	}
	return nil
}

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
