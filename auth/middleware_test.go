package auth

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// identityEcho answers with the identity that the middleware put in the context.
var identityEcho = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	id := FromContext(r.Context())
	if id == nil {
		io.WriteString(w, "anonymous")
		return
	}
	io.WriteString(w, id.Sub)
})

func TestMiddleware(t *testing.T) {
	c := newClock()
	v := mustVerifier(t, devConfig(), c)
	good, err := v.Mint(Identity{Sub: "user-1", Roles: []Role{Member}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expired := sign(t, jwt.SigningMethodHS256, keys().hmac, nil, jwt.MapClaims{
		"iss": DevIssuer, "aud": DevAudience, "sub": "user-1", "exp": c.now().Add(-time.Hour).Unix(),
	})
	srv := httptest.NewServer(v.Middleware(identityEcho))
	defer srv.Close()

	tests := []struct {
		name      string
		header    []string // Authorization values; nil sends none
		status    int
		body      string // for 200
		challenge string // the WWW-Authenticate error code, for 401
	}{
		{"no header", nil, http.StatusOK, "anonymous", ""},
		{"empty header", []string{""}, http.StatusOK, "anonymous", ""},
		{"good token", []string{"Bearer " + good}, http.StatusOK, "user-1", ""},
		{"lower-case scheme", []string{"bearer " + good}, http.StatusOK, "user-1", ""},
		{"upper-case scheme", []string{"BEARER " + good}, http.StatusOK, "user-1", ""},
		{"bad token", []string{"Bearer not-a-token"}, http.StatusUnauthorized, "", "invalid_token"},
		{"expired token", []string{"Bearer " + expired}, http.StatusUnauthorized, "", "invalid_token"},
		{"tampered token", []string{"Bearer " + good[:len(good)-2]}, http.StatusUnauthorized, "", "invalid_token"},
		{"scheme without token", []string{"Bearer"}, http.StatusUnauthorized, "", "invalid_request"},
		{"token without scheme", []string{good}, http.StatusUnauthorized, "", "invalid_request"},
		{"basic scheme", []string{"Basic dXNlcjpwYXNz"}, http.StatusUnauthorized, "", "invalid_request"},
		{"two headers", []string{"Bearer " + good, "Bearer " + good}, http.StatusUnauthorized, "", "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"query":"{__typename}"}`))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range tt.header {
				req.Header.Add("Authorization", h)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d (body %s)", resp.StatusCode, tt.status, body)
			}
			if tt.status == http.StatusOK {
				if string(body) != tt.body {
					t.Errorf("body = %q, want %q", body, tt.body)
				}
				return
			}
			if got, want := resp.Header.Get("WWW-Authenticate"), `Bearer error="`+tt.challenge+`"`; got != want {
				t.Errorf("WWW-Authenticate = %q, want %q", got, want)
			}
			if got := resp.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			var gql struct {
				Errors []struct {
					Message    string            `json:"message"`
					Extensions map[string]string `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(body, &gql); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			if len(gql.Errors) != 1 || gql.Errors[0].Message == "" || gql.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
				t.Errorf("body = %s, want one error with code UNAUTHENTICATED", body)
			}
			for _, h := range tt.header {
				if tok, _ := bearerToken(h); len(tok) > 3 && strings.Contains(string(body), tok) {
					t.Errorf("body %s repeats the token", body)
				}
			}
		})
	}
}

func TestFromInitPayload(t *testing.T) {
	c := newClock()
	v := mustVerifier(t, devConfig(), c)
	good, err := v.Mint(Identity{Sub: "user-1", Roles: []Role{Member}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		payload map[string]any
		sub     string // "" for anonymous
		fail    bool
	}{
		{"nil payload", nil, "", false},
		{"empty payload", map[string]any{}, "", false},
		{"other keys only", map[string]any{"x-client": "graphiql"}, "", false},
		{"empty Authorization", map[string]any{"Authorization": ""}, "", false},
		{"Authorization", map[string]any{"Authorization": "Bearer " + good}, "user-1", false},
		{"authorization", map[string]any{"authorization": "Bearer " + good}, "user-1", false},
		{"authorization with lower-case scheme", map[string]any{"authorization": "bearer " + good}, "user-1", false},
		{"token", map[string]any{"token": good}, "user-1", false},
		{"Authorization without scheme", map[string]any{"Authorization": good}, "", true},
		{"Authorization with a bad token", map[string]any{"Authorization": "Bearer x.y.z"}, "", true},
		{"token that is bad", map[string]any{"token": "x.y.z"}, "", true},
		{"token not a string", map[string]any{"token": 42}, "", true},
		{"Authorization an object", map[string]any{"Authorization": map[string]any{"Bearer": good}}, "", true},
		{"two credentials", map[string]any{"Authorization": "Bearer " + good, "token": good}, "", true},
		{"two spellings", map[string]any{"Authorization": "Bearer " + good, "authorization": "Bearer " + good}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := v.FromInitPayload(context.Background(), tt.payload)
			if tt.fail {
				assertUnauthenticated(t, err, good)
				return
			}
			if err != nil {
				t.Fatalf("FromInitPayload: %v", err)
			}
			switch {
			case tt.sub == "" && id != nil:
				t.Errorf("identity = %+v, want anonymous", id)
			case tt.sub != "" && (id == nil || id.Sub != tt.sub):
				t.Errorf("identity = %+v, want sub %q", id, tt.sub)
			}
		})
	}
}
