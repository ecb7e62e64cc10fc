package graph_test

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/server"
)

// crossOrigin sends a CORS preflight for a POST with a token, then that POST with the token,
// both from origin, and returns the Access-Control-Allow-Origin of each.
func crossOrigin(t *testing.T, s *hardServer, origin, token string) (preflight, post string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, s.url+"/graphql", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	r := s.post(t, token, `{ viewer { sub } }`, nil, "Origin", origin)
	return res.Header.Get("Access-Control-Allow-Origin"), r.header.Get("Access-Control-Allow-Origin")
}

// TestCORSAllowlist: an empty --allowed-origins allows no cross-origin access (the CORS
// library's own default for an empty list is every origin); a listed origin gets its CORS
// headers; websockets follow the same list.
func TestCORSAllowlist(t *testing.T) {
	cases := []struct {
		name    string
		allowed []string
		origin  string
		allow   bool
	}{
		{"no list, any origin", nil, "https://evil.example", false},
		{"listed origin", []string{"https://app.example"}, "https://app.example", true},
		{"unlisted origin", []string{"https://app.example"}, "https://evil.example", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newHardServer(t, func(o *server.Config) { o.AllowedOrigins = c.allowed })
			token := s.token(t, "user-dave", auth.Member)
			preflight, post := crossOrigin(t, s, c.origin, token)
			want := ""
			if c.allow {
				want = c.origin
			}
			if preflight != want || post != want {
				t.Fatalf("Access-Control-Allow-Origin: preflight %q, POST %q, want %q for both", preflight, post, want)
			}
			// Websockets: same-origin (no Origin header) always; cross-origin only when listed.
			if _, err := s.dialWS(t, ""); err != nil {
				t.Fatalf("same-origin websocket: %v", err)
			}
			if _, err := s.dialWS(t, c.origin); (err == nil) != c.allow {
				t.Fatalf("websocket from %s accepted: %v, want %v (%v)", c.origin, err == nil, c.allow, err)
			}
		})
	}
}

// rawAnswer is an HTTP answer whose body is read as GraphQL errors, whatever its status.
type rawAnswer struct {
	status int
	header http.Header
	text   string
	errors []gqlError
}

func send(t *testing.T, req *http.Request) rawAnswer {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := rawAnswer{status: res.StatusCode, header: res.Header, text: string(raw)}
	var body struct {
		Errors []gqlError `json:"errors"`
	}
	json.Unmarshal(raw, &body) // a body that is not JSON has no errors to read, which the test reports
	a.errors = body.Errors
	return a
}

