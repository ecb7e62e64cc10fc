package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/partnergraph/partnergraph"
)

const webhookColumns = `id, business_id, url, events, secret, previous_secret, previous_until, enabled,
	disabled_reason, created_at, offer_cursor, event_cursor, attempts, failing_since, next_attempt_at`

func scanWebhook(row interface{ Scan(...any) error }) (*partnergraph.Webhook, error) {
	var w partnergraph.Webhook
	var events string
	var previousUntil, failingSince, nextAttempt sql.NullInt64
	var created int64
	err := row.Scan(&w.ID, &w.BusinessID, &w.URL, &events, &w.Secret, &w.PreviousSecret, &previousUntil, &w.Enabled,
		&w.DisabledReason, &created, &w.OfferCursor, &w.EventCursor, &w.Attempts, &failingSince, &nextAttempt)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return nil, err
	}
	w.CreatedAt = fromNanos(created)
	w.PreviousUntil, w.FailingSince, w.NextAttemptAt = fromNullNanos(previousUntil), fromNullNanos(failingSince), fromNullNanos(nextAttempt)
	return &w, nil
}

func eventsJSON(es []partnergraph.WebhookEvent) string {
	b, _ := json.Marshal(es)
	return string(b)
}

// CreateWebhook implements partnergraph.Store. The cursors are the feeds' ends read in the
// write's transaction, which no other write interleaves with.
func (s *Store) CreateWebhook(ctx context.Context, w *partnergraph.Webhook) error {
	if err := w.Validate(); err != nil {
		return err
	}
	nw := *w
	if nw.ID == "" {
		nw.ID = partnergraph.NewID()
	}
	nw.CreatedAt = time.Now().UTC()
	nw.Enabled, nw.DisabledReason = true, ""
	err := s.write(ctx, func(tx *txn) error {
		if err := mustExist(ctx, tx, "businesses", "business", "businessId", nw.BusinessID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM offers WHERE business_id = ?`, nw.BusinessID).Scan(&nw.OfferCursor); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM lead_events WHERE referrer_id = ?`, nw.BusinessID).Scan(&nw.EventCursor); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhooks (id, business_id, url, events, secret, enabled, created_at, offer_cursor, event_cursor)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)`, nw.ID, nw.BusinessID, nw.URL, eventsJSON(nw.Events), nw.Secret, nw.CreatedAt.UnixNano(), nw.OfferCursor, nw.EventCursor)
		if isUnique(err) {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "webhook %q already exists", nw.ID)
		}
		return err
	})
	if err != nil {
		return wrap("create webhook", err)
	}
	*w = nw
	return nil
}

// Webhook implements partnergraph.Store.
func (s *Store) Webhook(ctx context.Context, id string) (*partnergraph.Webhook, error) {
	w, err := webhook(ctx, s.r, id)
	return w, wrap("read webhook", err)
}

func webhook(ctx context.Context, q querier, id string) (*partnergraph.Webhook, error) {
	w, err := scanWebhook(q.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "webhook %q not found", id)
	}
	return w, err
}

// Webhooks implements partnergraph.Store.
func (s *Store) Webhooks(ctx context.Context, businessID string, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Webhook], error) {
	var zero partnergraph.Slice[*partnergraph.Webhook]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, _, err := decodeCursor(p.After)
	if err != nil {
		return zero, err
	}
	var items []*partnergraph.Webhook
	var cursors []string
	err = eachRow(ctx, s.r, `SELECT `+webhookColumns+` FROM webhooks
		WHERE (? = '' OR business_id = ?) AND (created_at, id) > (?, ?)
		ORDER BY created_at, id LIMIT ?`,
		[]any{businessID, businessID, after.N, after.ID, p.First + 1},
		func(rows *sql.Rows) error {
			w, err := scanWebhook(rows)
			if err == nil {
				items = append(items, w)
				cursors = append(cursors, cursor{N: w.CreatedAt.UnixNano(), ID: w.ID}.encode())
			}
			return err
		})
	if err != nil {
		return zero, wrap("list webhooks", err)
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}

// UpdateWebhook implements partnergraph.Store.
func (s *Store) UpdateWebhook(ctx context.Context, id string, patch partnergraph.WebhookPatch) (*partnergraph.Webhook, error) {
	var out *partnergraph.Webhook
	err := s.write(ctx, func(tx *txn) error {
		w, err := webhook(ctx, tx, id)
		if err != nil {
			return err
		}
		nw, err := patch.Apply(*w)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE webhooks SET url = ?, events = ?, secret = ?, previous_secret = ?, previous_until = ?,
			enabled = ?, disabled_reason = ?, attempts = ?, failing_since = ?, next_attempt_at = ? WHERE id = ?`,
			nw.URL, eventsJSON(nw.Events), nw.Secret, nw.PreviousSecret, toNullNanos(nw.PreviousUntil),
			nw.Enabled, nw.DisabledReason, nw.Attempts, toNullNanos(nw.FailingSince), toNullNanos(nw.NextAttemptAt), id)
		out = &nw
		return err
	})
	if err != nil {
		return nil, wrap("update webhook", err)
	}
	return out, nil
}

