package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// The webhook statements (webhook.go's part of the statements).
var (
	webhookCreate         = stmt("webhook_create")
	webhookByID           = stmt("webhook_by_id")
	webhookLock           = stmt("webhook_lock")
	webhookSet            = stmt("webhook_set")
	webhookList           = stmt("webhook_list")
	webhookDelete         = stmt("webhook_delete")
	webhookClaim          = stmt("webhook_claim")
	webhookRelease        = stmt("webhook_release")
	webhookDeliveryRecord = stmt("webhook_delivery_record")
	webhookDeliveryGet    = stmt("webhook_delivery_get")
	webhookDeliveryList   = stmt("webhook_delivery_list")
)

func eventStrings(es []partnergraph.WebhookEvent) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e)
	}
	return out
}

// webhookOf reads the endpoint node under key "w" of rec.
func webhookOf(rec *neo4j.Record) (*partnergraph.Webhook, error) {
	v, err := nodeValues(rec, "w")
	if err != nil {
		return nil, err
	}
	w := &partnergraph.Webhook{
		ID:             v.str("id"),
		BusinessID:     v.str("businessId"),
		URL:            v.str("url"),
		Secret:         v.str("secret"),
		PreviousSecret: v.str("previousSecret"),
		PreviousUntil:  v.optTime("previousUntil"),
		Enabled:        v.boolean("enabled"),
		DisabledReason: v.str("disabledReason"),
		CreatedAt:      v.time("createdAt"),
		OfferCursor:    v.integer("offerCursor"),
		EventCursor:    v.integer("eventCursor"),
		Attempts:       int(v.integer("attempts")),
		FailingSince:   v.optTime("failingSince"),
		NextAttemptAt:  v.optTime("nextAttemptAt"),
	}
	for _, e := range v.strs("events") {
		w.Events = append(w.Events, partnergraph.WebhookEvent(e))
	}
	if v.err != nil {
		return nil, fmt.Errorf("webhook %q: %w", w.ID, v.err)
	}
	return w, nil
}

// webhookProps are the properties of w that writes after its creation change.
func webhookProps(w *partnergraph.Webhook) map[string]any {
	return map[string]any{
		"url":            w.URL,
		"events":         eventStrings(w.Events),
		"secret":         w.Secret,
		"previousSecret": w.PreviousSecret,
		"previousUntil":  optTime(w.PreviousUntil),
		"enabled":        w.Enabled,
		"disabledReason": w.DisabledReason,
		"offerCursor":    w.OfferCursor,
		"eventCursor":    w.EventCursor,
		"attempts":       int64(w.Attempts),
		"failingSince":   optTime(w.FailingSince),
		"nextAttemptAt":  optTime(w.NextAttemptAt),
	}
}

// CreateWebhook implements partnergraph.Store.
func (s *Store) CreateWebhook(ctx context.Context, w *partnergraph.Webhook) error {
	if err := w.Validate(); err != nil {
		return err
	}
	id := w.ID
	if id == "" {
		id = partnergraph.NewID()
	}
	created, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (*partnergraph.Webhook, error) {
		recs, err := run(ctx, tx, webhookCreate, map[string]any{
			"id": id, "businessId": w.BusinessID, "url": w.URL, "events": eventStrings(w.Events), "secret": w.Secret, "createdAt": now(),
		})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, notFound("businessId", "business", w.BusinessID)
		}
		return webhookOf(recs[0])
	})
	if isConstraintViolation(err) {
		return partnergraph.Errorf(partnergraph.ECONFLICT, "webhook %q already exists", id)
	}
	if err != nil {
		return wrap("create webhook", err)
	}
	*w = *created
	return nil
}

// Webhook implements partnergraph.Store.
func (s *Store) Webhook(ctx context.Context, id string) (*partnergraph.Webhook, error) {
	w, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (*partnergraph.Webhook, error) {
		recs, err := run(ctx, tx, webhookByID, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "webhook %q not found", id)
		}
		return webhookOf(recs[0])
	})
	return w, wrap("read webhook", err)
}

