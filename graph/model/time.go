package model

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/partnergraph/partnergraph"
)

// MarshalTime writes a time as RFC 3339 with nanoseconds, in UTC.
func MarshalTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads an RFC 3339 time. A bad value is the caller's mistake (BAD_USER_INPUT),
// which gqlgen's own Time scalar would report as an internal error.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, partnergraph.Invalidf("", "must be an RFC 3339 time such as \"2026-11-20T10:00:00Z\"")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, partnergraph.Invalidf("", "must be an RFC 3339 time such as \"2026-11-20T10:00:00Z\"")
	}
	return t, nil
}
