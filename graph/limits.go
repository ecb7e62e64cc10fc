package graph

import (
	"fmt"
	"net/http"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

func limitError(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}}
}

// limitBody answers 413 to a request body over max bytes, without reading it, and caps what a
// body without a length may send.
func limitBody(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			w.Header().Set("Connection", "close")
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"errors": []map[string]any{{
				"message":    fmt.Sprintf("request body is larger than %d bytes", max),
				"extensions": map[string]any{"code": "REQUEST_TOO_LARGE"},
			}}})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}
