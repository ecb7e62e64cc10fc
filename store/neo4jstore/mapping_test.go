package neo4jstore

import (
	"reflect"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// record builds a result record as the driver hands it over, from a map of the values that a
// statement returns.
func record(m map[string]any) *neo4j.Record {
	rec := &neo4j.Record{}
	for k, v := range m {
		rec.Keys = append(rec.Keys, k)
		rec.Values = append(rec.Values, v)
	}
	return rec
}

// The parameters the store writes come back, as properties, as the same values: the mapping
// in both directions agrees.
func TestBusinessMapping(t *testing.T) {
	b := &partnergraph.Business{
		ID: "daves", Name: "Dave's Collision", Description: "dents", Website: "https://daves.example",
		Phone: "+1 217 555 0100", Email: "dave@daves.example", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65},
		City: "Springfield", Country: "US", ServiceRadiusKm: 25, Status: partnergraph.BusinessActive,
		Verified: true, DailyLeadCap: 20, CreatedAt: time.Date(2026, 3, 1, 12, 0, 0, 999, time.UTC),
	}
	props := businessParams(b)
	if p, ok := props["location"].(neo4j.Point2D); !ok || p.X != b.Location.Lng || p.Y != b.Location.Lat || p.SpatialRefId != 4326 {
		t.Fatalf("location parameter = %#v, want a WGS-84 point with x = longitude", props["location"])
	}
	if _, ok := props["dailyLeadCap"].(int64); !ok {
		t.Fatalf("dailyLeadCap parameter is %T, want int64", props["dailyLeadCap"])
	}
	got, err := businessOf(record(map[string]any{"b": neo4j.Node{Props: props}}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, b) {
		t.Fatalf("business round trip:\n got %+v\nwant %+v", got, b)
	}
	props["dailyLeadCap"] = "twenty"
	if _, err := businessOf(record(map[string]any{"b": neo4j.Node{Props: props}})); err == nil {
		t.Fatal("a property of the wrong type was accepted")
	}
}

func TestPartnershipMapping(t *testing.T) {
	responded := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, p := range []*partnergraph.Partnership{
		{ID: "p1", ProposerID: "b", PartnerID: "a", Status: partnergraph.PartnershipActive,
			Terms:     partnergraph.FeeTerms{Type: partnergraph.FeePercent, PercentBP: 1250, Currency: "EUR"},
			CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), RespondedAt: &responded},
		{ID: "p2", ProposerID: "a", PartnerID: "c", Status: partnergraph.PartnershipDeclined, Message: "no",
			Terms:     partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 15000, Currency: "USD"},
			CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), RespondedAt: &responded},
	} {
		params := partnershipParams(p)
		got, err := partnershipOf(record(map[string]any{"p": neo4j.Node{Props: params}}))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("partnership round trip:\n got %+v\nwant %+v", got, p)
		}
		if params["pairKey"] != "a|"+p.Other("a") {
			t.Errorf("pairKey = %v, want the ids in order", params["pairKey"])
		}
		if open := params["openPair"]; p.Status.Open() != (open != nil) {
			t.Errorf("%s partnership has openPair %v", p.Status, open)
		}
		if params["endedAt"] != nil {
			t.Errorf("endedAt = %#v, want nil", params["endedAt"])
		}
	}
}

func TestEdgeMappings(t *testing.T) {
	since := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	m := partnergraph.Membership{BusinessID: "b", NetworkID: "n", Role: partnergraph.RoleOrganizer, Since: since}
	if got, err := membershipOf(record(membershipRow(m))); err != nil || got != m {
		t.Errorf("membership round trip = %+v, %v", got, err)
	}
	tr := partnergraph.Trust{From: "a", To: "b", Score: 0.75, Note: "good", Source: partnergraph.SourceAdmin, UpdatedAt: since, SetBy: "root"}
	if got, err := trustOf(record(trustRow(tr))); err != nil || got != tr {
		t.Errorf("trust round trip = %+v, %v", got, err)
	}
	c := partnergraph.Complement{From: "a", To: "b", Weight: 1, Source: partnergraph.SourceLearned}
	if got, err := complementOf(record(complementRow(c))); err != nil || got != c {
		t.Errorf("complement round trip = %+v, %v", got, err)
	}
	// A weight stored as a whole number by another tool comes back as an integer.
	if got, err := complementOf(record(map[string]any{"from": "a", "to": "b", "weight": int64(1), "source": "CURATED"})); err != nil || got.Weight != 1 {
		t.Errorf("integer weight = %+v, %v", got, err)
	}
	svc := partnergraph.Service{ID: "tyres", Name: "Tyres", Sector: "auto"}
	if got, err := serviceOf(record(serviceRow(svc))); err != nil || got != svc {
		t.Errorf("service round trip = %+v, %v", got, err)
	}
	n := &partnergraph.Network{ID: "n", Name: "Chamber", Region: "IL", Visibility: partnergraph.Private, CreatedAt: since}
	if got, err := networkOf(record(map[string]any{"n": neo4j.Node{Props: networkParams(n)}})); err != nil || *got != *n {
		t.Errorf("network round trip = %+v, %v", got, err)
	}
}

func TestPairKey(t *testing.T) {
	if pairKey("b", "a") != pairKey("a", "b") || pairKey("a", "b") != "a|b" {
		t.Fatalf("pairKey is not the ordered pair: %q, %q", pairKey("a", "b"), pairKey("b", "a"))
	}
}
