package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/httpapi"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// FuzzHandler sends GraphQL documents (with variables, anonymous or as an admin) to the real
// handler over the example network and checks that it never answers 5xx, never panics (a
// recovered panic is logged at ERROR and answered INTERNAL) and always answers JSON.
func FuzzHandler(f *testing.F) {
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, filepath.Join(f.TempDir(), "pg.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		f.Fatal(err)
	}
	v, err := auth.NewVerifier(ctx, auth.Config{HMACSecret: []byte(strings.Repeat("k", 32)), Issuer: auth.DevIssuer, Audience: auth.DevAudience})
	if err != nil {
		f.Fatal(err)
	}
	admin, err := v.Mint(auth.Identity{Sub: "fuzz-admin", Roles: []auth.Role{auth.Admin}}, 24*time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	errs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(errs, &slog.HandlerOptions{Level: slog.LevelError}))
	pg, err := server.New(ctx, s, server.Config{Options: httpapi.Options{Auth: v, Log: log, Dev: true}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { pg.Close() })
	h := pg.Handler

	for _, seed := range []struct {
		query, vars string
		admin       bool
	}{
		{`{ services { slug name sector } }`, ``, false},
		{`query($id: ID!) { business(id: $id) { name services { slug } memberships { role network { name } } } }`, `{"id":"QnVzaW5lc3M6ZGF2ZXMtY29sbGlzaW9u"}`, false},
		{`{ businesses(first: 5, filter: {near: {point: {lat: 39.8, lng: -89.6}, radiusKm: 50}}) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`, ``, false},
		{`query($b: ID!) { partnerSuggestions(businessId: $b, first: 3) { score reasons business { name } } }`, `{"b":"QnVzaW5lc3M6ZGF2ZXMtY29sbGlzaW9u"}`, true},
		{`mutation($in: SubmitLeadInput!) { submitLead(input: $in) { created lead { id status } } }`, `{"in":{"referrerId":"QnVzaW5lc3M6ZGF2ZXMtY29sbGlzaW9u","service":"tyres","location":{"lat":39.8,"lng":-89.6},"customer":{"name":"F","email":"f@example.com"},"consent":{"text":"consent given","givenAt":"2026-01-01T00:00:00Z"},"idempotencyKey":"fuzz-0001"}}`, true},
		{`mutation { registerBusiness(input: {name: "Fuzz", location: {lat: 1, lng: 2}}) { business { id } } }`, ``, true},
		{`{ __schema { types { name fields { name } } } }`, ``, false},
		{`query A { __typename } query B { __typename }`, ``, false},
		{`{ a: __typename ...F } fragment F on Query { b: __typename ...F }`, ``, false},
		{`{ businesses(first: -1) { edges { cursor } } }`, ``, false},
		{`{ business(id: "` + strings.Repeat("A", 300) + `") { name } }`, ``, false},
		{`query($f: Int) { businesses(first: $f) { edges { cursor } } }`, `{"f":"x"}`, false},
		{`{`, ``, false},
		{`subscription { leadOffers(businessId: "x") { id } }`, ``, true},
	} {
		f.Add(seed.query, seed.vars, seed.admin)
	}

	f.Fuzz(func(t *testing.T, query, vars string, asAdmin bool) {
		req := map[string]any{"query": query}
		if json.Valid([]byte(vars)) {
			req["variables"] = json.RawMessage(vars)
		}
		body, _ := json.Marshal(req) // invalid UTF-8 becomes U+FFFD, as any JSON client sends it
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if asAdmin {
			r.Header.Set("Authorization", "Bearer "+admin)
		}
		w := httptest.NewRecorder()
		errs.Reset()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q %q: %s", w.Code, query, vars, w.Body)
		}
		var res struct {
			Errors []struct {
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if w.Code != http.StatusRequestEntityTooLarge {
			if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
				t.Fatalf("status %d, not JSON for %q: %s", w.Code, query, w.Body)
			}
		}
		for _, e := range res.Errors {
			if e.Extensions["code"] == "INTERNAL" {
				t.Fatalf("INTERNAL for %q %q: %s\nlog: %s", query, vars, w.Body, errs)
			}
		}
		if logged := errs.String(); logged != "" {
			t.Fatalf("logged an error for %q %q: %s", query, vars, logged)
		}
	})
}
