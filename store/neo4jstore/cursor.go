package neo4jstore

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/partnergraph/partnergraph"
)

// A cursor is the sort key of the last item of a page, as base64url JSON. Pages resume by
// keyset (WHERE key > cursor), so they stay right while items are inserted and cost the same
// at any depth. The listing's kind is part of the cursor, so that a cursor from one listing
// given to another is EINVALID instead of silently wrong.
type cursor struct {
	Kind string  `json:"k"`
	S    string  `json:"s,omitempty"` // name, first id of a pair, or an RFC 3339 time
	F    float64 `json:"f,omitempty"` // distance
	ID   string  `json:"i"`           // the id that breaks ties
}

// Cursor kinds, one per listing order.
const (
	byName       = "name"       // businesses and networks: (name, id)
	byDistance   = "distance"   // businesses near a point: (distance, id)
	byMembership = "member"     // (network id, business id)
	byTrust      = "trust"      // (from, to)
	byNewest     = "newest"     // partnerships: (createdAt, id) descending
	byCommission = "commission" // commissions: (createdAt, id) descending
	byReturn     = "return"     // returns: (requestedAt, lead id) ascending
	byWebhook    = "webhook"    // webhook endpoints: (createdAt, id)
	byDelivery   = "delivery"   // a webhook's delivery log: (createdAt, event id) descending
)

func (c cursor) encode() string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a struct of strings and a finite float always marshals
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses after for a listing of the kind. It returns ok false for "" (the first
// page) and EINVALID naming "after" for anything that is not a cursor of this listing.
func decodeCursor(after, kind string) (c cursor, ok bool, err error) {
	if after == "" {
		return c, false, nil
	}
	invalid := partnergraph.Invalidf("after", "is not a cursor from this listing")
	b, err := base64.RawURLEncoding.DecodeString(after)
	if err != nil {
		return c, false, invalid
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() || c.Kind != kind || c.ID == "" {
		return cursor{}, false, invalid
	}
	if kind == byNewest || kind == byCommission || kind == byReturn || kind == byWebhook || kind == byDelivery {
		if _, err := time.Parse(time.RFC3339Nano, c.S); err != nil {
			return cursor{}, false, invalid
		}
	}
	return c, true, nil
}

// time is the cursor's time key (valid once decodeCursor accepted a byNewest, byCommission or
// byReturn cursor).
func (c cursor) time() time.Time {
	t, _ := time.Parse(time.RFC3339Nano, c.S)
	return t
}

// newestFirstStart is the keyset time of a newest-first listing's first page: after every
// stored time, so that the first page seeks its index like every later one (a null there made
// the planner scan and sort every node of the label).
var newestFirstStart = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

func newestCursor(t time.Time, id string) cursor {
	return cursor{Kind: byNewest, S: t.UTC().Format(time.RFC3339Nano), ID: id}
}

// commissionCursor is newestCursor for the commission listing, which has a kind of its own so
// that a partnership cursor given to it (or the reverse) is EINVALID.
func commissionCursor(t time.Time, id string) cursor {
	return cursor{Kind: byCommission, S: t.UTC().Format(time.RFC3339Nano), ID: id}
}
