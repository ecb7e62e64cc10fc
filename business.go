package partnergraph

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// BusinessStatus is where a business stands in the network.
type BusinessStatus string

// Business statuses. New businesses are ACTIVE; admins suspend them. PENDING is kept for
// imports of businesses that are not yet allowed to receive leads.
const (
	BusinessPending   BusinessStatus = "PENDING"
	BusinessActive    BusinessStatus = "ACTIVE"
	BusinessSuspended BusinessStatus = "SUSPENDED"
)

// Valid reports whether s is a known status.
func (s BusinessStatus) Valid() bool {
	return s == BusinessPending || s == BusinessActive || s == BusinessSuspended
}

// Defaults for new businesses.
const (
	DefaultDailyLeadCap    = 20
	DefaultServiceRadiusKm = 25.0
)

// Business is a member of the network: a local or online business that offers services.
type Business struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Description     string         `json:"description,omitempty"`
	Website         string         `json:"website,omitempty"`
	Phone           string         `json:"phone,omitempty"`
	Email           string         `json:"email,omitempty"`
	Location        Point          `json:"location"`
	City            string         `json:"city,omitempty"`
	Country         string         `json:"country,omitempty"`
	ServiceRadiusKm float64        `json:"serviceRadiusKm"`
	Status          BusinessStatus `json:"status"`
	Verified        bool           `json:"verified"`
	DailyLeadCap    int            `json:"dailyLeadCap"`
	CreatedAt       time.Time      `json:"createdAt"`
}

// Validate checks every field and fills defaults for the zero ones (status, radius, lead cap).
// It returns EINVALID naming the first field at fault.
func (b *Business) Validate() error {
	if b.ID != "" {
		if err := CheckID("id", b.ID); err != nil {
			return err
		}
	}
	b.Name = strings.TrimSpace(b.Name)
	if err := checkText("name", b.Name, 1, 120); err != nil {
		return err
	}
	if err := checkText("description", b.Description, 0, 2000); err != nil {
		return err
	}
	if b.Website != "" {
		u, err := url.Parse(b.Website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(b.Website) > 300 {
			return Invalidf("website", "must be an http or https URL")
		}
	}
	if b.Email != "" {
		if err := ValidEmail(b.Email); err != nil {
			return WithFieldPrefix("email", err)
		}
	}
	if b.Phone != "" {
		if err := ValidPhone(b.Phone); err != nil {
			return WithFieldPrefix("phone", err)
		}
	}
	if err := b.Location.Validate(); err != nil {
		return WithFieldPrefix("location", err)
	}
	if err := checkText("city", b.City, 0, 100); err != nil {
		return err
	}
	if b.Country != "" && (len(b.Country) != 2 || strings.ToUpper(b.Country) != b.Country) {
		return Invalidf("country", "must be an ISO 3166-1 alpha-2 code such as \"US\"")
	}
	if b.ServiceRadiusKm == 0 {
		b.ServiceRadiusKm = DefaultServiceRadiusKm
	}
	if b.ServiceRadiusKm < 0 || b.ServiceRadiusKm > 20000 {
		return Invalidf("serviceRadiusKm", "must be between 0 and 20000")
	}
	if b.Status == "" {
		b.Status = BusinessActive
	}
	if !b.Status.Valid() {
		return Invalidf("status", "must be PENDING, ACTIVE or SUSPENDED")
	}
	if b.DailyLeadCap == 0 {
		b.DailyLeadCap = DefaultDailyLeadCap
	}
	if b.DailyLeadCap < 0 || b.DailyLeadCap > 10000 {
		return Invalidf("dailyLeadCap", "must be between 1 and 10000")
	}
	return nil
}

// Prepare validates b (EINVALID naming the field; b keeps Validate's defaults) and returns the
// copy that a store creates: as stampNew fills it. b gets the id and time only once the store
// committed the write.
func (b *Business) Prepare(now time.Time) (Business, error) {
	if err := b.Validate(); err != nil {
		return Business{}, err
	}
	nb := *b
	stampNew(&nb.ID, &nb.CreatedAt, now)
	return nb, nil
}

// BusinessPatch changes some fields of a business; nil fields stay as they are.
type BusinessPatch struct {
	Name            *string
	Description     *string
	Website         *string
	Phone           *string
	Email           *string
	Location        *Point
	City            *string
	Country         *string
	ServiceRadiusKm *float64
	DailyLeadCap    *int
	Status          *BusinessStatus
	Verified        *bool
}

// Apply returns a copy of b with the patch applied and validated (EINVALID naming the field).
func (p BusinessPatch) Apply(b Business) (Business, error) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&b.Name, p.Name)
	set(&b.Description, p.Description)
	set(&b.Website, p.Website)
	set(&b.Phone, p.Phone)
	set(&b.Email, p.Email)
	set(&b.City, p.City)
	set(&b.Country, p.Country)
	if p.Location != nil {
		b.Location = *p.Location
	}
	if p.ServiceRadiusKm != nil {
		if *p.ServiceRadiusKm <= 0 {
			return b, Invalidf("serviceRadiusKm", "must be between 0 and 20000")
		}
		b.ServiceRadiusKm = *p.ServiceRadiusKm
	}
	if p.DailyLeadCap != nil {
		if *p.DailyLeadCap <= 0 {
			return b, Invalidf("dailyLeadCap", "must be between 1 and 10000")
		}
		b.DailyLeadCap = *p.DailyLeadCap
	}
	if p.Status != nil {
		if !p.Status.Valid() {
			return b, Invalidf("status", "must be PENDING, ACTIVE or SUSPENDED")
		}
		b.Status = *p.Status
	}
	if p.Verified != nil {
		b.Verified = *p.Verified
	}
	return b, b.Validate()
}

