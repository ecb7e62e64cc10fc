// Package webhooks delivers a business's events to the endpoints it registered: each endpoint
// follows the same durable feeds as the subscriptions (its business's inbox of offers, the
// events of the leads it referred) from cursors of its own, kept in the store, so a delivery is
// never lost across restarts and never skips an event. Deliveries are signed POSTs, retried
// with exponential backoff and jitter, in order per endpoint, at least once.
package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph"
)

// The headers of a delivery. A receiver verifies SignatureHeader over TimestampHeader + "." +
// the body, rejects timestamps older than its tolerance (replays), and deduplicates by
// EventIDHeader (a delivery may come more than once).
const (
	EventIDHeader   = "PartnerGraph-Event-Id"
	EventTypeHeader = "PartnerGraph-Event"
	TimestampHeader = "PartnerGraph-Timestamp"
	SignatureHeader = "PartnerGraph-Signature"
)

// Event types, in EventTypeHeader and the body's "type". An endpoint that follows LEAD_UPDATES
// gets every event of its business's feed: lead.update, webhook.disabled (another of the
// business's endpoints was disabled) and lead.erased; one that follows only OFFERS gets
// lead.erased too, for the leads whose offers it was sent.
const (
	TypeOffer           = "offer"
	TypeLeadUpdate      = "lead.update"
	TypeWebhookDisabled = "webhook.disabled"
	TypeLeadErased      = "lead.erased"
)

// Defaults of Config.
const (
	DefaultPoll       = time.Second
	DefaultLeaseTTL   = 30 * time.Second
	DefaultRetryFor   = 24 * time.Hour
	DefaultBackoffMin = 10 * time.Second
	DefaultBackoffMax = time.Hour
	DefaultTimeout    = 10 * time.Second
	DefaultWorkers    = 8
)

// Observer is told about deliveries (package metrics implements it).
type Observer interface {
	// WebhookDelivery counts an attempt by outcome: delivered, failed, refused (the policy
	// refused the address) or disabled (the attempt that disabled the endpoint).
	WebhookDelivery(outcome string, took time.Duration)
	// WebhookRetryQueue is the number of endpoints this server saw fail and not yet succeed.
	WebhookRetryQueue(n int)
}

// Subscribers wakes this server's subscribers of a feed that a write changed (*leads.Service
// implements it); the change feed's follower wakes those of the other servers.
type Subscribers interface {
	Wake(c partnergraph.Change)
}

// Config tunes a Deliverer; zero fields take the defaults.
type Config struct {
	Policy Policy
	// Poll is how often endpoints are claimed and their feeds read.
	Poll time.Duration
	// LeaseTTL is how long a claim on an endpoint lasts: another server takes over an endpoint
	// of a server that died after this. An endpoint is worked on for at most half of it per claim.
	LeaseTTL time.Duration
	// RetryFor is how long an endpoint may keep failing before it is disabled.
	RetryFor time.Duration
	// BackoffMin and BackoffMax bound the wait before a retry, which doubles after each failure
	// and is drawn at random from its upper half.
	BackoffMin, BackoffMax time.Duration
	// Timeout bounds one attempt.
	Timeout time.Duration
	// Workers is how many endpoints are delivered to at once.
	Workers int
	// Holder names this server in the leases (default: host, PID and random bytes).
	Holder   string
	Log      *slog.Logger
	Observer Observer
	// Subscribers, when set, is woken for the business's feed when an attempt disabled an
	// endpoint, whose notice the store wrote there.
	Subscribers Subscribers
}

// Deliverer delivers events to the endpoints it claims, until Run's context ends.
type Deliverer struct {
	store  partnergraph.Store
	cfg    Config
	client *http.Client
	wake   chan struct{}

	mu      sync.Mutex
	failing map[string]bool // endpoints that failed and have not succeeded since, for the retry queue metric
}

// New returns a deliverer over the store.
func New(store partnergraph.Store, cfg Config) *Deliverer {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Poll, DefaultPoll)
	def(&cfg.LeaseTTL, DefaultLeaseTTL)
	def(&cfg.RetryFor, DefaultRetryFor)
	def(&cfg.BackoffMin, DefaultBackoffMin)
	def(&cfg.BackoffMax, DefaultBackoffMax)
	def(&cfg.Timeout, DefaultTimeout)
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Holder == "" {
		cfg.Holder = holderName()
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Deliverer{store: store, cfg: cfg, client: cfg.Policy.Client(cfg.Timeout), wake: make(chan struct{}, 1), failing: map[string]bool{}}
}

