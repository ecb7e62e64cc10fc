package partnergraph

import (
	"math"
	"regexp"
)

// Service is a kind of work a business offers, identified by a slug such as "tyres".
type Service struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Sector string `json:"sector"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a service slug: lower-case words joined by '-', at most 64.
func ValidSlug(s string) bool { return len(s) <= 64 && slugRE.MatchString(s) }

// Validate returns EINVALID naming the field at fault.
func (s Service) Validate() error {
	if !ValidSlug(s.ID) {
		return Invalidf("id", "must be a slug of lower-case letters, digits and '-' (e.g. \"collision-repair\")")
	}
	if err := checkText("name", s.Name, 1, 100); err != nil {
		return err
	}
	return checkText("sector", s.Sector, 1, 60)
}

// Source says where a weight or score came from.
type Source string

// Sources: curated by an admin, learned from lead outcomes, or set by a member.
const (
	SourceCurated Source = "CURATED"
	SourceLearned Source = "LEARNED"
	SourceMember  Source = "MEMBER"
	SourceAdmin   Source = "ADMIN"
	SourceOutcome Source = "OUTCOME"
)

// Complement says that customers of service From often need service To, with a weight in
// [0,1]. It is directed: a collision-repair customer needs an attorney more often than the
// other way round.
type Complement struct {
	From   string  `json:"from"`
	To     string  `json:"to"`
	Weight float64 `json:"weight"`
	Source Source  `json:"source"`
}

// Validate returns EINVALID naming the field at fault.
func (c Complement) Validate() error {
	if !ValidSlug(c.From) {
		return Invalidf("from", "must be a service slug")
	}
	if !ValidSlug(c.To) {
		return Invalidf("to", "must be a service slug")
	}
	if c.From == c.To {
		return Invalidf("to", "must differ from \"from\"")
	}
	if err := CheckUnit("weight", c.Weight); err != nil {
		return err
	}
	if c.Source != SourceCurated && c.Source != SourceLearned {
		return Invalidf("source", "must be CURATED or LEARNED")
	}
	return nil
}

// CheckUnit returns EINVALID naming field unless v is in [0,1] (and a number).
func CheckUnit(field string, v float64) error {
	if math.IsNaN(v) || v < 0 || v > 1 {
		return Invalidf(field, "must be between 0 and 1")
	}
	return nil
}
