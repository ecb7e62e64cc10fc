package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// limitBody answers 413 to a request body over max bytes: at once when its Content-Length says
// so; for a body of unknown length (chunked), once more than max bytes have arrived. Such a body
// is read here, before the transports, because gqlgen's POST transport answers a failed read
// as a malformed request with status 200.
func limitBody(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			tooLarge(w, max)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		if r.ContentLength < 0 {
			body, err := io.ReadAll(r.Body)
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &mbe):
				tooLarge(w, max)
				return
			case err != nil:
				writeJSON(w, http.StatusBadRequest, errorBody("could not read the request body", "BAD_REQUEST"))
				return
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		}
		next.ServeHTTP(w, r)
	})
}

// tooLarge answers 413 and closes the connection, so that the rest of the body is not read.
func tooLarge(w http.ResponseWriter, max int64) {
	w.Header().Set("Connection", "close")
	writeJSON(w, http.StatusRequestEntityTooLarge, errorBody(fmt.Sprintf("request body is larger than %d bytes", max), "REQUEST_TOO_LARGE"))
}

// errorBody is a GraphQL response with one error, for answers written outside gqlgen.
func errorBody(message, code string) map[string]any {
	return map[string]any{"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": code}}}}
}
