package webhooks_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/neo4jstore"
	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
	"github.com/partnergraph/partnergraph/webhooks"
)

// fixture is a store with a referrer and a partner, and a way to send the partner offers.
type fixture struct {
	s        partnergraph.Store
	ref, a   string
	keyCount int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOn(t, openSQLite(t))
}

func openSQLite(t *testing.T) partnergraph.Store {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), sqlitestore.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// eachStore runs test on SQLite, and on Neo4j (its database wiped) when NEO4J_URI is set; with
// CI=true a missing Neo4j fails it.
func eachStore(t *testing.T, test func(t *testing.T, f *fixture)) {
	t.Run("sqlite", func(t *testing.T) { test(t, newFixture(t)) })
	t.Run("neo4j", func(t *testing.T) {
		neo := neo4jtest.Require(t)
		neo4jtest.Wipe(t, neo)
		s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: neo.URI, Username: neo.Username, Password: neo.Password, Database: neo.Database})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		test(t, newFixtureOn(t, s))
	})
}

func newFixtureOn(t testing.TB, s partnergraph.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	must(t, s.PutService(ctx, partnergraph.Service{ID: "tyres", Name: "Tyres", Sector: "auto"}))
	f := &fixture{s: s}
	for _, name := range []string{"Referrer", "Partner"} {
		b := &partnergraph.Business{Name: name, Description: name + " serves the town", Location: partnergraph.Point{Lat: 39.8, Lng: -89.6}, City: "Springfield", Country: "US", DailyLeadCap: 10000}
		must(t, s.CreateBusiness(ctx, b, ""))
		if f.ref == "" {
			f.ref = b.ID
		} else {
			f.a = b.ID
		}
	}
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// offerLead submits a lead of the referrer offered to the partner, which writes one offer to
// the partner's inbox and one event to the referrer's feed.
func (f *fixture) offerLead(t testing.TB) {
	t.Helper()
	f.keyCount++
	l := &partnergraph.Lead{
		IdempotencyKey: fmt.Sprintf("key-%08d", f.keyCount), ReferrerID: f.ref, ServiceID: "tyres",
		Location: partnergraph.Point{Lat: 39.8, Lng: -89.6}, Customer: partnergraph.Customer{Name: "Pat Doe", Email: "pat@example.com"},
		Consent: partnergraph.Consent{Text: "I agree that my details go to one partner", GivenAt: time.Now().Add(-time.Minute)},
		Status:  partnergraph.LeadOffered,
	}
	o := partnergraph.Offer{BusinessID: f.a, Rank: 1, Path: []string{f.ref, f.a}, PathTrust: 0.8, Score: 0.7, Reasons: []string{"close by"},
		Status: partnergraph.OfferPending, ExpiresAt: time.Now().Add(time.Hour)}
	_, _, err := f.s.SubmitLead(context.Background(), l, []partnergraph.Offer{o}, []partnergraph.LeadEvent{{Status: partnergraph.LeadOffered, Message: "offered"}})
	must(t, err)
}

func (f *fixture) webhook(t testing.TB, url string, events ...partnergraph.WebhookEvent) *partnergraph.Webhook {
	t.Helper()
	w := &partnergraph.Webhook{BusinessID: f.a, URL: url, Events: events, Secret: partnergraph.NewWebhookSecret()}
	if events[0] == partnergraph.WebhookLeadUpdates {
		w.BusinessID = f.ref
	}
	must(t, f.s.CreateWebhook(context.Background(), w))
	return w
}

// delivery is what the receiver got in one request.
type delivery struct {
	id, typ, ts, sig string
	body             []byte
	at               time.Time
}

// receiver is a real HTTP server on 127.0.0.1 that records what it is sent and answers what
// answer says (200 when nil).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []delivery
	answer func(d delivery, n int) int // n: how many requests came before
}

func newReceiver(t *testing.T, answer func(d delivery, n int) int) *receiver {
	r := &receiver{answer: answer}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		d := delivery{id: req.Header.Get(webhooks.EventIDHeader), typ: req.Header.Get(webhooks.EventTypeHeader),
			ts: req.Header.Get(webhooks.TimestampHeader), sig: req.Header.Get(webhooks.SignatureHeader), body: body, at: time.Now()}
		r.mu.Lock()
		n := len(r.got)
		r.got = append(r.got, d)
		r.mu.Unlock()
		status := 200
		if r.answer != nil {
			status = r.answer(d, n)
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, "status %d %s", status, strings.Repeat("x", 1000))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// ids returns the distinct event ids received, in the order they first came.
func (r *receiver) ids() []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range r.deliveries() {
		if !seen[d.id] {
			seen[d.id] = true
			out = append(out, d.id)
		}
	}
	return out
}

