package partnergraph

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookEvent names a feed that a webhook endpoint follows.
type WebhookEvent string

// The feeds an endpoint may follow: its business's inbox of offers, and the status changes of
// the leads its business referred. Each is the feed that the leadOffers and leadUpdates
// subscriptions read, by seq.
const (
	WebhookOffers      WebhookEvent = "OFFERS"
	WebhookLeadUpdates WebhookEvent = "LEAD_UPDATES"
)

// Webhook is an endpoint that a business's events are POSTed to. It follows each feed it
// subscribes to with a cursor of its own, like a subscription that never disconnects.
type Webhook struct {
	ID         string
	BusinessID string
	URL        string
	Events     []WebhookEvent
	// Secret signs deliveries. It is kept because signing needs it; the API shows it once,
	// when it is made (created or rotated).
	Secret string
	// PreviousSecret also signs deliveries until PreviousUntil, so that a receiver can switch
	// to the new secret without rejecting deliveries in the meantime.
	PreviousSecret string
	PreviousUntil  *time.Time
	Enabled        bool
	DisabledReason string
	CreatedAt      time.Time

	// OfferCursor and EventCursor are the seqs of the last offer and lead event delivered.
	OfferCursor int64
	EventCursor int64
	// Attempts counts the failed attempts at the endpoint's next event since it last
	// succeeded; FailingSince is when the first of them failed, NextAttemptAt when the next
	// may be made.
	Attempts      int
	FailingSince  *time.Time
	NextAttemptAt *time.Time
}

// Follows reports whether the endpoint subscribes to the feed.
func (w *Webhook) Follows(e WebhookEvent) bool { return slices.Contains(w.Events, e) }

// Secrets returns the secrets that sign a delivery made at t: the current one, and the
// previous one while it is still valid.
func (w *Webhook) Secrets(t time.Time) []string {
	out := []string{w.Secret}
	if w.PreviousSecret != "" && w.PreviousUntil != nil && t.Before(*w.PreviousUntil) {
		out = append(out, w.PreviousSecret)
	}
	return out
}

// maxWebhookURL bounds an endpoint's URL.
const maxWebhookURL = 2048

// CheckWebhookURL returns EINVALID naming "url" unless s is an absolute http or https URL with
// a host, without credentials or a fragment. Whether http is allowed, and which addresses may
// be reached, is the deliverer's policy (package webhooks), checked on top of this.
func CheckWebhookURL(s string) error {
	if len(s) == 0 || len(s) > maxWebhookURL {
		return Invalidf("url", "must have 1 to %d characters", maxWebhookURL)
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" {
		return Invalidf("url", "must be an absolute URL with a host")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return Invalidf("url", "must be an https URL")
	}
	if u.User != nil {
		return Invalidf("url", "must not hold credentials")
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return Invalidf("url", "must not have a fragment")
	}
	return nil
}

// CheckWebhookEvents returns EINVALID naming "events" unless es holds one or both feeds, each
// once. It sorts es.
func CheckWebhookEvents(es []WebhookEvent) error {
	if len(es) == 0 {
		return Invalidf("events", "must name at least one of OFFERS, LEAD_UPDATES")
	}
	slices.Sort(es)
	for i, e := range es {
		if e != WebhookOffers && e != WebhookLeadUpdates {
			return Invalidf("events", "must be OFFERS or LEAD_UPDATES, not %q", e)
		}
		if i > 0 && es[i-1] == e {
			return Invalidf("events", "names %s twice", e)
		}
	}
	return nil
}

// Validate returns EINVALID naming the field (businessId, url, events, secret).
func (w *Webhook) Validate() error {
	if err := CheckID("businessId", w.BusinessID); err != nil {
		return err
	}
	if err := CheckWebhookURL(w.URL); err != nil {
		return err
	}
	if err := CheckWebhookEvents(w.Events); err != nil {
		return err
	}
	if len(w.Secret) < 16 || len(w.Secret) > 256 {
		return Invalidf("secret", "must have 16 to 256 bytes")
	}
	return nil
}