// Webhooks implements partnergraph.Store.
func (s *Store) Webhooks(ctx context.Context, businessID string, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Webhook], error) {
	var zero partnergraph.Slice[*partnergraph.Webhook]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, resume, err := decodeCursor(p.After, byWebhook)
	if err != nil {
		return zero, err
	}
	params := map[string]any{"businessId": optString(businessID), "afterCreatedAt": nil, "afterId": after.ID, "limit": int64(p.First + 1)}
	if resume {
		params["afterCreatedAt"] = after.time()
	}
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Slice[*partnergraph.Webhook], error) {
		recs, err := run(ctx, tx, webhookList, params)
		if err != nil {
			return zero, err
		}
		items := make([]*partnergraph.Webhook, 0, len(recs))
		cursors := make([]string, 0, len(recs))
		for _, rec := range recs {
			w, err := webhookOf(rec)
			if err != nil {
				return zero, err
			}
			items = append(items, w)
			cursors = append(cursors, cursor{Kind: byWebhook, S: w.CreatedAt.Format(time.RFC3339Nano), ID: w.ID}.encode())
		}
		return partnergraph.SliceOf(items, cursors, p.First), nil
	})
	return out, wrap("list webhooks", err)
}

// lockedWebhook locks the endpoint and returns it with its lease and the Neo4j server's clock.
func lockedWebhook(ctx context.Context, tx neo4j.ManagedTransaction, id string) (w *partnergraph.Webhook, leaseHolder string, leaseUntil, nowMillis int64, err error) {
	recs, err := run(ctx, tx, webhookLock, map[string]any{"id": id})
	if err != nil {
		return nil, "", 0, 0, err
	}
	if len(recs) == 0 {
		return nil, "", 0, 0, partnergraph.Errorf(partnergraph.ENOTFOUND, "webhook %q not found", id)
	}
	w, err = webhookOf(recs[0])
	if err != nil {
		return nil, "", 0, 0, err
	}
	n, _ := recs[0].Get("w")
	v := values{m: n.(neo4j.Node).Props}
	leaseHolder, leaseUntil = v.str("leaseHolder"), v.integer("leaseUntil")
	nowMillis, _, err = neo4j.GetRecordValue[int64](recs[0], "now")
	if err == nil {
		err = v.err
	}
	return w, leaseHolder, leaseUntil, nowMillis, err
}

// setWebhook writes w's changeable properties (after lockedWebhook).
func setWebhook(ctx context.Context, tx neo4j.ManagedTransaction, w *partnergraph.Webhook) error {
	_, err := run(ctx, tx, webhookSet, map[string]any{"id": w.ID, "props": webhookProps(w)})
	return err
}

// UpdateWebhook implements partnergraph.Store.
func (s *Store) UpdateWebhook(ctx context.Context, id string, patch partnergraph.WebhookPatch) (*partnergraph.Webhook, error) {
	out, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (*partnergraph.Webhook, error) {
		w, _, _, _, err := lockedWebhook(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		nw, err := patch.Apply(*w)
		if err != nil {
			return nil, err
		}
		return &nw, setWebhook(ctx, tx, &nw)
	})
	return out, wrap("update webhook", err)
}

// DeleteWebhook implements partnergraph.Store.
func (s *Store) DeleteWebhook(ctx context.Context, id string) error {
	err := exec(ctx, s, func(tx neo4j.ManagedTransaction) error {
		recs, err := run(ctx, tx, webhookDelete, map[string]any{"id": id})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "webhook %q not found", id)
		}
		return nil
	})
	return wrap("delete webhook", err)
}

// ClaimWebhooks implements partnergraph.Store. Leases run on the Neo4j server's clock, so the
// servers' own clocks need not agree for two of them never to hold one endpoint at once.
func (s *Store) ClaimWebhooks(ctx context.Context, holder string, ttl time.Duration, limit int) ([]*partnergraph.Webhook, error) {
	if err := partnergraph.CheckWebhookClaim(holder, ttl, limit); err != nil {
		return nil, err
	}
	out, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) ([]*partnergraph.Webhook, error) {
		recs, err := run(ctx, tx, webhookClaim, map[string]any{"holder": holder, "ttlMillis": ttl.Milliseconds(), "now": now(), "limit": int64(limit)})
		if err != nil {
			return nil, err
		}
		var ws []*partnergraph.Webhook
		for _, rec := range recs {
			w, err := webhookOf(rec)
			if err != nil {
				return nil, err
			}
			ws = append(ws, w)
		}
		return ws, nil
	})
	return out, wrap("claim webhooks", err)
}

