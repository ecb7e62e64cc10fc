package neo4jstore

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

func TestCursorRoundTrip(t *testing.T) {
	created := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	for _, c := range []cursor{
		{Kind: byName, S: "Dave's Collision", ID: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"},
		{Kind: byName, S: "", ID: "x"},
		{Kind: byDistance, F: 0, ID: "a"},
		{Kind: byDistance, F: 140.12345678901234, ID: "b"},
		{Kind: byMembership, S: "network-1", ID: "business-1"},
		{Kind: byTrust, S: "from", ID: "to"},
		newestCursor(created, "p1"),
	} {
		got, ok, err := decodeCursor(c.encode(), c.Kind)
		if err != nil || !ok || got != c {
			t.Errorf("decode(encode(%+v)) = %+v, %v, %v", c, got, ok, err)
		}
	}
	got, _, _ := decodeCursor(newestCursor(created.In(time.FixedZone("x", 3600)), "p1").encode(), byNewest)
	if !got.time().Equal(created) {
		t.Errorf("cursor time = %v, want %v", got.time(), created)
	}
	if _, ok, err := decodeCursor("", byName); ok || err != nil {
		t.Errorf(`decodeCursor("") = %v, %v; want the first page`, ok, err)
	}
}

func TestCursorMalformed(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, after := range map[string]string{
		"not base64":           "not a cursor!",
		"percent signs":        "%%%",
		"padded base64":        base64.URLEncoding.EncodeToString([]byte(`{"k":"name","i":"a"}`)),
		"not JSON":             b64("hello"),
		"JSON array":           b64(`["name","a"]`),
		"unknown field":        b64(`{"k":"name","i":"a","x":1}`),
		"two values":           b64(`{"k":"name","i":"a"}{}`),
		"no id":                b64(`{"k":"name","s":"A"}`),
		"other listing":        cursor{Kind: byTrust, S: "a", ID: "b"}.encode(),
		"bad time":             b64(`{"k":"newest","s":"yesterday","i":"p"}`),
		"wrong type of a key":  b64(`{"k":"name","s":5,"i":"a"}`),
		"truncated":            cursor{Kind: byName, S: "A", ID: "a"}.encode()[:10],
		"distance as a string": b64(`{"k":"distance","f":"1","i":"a"}`),
	} {
		kind := byName
		switch name {
		case "bad time":
			kind = byNewest
		case "distance as a string":
			kind = byDistance
		}
		_, _, err := decodeCursor(after, kind)
		e, ok := err.(*partnergraph.Error)
		if !ok || e.Code != partnergraph.EINVALID || e.Field != "after" {
			t.Errorf("%s: decodeCursor(%q) error = %v, want EINVALID naming after", name, after, err)
		}
	}
}