// codes returns each error's extensions.code ("" for none).
func (a rawAnswer) codes() []string {
	var out []string
	for _, e := range a.errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// TestChunkedBodyLimit: a body without a Content-Length that grows past the limit is answered
// 413 REQUEST_TOO_LARGE, as one that declares its length is; a small chunked body still works.
func TestChunkedBodyLimit(t *testing.T) {
	s := newTestServer(t)
	post := func(body string) rawAnswer {
		// Not a *strings.Reader: the client cannot know the length, so it sends chunks.
		req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", io.MultiReader(strings.NewReader(body)))
		req.Header.Set("Content-Type", "application/json")
		req.TransferEncoding = []string{"chunked"}
		return send(t, req)
	}
	big := `{"query":"{ services { slug } }","variables":{"pad":"` + strings.Repeat("x", 200<<10) + `"}}`
	a := post(big)
	if a.status != http.StatusRequestEntityTooLarge || !slices.Equal(a.codes(), []string{"REQUEST_TOO_LARGE"}) {
		t.Fatalf("200 KB chunked body: status %d, codes %v, body %.300s; want 413 REQUEST_TOO_LARGE", a.status, a.codes(), a.text)
	}
	a = post(`{"query":"{ services { slug } }"}`)
	if a.status != http.StatusOK || !strings.Contains(a.text, `"collision-repair"`) {
		t.Fatalf("small chunked body: status %d, body %.300s", a.status, a.text)
	}
}

// TestTransportErrorsHaveCodes: the errors that gqlgen's transports write themselves, outside
// the error presenter, carry an extensions.code too, in a JSON body.
func TestTransportErrorsHaveCodes(t *testing.T) {
	s := newTestServer(t)
	u := s.url + "/graphql"
	mutation := url.QueryEscape(`mutation { setComplement(input: {from: "tyres", to: "towing", weight: 0.5}) { complement { weight } } }`)
	req := func(method, target, contentType, body string, headers ...string) *http.Request {
		r, _ := http.NewRequest(method, target, strings.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			r.Header.Set(headers[i], headers[i+1])
		}
		return r
	}
	wsHeaders := []string{"Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Version", "13",
		"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol", "graphql-transport-ws"}
	cases := []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		// GraphQL over HTTP: a GET may not carry a mutation, and the answer is 405 (gqlgen writes 406).
		{"GET with a mutation", req(http.MethodGet, u+"?query="+mutation, "", ""), http.StatusMethodNotAllowed, "BAD_REQUEST"},
		{"POST as text/plain", req(http.MethodPost, u, "text/plain", `{"query":"{ __typename }"}`), http.StatusBadRequest, "BAD_REQUEST"},
		{"POST as a form", req(http.MethodPost, u, "application/x-www-form-urlencoded", `query={__typename}`), http.StatusBadRequest, "BAD_REQUEST"},
		{"POST without a content type", req(http.MethodPost, u, "", `{"query":"{ __typename }"}`), http.StatusBadRequest, "BAD_REQUEST"},
		{"PUT", req(http.MethodPut, u, "application/json", `{"query":"{ __typename }"}`), http.StatusBadRequest, "BAD_REQUEST"},
		{"GET with bad variables", req(http.MethodGet, u+"?query=%7B__typename%7D&variables=%7Bnope", "", ""), http.StatusBadRequest, "BAD_REQUEST"},
		{"GET with bad extensions", req(http.MethodGet, u+"?query=%7B__typename%7D&extensions=%7Bnope", "", ""), http.StatusBadRequest, "BAD_REQUEST"},
		{"GET with a malformed query string", req(http.MethodGet, u+"?query=%zz", "", ""), http.StatusBadRequest, "BAD_REQUEST"},
		{"websocket from another origin", req(http.MethodGet, u, "", "", append(wsHeaders, "Origin", "https://evil.example")...), http.StatusForbidden, "FORBIDDEN"},
		{"websocket upgrade without a key", req(http.MethodGet, u, "", "", wsHeaders[:6]...), http.StatusBadRequest, "BAD_REQUEST"},
		// These pass through the presenter already; they stay as they are.
		{"POST with broken JSON", req(http.MethodPost, u, "application/json", `{"query":`), http.StatusBadRequest, "BAD_REQUEST"},
		{"GET without a query", req(http.MethodGet, u, "", ""), http.StatusUnprocessableEntity, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := send(t, c.req)
			if a.status != c.status {
				t.Errorf("status %d, want %d", a.status, c.status)
			}
			if len(a.errors) == 0 || slices.Contains(a.codes(), "") || a.codes()[0] != c.code {
				t.Errorf("codes %v, want %s on every error (body %.300s)", a.codes(), c.code, a.text)
			}
			if ct := a.header.Get("Content-Type"); !strings.Contains(ct, "json") {
				t.Errorf("Content-Type %q, want JSON", ct)
			}
			if c.status == http.StatusMethodNotAllowed && a.header.Get("Allow") != "POST" {
				t.Errorf("Allow %q, want POST", a.header.Get("Allow"))
			}
		})
	}
}

// TestMalformedSSEBodyNotLogged: a subscription over SSE whose body is not JSON is answered 400
// BAD_REQUEST, and the body, which may hold a lead's customer data, is not written to the
// server's log (gqlgen's SSE transport logs it whole).
func TestMalformedSSEBodyNotLogged(t *testing.T) {
	var logged strings.Builder
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	s := newTestServer(t)
	secret := "Jane Customer +1-555-0100"
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", strings.NewReader(`{"query": "subscription { x }", "customer": "`+secret))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	a := send(t, req)
	if a.status != http.StatusBadRequest || !slices.Equal(a.codes(), []string{"BAD_REQUEST"}) {
		t.Fatalf("status %d, codes %v, body %.300s; want 400 BAD_REQUEST", a.status, a.codes(), a.text)
	}
	if strings.Contains(logged.String(), secret) {
		t.Fatalf("the server logged the request body: %s", logged.String())
	}
}

// TestTokenTimeClaimsOverHTTP: a token whose exp is a number in a string, or whose iat is in
// the future, is answered 401 naming the claim.
func TestTokenTimeClaimsOverHTTP(t *testing.T) {
	s := newHardServer(t, nil)
	now := time.Now()
	for _, c := range []struct {
		claim string
		value any
	}{{"exp", "9999999999"}, {"iat", now.Add(time.Hour).Unix()}} {
		t.Run(c.claim, func(t *testing.T) {
			claims := jwt.MapClaims{"iss": auth.DevIssuer, "aud": auth.DevAudience, "sub": "user-dave",
				"roles": []string{"member"}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
			claims[c.claim] = c.value
			token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(strings.Repeat("k", 32)))
			if err != nil {
				t.Fatal(err)
			}
			r := s.post(t, token, `{ viewer { sub } }`, nil)
			if r.status != http.StatusUnauthorized || r.body.code() != "UNAUTHENTICATED" || !strings.Contains(r.body.Errors[0].Message, c.claim) {
				t.Fatalf("status %d, errors %+v, data %s; want 401 UNAUTHENTICATED naming %s", r.status, r.body.Errors, r.body.Data, c.claim)
			}
		})
	}
}