// DeleteWebhook implements partnergraph.Store; the delivery log goes with the endpoint (ON
// DELETE CASCADE).
func (s *Store) DeleteWebhook(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "webhook %q not found", id)
		}
		return nil
	})
	return wrap("delete webhook", err)
}

// ClaimWebhooks implements partnergraph.Store. Every write goes through one connection in
// turn, so the claim's read and update need no lock of their own. The endpoints claimed
// longest ago go first (by lease_until), so that none starves behind the first limit.
func (s *Store) ClaimWebhooks(ctx context.Context, holder string, ttl time.Duration, limit int) ([]*partnergraph.Webhook, error) {
	if err := partnergraph.CheckWebhookClaim(holder, ttl, limit); err != nil {
		return nil, err
	}
	var out []*partnergraph.Webhook
	err := s.write(ctx, func(tx *txn) error {
		out = nil
		t := now()
		err := eachRow(ctx, tx, `UPDATE webhooks SET lease_holder = ?, lease_until = ?
			WHERE id IN (SELECT id FROM webhooks WHERE enabled = 1 AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
				AND (lease_holder = ? OR lease_until < ?) ORDER BY lease_until, id LIMIT ?)
			RETURNING `+webhookColumns, []any{holder, t + ttl.Nanoseconds(), t, holder, t, limit},
			func(rows *sql.Rows) error {
				w, err := scanWebhook(rows)
				if err == nil {
					out = append(out, w)
				}
				return err
			})
		return err
	})
	if err != nil {
		return nil, wrap("claim webhooks", err)
	}
	return out, nil
}

// RecordWebhookAttempt implements partnergraph.Store.
func (s *Store) RecordWebhookAttempt(ctx context.Context, holder string, a partnergraph.WebhookAttempt) error {
	if err := partnergraph.CheckWebhookAttempt(&a); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *txn) error {
		var leaseHolder string
		var leaseUntil int64
		err := tx.QueryRowContext(ctx, `SELECT lease_holder, lease_until FROM webhooks WHERE id = ?`, a.WebhookID).Scan(&leaseHolder, &leaseUntil)
		if errors.Is(err, sql.ErrNoRows) {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "webhook %q not found", a.WebhookID)
		}
		if err != nil {
			return err
		}
		if leaseHolder != holder || leaseUntil < now() {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "webhook %q is not leased to %s", a.WebhookID, holder)
		}
		status := partnergraph.DeliveryDelivered
		switch {
		case a.OK:
			col := "offer_cursor"
			if a.Event == partnergraph.WebhookLeadUpdates {
				col = "event_cursor"
			}
			// col is one of two fixed names, never input.
			_, err = tx.ExecContext(ctx, `UPDATE webhooks SET `+col+` = max(`+col+`, ?), attempts = 0, failing_since = NULL, next_attempt_at = NULL WHERE id = ?`, a.Seq, a.WebhookID)
		case a.Disable != "":
			status = partnergraph.DeliveryFailed
			_, err = tx.ExecContext(ctx, `UPDATE webhooks SET enabled = 0, disabled_reason = ?, attempts = attempts + 1,
				failing_since = coalesce(failing_since, ?), next_attempt_at = NULL WHERE id = ?`, a.Disable, a.At.UnixNano(), a.WebhookID)
			if err == nil {
				err = tellDisabled(ctx, tx, a)
			}
		default:
			status = partnergraph.DeliveryRetrying
			_, err = tx.ExecContext(ctx, `UPDATE webhooks SET attempts = attempts + 1, failing_since = coalesce(failing_since, ?),
				next_attempt_at = ? WHERE id = ?`, a.At.UnixNano(), a.NextAttemptAt.UnixNano(), a.WebhookID)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event_id, event, seq, status, attempts, status_code,
				latency_ns, last_error, response, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (webhook_id, event_id) DO UPDATE SET status = excluded.status, attempts = attempts + 1,
				status_code = excluded.status_code, latency_ns = excluded.latency_ns, last_error = excluded.last_error,
				response = excluded.response, updated_at = excluded.updated_at`,
			a.WebhookID, a.EventID, string(a.Event), a.Seq, string(status), a.StatusCode, a.Latency.Nanoseconds(), a.Error, a.Response,
			a.At.UnixNano(), a.At.UnixNano())
		return err
	})
	return wrap("record webhook attempt", err)
}

const deliveryColumns = `webhook_id, event_id, event, seq, status, attempts, status_code, latency_ns, last_error, response, created_at, updated_at`

func scanDelivery(row interface{ Scan(...any) error }) (partnergraph.WebhookDelivery, error) {
	var d partnergraph.WebhookDelivery
	var latency, created, updated int64
	err := row.Scan(&d.WebhookID, &d.EventID, &d.Event, &d.Seq, &d.Status, &d.Attempts, &d.StatusCode, &latency, &d.LastError, &d.Response, &created, &updated)
	d.Latency, d.CreatedAt, d.UpdatedAt = time.Duration(latency), fromNanos(created), fromNanos(updated)
	return d, err
}

// WebhookDeliveries implements partnergraph.Store.
func (s *Store) WebhookDeliveries(ctx context.Context, webhookID string, p partnergraph.Page) (partnergraph.Slice[partnergraph.WebhookDelivery], error) {
	var zero partnergraph.Slice[partnergraph.WebhookDelivery]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, hasAfter, err := decodeCursor(p.After)
	if err != nil {
		return zero, err
	}
	if !hasAfter {
		after.N, after.ID = int64(^uint64(0)>>1), "\U0010FFFF"
	}
	if err := mustExist(ctx, s.r, "webhooks", "webhook", "webhookId", webhookID); err != nil {
		return zero, err
	}
	var items []partnergraph.WebhookDelivery
	var cursors []string
	err = eachRow(ctx, s.r, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE webhook_id = ? AND (created_at, event_id) < (?, ?) ORDER BY created_at DESC, event_id DESC LIMIT ?`,
		[]any{webhookID, after.N, after.ID, p.First + 1},
		func(rows *sql.Rows) error {
			d, err := scanDelivery(rows)
			if err == nil {
				items = append(items, d)
				cursors = append(cursors, cursor{N: d.CreatedAt.UnixNano(), ID: d.EventID}.encode())
			}
			return err
		})
	if err != nil {
		return zero, wrap("list webhook deliveries", err)
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}

