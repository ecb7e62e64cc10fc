package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/httpapi"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// TestServerWiring runs a lead through the handler that New returns, on 127.0.0.1, and checks
// what the wiring adds around it: the lead service teaches the projection the outcome (the
// recipient of an accepted lead scores higher in the next route: its acceptance rate and the
// trust of the path went up), the metrics time the store and count the lead, and Close stops
// the loops.
func TestServerWiring(t *testing.T) {
	ctx := context.Background()
	store, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "pg.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Import(ctx, seed.Example()); err != nil {
		t.Fatal(err)
	}
	v := testVerifier(t)
	admin, err := v.Mint(auth.Identity{Sub: "admin", Roles: []auth.Role{auth.Admin}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := server.New(ctx, store, server.Config{Options: httpapi.Options{Auth: v, Log: slog.New(slog.DiscardHandler)}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(pg.Handler)
	defer srv.Close()
	next := &partnergraph.Lead{ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65}}
	scores := func() map[string]float64 {
		t.Helper()
		cands, _, err := pg.Matching.Route(next, nil, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, c := range cands {
			out[c.BusinessID] = c.Score
		}
		return out
	}
	before := scores()

	var submitted struct {
		SubmitLead struct {
			Lead struct {
				Offers []struct {
					ID       string
					Business struct{ ID string }
				}
			}
		}
	}
	post(t, srv.URL, admin, `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { lead { offers { id business { id } } } } }`,
		map[string]any{"in": map[string]any{
			"referrerId": apiID("daves-collision"), "service": "personal-injury-attorney",
			"location":       map[string]any{"lat": 39.80, "lng": -89.65},
			"customer":       map[string]any{"name": "Wiring Customer", "email": "wiring@example.com"},
			"consent":        map[string]any{"text": "The customer agreed to be referred.", "givenAt": "2026-11-20T10:00:00Z"},
			"idempotencyKey": "wiring-1",
		}}, &submitted)
	offers := submitted.SubmitLead.Lead.Offers
	if len(offers) != 1 {
		t.Fatalf("the lead went to %d businesses, want 1", len(offers))
	}
	post(t, srv.URL, admin, `mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { status } } }`,
		map[string]any{"id": offers[0].ID}, nil)

	recipient := fromAPIID(t, offers[0].Business.ID)
	if got, was := scores()[recipient], before[recipient]; got <= was {
		t.Errorf("%s scores %.4f after accepting the lead, %.4f before: the projection did not learn the outcome", recipient, got, was)
	}

	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	scrape, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`partnergraph_leads_total{status="ACCEPTED"} 1`,
		`partnergraph_store_duration_seconds_count{method="SubmitLead"} 1`,
		`partnergraph_routing_duration_seconds_count `,
	} {
		if !bytes.Contains(scrape, []byte(want)) {
			t.Errorf("/metrics has no %s", want)
		}
	}

	closed := make(chan error, 1)
	go func() { closed <- pg.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not stop the loops")
	}
}

// post sends a GraphQL request as the token and decodes its data into out (nil: ignored),
// failing the test on any error.
func post(t *testing.T, url, token, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got.Errors) > 0 {
		t.Fatalf("%s: %v", query, got.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(got.Data, out); err != nil {
			t.Fatal(err)
		}
	}
}

// apiID is the API id of a business.
func apiID(id string) string { return globalID("Business", id) }

func fromAPIID(t *testing.T, id string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(string(b), "Business:")
}