// testConfig delivers fast: the loops of a test run in milliseconds, not seconds.
func testConfig() webhooks.Config {
	return webhooks.Config{
		Policy: webhooks.Policy{AllowHTTP: true, AllowLoopback: true},
		Poll:   20 * time.Millisecond, LeaseTTL: 4 * time.Second,
		BackoffMin: 20 * time.Millisecond, BackoffMax: 80 * time.Millisecond,
		Timeout: 500 * time.Millisecond,
	}
}

// run starts a deliverer until the test ends.
func run(t *testing.T, s partnergraph.Store, cfg webhooks.Config) *webhooks.Deliverer {
	d := webhooks.New(s, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return d
}

// eventually waits up to 15 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// expectedIDs are the event ids of the partner's inbox (offers) after the cursor, in order.
func (f *fixture) offerIDs(t *testing.T, after int64) []string {
	t.Helper()
	offers, err := f.s.Inbox(context.Background(), f.a, after, 1000)
	must(t, err)
	var out []string
	for _, o := range offers {
		out = append(out, "offer_"+o.ID)
	}
	return out
}

func equal(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

func TestSignedDeliveriesInOrder(t *testing.T) { eachStore(t, testSignedDeliveriesInOrder) }

func testSignedDeliveriesInOrder(t *testing.T, f *fixture) {
	f.offerLead(t) // before the endpoint: not delivered
	r := newReceiver(t, nil)
	w := f.webhook(t, r.URL+"/hook", partnergraph.WebhookOffers)
	updates := f.webhook(t, r.URL+"/updates", partnergraph.WebhookLeadUpdates)
	for range 5 {
		f.offerLead(t)
	}
	want := f.offerIDs(t, w.OfferCursor)
	run(t, f.s, testConfig())
	eventually(t, "10 deliveries", func() bool { return len(r.ids()) == 10 })

	var offers []string
	for _, d := range r.deliveries() {
		secret := w.Secret
		if d.typ == webhooks.TypeLeadUpdate {
			secret = updates.Secret
		}
		if err := webhooks.Verify(secret, d.ts, d.sig, d.body, 5*time.Minute, time.Now()); err != nil {
			t.Fatalf("delivery %s: %v (signature %q)", d.id, err, d.sig)
		}
		if err := webhooks.Verify(secret, d.ts, d.sig, append([]byte(" "), d.body...), 5*time.Minute, time.Now()); err == nil {
			t.Fatal("a changed body verified")
		}
		if err := webhooks.Verify(secret, d.ts, d.sig, d.body, 5*time.Minute, time.Now().Add(10*time.Minute)); err == nil {
			t.Fatal("a replay older than the tolerance verified")
		}
		if !strings.Contains(string(d.body), `"id":"`+d.id+`"`) {
			t.Fatalf("body %s does not carry the event id %s", d.body, d.id)
		}
		if strings.Contains(string(d.body), "pat@example.com") || strings.Contains(string(d.body), "Pat Doe") {
			t.Fatalf("a delivery shows customer data: %s", d.body)
		}
		if d.typ == webhooks.TypeOffer {
			offers = append(offers, d.id)
		}
	}
	if !equal(offers, want) {
		t.Fatalf("offers delivered %v, want in inbox order %v", offers, want)
	}
	// The log shows one delivered attempt per event, with a bounded excerpt (the receiver
	// answered the last one just before the deliverer recorded it).
	var log partnergraph.Slice[partnergraph.WebhookDelivery]
	eventually(t, "5 log entries", func() bool {
		var err error
		log, err = f.s.WebhookDeliveries(context.Background(), w.ID, partnergraph.Page{First: 100})
		must(t, err)
		return len(log.Items) == 5
	})
	for _, e := range log.Items {
		if e.Status != partnergraph.DeliveryDelivered || e.Attempts != 1 || e.StatusCode != 200 || len(e.Response) != partnergraph.MaxWebhookExcerpt {
			t.Fatalf("log entry %+v", e)
		}
	}
}

func TestRotationSignsWithBothSecrets(t *testing.T) { eachStore(t, testRotationSignsWithBothSecrets) }

func testRotationSignsWithBothSecrets(t *testing.T, f *fixture) {
	r := newReceiver(t, nil)
	w := f.webhook(t, r.URL, partnergraph.WebhookOffers)
	old := w.Secret
	fresh := partnergraph.NewWebhookSecret()
	_, err := f.s.UpdateWebhook(context.Background(), w.ID, partnergraph.WebhookPatch{Secret: &fresh, PreviousUntil: time.Now().Add(time.Hour)})
	must(t, err)
	f.offerLead(t)
	run(t, f.s, testConfig())
	eventually(t, "a delivery", func() bool { return len(r.ids()) == 1 })
	d := r.deliveries()[0]
	for name, secret := range map[string]string{"previous": old, "current": fresh} {
		if err := webhooks.Verify(secret, d.ts, d.sig, d.body, time.Minute, time.Now()); err != nil {
			t.Errorf("the %s secret does not verify during the rotation: %v", name, err)
		}
	}
	if err := webhooks.Verify(partnergraph.NewWebhookSecret(), d.ts, d.sig, d.body, time.Minute, time.Now()); err == nil {
		t.Error("an unrelated secret verifies")
	}
	if n := strings.Count(d.sig, "v1="); n != 2 {
		t.Errorf("signature %q has %d signatures, want 2", d.sig, n)
	}
}

// TestRetriesKeepOrder: the first event fails twice with 500, then the second times out once;
// each is retried, and no event arrives before the one ahead of it was delivered.
func TestRetriesKeepOrder(t *testing.T) { eachStore(t, testRetriesKeepOrder) }

func testRetriesKeepOrder(t *testing.T, f *fixture) {
	var mu sync.Mutex
	tries := map[string]int{}
	var first, second string
	r := newReceiver(t, func(d delivery, _ int) int {
		mu.Lock()
		tries[d.id]++
		n := tries[d.id]
		mu.Unlock()
		switch {
		case d.id == first && n <= 2:
			return 500
		case d.id == second && n == 1:
			time.Sleep(800 * time.Millisecond) // past the 500 ms timeout
		}
		return 200
	})
	w := f.webhook(t, r.URL, partnergraph.WebhookOffers)
	for range 3 {
		f.offerLead(t)
	}
	want := f.offerIDs(t, w.OfferCursor)
	first, second = want[0], want[1]
	obs := &observer{}
	cfg := testConfig()
	cfg.Observer = obs
	run(t, f.s, cfg)
	eventually(t, "every offer delivered", func() bool {
		got, _ := f.s.Webhook(context.Background(), w.ID)
		return got.OfferCursor == mustSeq(t, f, want[2])
	})
	// In arrival order, each event comes only after every earlier one was answered 2xx.
	var order []string
	for _, d := range r.deliveries() {
		order = append(order, d.id)
	}
	wantOrder := []string{first, first, first, second, second, want[2]}
	if !equal(order, wantOrder) {
		t.Fatalf("arrivals %v, want %v", order, wantOrder)
	}
	log, err := f.s.WebhookDeliveries(context.Background(), w.ID, partnergraph.Page{First: 10})
	must(t, err)
	attempts := map[string]int{}
	for _, e := range log.Items {
		attempts[e.EventID] = e.Attempts
		if e.Status != partnergraph.DeliveryDelivered {
			t.Fatalf("entry %+v not delivered", e)
		}
	}
	if attempts[first] != 3 || attempts[second] != 2 || attempts[want[2]] != 1 {
		t.Fatalf("attempts %v, want 3, 2, 1", attempts)
	}
	// The observer hears of an attempt just after the store recorded it.
	eventually(t, "the last delivery observed", func() bool {
		obs.mu.Lock()
		defer obs.mu.Unlock()
		return obs.outcomes["delivered"] == 3
	})
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.outcomes["failed"] != 3 || obs.outcomes["delivered"] != 3 || obs.maxQueue != 1 || obs.queue != 0 {
		t.Fatalf("observed %v, retry queue at most %d and now %d; want 3 failed, 3 delivered, 1 then 0", obs.outcomes, obs.maxQueue, obs.queue)
	}
}

// observer records what a deliverer reports (webhooks.Observer).
type observer struct {
	mu              sync.Mutex
	outcomes        map[string]int
	queue, maxQueue int
}

func (o *observer) WebhookDelivery(outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.outcomes == nil {
		o.outcomes = map[string]int{}
	}
	o.outcomes[outcome]++
}

func (o *observer) WebhookRetryQueue(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.queue, o.maxQueue = n, max(o.maxQueue, n)
}

func mustSeq(t *testing.T, f *fixture, eventID string) int64 {
	offers, err := f.s.Inbox(context.Background(), f.a, 0, 1000)
	must(t, err)
	for _, o := range offers {
		if "offer_"+o.ID == eventID {
			return o.Seq
		}
	}
	t.Fatalf("no offer for %s", eventID)
	return 0
}

// TestDisabledAfterRetryHorizon: an endpoint that fails past RetryFor is disabled, with why.
func TestDisabledAfterRetryHorizon(t *testing.T) { eachStore(t, testDisabledAfterRetryHorizon) }

func testDisabledAfterRetryHorizon(t *testing.T, f *fixture) {
	r := newReceiver(t, func(delivery, int) int { return 503 })
	w := f.webhook(t, r.URL, partnergraph.WebhookOffers)
	f.offerLead(t)
	cfg := testConfig()
	cfg.RetryFor = 300 * time.Millisecond
	run(t, f.s, cfg)
	eventually(t, "the endpoint disabled", func() bool {
		got, _ := f.s.Webhook(context.Background(), w.ID)
		return !got.Enabled
	})
	got, _ := f.s.Webhook(context.Background(), w.ID)
	if !strings.Contains(got.DisabledReason, "HTTP 503") {
		t.Fatalf("disabled with reason %q", got.DisabledReason)
	}
	if len(r.deliveries()) < 2 {
		t.Fatalf("disabled after %d attempts, want retries first", len(r.deliveries()))
	}
	log, _ := f.s.WebhookDeliveries(context.Background(), w.ID, partnergraph.Page{First: 1})
	if e := log.Items[0]; e.Status != partnergraph.DeliveryFailed || e.StatusCode != 503 {
		t.Fatalf("log entry %+v", e)
	}
	n := len(r.deliveries())
	time.Sleep(200 * time.Millisecond) // ten polls
	if len(r.deliveries()) != n {
		t.Fatal("a disabled endpoint is still delivered to")
	}
}

// TestRefusedAddresses: a private address, a name resolving to loopback when loopback is not
// allowed, and a redirect are refused or not followed; the receiver behind them sees nothing.
func TestRefusedAddresses(t *testing.T) {
	behind := newReceiver(t, nil)
	cases := []struct {
		name    string
		url     func(r *receiver) string
		policy  webhooks.Policy
		wantErr string
	}{
		{"private address", func(*receiver) string { return "http://10.1.2.3:9/hook" }, webhooks.Policy{AllowHTTP: true, AllowLoopback: true}, "refused address 10.1.2.3"},
		{"metadata address", func(*receiver) string { return "http://169.254.169.254/latest/meta-data" }, webhooks.Policy{AllowHTTP: true, AllowLoopback: true}, "refused address 169.254.169.254"},
		{"name resolving to loopback", func(*receiver) string { return strings.Replace(behind.URL, "127.0.0.1", "localhost", 1) }, webhooks.Policy{AllowHTTP: true}, "loopback"},
		{"http when not allowed", func(*receiver) string { return behind.URL }, webhooks.Policy{AllowLoopback: true}, "not https"},
		{"redirect", func(*receiver) string {
			return newReceiverRedirecting(t, behind.URL).URL
		}, webhooks.Policy{AllowHTTP: true, AllowLoopback: true}, "HTTP 302 (redirects are not followed)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			w := f.webhook(t, c.url(behind), partnergraph.WebhookOffers)
			f.offerLead(t)
			cfg := testConfig()
			cfg.Policy = c.policy
			run(t, f.s, cfg)
			var log partnergraph.Slice[partnergraph.WebhookDelivery]
			eventually(t, "a failed attempt", func() bool {
				log, _ = f.s.WebhookDeliveries(context.Background(), w.ID, partnergraph.Page{First: 1})
				return len(log.Items) == 1
			})
			if e := log.Items[0]; e.Status != partnergraph.DeliveryRetrying || !strings.Contains(e.LastError, c.wantErr) {
				t.Fatalf("log entry %+v, want a retry with error containing %q", e, c.wantErr)
			}
			if n := len(behind.deliveries()); n != 0 {
				t.Fatalf("the receiver behind got %d requests", n)
			}
		})
	}
}

func newReceiverRedirecting(t *testing.T, to string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to, http.StatusFound)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestCheckURL(t *testing.T) {
	prod := webhooks.Policy{}
	dev := webhooks.Policy{AllowHTTP: true, AllowLoopback: true}
	cases := []struct {
		url    string
		policy webhooks.Policy
		ok     bool
	}{
		{"https://hooks.example.com/pg", prod, true},
		{"http://hooks.example.com/pg", prod, false},
		{"http://hooks.example.com/pg", dev, true},
		{"https://127.0.0.1/hook", prod, false},
		{"http://127.0.0.1:8080/hook", dev, true},
		{"https://10.0.0.8/hook", dev, false},
		{"https://[::1]/hook", prod, false},
		{"https://[fd00:ec2::254]/", dev, false},
		{"https://169.254.169.254/", dev, false},
		{"https://[::ffff:192.168.1.1]/", dev, false},
		{"https://100.64.0.1/", prod, false},
		{"https://93.184.215.14/", prod, true},
	}
	for _, c := range cases {
		err := c.policy.CheckURL(c.url)
		if (err == nil) != c.ok {
			t.Errorf("CheckURL(%q, %+v) = %v, want ok %v", c.url, c.policy, err, c.ok)
		}
		if err != nil {
			if e, ok := err.(*partnergraph.Error); !ok || e.Field != "url" || e.Code != partnergraph.EINVALID {
				t.Errorf("CheckURL(%q) = %#v, want EINVALID naming url", c.url, err)
			}
		}
	}
}

// TestOneServerPerEndpoint: two deliverers on one store deliver each event once when nothing
// fails: the lease keeps them off each other's endpoints.
func TestOneServerPerEndpoint(t *testing.T) { eachStore(t, testOneServerPerEndpoint) }

func testOneServerPerEndpoint(t *testing.T, f *fixture) {
	r := newReceiver(t, func(delivery, int) int { time.Sleep(5 * time.Millisecond); return 200 })
	w := f.webhook(t, r.URL, partnergraph.WebhookOffers)
	for range 20 {
		f.offerLead(t)
	}
	want := f.offerIDs(t, w.OfferCursor)
	run(t, f.s, testConfig())
	run(t, f.s, testConfig())
	eventually(t, "20 deliveries", func() bool { return len(r.ids()) == 20 })
	time.Sleep(100 * time.Millisecond) // five polls of each: a second delivery would show
	var got []string
	for _, d := range r.deliveries() {
		got = append(got, d.id)
	}
	if !equal(got, want) {
		t.Fatalf("deliveries %v, want each once in order %v", got, want)
	}
}

func TestShutdownReleasesLeases(t *testing.T) { eachStore(t, testShutdownReleasesLeases) }

// testShutdownReleasesLeases: of two deliverers on one store, the one that held the endpoint
// stops gracefully and releases its lease, so the other delivers the next event at once, not
// once the lease (a minute here) would have run out.
func testShutdownReleasesLeases(t *testing.T, f *fixture) {
	r := newReceiver(t, nil)
	f.webhook(t, r.URL, partnergraph.WebhookOffers)
	cfg := testConfig()
	cfg.LeaseTTL = time.Minute
	cfg.Holder = "server-a"
	a := webhooks.New(f.s, cfg)
	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); a.Run(ctx) }()
	f.offerLead(t)
	eventually(t, "server-a delivers the first offer", func() bool { return len(r.ids()) == 1 })

	cfg.Holder = "server-b"
	run(t, f.s, cfg)
	stop()
	<-stopped
	f.offerLead(t)
	// eventually gives up after 15 s, a quarter of the lease server-a held.
	eventually(t, "server-b delivers the next offer before server-a's lease would have run out", func() bool { return len(r.ids()) == 2 })
}