// Policy is the deliverer's address policy, which registration checks URLs against too.
func (d *Deliverer) Policy() Policy { return d.cfg.Policy }

// Wake makes the deliverer look for events now rather than at its next poll.
func (d *Deliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run claims due endpoints and delivers their events, every Poll or Wake, until ctx ends. An
// attempt in flight when ctx ends is abandoned unrecorded: its event is delivered again. Once
// its last round has returned it releases its leases, so that another server takes its
// endpoints over at once rather than after LeaseTTL (a server that dies cannot: its leases run
// out).
func (d *Deliverer) Run(ctx context.Context) {
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	defer d.release(context.WithoutCancel(ctx))
	for {
		d.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.wake:
		}
	}
}

// releaseTimeout bounds the release of the leases at shutdown: a store that does not answer
// lets the leases run out instead of holding the shutdown up.
const releaseTimeout = 5 * time.Second

// release ends this deliverer's leases.
func (d *Deliverer) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, releaseTimeout)
	defer cancel()
	n, err := d.store.ReleaseWebhooks(ctx, d.cfg.Holder)
	if err != nil {
		d.cfg.Log.Warn("release webhook leases at shutdown: other servers take the endpoints over when the leases run out", "ttl", d.cfg.LeaseTTL, "err", err)
		return
	}
	if n > 0 {
		d.cfg.Log.Info("released webhook leases", "endpoints", n)
	}
}

// round claims the due endpoints and delivers to each, Workers at a time.
func (d *Deliverer) round(ctx context.Context) {
	ws, err := d.store.ClaimWebhooks(ctx, d.cfg.Holder, d.cfg.LeaseTTL, 100)
	if err != nil {
		if ctx.Err() == nil {
			d.cfg.Log.Warn("claim webhooks", "err", err)
		}
		return
	}
	// Each endpoint gets half the lease, so that its last attempt is recorded while the lease holds.
	rctx, cancel := context.WithTimeout(ctx, d.cfg.LeaseTTL/2)
	defer cancel()
	sem := make(chan struct{}, d.cfg.Workers)
	var wg sync.WaitGroup
	for _, w := range ws {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			d.deliverEndpoint(rctx, w)
		})
	}
	wg.Wait()
}

// event is one item of an endpoint's feeds, ready to send.
type event struct {
	id   string
	kind partnergraph.WebhookEvent
	typ  string
	seq  int64
	at   time.Time
	data any
}

// pending reads the events after the endpoint's cursors: each feed in seq order, the two
// merged by time.
func (d *Deliverer) pending(ctx context.Context, w *partnergraph.Webhook) ([]event, error) {
	const page = 50
	var offers, updates []event
	if w.Follows(partnergraph.WebhookOffers) {
		os, err := d.store.Inbox(ctx, w.BusinessID, w.OfferCursor, page)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			offers = append(offers, event{id: "offer_" + o.ID, kind: partnergraph.WebhookOffers, typ: TypeOffer, seq: o.Seq, at: o.CreatedAt, data: offerData(o)})
		}
	}
	// The business's feed: all of it for an endpoint that follows it, its erasures alone for one
	// that follows only offers (the offers it was sent carried the leads' data).
	var es []partnergraph.LeadEvent
	var err error
	switch {
	case w.Follows(partnergraph.WebhookLeadUpdates):
		es, err = d.store.LeadEvents(ctx, w.BusinessID, w.EventCursor, page)
	case w.Follows(partnergraph.WebhookOffers):
		es, err = d.store.LeadErasures(ctx, w.BusinessID, w.EventCursor, page)
	}
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		typ, data := feedEvent(e)
		updates = append(updates, event{id: "leadevent_" + strconv.FormatInt(e.Seq, 10), kind: partnergraph.WebhookLeadUpdates, typ: typ, seq: e.Seq, at: e.At, data: data})
	}
	out := make([]event, 0, len(offers)+len(updates))
	for len(offers) > 0 && len(updates) > 0 {
		if updates[0].at.Before(offers[0].at) {
			out, updates = append(out, updates[0]), updates[1:]
		} else {
			out, offers = append(out, offers[0]), offers[1:]
		}
	}
	return append(append(out, offers...), updates...), nil
}

