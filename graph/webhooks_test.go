package graph_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/webhooks"
)

const createWebhook = `mutation($in: CreateWebhookInput!) { createWebhook(input: $in) { secret webhook { id url events enabled } } }`

// TestWebhooksAPI: an owner registers an endpoint on a real receiver on 127.0.0.1, gets its
// secret once, and the lead events of a lead it submits arrive signed with that secret; the
// delivery log, rotation, disabling, redelivery and deletion work through the API, and bad
// input names its field.
func TestWebhooksAPI(t *testing.T) {
	forEachStore(t, testWebhooksAPI)
}

func testWebhooksAPI(t *testing.T, open storeOpener) {
	var mu sync.Mutex
	type got struct {
		id, ts, sig string
		body        []byte
	}
	var received []got
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, got{r.Header.Get(webhooks.EventIDHeader), r.Header.Get(webhooks.TimestampHeader), r.Header.Get(webhooks.SignatureHeader), body})
		mu.Unlock()
	}))
	defer rcv.Close()
	s := newHardServerOn(t, open, func(c *server.Config) {
		c.Webhooks = webhooks.Config{Policy: webhooks.Policy{AllowHTTP: true, AllowLoopback: true}, Poll: 20 * time.Millisecond}
	})
	dave := s.token(t, "user-dave", auth.Member)
	daveID := bizID("daves-collision")

	t.Run("bad input names the field", func(t *testing.T) {
		cases := []struct {
			name  string
			in    map[string]any
			field string
		}{
			{"private address", map[string]any{"businessId": daveID, "url": "http://10.0.0.7/hook", "events": []string{"OFFERS"}}, "input.url"},
			{"metadata address", map[string]any{"businessId": daveID, "url": "http://169.254.169.254/", "events": []string{"OFFERS"}}, "input.url"},
			{"not a URL", map[string]any{"businessId": daveID, "url": "hooks", "events": []string{"OFFERS"}}, "input.url"},
			{"no events", map[string]any{"businessId": daveID, "url": rcv.URL, "events": []string{}}, "input.events"},
			{"not a business id", map[string]any{"businessId": "nope", "url": rcv.URL, "events": []string{"OFFERS"}}, "input.businessId"},
		}
		for _, c := range cases {
			r := s.do(t, dave, createWebhook, map[string]any{"in": c.in})
			if r.code() != "BAD_USER_INPUT" || r.field() != c.field {
				t.Errorf("%s: code %q field %q (%+v), want BAD_USER_INPUT %s", c.name, r.code(), r.field(), r.Errors, c.field)
			}
		}
	})

	var created struct {
		CreateWebhook struct {
			Secret  string
			Webhook struct{ ID, URL string }
		}
	}
	ok(t, s.do(t, dave, createWebhook, map[string]any{"in": map[string]any{"businessId": daveID, "url": rcv.URL + "/pg", "events": []string{"LEAD_UPDATES"}}}), &created)
	secret, hookID := created.CreateWebhook.Secret, created.CreateWebhook.Webhook.ID
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	r := s.do(t, dave, `query($id: ID!) { webhook(id: $id) { secret } }`, map[string]any{"id": hookID})
	if r.code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("the secret can be read back: %+v %s", r.Errors, r.Data)
	}

	ok(t, s.do(t, dave, submitLead, leadInput("webhook-lead-0001")), &struct{}{})
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(received)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no delivery of the lead's event")
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	first := received[0]
	mu.Unlock()
	if err := webhooks.Verify(secret, first.ts, first.sig, first.body, time.Minute, time.Now()); err != nil {
		t.Fatalf("the delivery does not verify with the secret shown at creation: %v", err)
	}
	if strings.Contains(string(first.body), "Pat Driver") || strings.Contains(string(first.body), "pat@example.com") {
		t.Fatalf("a delivery carries customer data: %s", first.body)
	}

	var log struct {
		Webhook struct {
			Enabled    bool
			Deliveries struct {
				Edges []struct {
					Node struct {
						EventID, Status string
						Attempts        int
						StatusCode      int
					}
				}
			}
		}
	}
	// The receiver answered before the deliverer recorded the attempt: wait for the log.
	deadline = time.Now().Add(15 * time.Second)
	for {
		ok(t, s.do(t, dave, `query($id: ID!) { webhook(id: $id) { enabled deliveries(first: 5) { edges { node { eventId status attempts statusCode latencyMs firstAttemptAt } } } } }`,
			map[string]any{"id": hookID}), &log)
		edges := log.Webhook.Deliveries.Edges
		if len(edges) > 0 && edges[len(edges)-1].Node.EventID == first.id {
			if e := edges[len(edges)-1].Node; e.Status != "DELIVERED" || e.StatusCode != 200 || e.Attempts != 1 {
				t.Fatalf("delivery log entry %+v, want DELIVERED at the first attempt", e)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery log %+v, want the first delivery %s", edges, first.id)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// The metrics count the delivery by outcome, just after the store recorded it.
	deadline = time.Now().Add(15 * time.Second)
	for {
		res, err := http.Get(s.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		scrape, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(scrape), `partnergraph_webhook_deliveries_total{outcome="delivered"}`) &&
			strings.Contains(string(scrape), "partnergraph_webhook_retry_queue 0") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the metrics do not count the delivery")
		}
		time.Sleep(10 * time.Millisecond)
	}

	var rotated struct {
		RotateWebhookSecret struct {
			Secret  string
			Webhook struct{ PreviousSecretValidUntil *string }
		}
	}
	ok(t, s.do(t, dave, `mutation($id: ID!) { rotateWebhookSecret(input: {id: $id, previousValidHours: 2}) { secret webhook { previousSecretValidUntil } } }`,
		map[string]any{"id": hookID}), &rotated)
	if rotated.RotateWebhookSecret.Secret == secret || rotated.RotateWebhookSecret.Webhook.PreviousSecretValidUntil == nil {
		t.Fatalf("rotation %+v", rotated)
	}
	r = s.do(t, dave, `mutation($id: ID!) { rotateWebhookSecret(input: {id: $id, previousValidHours: 500}) { secret } }`, map[string]any{"id": hookID})
	if r.code() != "BAD_USER_INPUT" || r.field() != "input.previousValidHours" {
		t.Fatalf("rotation for 500 h: %+v", r.Errors)
	}

	var disabled struct {
		DisableWebhook struct {
			Webhook struct {
				Enabled        bool
				DisabledReason string
			}
		}
	}
	ok(t, s.do(t, dave, `mutation($id: ID!) { disableWebhook(input: {id: $id, reason: "maintenance"}) { webhook { enabled disabledReason } } }`, map[string]any{"id": hookID}), &disabled)
	if disabled.DisableWebhook.Webhook.Enabled || disabled.DisableWebhook.Webhook.DisabledReason != "maintenance" {
		t.Fatalf("disabled %+v", disabled)
	}
	r = s.do(t, dave, `mutation($id: ID!) { redeliverWebhook(input: {webhookId: $id, eventId: "offer_nope"}) { webhook { id } } }`, map[string]any{"id": hookID})
	if r.code() != "NOT_FOUND" || r.field() != "input.eventId" {
		t.Fatalf("redelivery of an unknown event: %+v", r.Errors)
	}
	ok(t, s.do(t, dave, `mutation($id: ID!, $e: String!) { redeliverWebhook(input: {webhookId: $id, eventId: $e}) { webhook { id } } }`, map[string]any{"id": hookID, "e": first.id}), &struct{}{})
	mu.Lock()
	before := len(received)
	mu.Unlock()
	ok(t, s.do(t, dave, `mutation($id: ID!) { enableWebhook(input: {id: $id}) { webhook { enabled } } }`, map[string]any{"id": hookID}), &struct{}{})
	deadline = time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		again := len(received) > before && received[before].id == first.id
		mu.Unlock()
		if again {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the redelivered event did not come again once the endpoint was enabled")
		}
		time.Sleep(10 * time.Millisecond)
	}

	var list struct {
		Webhooks struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	ok(t, s.do(t, dave, `query($b: ID!) { webhooks(businessId: $b) { edges { node { id } } } }`, map[string]any{"b": daveID}), &list)
	if len(list.Webhooks.Edges) != 1 || list.Webhooks.Edges[0].Node.ID != hookID {
		t.Fatalf("webhooks of Dave %+v", list)
	}
	ok(t, s.do(t, dave, `mutation($id: ID!) { deleteWebhook(input: {id: $id}) { id } }`, map[string]any{"id": hookID}), &struct{}{})
	r = s.do(t, dave, `query($id: ID!) { webhook(id: $id) { id } }`, map[string]any{"id": hookID})
	if r.code() != "NOT_FOUND" {
		t.Fatalf("a deleted webhook: %+v %s", r.Errors, r.Data)
	}
}
