package partnergraph

import "time"

// Trust is one business's trust in another, a score in [0,1]. It is directed: From trusts To.
type Trust struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Score     float64   `json:"score"`
	Note      string    `json:"note,omitempty"` // visible only to From's owners and admins
	Source    Source    `json:"source"`
	UpdatedAt time.Time `json:"updatedAt"`
	// SetBy is the subject (sub) of the token that last set the edge through the API, so that
	// an admin's override (SourceAdmin) says who made it and, with UpdatedAt, when; empty for
	// edges set before it was recorded, imported without it, or set by the server itself.
	SetBy string `json:"setBy,omitempty"`
}

// Validate fills a missing source with MEMBER and returns EINVALID naming the field at fault.
func (t *Trust) Validate() error {
	if !ValidID(t.From) {
		return Invalidf("from", "must be a business id")
	}
	if !ValidID(t.To) {
		return Invalidf("to", "must be a business id")
	}
	if t.From == t.To {
		return Invalidf("to", "a business cannot trust itself")
	}
	if err := CheckUnit("score", t.Score); err != nil {
		return err
	}
	if t.Source == "" {
		t.Source = SourceMember
	}
	if t.Source != SourceMember && t.Source != SourceAdmin && t.Source != SourceOutcome {
		return Invalidf("source", "must be MEMBER, ADMIN or OUTCOME")
	}
	if err := checkText("setBy", t.SetBy, 0, 500); err != nil {
		return err
	}
	return checkText("note", t.Note, 0, 500)
}

// Direction selects trust edges relative to a business.
type Direction string

// Directions: edges from the business (whom it trusts) or to it (who trusts it).
const (
	Outgoing Direction = "OUTGOING"
	Incoming Direction = "INCOMING"
)

// TrustFilter narrows a trust listing. With BusinessID empty it lists every edge.
type TrustFilter struct {
	BusinessID string
	Direction  Direction
}

// TrustCount is how many trust edges leave and enter a business.
type TrustCount struct {
	Outgoing int
	Incoming int
}