// NewWebhookSecret returns a new random signing secret: 32 bytes, base64url, with a prefix
// that tells what it is when it turns up in a configuration file.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// WebhookPatch changes an endpoint; nil fields stay as they are.
type WebhookPatch struct {
	URL    *string
	Events []WebhookEvent
	// Enabled true enables the endpoint and forgets its failures (it retries its next event
	// at once); false disables it with DisabledReason.
	Enabled        *bool
	DisabledReason string
	// Secret, when set, becomes the current secret; the current one becomes the previous
	// one, valid until PreviousUntil.
	Secret        *string
	PreviousUntil time.Time
}

// Apply returns a copy of w with the patch applied and validated (EINVALID naming the field).
func (p WebhookPatch) Apply(w Webhook) (Webhook, error) {
	if p.URL != nil {
		w.URL = *p.URL
	}
	if p.Events != nil {
		w.Events = slices.Clone(p.Events)
	}
	if p.Enabled != nil {
		w.Enabled = *p.Enabled
		w.DisabledReason = ""
		if !w.Enabled {
			w.DisabledReason = p.DisabledReason
		} else {
			w.Attempts, w.FailingSince, w.NextAttemptAt = 0, nil, nil
		}
	}
	if p.Secret != nil {
		until := p.PreviousUntil.UTC()
		w.PreviousSecret, w.PreviousUntil, w.Secret = w.Secret, &until, *p.Secret
	}
	return w, w.Validate()
}

// WebhookDeliveryStatus is where the delivery of one event to one endpoint stands.
type WebhookDeliveryStatus string

// Delivery statuses: DELIVERED after a 2xx answer; RETRYING while attempts fail within the
// retry horizon; FAILED when the endpoint was disabled at this event.
const (
	DeliveryDelivered WebhookDeliveryStatus = "DELIVERED"
	DeliveryRetrying  WebhookDeliveryStatus = "RETRYING"
	DeliveryFailed    WebhookDeliveryStatus = "FAILED"
)

// WebhookDelivery is the delivery log's entry for one event and one endpoint: its last
// attempt's outcome, and how many attempts were made.
type WebhookDelivery struct {
	WebhookID string
	EventID   string
	Event     WebhookEvent // the feed the event comes from
	Seq       int64        // its seq in that feed
	Status    WebhookDeliveryStatus
	Attempts  int
	// StatusCode is the last answer's HTTP status, 0 when there was none (a refused address,
	// a timeout).
	StatusCode int
	Latency    time.Duration
	LastError  string
	// Response is a short excerpt of the last answer's body (MaxWebhookExcerpt bytes at most).
	Response  string
	CreatedAt time.Time // the first attempt
	UpdatedAt time.Time // the last attempt
}

// MaxWebhookExcerpt bounds the part of a receiver's answer that the delivery log keeps.
const MaxWebhookExcerpt = 256

// WebhookAttempt is the outcome of one attempt to deliver an event, as the deliverer records
// it: the delivery log's entry, and the endpoint's cursor or retry state.
type WebhookAttempt struct {
	WebhookID  string
	EventID    string
	Event      WebhookEvent
	Seq        int64
	OK         bool // a 2xx answer: the endpoint's cursor of the feed moves to Seq
	StatusCode int
	Latency    time.Duration
	Error      string
	Response   string
	At         time.Time
	// NextAttemptAt is, for a failure, when the next attempt may be made.
	NextAttemptAt time.Time
	// Disable, for a failure, disables the endpoint with this reason.
	Disable string
}

