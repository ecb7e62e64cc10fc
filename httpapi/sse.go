package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// sseTransport is gqlgen's SSE transport with its body checked first: gqlgen's logs a body it
// cannot decode whole, which would copy whatever a caller sent (a lead's customer data, say)
// into the server's log.
type sseTransport struct{ transport.SSE }

// Do answers a body that is not JSON with 400 itself, without logging it, and hands every
// other request to gqlgen's transport.
func (t sseTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body) // within limitBody's limit
	if err != nil || !json.Valid(body) {
		writeJSON(w, http.StatusBadRequest, errorBody("json request body could not be decoded", "BAD_REQUEST"))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	t.SSE.Do(w, r, exec)
}