// ReleaseWebhooks implements partnergraph.WebhookLeaseRelease (webhook_release). EINVALID
// naming "holder".
func (s *Store) ReleaseWebhooks(ctx context.Context, holder string) (int, error) {
	if err := partnergraph.CheckWebhookRelease(holder); err != nil {
		return 0, err
	}
	n, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (int64, error) {
		recs, err := run(ctx, tx, webhookRelease, map[string]any{"holder": holder})
		if err != nil {
			return 0, err
		}
		if len(recs) != 1 {
			return 0, fmt.Errorf("webhook_release returned %d rows", len(recs))
		}
		n, _, err := neo4j.GetRecordValue[int64](recs[0], "released")
		return n, err
	})
	return int(n), wrap("release webhooks", err)
}

// RecordWebhookAttempt implements partnergraph.Store.
func (s *Store) RecordWebhookAttempt(ctx context.Context, holder string, a partnergraph.WebhookAttempt) error {
	if err := partnergraph.CheckWebhookAttempt(&a); err != nil {
		return err
	}
	// An attempt that disables the endpoint tells its business, numbered from seqs reserved
	// for that (writeNotices).
	seqs := 0
	if !a.OK && a.Disable != "" {
		seqs = noticeSeqs(1)
	}
	err := s.numbered(ctx, seqs, func(ctx context.Context, r *reservation) error {
		_, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			if err := r.check(ctx, tx); err != nil {
				return struct{}{}, err
			}
			return struct{}{}, s.recordWebhookAttempt(ctx, tx, r, holder, a)
		})
		return err
	})
	return wrap("record webhook attempt", err)
}

// recordWebhookAttempt is one run of RecordWebhookAttempt's transaction, numbered from r (nil
// unless the attempt disables the endpoint).
func (s *Store) recordWebhookAttempt(ctx context.Context, tx neo4j.ManagedTransaction, r *reservation, holder string, a partnergraph.WebhookAttempt) error {

	w, leaseHolder, leaseUntil, nowMillis, err := lockedWebhook(ctx, tx, a.WebhookID)
	if err != nil {
		return err
	}
	if leaseHolder != holder || leaseUntil < nowMillis {
		return partnergraph.Errorf(partnergraph.ECONFLICT, "webhook %q is not leased to %s", a.WebhookID, holder)
	}
	status := partnergraph.DeliveryDelivered
	at := a.At.UTC()
	switch {
	case a.OK:
		if a.Event == partnergraph.WebhookOffers {
			w.OfferCursor = max(w.OfferCursor, a.Seq)
		} else {
			w.EventCursor = max(w.EventCursor, a.Seq)
		}
		w.Attempts, w.FailingSince, w.NextAttemptAt = 0, nil, nil
	default:
		status = partnergraph.DeliveryRetrying
		w.Attempts++
		if w.FailingSince == nil {
			w.FailingSince = &at
		}
		next := a.NextAttemptAt.UTC()
		w.NextAttemptAt = &next
		if a.Disable != "" {
			status = partnergraph.DeliveryFailed
			w.Enabled, w.DisabledReason, w.NextAttemptAt = false, a.Disable, nil
		}
	}
	if err := setWebhook(ctx, tx, w); err != nil {
		return err
	}
	_, err = run(ctx, tx, webhookDeliveryRecord, map[string]any{
		"key": deliveryKey(a.WebhookID, a.EventID), "webhookId": a.WebhookID, "eventId": a.EventID, "event": string(a.Event),
		"seq": a.Seq, "status": string(status), "statusCode": int64(a.StatusCode), "latencyNs": a.Latency.Nanoseconds(),
		"lastError": a.Error, "response": a.Response, "at": at,
	})
	if err != nil || a.OK || a.Disable == "" {
		return err
	}
	_, err = s.writeNotices(ctx, tx, r.first, r.first+int64(noticeSeqs(1)), []partnergraph.LeadEvent{partnergraph.WebhookDisabledEvent(w, a.Disable, a.At)})
	return err
}