// WebhookStore keeps webhook endpoints, their cursors and leases, and their delivery logs:
// the webhook part of Store (storetest.Run holds its contract).
type WebhookStore interface {
	// CreateWebhook validates w (Webhook.Validate's EINVALID), gives it an id unless set and a
	// creation time, and stores it enabled, with its cursors at the current ends of its
	// business's feeds, so that it receives the events written after it. ENOTFOUND for an
	// unknown business (field "businessId"); ECONFLICT if the id is taken.
	CreateWebhook(ctx context.Context, w *Webhook) error
	// Webhook returns the endpoint, or ENOTFOUND.
	Webhook(ctx context.Context, id string) (*Webhook, error)
	// Webhooks lists the endpoints of the business (of every business for ""), oldest first.
	Webhooks(ctx context.Context, businessID string, p Page) (Slice[*Webhook], error)
	// UpdateWebhook applies the patch and returns the result. ENOTFOUND, EINVALID.
	UpdateWebhook(ctx context.Context, id string, patch WebhookPatch) (*Webhook, error)
	// DeleteWebhook deletes the endpoint and its delivery log. ENOTFOUND.
	DeleteWebhook(ctx context.Context, id string) error
	// ClaimWebhooks leases to holder, for ttl, up to limit enabled endpoints that are due (no
	// NextAttemptAt, or one at or before now) and that no other holder leases, and returns
	// them: so that of several servers on one store only one delivers an endpoint at a time.
	// Claiming an endpoint the holder already leases renews the lease. The endpoints claimed
	// longest ago come first, so that none starves when more than limit are due. EINVALID for an empty
	// holder or a ttl or limit out of range.
	ClaimWebhooks(ctx context.Context, holder string, ttl time.Duration, limit int) ([]*Webhook, error)
	// RecordWebhookAttempt records an attempt in the delivery log and moves the endpoint on:
	// after a success its cursor of the feed moves to a.Seq (never back) and its failures are
	// forgotten; after a failure its retry state (and a.Disable) is recorded. An attempt that
	// disables the endpoint also tells its business, in the same transaction
	// (WebhookDisabledEvent in its feed, with its LEAD_EVENT change). ECONFLICT, and
	// nothing is written, unless holder holds the endpoint's lease. ENOTFOUND.
	RecordWebhookAttempt(ctx context.Context, holder string, a WebhookAttempt) error
	// WebhookDeliveries lists the endpoint's delivery log, newest first (by first attempt),
	// ENOTFOUND for an unknown endpoint.
	WebhookDeliveries(ctx context.Context, webhookID string, p Page) (Slice[WebhookDelivery], error)
	// RedeliverWebhook moves the endpoint's cursor back to just before the event of its
	// delivery log, so that the event and those after it in its feed are delivered again, and
	// makes the endpoint due now. ENOTFOUND for an unknown endpoint or an event not in its log
	// (field "eventId").
	RedeliverWebhook(ctx context.Context, webhookID, eventID string) error
}

// CheckWebhookClaim returns EINVALID unless holder has 1 to 256 bytes, ttl is between a second
// and an hour, and limit in 1..MaxFeedSize.
func CheckWebhookClaim(holder string, ttl time.Duration, limit int) error {
	if err := CheckWebhookRelease(holder); err != nil {
		return err
	}
	if ttl < time.Second || ttl > time.Hour {
		return Invalidf("ttl", "must be between 1s and 1h")
	}
	return CheckFeedLimit(limit)
}

// CheckWebhookAttempt returns EINVALID naming the field of a malformed attempt.
func CheckWebhookAttempt(a *WebhookAttempt) error {
	if a.EventID == "" || len(a.EventID) > 128 {
		return Invalidf("eventId", "must have 1 to 128 bytes")
	}
	if a.Event != WebhookOffers && a.Event != WebhookLeadUpdates {
		return Invalidf("event", "must be OFFERS or LEAD_UPDATES")
	}
	if a.Seq <= 0 {
		return Invalidf("seq", "must be positive")
	}
	if err := RequireTime("at", a.At); err != nil {
		return err
	}
	if !a.OK && a.NextAttemptAt.IsZero() && a.Disable == "" {
		return Invalidf("nextAttemptAt", "is required for a failure that does not disable")
	}
	// Receivers answer anything: the stores keep valid UTF-8 only.
	a.Response = strings.ToValidUTF8(truncate(a.Response, MaxWebhookExcerpt), "")
	a.Error = strings.ToValidUTF8(truncate(a.Error, 1024), "")
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