// BusinessOrder is the order of a business listing.
type BusinessOrder int

// Business orders: by name (then id), or by distance from BusinessFilter.Near (then id).
const (
	ByName BusinessOrder = iota
	ByDistance
)

// Near is a circle on the map.
type Near struct {
	Point
	RadiusKm float64
}

// BusinessFilter narrows a business listing; zero fields do not filter.
type BusinessFilter struct {
	Search    string           // full-text search over name and description
	Services  []string         // offers at least one of these service ids
	NetworkID string           // active member of this network
	Statuses  []BusinessStatus // in one of these statuses
	Near      *Near            // within the circle; the listing is then ordered by distance
}

// Validate returns EINVALID naming the field at fault.
func (f BusinessFilter) Validate() error {
	if len(f.Search) > 200 {
		return Invalidf("search", "must be at most 200 characters")
	}
	for _, s := range f.Statuses {
		if !s.Valid() {
			return Invalidf("status", "must be PENDING, ACTIVE or SUSPENDED")
		}
	}
	if f.Near != nil {
		if err := f.Near.Point.Validate(); err != nil {
			return WithFieldPrefix("near", err)
		}
		if !(f.Near.RadiusKm > 0 && f.Near.RadiusKm <= 20000) {
			return Invalidf("near.radiusKm", "must be greater than 0 and at most 20000")
		}
	}
	return nil
}

// ValidEmail returns EINVALID for anything but a plain address such as "a@b.example".
func ValidEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return Invalidf("", "must be an email address such as name@example.com")
	}
	return nil
}

// ValidPhone returns EINVALID unless s holds 7 to 15 digits, optionally with a leading '+',
// spaces, dashes, dots and parentheses.
func ValidPhone(s string) error {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			return Invalidf("", "must be a phone number such as +1 555 010 0199")
		}
	}
	if digits < 7 || digits > 15 {
		return Invalidf("", "must have 7 to 15 digits")
	}
	return nil
}

func checkText(field, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	if n < min {
		if min == 1 {
			return Invalidf(field, "must not be empty")
		}
		return Invalidf(field, "must be at least %d characters", min)
	}
	if n > max {
		return Invalidf(field, "must be at most %d characters", max)
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return Invalidf(field, "must be valid UTF-8 text")
	}
	return nil
}
