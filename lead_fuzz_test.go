package partnergraph_test

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/partnergraph/partnergraph"
)

// FuzzLeadValidate checks that Lead.Validate never panics, refuses with EINVALID naming a
// field, and accepts only leads whose every field holds what the rest of the system assumes:
// an email without control characters and with a dotted domain, a phone of 7 to 15 digits,
// bounded valid text, a real location, a consistent mode. Validating an accepted lead again
// accepts it unchanged.
func FuzzLeadValidate(f *testing.F) {
	given := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC).Unix()
	f.Add("daves-collision", "personal-injury-attorney", 39.8, -89.65, "key-00000001", "Pat Driver", "pat@example.com",
		"+1 217 555 0142", "Pat agreed to share these details.", given, "neck pain", "", 0)
	f.Add("b", "tyres", 0.0, 0.0, "  key-00000002  ", "Ö", "", "(217) 555-0142", "consent given in person", given, "", "SHARED", 5)
	f.Add("b", "tyres", 90.0, 180.0, "key-00000003", "x", "a.b+c@d.example", "", "consent given in person", given, "", "SHARED", 0)
	f.Add("b", "tyres", -90.0, -180.0, "key-00000004", "x", "\"a b\"@d.example", "", "consent given in person", given, "", "EXCLUSIVE", 9)
	f.Add("b", "tyres", 1.0, 1.0, "key-00000005", "x", "a@b.c\r\nBcc: x@y.z", "", "consent given in person", given, "", "", 0)
	f.Add("b", "tyres", 1.0, 1.0, "key-00000006", "x", "Pat <pat@example.com>", "", "consent given in person", given, "", "", 0)
	f.Add("b", "tyres", math.NaN(), 1.0, "key-00000007", "x", "pat@example.com", "", "consent given in person", given, "", "", 0)
	f.Add("b", "tyres", 1.0, 1.0, "key-00000008", "x\x00", "", "+++1234567", "consent given in person", given, "", "", 0)
	f.Add("b", "tyres", 1.0, 1.0, "key-00000009", "x", "", "1234567890123456", "consent given in person", int64(0), "", "", 0)

	f.Fuzz(func(t *testing.T, referrer, service string, lat, lng float64, key, name, email, phone, consent string,
		givenAt int64, notes, mode string, maxOffers int) {
		l := &partnergraph.Lead{
			ReferrerID: referrer, ServiceID: service, Location: partnergraph.Point{Lat: lat, Lng: lng},
			IdempotencyKey: key, Customer: partnergraph.Customer{Name: name, Email: email, Phone: phone},
			Consent: partnergraph.Consent{Text: consent, GivenAt: time.Unix(givenAt, 0).UTC()},
			Notes:   notes, Mode: partnergraph.LeadMode(mode), MaxOffers: maxOffers,
		}
		err := l.Validate()
		if err != nil {
			var e *partnergraph.Error
			if partnergraph.ErrorCode(err) != partnergraph.EINVALID || !errors.As(err, &e) || e.Field == "" {
				t.Fatalf("refusal %#v: want EINVALID naming a field", err)
			}
			return
		}
		checkAcceptedLead(t, l)
		again := *l
		if err := again.Validate(); err != nil || !reflect.DeepEqual(again, *l) {
			t.Fatalf("validating an accepted lead again: %v, %+v → %+v", err, *l, again)
		}
	})
}

func checkAcceptedLead(t *testing.T, l *partnergraph.Lead) {
	t.Helper()
	if !partnergraph.ValidID(l.ReferrerID) || !partnergraph.ValidSlug(l.ServiceID) {
		t.Fatalf("ids %q %q", l.ReferrerID, l.ServiceID)
	}
	if !(l.Location.Lat >= -90 && l.Location.Lat <= 90 && l.Location.Lng >= -180 && l.Location.Lng <= 180) {
		t.Fatalf("location %+v", l.Location)
	}
	if l.Customer.Email == "" && l.Customer.Phone == "" {
		t.Fatal("no email and no phone")
	}
	if e := l.Customer.Email; e != "" {
		at := strings.LastIndexByte(e, '@')
		if len(e) > 254 || at <= 0 || strings.IndexFunc(e, unicode.IsControl) >= 0 || !utf8.ValidString(e) {
			t.Fatalf("email %q accepted", e)
		}
		domain := e[at+1:]
		if !strings.Contains(domain, ".") || strings.ContainsAny(domain, " <>()[],;:\\\"") {
			t.Fatalf("email %q accepted: domain %q", e, domain)
		}
	}
	if p := l.Customer.Phone; p != "" {
		digits := 0
		for i, r := range p {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == '+' && i == 0, strings.ContainsRune(" -.()", r):
			default:
				t.Fatalf("phone %q accepted: %q", p, r)
			}
		}
		if digits < 7 || digits > 15 {
			t.Fatalf("phone %q accepted with %d digits", p, digits)
		}
	}
	for _, text := range []struct {
		name     string
		s        string
		min, max int
	}{
		{"name", l.Customer.Name, 1, 120}, {"consent", l.Consent.Text, 10, 2000}, {"notes", l.Notes, 0, 2000},
		{"idempotencyKey", l.IdempotencyKey, 8, 128},
	} {
		n := utf8.RuneCountInString(text.s)
		if n < text.min || n > text.max || !utf8.ValidString(text.s) || strings.ContainsRune(text.s, 0) {
			t.Fatalf("%s %q accepted", text.name, text.s)
		}
	}
	if l.IdempotencyKey != strings.TrimSpace(l.IdempotencyKey) {
		t.Fatalf("idempotency key %q not trimmed", l.IdempotencyKey)
	}
	if l.Consent.GivenAt.IsZero() || l.Consent.GivenAt.After(time.Now().Add(5*time.Minute)) {
		t.Fatalf("consent given at %v", l.Consent.GivenAt)
	}
	switch l.Mode {
	case partnergraph.Exclusive:
		if l.MaxOffers != 1 {
			t.Fatalf("EXCLUSIVE with %d offers", l.MaxOffers)
		}
	case partnergraph.Shared:
		if l.MaxOffers < 1 || l.MaxOffers > partnergraph.MaxSharedOffers {
			t.Fatalf("SHARED with %d offers", l.MaxOffers)
		}
	default:
		t.Fatalf("mode %q", l.Mode)
	}
}