// deliveryKey is the key of an endpoint's delivery log entry for an event.
func deliveryKey(webhookID, eventID string) string { return webhookID + " " + eventID }

// deliveryOf reads the delivery node under key "d" of rec.
func deliveryOf(rec *neo4j.Record) (partnergraph.WebhookDelivery, error) {
	v, err := nodeValues(rec, "d")
	if err != nil {
		return partnergraph.WebhookDelivery{}, err
	}
	d := partnergraph.WebhookDelivery{
		WebhookID:  v.str("webhookId"),
		EventID:    v.str("eventId"),
		Event:      partnergraph.WebhookEvent(v.str("event")),
		Seq:        v.integer("seq"),
		Status:     partnergraph.WebhookDeliveryStatus(v.str("status")),
		Attempts:   int(v.integer("attempts")),
		StatusCode: int(v.integer("statusCode")),
		Latency:    time.Duration(v.integer("latencyNs")),
		LastError:  v.str("lastError"),
		Response:   v.str("response"),
		CreatedAt:  v.time("createdAt"),
		UpdatedAt:  v.time("updatedAt"),
	}
	if v.err != nil {
		return partnergraph.WebhookDelivery{}, fmt.Errorf("webhook delivery %q: %w", d.EventID, v.err)
	}
	return d, nil
}

// WebhookDeliveries implements partnergraph.Store.
func (s *Store) WebhookDeliveries(ctx context.Context, webhookID string, p partnergraph.Page) (partnergraph.Slice[partnergraph.WebhookDelivery], error) {
	var zero partnergraph.Slice[partnergraph.WebhookDelivery]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, resume, err := decodeCursor(p.After, byDelivery)
	if err != nil {
		return zero, err
	}
	params := map[string]any{"webhookId": webhookID, "afterCreatedAt": nil, "afterId": after.ID, "limit": int64(p.First + 1)}
	if resume {
		params["afterCreatedAt"] = after.time()
	}
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Slice[partnergraph.WebhookDelivery], error) {
		found, err := run(ctx, tx, webhookByID, map[string]any{"id": webhookID})
		if err != nil {
			return zero, err
		}
		if len(found) == 0 {
			return zero, notFound("webhookId", "webhook", webhookID)
		}
		recs, err := run(ctx, tx, webhookDeliveryList, params)
		if err != nil {
			return zero, err
		}
		items := make([]partnergraph.WebhookDelivery, 0, len(recs))
		cursors := make([]string, 0, len(recs))
		for _, rec := range recs {
			d, err := deliveryOf(rec)
			if err != nil {
				return zero, err
			}
			items = append(items, d)
			cursors = append(cursors, cursor{Kind: byDelivery, S: d.CreatedAt.Format(time.RFC3339Nano), ID: d.EventID}.encode())
		}
		return partnergraph.SliceOf(items, cursors, p.First), nil
	})
	return out, wrap("list webhook deliveries", err)
}

// RedeliverWebhook implements partnergraph.Store.
func (s *Store) RedeliverWebhook(ctx context.Context, webhookID, eventID string) error {
	err := exec(ctx, s, func(tx neo4j.ManagedTransaction) error {
		w, _, _, _, err := lockedWebhook(ctx, tx, webhookID)
		if partnergraph.ErrorCode(err) == partnergraph.ENOTFOUND {
			return notFound("webhookId", "webhook", webhookID)
		}
		if err != nil {
			return err
		}
		recs, err := run(ctx, tx, webhookDeliveryGet, map[string]any{"key": deliveryKey(webhookID, eventID)})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return &partnergraph.Error{Code: partnergraph.ENOTFOUND, Field: "eventId", Message: "no delivery of event " + eventID + " to this webhook"}
		}
		d, err := deliveryOf(recs[0])
		if err != nil {
			return err
		}
		if d.Event == partnergraph.WebhookOffers {
			w.OfferCursor = min(w.OfferCursor, d.Seq-1)
		} else {
			w.EventCursor = min(w.EventCursor, d.Seq-1)
		}
		w.Attempts, w.FailingSince, w.NextAttemptAt = 0, nil, nil
		return setWebhook(ctx, tx, w)
	})
	return wrap("redeliver webhook", err)
}
