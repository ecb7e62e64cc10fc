package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/httpapi"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
	"github.com/partnergraph/partnergraph/webhooks"
)

// TestWebhooksWokenByNewEvents: a new lead event is delivered without waiting for the
// deliverer's poll (an hour here): the change feed's follower wakes the deliverer for new
// offers and lead events, this server's and the other servers'.
func TestWebhooksWokenByNewEvents(t *testing.T) {
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
	var received atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { received.Add(1) }))
	defer rcv.Close()
	pg, err := server.New(ctx, store, server.Config{
		Options:  httpapi.Options{Auth: v, Log: slog.New(slog.DiscardHandler)},
		Webhooks: webhooks.Config{Policy: webhooks.Policy{AllowHTTP: true, AllowLoopback: true}, Poll: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	srv := httptest.NewServer(pg.Handler)
	defer srv.Close()
	w := &partnergraph.Webhook{BusinessID: "daves-collision", URL: rcv.URL, Events: []partnergraph.WebhookEvent{partnergraph.WebhookLeadUpdates}, Secret: partnergraph.NewWebhookSecret()}
	if err := store.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	post(t, srv.URL, admin, `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { lead { id } } }`,
		map[string]any{"in": map[string]any{
			"referrerId": apiID("daves-collision"), "service": "personal-injury-attorney",
			"location":       map[string]any{"lat": 39.80, "lng": -89.65},
			"customer":       map[string]any{"name": "Hook Customer", "email": "hook@example.com"},
			"consent":        map[string]any{"text": "The customer agreed to be referred.", "givenAt": "2026-11-20T10:00:00Z"},
			"idempotencyKey": "webhook-wake-1",
		}}, nil)
	deadline := time.Now().Add(15 * time.Second)
	for received.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the lead's event was not delivered: the deliverer was not woken")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
