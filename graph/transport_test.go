package graph_test

import (
	"net/http"
	"testing"

	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/graph"
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
			s := newHardServer(t, func(o *graph.Options) { o.AllowedOrigins = c.allowed })
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