// RedeliverWebhook implements partnergraph.Store.
func (s *Store) RedeliverWebhook(ctx context.Context, webhookID, eventID string) error {
	err := s.write(ctx, func(tx *txn) error {
		if err := mustExist(ctx, tx, "webhooks", "webhook", "webhookId", webhookID); err != nil {
			return err
		}
		var event string
		var seq int64
		err := tx.QueryRowContext(ctx, `SELECT event, seq FROM webhook_deliveries WHERE webhook_id = ? AND event_id = ?`, webhookID, eventID).Scan(&event, &seq)
		if errors.Is(err, sql.ErrNoRows) {
			return &partnergraph.Error{Code: partnergraph.ENOTFOUND, Field: "eventId", Message: "no delivery of event " + eventID + " to this webhook"}
		}
		if err != nil {
			return err
		}
		col := "offer_cursor"
		if partnergraph.WebhookEvent(event) == partnergraph.WebhookLeadUpdates {
			col = "event_cursor"
		}
		// col is one of two fixed names, never input.
		_, err = tx.ExecContext(ctx, `UPDATE webhooks SET `+col+` = min(`+col+`, ?), attempts = 0, failing_since = NULL, next_attempt_at = NULL WHERE id = ?`, seq-1, webhookID)
		return err
	})
	return wrap("redeliver webhook", err)
}

// tellDisabled tells the endpoint's business, in its feed, that the attempt disabled the
// endpoint (partnergraph.WebhookDisabledEvent), in the transaction that disables it.
func tellDisabled(ctx context.Context, tx *txn, a partnergraph.WebhookAttempt) error {
	w, err := webhook(ctx, tx, a.WebhookID)
	if err != nil {
		return err
	}
	return insertEvents(ctx, tx, []partnergraph.LeadEvent{partnergraph.WebhookDisabledEvent(w, a.Disable, a.At)})
}

// ReleaseWebhooks implements partnergraph.WebhookLeaseRelease: a lease_until of 0 has run
// out, and sorts first for the next claim.
func (s *Store) ReleaseWebhooks(ctx context.Context, holder string) (int, error) {
	if err := partnergraph.CheckWebhookRelease(holder); err != nil {
		return 0, err
	}
	var n int64
	err := s.write(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET lease_holder = '', lease_until = 0 WHERE lease_holder = ?`, holder)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, wrap("release webhooks", err)
	}
	return int(n), nil
}
