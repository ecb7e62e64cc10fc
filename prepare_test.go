package partnergraph_test

import (
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Both stores' CreateBusiness, CreateNetwork and CreatePartnership start with these Prepare
// methods: what they fill, and what they leave to the caller, is decided here once.
func TestPrepareNew(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.FixedZone("X", 3600))
	set := time.Date(2025, 1, 2, 3, 4, 5, 6, time.FixedZone("Y", -7200))
	terms := partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 500, Currency: "USD"}
	type prepared struct {
		id        string
		createdAt time.Time
	}
	cases := []struct {
		name    string
		prepare func() (prepared, error)
		wantID  string // "" for a new one
		wantAt  time.Time
		field   string // of the EINVALID, "" for none
	}{
		{"business", func() (prepared, error) {
			b, err := (&partnergraph.Business{Name: "Shop"}).Prepare(now)
			return prepared{b.ID, b.CreatedAt}, err
		}, "", now, ""},
		{"business with id and time", func() (prepared, error) {
			b, err := (&partnergraph.Business{ID: "b-1", Name: "Shop", CreatedAt: set}).Prepare(now)
			return prepared{b.ID, b.CreatedAt}, err
		}, "b-1", set, ""},
		{"business without name", func() (prepared, error) {
			b, err := (&partnergraph.Business{Name: " "}).Prepare(now)
			return prepared{b.ID, b.CreatedAt}, err
		}, "", time.Time{}, "name"},
		{"network", func() (prepared, error) {
			n, err := (&partnergraph.Network{Name: "Chamber"}).Prepare(now)
			return prepared{n.ID, n.CreatedAt}, err
		}, "", now, ""},
		{"network with id and time", func() (prepared, error) {
			n, err := (&partnergraph.Network{ID: "n-1", Name: "Chamber", CreatedAt: set}).Prepare(now)
			return prepared{n.ID, n.CreatedAt}, err
		}, "n-1", set, ""},
		{"network with bad id", func() (prepared, error) {
			n, err := (&partnergraph.Network{ID: "n 1", Name: "Chamber"}).Prepare(now)
			return prepared{n.ID, n.CreatedAt}, err
		}, "", time.Time{}, "id"},
		{"partnership", func() (prepared, error) {
			p, err := (&partnergraph.Partnership{ProposerID: "a", PartnerID: "b", Terms: terms}).Prepare(now)
			return prepared{p.ID, p.CreatedAt}, err
		}, "", now, ""},
		{"partnership with id and time", func() (prepared, error) {
			p, err := (&partnergraph.Partnership{ID: "p-1", ProposerID: "a", PartnerID: "b", Terms: terms, CreatedAt: set}).Prepare(now)
			return prepared{p.ID, p.CreatedAt}, err
		}, "p-1", set, ""},
		{"partnership with itself", func() (prepared, error) {
			p, err := (&partnergraph.Partnership{ProposerID: "a", PartnerID: "a", Terms: terms}).Prepare(now)
			return prepared{p.ID, p.CreatedAt}, err
		}, "", time.Time{}, "partnerId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.prepare()
			if c.field != "" {
				wantErr(t, err, partnergraph.EINVALID, c.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.wantID != "" && got.id != c.wantID || !partnergraph.ValidID(got.id) {
				t.Fatalf("id = %q, want %q (or a new one when empty)", got.id, c.wantID)
			}
			if !got.createdAt.Equal(c.wantAt) || got.createdAt.Location() != time.UTC {
				t.Fatalf("createdAt = %v, want %v in UTC", got.createdAt, c.wantAt)
			}
		})
	}
}

// Prepare works on a copy: the caller's value gets Validate's defaults, and the id and time
// only from the store, once the write committed.
func TestPrepareLeavesTheCallersValue(t *testing.T) {
	b := &partnergraph.Business{Name: "  Shop  "}
	nb, err := b.Prepare(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != "" || !b.CreatedAt.IsZero() || b.Name != "Shop" || nb.Name != "Shop" {
		t.Fatalf("caller's business = %+v after Prepare, prepared %+v", b, nb)
	}
	n := &partnergraph.Network{Name: "Chamber"}
	if _, err := n.Prepare(time.Now()); err != nil || n.ID != "" || n.Visibility != partnergraph.Public {
		t.Fatalf("caller's network = %+v, %v", n, err)
	}
	p := &partnergraph.Partnership{ProposerID: "a", PartnerID: "b", Terms: partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 100, Currency: "USD"}}
	if _, err := p.Prepare(time.Now()); err != nil || p.ID != "" || p.Status != partnergraph.PartnershipProposed {
		t.Fatalf("caller's partnership = %+v, %v", p, err)
	}
}
