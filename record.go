package partnergraph

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// BusinessRecord is a business with its services and owners, as the interchange format holds it.
type BusinessRecord struct {
	Business
	Services []string `json:"services,omitempty"`
	Owners   []string `json:"owners,omitempty"`
}

// Record is one line of the JSON Lines interchange format of import and export: an object
// with exactly one key naming the kind, e.g. {"service":{"id":"tyres",...}}.
type Record struct {
	Line        int             `json:"-"` // 1-based line in the file it was read from
	Service     *Service        `json:"service,omitempty"`
	Complement  *Complement     `json:"complement,omitempty"`
	Business    *BusinessRecord `json:"business,omitempty"`
	Network     *Network        `json:"network,omitempty"`
	Membership  *Membership     `json:"membership,omitempty"`
	Trust       *Trust          `json:"trust,omitempty"`
	Partnership *Partnership    `json:"partnership,omitempty"`
}

// Kind names the record's kind, or "" if it holds none or several.
func (r Record) Kind() string {
	kind, n := "", 0
	for name, set := range map[string]bool{
		"service": r.Service != nil, "complement": r.Complement != nil, "business": r.Business != nil,
		"network": r.Network != nil, "membership": r.Membership != nil, "trust": r.Trust != nil,
		"partnership": r.Partnership != nil,
	} {
		if set {
			kind, n = name, n+1
		}
	}
	if n != 1 {
		return ""
	}
	return kind
}

// Validate checks the record's one object (filling defaults) and returns EINVALID naming the
// field as "kind.field".
func (r Record) Validate() error {
	var err error
	switch r.Kind() {
	case "service":
		err = r.Service.Validate()
	case "complement":
		if r.Complement.Source == "" {
			r.Complement.Source = SourceCurated
		}
		err = r.Complement.Validate()
	case "business":
		if r.Business.ID == "" {
			return Invalidf("business.id", "is required in an import")
		}
		err = r.Business.Validate()
		for _, s := range r.Business.Services {
			if err == nil && !ValidSlug(s) {
				err = Invalidf("services", "%q is not a service slug", s)
			}
		}
	case "network":
		if r.Network.ID == "" {
			return Invalidf("network.id", "is required in an import")
		}
		err = r.Network.Validate()
	case "membership":
		err = r.Membership.Validate()
	case "trust":
		err = r.Trust.Validate()
	case "partnership":
		if r.Partnership.ID == "" {
			return Invalidf("partnership.id", "is required in an import")
		}
		err = r.Partnership.Validate()
	default:
		return Invalidf("", "must hold exactly one of service, complement, business, network, membership, trust, partnership")
	}
	return WithFieldPrefix(r.Kind(), err)
}

// DecodeRecord parses and validates one line of the interchange format. Unknown fields are
// EINVALID, so that a typo does not silently drop data.
func DecodeRecord(line []byte, lineNo int) (Record, error) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, Errorf(EINVALID, "line %d: %v", lineNo, err)
	}
	if dec.More() {
		return r, Errorf(EINVALID, "line %d: more than one JSON value", lineNo)
	}
	r.Line = lineNo
	if r.Business != nil && len(r.Business.Services) == 0 {
		// "services": [] is no services, as an export writes it (by leaving the key out), so
		// that export then import gives back the same record.
		r.Business.Services = nil
	}
	if err := r.Validate(); err != nil {
		return r, AtLine(lineNo, err)
	}
	return r, nil
}

// AtLine prefixes err's message with the line number, keeping its code.
func AtLine(line int, err error) error {
	return &Error{Code: ErrorCode(err), Message: fmt.Sprintf("line %d: %v", line, err)}
}

// ImportStats counts the records imported, by kind.
type ImportStats map[string]int