// deliverEndpoint sends the endpoint's pending events in order, and stops at the first
// failure: no later event goes before an earlier one has been delivered.
func (d *Deliverer) deliverEndpoint(ctx context.Context, w *partnergraph.Webhook) {
	for ctx.Err() == nil {
		evs, err := d.pending(ctx, w)
		if err != nil {
			if ctx.Err() == nil {
				d.cfg.Log.Warn("read webhook feeds", "webhook", w.ID, "err", err)
			}
			return
		}
		if len(evs) == 0 {
			return
		}
		for _, e := range evs {
			if !d.attempt(ctx, w, e) {
				return
			}
		}
	}
}

// attempt sends one event and records the outcome; it reports whether it was delivered.
func (d *Deliverer) attempt(ctx context.Context, w *partnergraph.Webhook, e event) bool {
	start := time.Now()
	status, excerpt, err := d.send(ctx, w, e, start)
	took := time.Since(start)
	if ctx.Err() != nil {
		return false // abandoned at shutdown or at the end of the round: delivered again later
	}
	a := partnergraph.WebhookAttempt{WebhookID: w.ID, EventID: e.id, Event: e.kind, Seq: e.seq, StatusCode: status,
		Latency: took, Response: excerpt, At: start.UTC()}
	outcome := "delivered"
	switch {
	case err != nil:
		a.Error, outcome = err.Error(), "failed"
		if errors.Is(err, errRefusedAddress) {
			outcome = "refused"
		}
	case status < 200 || status > 299:
		a.Error, outcome = fmt.Sprintf("HTTP %d", status), "failed"
		if status >= 300 && status < 400 {
			a.Error += " (redirects are not followed)"
		}
	default:
		a.OK = true
	}
	if !a.OK {
		since := start
		if w.FailingSince != nil {
			since = *w.FailingSince
		}
		if start.Sub(since) >= d.cfg.RetryFor {
			a.Disable = fmt.Sprintf("failing since %s (last: %s)", since.UTC().Format(time.RFC3339), a.Error)
			outcome = "disabled"
		} else {
			a.NextAttemptAt = start.Add(d.backoff(w.Attempts + 1)).UTC()
		}
	}
	if err := d.store.RecordWebhookAttempt(ctx, d.cfg.Holder, a); err != nil {
		// The lease was lost (ECONFLICT) or the store failed: the event stays undelivered in
		// the store's eyes, and is sent again; the receiver deduplicates by id.
		if ctx.Err() == nil {
			d.cfg.Log.Warn("record webhook attempt", "webhook", w.ID, "event", e.id, "err", err)
		}
		return false
	}
	d.observe(w.ID, outcome, took)
	if a.OK {
		if e.kind == partnergraph.WebhookOffers {
			w.OfferCursor = e.seq
		} else {
			w.EventCursor = e.seq
		}
		w.Attempts, w.FailingSince = 0, nil
		return true
	}
	if a.Disable != "" {
		// The store told the business in its feed, with the write that disabled the endpoint.
		d.cfg.Log.Warn("webhook disabled", "webhook", w.ID, "business", w.BusinessID, "reason", a.Disable)
		if d.cfg.Subscribers != nil {
			d.cfg.Subscribers.Wake(partnergraph.Change{Kind: partnergraph.ChangeLeadEvent, ID: w.BusinessID})
		}
		d.Wake() // the business's other endpoints
	} else {
		d.cfg.Log.Info("webhook delivery failed", "webhook", w.ID, "event", e.id, "attempts", w.Attempts+1, "next", a.NextAttemptAt, "err", a.Error)
	}
	return false
}

// observe tells the observer, and keeps the set of failing endpoints it counts.
func (d *Deliverer) observe(id, outcome string, took time.Duration) {
	d.mu.Lock()
	if outcome == "failed" || outcome == "refused" {
		d.failing[id] = true
	} else {
		delete(d.failing, id)
	}
	n := len(d.failing)
	d.mu.Unlock()
	if d.cfg.Observer != nil {
		d.cfg.Observer.WebhookDelivery(outcome, took)
		d.cfg.Observer.WebhookRetryQueue(n)
	}
}

