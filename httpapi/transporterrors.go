package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/partnergraph/partnergraph"
)

// codeTransportErrors gives an extensions.code to the error answers (status 400 and up) that
// gqlgen's transports and the websocket library write themselves, outside the error presenter:
// a GET with a mutation (405, not gqlgen's 406), an unsupported content type or method, undecodable GET parameters, a
// refused websocket upgrade. Errors that have a code keep it; a body that is not a GraphQL
// response (the websocket library writes plain text) becomes one. Answers below 400 stream
// through untouched.
func codeTransportErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &codeWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		if cw.status == http.StatusNotAcceptable {
			// Only gqlgen's GET transport writes 406, for a mutation; GraphQL over HTTP asks
			// for 405 and the method that is allowed.
			cw.status = http.StatusMethodNotAllowed
			w.Header().Set("Allow", http.MethodPost)
		}
		if cw.status >= http.StatusBadRequest {
			cw.finish()
		}
	})
}

// codeWriter holds back an error answer, which is small and never streamed, to fix it up.
type codeWriter struct {
	http.ResponseWriter
	status int // 0 until WriteHeader
	body   bytes.Buffer
}

func (w *codeWriter) WriteHeader(code int) {
	if w.status != 0 {
		return // the websocket library and gqlgen may each write an error status
	}
	w.status = code
	if code < http.StatusBadRequest {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *codeWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.status >= http.StatusBadRequest {
		return w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets the SSE transport stream through the writer.
func (w *codeWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.status < http.StatusBadRequest {
		http.NewResponseController(w.ResponseWriter).Flush()
	}
}

// Unwrap lets the websocket library reach the connection to hijack it.
func (w *codeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish writes the held-back error answer, each error with a code.
func (w *codeWriter) finish() {
	body := w.body.Bytes()
	var resp map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var errs []any
	if dec.Decode(&resp) == nil {
		errs, _ = resp["errors"].([]any)
	}
	if len(errs) == 0 {
		// Not a GraphQL response: its first line is the message (the rest may be gqlgen's
		// own "unable to upgrade", which says less).
		msg, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
		if msg == "" {
			msg = strings.ToLower(http.StatusText(w.status))
		}
		resp = map[string]any{"errors": []any{map[string]any{"message": msg}}}
		errs = resp["errors"].([]any)
	}
	changed := false
	for _, e := range errs {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		ext, _ := m["extensions"].(map[string]any)
		if ext["code"] != nil {
			continue
		}
		if ext == nil {
			ext = map[string]any{}
			m["extensions"] = ext
		}
		ext["code"] = codeForStatus(w.status)
		if m["message"] == "transport not supported" {
			m["message"] = "unsupported request: send a POST with Content-Type application/json, a GET with a query parameter, or a websocket upgrade"
		}
		changed = true
	}
	if changed {
		body, _ = json.Marshal(resp)
	}
	h := w.Header()
	h.Del("Content-Length")
	h.Del("X-Content-Type-Options")
	h.Set("Content-Type", "application/json")
	w.ResponseWriter.WriteHeader(w.status)
	w.ResponseWriter.Write(body)
}

// codeForStatus is the extensions.code of a transport's error answer with the HTTP status.
func codeForStatus(status int) string {
	switch {
	case status == http.StatusForbidden:
		return string(partnergraph.EFORBIDDEN)
	case status == http.StatusRequestEntityTooLarge:
		return "REQUEST_TOO_LARGE"
	case status >= http.StatusInternalServerError:
		return string(partnergraph.EINTERNAL)
	}
	return "BAD_REQUEST"
}
