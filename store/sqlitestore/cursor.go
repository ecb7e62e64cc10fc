package sqlitestore

import (
	"encoding/base64"
	"encoding/json"

	"github.com/partnergraph/partnergraph"
)

// A cursor is the sort key of the last item seen, as base64url JSON: opaque to clients, and
// resumable by keyset (WHERE key > cursor) so pages stay right while rows are inserted.
type cursor struct {
	S  string  `json:"s,omitempty"` // name, or a time as a decimal string
	N  int64   `json:"n,omitempty"` // time in nanoseconds
	F  float64 `json:"f,omitempty"` // distance
	K  string  `json:"k,omitempty"` // second string key
	ID string  `json:"id"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the zero cursor for "", and EINVALID naming "after" for garbage.
func decodeCursor(s string) (c cursor, ok bool, err error) {
	if s == "" {
		return c, false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" {
		return c, false, partnergraph.Invalidf("after", "is not a cursor from this listing")
	}
	return c, true, nil
}