// backoff is the wait before attempt n+1 after n failures: BackoffMin doubled n-1 times, at
// most BackoffMax, drawn at random from its upper half so that endpoints failing together do
// not retry together.
func (d *Deliverer) backoff(n int) time.Duration {
	wait := d.cfg.BackoffMax
	if n < 40 {
		wait = min(d.cfg.BackoffMin<<(n-1), d.cfg.BackoffMax)
		if wait <= 0 { // overflow
			wait = d.cfg.BackoffMax
		}
	}
	half := wait / 2
	j, err := rand.Int(rand.Reader, big.NewInt(int64(half)+1))
	if err != nil {
		return wait
	}
	return half + time.Duration(j.Int64())
}

// Envelope is the JSON body of a delivery.
type Envelope struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	BusinessID string    `json:"businessId"`
	CreatedAt  time.Time `json:"createdAt"`
	Data       any       `json:"data"`
}

// send POSTs the event and returns the answer's status and a bounded excerpt of its body.
func (d *Deliverer) send(ctx context.Context, w *partnergraph.Webhook, e event, at time.Time) (int, string, error) {
	body, err := json.Marshal(Envelope{ID: e.id, Type: e.typ, BusinessID: w.BusinessID, CreatedAt: e.at.UTC(), Data: e.data})
	if err != nil {
		return 0, "", err
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if u := req.URL; u.Scheme != "https" && !d.cfg.Policy.AllowHTTP {
		return 0, "", fmt.Errorf("%w: %s is not https", errRefusedAddress, u.Redacted())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "PartnerGraph-Webhooks/1")
	req.Header.Set(EventIDHeader, e.id)
	req.Header.Set(EventTypeHeader, e.typ)
	req.Header.Set(TimestampHeader, ts)
	req.Header.Set(SignatureHeader, Signature(w.Secrets(at), ts, body))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, partnergraph.MaxWebhookExcerpt))
	// Drain a little more so the connection can be reused; a receiver that says more than
	// that is cut off.
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	return resp.StatusCode, string(excerpt), nil
}

// Signature is the SignatureHeader value: "v1=" and the hex HMAC-SHA256 of timestamp + "." +
// body under each secret, comma-separated (two during a rotation; a receiver accepts the
// delivery when any of them matches its secret).
func Signature(secrets []string, timestamp string, body []byte) string {
	parts := make([]string, len(secrets))
	for i, s := range secrets {
		parts[i] = "v1=" + sign(s, timestamp, body)
	}
	return strings.Join(parts, ",")
}

func sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify is what a receiver does, in Go: it returns nil if header carries a signature of
// timestamp + "." + body under secret and the timestamp is within tolerance of now (older
// ones are replays).
func Verify(secret, timestamp, header string, body []byte, tolerance time.Duration, now time.Time) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errors.New("webhooks: bad timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhooks: timestamp outside the tolerance")
	}
	want := []byte(sign(secret, timestamp, body))
	for part := range strings.SplitSeq(header, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "v1="); ok && hmac.Equal([]byte(v), want) {
			return nil
		}
	}
	return errors.New("webhooks: no valid signature")
}

// offerData is an offer as a delivery shows it: no customer data (the recipient sees that once
// it accepts, through the API).
func offerData(o partnergraph.Offer) map[string]any {
	return map[string]any{
		"offerId": o.ID, "leadId": o.LeadID, "seq": o.Seq, "rank": o.Rank, "score": o.Score, "pathTrust": o.PathTrust,
		"reasons": o.Reasons, "status": o.Status, "createdAt": o.CreatedAt.UTC(), "expiresAt": o.ExpiresAt.UTC(),
	}
}

// feedEvent is an event of a business's feed as a delivery shows it: its type, and its data.
// A lead.erased names the lead and when, and nothing of its customer.
func feedEvent(e partnergraph.LeadEvent) (string, map[string]any) {
	switch e.Kind {
	case partnergraph.EventWebhookDisabled:
		return TypeWebhookDisabled, map[string]any{"webhookId": e.WebhookID, "seq": e.Seq, "message": e.Message, "at": e.At.UTC()}
	case partnergraph.EventLeadErased:
		return TypeLeadErased, map[string]any{"leadId": e.LeadID, "seq": e.Seq, "erasedAt": e.At.UTC()}
	}
	return TypeLeadUpdate, map[string]any{"leadId": e.LeadID, "seq": e.Seq, "status": e.Status, "message": e.Message, "at": e.At.UTC()}
}

// holderName names this process in the endpoints' leases: host and PID for whoever reads the
// store, and random bytes because one process may run several servers.
func holderName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown-host"
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s pid %d (%s)", host, os.Getpid(), hex.EncodeToString(b))
}
