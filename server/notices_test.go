package server_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/webhooks"
)

// delivery is what a receiver was sent: the envelope, and the body as it came.
type delivery struct {
	Type string
	Data map[string]any
	raw  string
}

// receiver is a webhook receiver on 127.0.0.1 that keeps what it is sent. It answers 200, or
// 502 while failing; recover makes it answer 502 once more and then 200, so that every
// delivery it accepts was read by the deliverer after recover was called.
type receiver struct {
	*httptest.Server
	mu         sync.Mutex
	failing    bool
	recovering bool
	accepted   []delivery
	refused    int
}

func newReceiver(t *testing.T, failing bool) *receiver {
	t.Helper()
	r := &receiver{failing: failing}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		var d delivery
		if err == nil {
			err = json.Unmarshal(body, &d)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		d.raw = string(body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.failing {
			r.refused++
			if r.recovering {
				r.failing = false
			}
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		r.accepted = append(r.accepted, d)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) recover() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recovering = true
}

// find returns the first accepted delivery of the type for which match holds.
func (r *receiver) find(typ string, match func(delivery) bool) (delivery, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.accepted {
		if d.Type == typ && (match == nil || match(d)) {
			return d, true
		}
	}
	return delivery{}, false
}

func (r *receiver) refusals() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused
}

// fastWebhooks delivers to loopback receivers at once and retries quickly; an endpoint is
// disabled after failing for retryFor.
func fastWebhooks(retryFor time.Duration) func(*server.Config) {
	return func(cfg *server.Config) {
		cfg.Webhooks = webhooks.Config{Policy: webhooks.Policy{AllowHTTP: true, AllowLoopback: true}, Poll: 20 * time.Millisecond,
			RetryFor: retryFor, BackoffMin: 20 * time.Millisecond, BackoffMax: 50 * time.Millisecond}
	}
}

func addEndpoint(t *testing.T, n *node, businessID, url string, events ...partnergraph.WebhookEvent) *partnergraph.Webhook {
	t.Helper()
	w := &partnergraph.Webhook{BusinessID: businessID, URL: url, Events: events, Secret: partnergraph.NewWebhookSecret()}
	if err := n.store.CreateWebhook(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	return w
}

func globalID(kind, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + id))
}

// feedEvent is a leadUpdates result.
type feedEvent struct {
	Kind    string
	Status  *string
	Message string
	Lead    *struct{ ID string }
	Webhook *struct {
		ID             string
		Enabled        bool
		DisabledReason *string
	}
}

const feedQuery = `subscription($b: ID!) { leadUpdates(businessId: $b) { kind status message lead { id } webhook { id enabled disabledReason } } }`

// awaitKind reads the subscription until an event of the kind for which match holds, or fails
// the test after a while.
func awaitKind(t *testing.T, sub <-chan string, kind string, match func(feedEvent) bool) feedEvent {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case raw, ok := <-sub:
			if !ok {
				t.Fatalf("the subscription ended before a %s event", kind)
			}
			var got struct {
				Data   struct{ LeadUpdates feedEvent }
				Errors []any
			}
			if err := json.Unmarshal([]byte(raw), &got); err != nil || len(got.Errors) > 0 {
				t.Fatalf("subscription result %s: %v", raw, err)
			}
			if e := got.Data.LeadUpdates; e.Kind == kind && (match == nil || match(e)) {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s event reached the subscription", kind)
		}
	}
}

// TestWebhookDisabledTellsOwner: an endpoint whose receiver keeps failing is disabled, and its
// owner is told where it already listens: its leadUpdates subscription gets a WEBHOOK_DISABLED
// event naming the endpoint and why (no lead), and the business's other endpoint that follows
// lead updates gets a webhook.disabled delivery. The endpoint fails at an offer, which has no
// lead of its owner's to carry a notice: before the business-level notice, the owner heard
// nothing.
func TestWebhookDisabledTellsOwner(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *cluster) {
		n := c.start(t, fastWebhooks(200*time.Millisecond))
		failing, listening := newReceiver(t, true), newReceiver(t, false)
		dead := addEndpoint(t, n, "andys-attorney", failing.URL, partnergraph.WebhookOffers)
		other := addEndpoint(t, n, "andys-attorney", listening.URL, partnergraph.WebhookLeadUpdates)
		owner := n.sse(t, c.token(t, "user-andy", auth.Member), feedQuery, map[string]any{"b": apiID("andys-attorney")})

		n.ok(t, c.token(t, "user-dave", auth.Member), submitQuery, lead("daves-collision", "personal-injury-attorney", "notice-0001"), nil)

		e := awaitKind(t, owner, "WEBHOOK_DISABLED", nil)
		host, _ := url.Parse(failing.URL)
		if e.Lead != nil || e.Status != nil || e.Webhook == nil || e.Webhook.ID != globalID("Webhook", dead.ID) || e.Webhook.Enabled ||
			!strings.Contains(e.Message, host.Host) || !strings.Contains(e.Message, "HTTP 502") {
			t.Fatalf("the owner's notice = %+v, want the endpoint %s, disabled, and why", e, dead.ID)
		}
		if got, err := n.store.Webhook(t.Context(), dead.ID); err != nil || got.Enabled {
			t.Fatalf("the failing endpoint = %+v, %v, want it disabled", got, err)
		}
		within(t, 30*time.Second, "the other endpoint hears of the disabling", func() bool {
			d, ok := listening.find(webhooks.TypeWebhookDisabled, nil)
			return ok && d.Data["webhookId"] == dead.ID && strings.Contains(d.Data["message"].(string), "HTTP 502")
		})
		if got, err := n.store.Webhook(t.Context(), other.ID); err != nil || !got.Enabled {
			t.Fatalf("the listening endpoint = %+v, %v, want it enabled", got, err)
		}
	})
}

// TestErasureToldToReceivers: once a lead's customer data is erased, every receiver that got
// its data is told, with the lead's id and when and no customer data: the recipient's endpoint
// that follows only offers, and the referrer's that follows lead updates, get a lead.erased
// delivery, and both businesses' leadUpdates subscriptions a LEAD_ERASED event. An offer of the
// lead still waiting to be delivered (its receiver failing) when the erasure commits is
// delivered without the erased fields.
func TestErasureToldToReceivers(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c *cluster) {
		n := c.start(t, fastWebhooks(time.Hour))
		andyOffers, andyLate, daveUpdates := newReceiver(t, false), newReceiver(t, true), newReceiver(t, false)
		addEndpoint(t, n, "andys-attorney", andyOffers.URL, partnergraph.WebhookOffers)
		addEndpoint(t, n, "andys-attorney", andyLate.URL, partnergraph.WebhookOffers)
		addEndpoint(t, n, "daves-collision", daveUpdates.URL, partnergraph.WebhookLeadUpdates)
		andy, dave := c.token(t, "user-andy", auth.Member), c.token(t, "user-dave", auth.Member)
		andyFeed := n.sse(t, andy, feedQuery, map[string]any{"b": apiID("andys-attorney")})
		daveFeed := n.sse(t, dave, feedQuery, map[string]any{"b": apiID("daves-collision")})

		var sub struct {
			SubmitLead struct{ Lead struct{ ID string } }
		}
		n.ok(t, dave, submitQuery, lead("daves-collision", "personal-injury-attorney", "erase-told-0001"), &sub)
		gid := sub.SubmitLead.Lead.ID
		b, _ := base64.RawURLEncoding.DecodeString(gid)
		leadID := strings.TrimPrefix(string(b), "Lead:")
		within(t, 30*time.Second, "the offer, with the customer's distance, reaches Andy's endpoint", func() bool {
			_, ok := andyOffers.find(webhooks.TypeOffer, func(d delivery) bool { return strings.Contains(d.raw, "km from the customer") })
			return ok
		})
		within(t, 30*time.Second, "the late endpoint refuses the offer", func() bool { return andyLate.refusals() > 0 })

		var erased struct {
			EraseLeadCustomer struct{ Lead struct{ ErasedAt string } }
		}
		n.ok(t, dave, `mutation($in: EraseLeadCustomerInput!) { eraseLeadCustomer(input: $in) { lead { erasedAt } } }`,
			map[string]any{"in": map[string]any{"leadId": gid}}, &erased)
		andyLate.recover()

		for name, r := range map[string]*receiver{"Andy's offers endpoint": andyOffers, "Dave's lead updates endpoint": daveUpdates, "Andy's late endpoint": andyLate} {
			within(t, 30*time.Second, name+" is told of the erasure", func() bool {
				_, ok := r.find(webhooks.TypeLeadErased, func(d delivery) bool { return d.Data["leadId"] == leadID })
				return ok
			})
			d, _ := r.find(webhooks.TypeLeadErased, nil)
			at, err := time.Parse(time.RFC3339Nano, d.Data["erasedAt"].(string))
			want, _ := time.Parse(time.RFC3339Nano, erased.EraseLeadCustomer.Lead.ErasedAt)
			if err != nil || !at.Equal(want) {
				t.Fatalf("%s: lead.erased at %v (%v), want %s", name, d.Data["erasedAt"], err, want)
			}
			for _, pii := range []string{"Pat Driver", "555 0142", "km from the customer"} {
				if strings.Contains(d.raw, pii) {
					t.Fatalf("%s: the erasure notice %s carries %q", name, d.raw, pii)
				}
			}
		}
		late, ok := andyLate.find(webhooks.TypeOffer, nil)
		if !ok {
			t.Fatal("the late endpoint never got the offer")
		}
		if strings.Contains(late.raw, "km from the customer") || late.Data["leadId"] != leadID {
			t.Fatalf("the offer delivered after the erasure = %s, want it without the customer's distance", late.raw)
		}
		for name, feed := range map[string]<-chan string{"Andy": andyFeed, "Dave": daveFeed} {
			e := awaitKind(t, feed, "LEAD_ERASED", nil)
			if e.Lead == nil || e.Lead.ID != gid || e.Webhook != nil {
				t.Fatalf("%s's subscription got %+v, want the erasure of %s", name, e, gid)
			}
		}
	})
}
