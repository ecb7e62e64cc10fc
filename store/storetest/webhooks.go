package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

const testSecret = "whsec_0123456789abcdef0123456789abcdef"

func newWebhook(businessID string, events ...partnergraph.WebhookEvent) *partnergraph.Webhook {
	return &partnergraph.Webhook{BusinessID: businessID, URL: "https://hooks.example.com/pg", Events: events, Secret: testSecret}
}

func addWebhook(t *testing.T, s partnergraph.Store, businessID string, events ...partnergraph.WebhookEvent) *partnergraph.Webhook {
	t.Helper()
	w := newWebhook(businessID, events...)
	must(t, s.CreateWebhook(ctx, w))
	return w
}

// testWebhooks: endpoints are created with their cursors at the ends of their business's
// feeds, read, listed, changed (disabled, enabled, secret rotated) and deleted with their log.
func testWebhooks(t *testing.T, f *leadFixture) {
	s := f.s
	f.submit(t, f.lead(f.ref), offer(f.a, 1))
	inbox, events := f.inbox(t, f.a), f.events(t, f.ref)

	toA := addWebhook(t, s, f.a, partnergraph.WebhookOffers)
	if toA.ID == "" || toA.CreatedAt.IsZero() || !toA.Enabled {
		t.Fatalf("CreateWebhook did not set id, time, enabled: %+v", toA)
	}
	if toA.OfferCursor != inbox[len(inbox)-1].Seq {
		t.Fatalf("offer cursor %d, want the inbox's end %d", toA.OfferCursor, inbox[len(inbox)-1].Seq)
	}
	toRef := addWebhook(t, s, f.ref, partnergraph.WebhookLeadUpdates, partnergraph.WebhookOffers)
	if toRef.EventCursor != events[len(events)-1].Seq || toRef.OfferCursor != 0 {
		t.Fatalf("cursors %d, %d; want the events' end %d and 0 for an empty inbox", toRef.EventCursor, toRef.OfferCursor, events[len(events)-1].Seq)
	}
	if !slices.Equal(toRef.Events, []partnergraph.WebhookEvent{partnergraph.WebhookLeadUpdates, partnergraph.WebhookOffers}) {
		t.Fatalf("events %v, want them sorted", toRef.Events)
	}
	got, err := s.Webhook(ctx, toRef.ID)
	must(t, err)
	if got.URL != toRef.URL || got.Secret != testSecret || got.BusinessID != f.ref || !got.CreatedAt.Equal(toRef.CreatedAt) ||
		got.EventCursor != toRef.EventCursor || !slices.Equal(got.Events, toRef.Events) || got.NextAttemptAt != nil {
		t.Fatalf("Webhook = %+v, want %+v", got, toRef)
	}
	_, err = s.Webhook(ctx, "missing")
	wantCode(t, err, partnergraph.ENOTFOUND, "")

	t.Run("invalid", func(t *testing.T) {
		cases := []struct {
			name  string
			edit  func(w *partnergraph.Webhook)
			code  partnergraph.Code
			field string
		}{
			{"url scheme", func(w *partnergraph.Webhook) { w.URL = "ftp://x.example/" }, partnergraph.EINVALID, "url"},
			{"url relative", func(w *partnergraph.Webhook) { w.URL = "/hook" }, partnergraph.EINVALID, "url"},
			{"url credentials", func(w *partnergraph.Webhook) { w.URL = "https://u:p@x.example/" }, partnergraph.EINVALID, "url"},
			{"no events", func(w *partnergraph.Webhook) { w.Events = nil }, partnergraph.EINVALID, "events"},
			{"unknown event", func(w *partnergraph.Webhook) { w.Events = []partnergraph.WebhookEvent{"BOGUS"} }, partnergraph.EINVALID, "events"},
			{"short secret", func(w *partnergraph.Webhook) { w.Secret = "short" }, partnergraph.EINVALID, "secret"},
			{"unknown business", func(w *partnergraph.Webhook) { w.BusinessID = "missing" }, partnergraph.ENOTFOUND, "businessId"},
			{"taken id", func(w *partnergraph.Webhook) { w.ID = toA.ID }, partnergraph.ECONFLICT, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w := newWebhook(f.b, partnergraph.WebhookOffers)
				c.edit(w)
				wantCode(t, s.CreateWebhook(ctx, w), c.code, c.field)
			})
		}
	})

	t.Run("listing", func(t *testing.T) {
		third := addWebhook(t, s, f.a, partnergraph.WebhookLeadUpdates)
		all := collect(t, 2, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Webhook], error) {
			return s.Webhooks(ctx, "", p)
		})
		if got := webhookIDs(all); !slices.Equal(got, []string{toA.ID, toRef.ID, third.ID}) {
			t.Fatalf("all webhooks %v, want oldest first %v", got, []string{toA.ID, toRef.ID, third.ID})
		}
		ofA := collect(t, 1, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Webhook], error) {
			return s.Webhooks(ctx, f.a, p)
		})
		if got := webhookIDs(ofA); !slices.Equal(got, []string{toA.ID, third.ID}) {
			t.Fatalf("webhooks of A %v, want %v", got, []string{toA.ID, third.ID})
		}
		_, err := s.Webhooks(ctx, "", partnergraph.Page{First: 1, After: "garbage"})
		wantCode(t, err, partnergraph.EINVALID, "after")
		must(t, s.DeleteWebhook(ctx, third.ID))
	})

	t.Run("update", func(t *testing.T) {
		url := "https://other.example.com/hook"
		w, err := s.UpdateWebhook(ctx, toA.ID, partnergraph.WebhookPatch{URL: &url, Events: []partnergraph.WebhookEvent{partnergraph.WebhookOffers, partnergraph.WebhookLeadUpdates}})
		must(t, err)
		if w.URL != url || len(w.Events) != 2 || w.Secret != testSecret || w.OfferCursor != toA.OfferCursor {
			t.Fatalf("after URL and events changed: %+v", w)
		}
		off := false
		w, err = s.UpdateWebhook(ctx, toA.ID, partnergraph.WebhookPatch{Enabled: &off, DisabledReason: "paused by its owner"})
		must(t, err)
		if got, _ := s.Webhook(ctx, toA.ID); got.Enabled || got.DisabledReason != "paused by its owner" {
			t.Fatalf("disabled webhook reads %+v", got)
		}
		newSecret := "whsec_fedcba9876543210fedcba9876543210"
		until := time.Now().Add(24 * time.Hour).UTC()
		_, err = s.UpdateWebhook(ctx, toA.ID, partnergraph.WebhookPatch{Secret: &newSecret, PreviousUntil: until})
		must(t, err)
		got, _ := s.Webhook(ctx, toA.ID)
		if got.Secret != newSecret || got.PreviousSecret != testSecret || got.PreviousUntil == nil || !got.PreviousUntil.Equal(until) {
			t.Fatalf("after a rotation: %+v", got)
		}
		if secrets := got.Secrets(time.Now()); !slices.Equal(secrets, []string{newSecret, testSecret}) {
			t.Fatalf("secrets during the rotation %v", secrets)
		}
		if secrets := got.Secrets(until.Add(time.Second)); !slices.Equal(secrets, []string{newSecret}) {
			t.Fatalf("secrets after the rotation %v", secrets)
		}
		on := true
		got, err = s.UpdateWebhook(ctx, toA.ID, partnergraph.WebhookPatch{Enabled: &on})
		must(t, err)
		if !got.Enabled || got.DisabledReason != "" {
			t.Fatalf("enabled webhook %+v", got)
		}
		bad := "http//nope"
		_, err = s.UpdateWebhook(ctx, toA.ID, partnergraph.WebhookPatch{URL: &bad})
		wantCode(t, err, partnergraph.EINVALID, "url")
		if got, _ := s.Webhook(ctx, toA.ID); got.URL != url {
			t.Fatalf("a refused update changed the URL to %q", got.URL)
		}
		_, err = s.UpdateWebhook(ctx, "missing", partnergraph.WebhookPatch{URL: &url})
		wantCode(t, err, partnergraph.ENOTFOUND, "")
	})

	t.Run("delete", func(t *testing.T) {
		w := addWebhook(t, s, f.c, partnergraph.WebhookOffers)
		claimAll(t, s, "server-1")
		must(t, s.RecordWebhookAttempt(ctx, "server-1", attempt(w.ID, "offer.x", 7, true)))
		must(t, s.DeleteWebhook(ctx, w.ID))
		_, err := s.Webhook(ctx, w.ID)
		wantCode(t, err, partnergraph.ENOTFOUND, "")
		_, err = s.WebhookDeliveries(ctx, w.ID, partnergraph.Page{})
		wantCode(t, err, partnergraph.ENOTFOUND, "webhookId")
		wantCode(t, s.DeleteWebhook(ctx, w.ID), partnergraph.ENOTFOUND, "")
		// A new endpoint under the same id starts with an empty log.
		again := newWebhook(f.c, partnergraph.WebhookOffers)
		again.ID = w.ID
		must(t, s.CreateWebhook(ctx, again))
		log, err := s.WebhookDeliveries(ctx, w.ID, partnergraph.Page{})
		must(t, err)
		if len(log.Items) != 0 {
			t.Fatalf("a re-created endpoint has the old log %+v", log.Items)
		}
	})
}

func webhookIDs(ws []*partnergraph.Webhook) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.ID
	}
	return out
}

func claimAll(t *testing.T, s partnergraph.Store, holder string) []*partnergraph.Webhook {
	t.Helper()
	ws, err := s.ClaimWebhooks(ctx, holder, time.Minute, 100)
	must(t, err)
	return ws
}

func attempt(webhookID, eventID string, seq int64, ok bool) partnergraph.WebhookAttempt {
	a := partnergraph.WebhookAttempt{WebhookID: webhookID, EventID: eventID, Event: partnergraph.WebhookOffers, Seq: seq, OK: ok,
		At: time.Now().UTC(), Latency: 12 * time.Millisecond}
	if ok {
		a.StatusCode, a.Response = 200, "ok"
	} else {
		a.StatusCode, a.Error, a.Response = 500, "HTTP 500", strings.Repeat("é", 400)
		a.NextAttemptAt = a.At.Add(time.Hour)
	}
	return a
}

// testWebhookDeliveries: a server leases endpoints and records attempts under its lease only;
// a success moves the cursor (never back), a failure the retry state; the log keeps one entry
// per event with its attempts and a bounded excerpt; redelivery moves the cursor back.
func testWebhookDeliveries(t *testing.T, f *leadFixture) {
	s := f.s
	w := addWebhook(t, s, f.a, partnergraph.WebhookOffers)
	w0 := w.OfferCursor

	if got := webhookIDs(claimAll(t, s, "server-1")); !slices.Equal(got, []string{w.ID}) {
		t.Fatalf("server-1 claimed %v, want [%s]", got, w.ID)
	}
	if got := claimAll(t, s, "server-2"); len(got) != 0 {
		t.Fatalf("server-2 claimed %v while server-1 holds the lease", webhookIDs(got))
	}
	if got := claimAll(t, s, "server-1"); len(got) != 1 {
		t.Fatalf("server-1 could not renew its lease: %v", webhookIDs(got))
	}
	wantCode(t, s.RecordWebhookAttempt(ctx, "server-2", attempt(w.ID, "offer.1", w0+1, true)), partnergraph.ECONFLICT, "")

	// A failure: retry state recorded, the endpoint is not due until its next attempt.
	fail := attempt(w.ID, "offer.1", w0+1, false)
	must(t, s.RecordWebhookAttempt(ctx, "server-1", fail))
	got, _ := s.Webhook(ctx, w.ID)
	if got.Attempts != 1 || got.FailingSince == nil || got.NextAttemptAt == nil || !got.NextAttemptAt.Equal(fail.NextAttemptAt) || got.OfferCursor != w0 {
		t.Fatalf("after a failure: %+v", got)
	}
	if got := claimAll(t, s, "server-1"); len(got) != 0 {
		t.Fatalf("an endpoint waiting for its next attempt was claimed: %v", webhookIDs(got))
	}
	// Its next attempt is due: it fails again, then succeeds.
	fail.NextAttemptAt = time.Now().Add(-time.Second).UTC()
	fail.At = fail.At.Add(time.Millisecond)
	must(t, s.RecordWebhookAttempt(ctx, "server-1", fail))
	if got := claimAll(t, s, "server-1"); len(got) != 1 || got[0].Attempts != 2 {
		t.Fatalf("a due endpoint was not claimed with its attempts: %+v", got)
	}
	must(t, s.RecordWebhookAttempt(ctx, "server-1", attempt(w.ID, "offer.1", w0+1, true)))
	got, _ = s.Webhook(ctx, w.ID)
	if got.OfferCursor != w0+1 || got.Attempts != 0 || got.FailingSince != nil || got.NextAttemptAt != nil {
		t.Fatalf("after a success: %+v", got)
	}
	must(t, s.RecordWebhookAttempt(ctx, "server-1", attempt(w.ID, "offer.2", w0+3, true)))
	// A success at an earlier seq (a redelivery) never moves the cursor back.
	must(t, s.RecordWebhookAttempt(ctx, "server-1", attempt(w.ID, "offer.1", w0+1, true)))
	if got, _ := s.Webhook(ctx, w.ID); got.OfferCursor != w0+3 {
		t.Fatalf("cursor %d, want %d", got.OfferCursor, w0+3)
	}

	log := collect(t, 1, func(p partnergraph.Page) (partnergraph.Slice[partnergraph.WebhookDelivery], error) {
		return s.WebhookDeliveries(ctx, w.ID, p)
	})
	if len(log) != 2 || log[0].EventID != "offer.2" || log[1].EventID != "offer.1" {
		t.Fatalf("log %+v, want offer.2 then offer.1", log)
	}
	d := log[1]
	if d.Attempts != 4 || d.Status != partnergraph.DeliveryDelivered || d.StatusCode != 200 || d.Response != "ok" ||
		d.Seq != w0+1 || d.Event != partnergraph.WebhookOffers || d.Latency != 12*time.Millisecond || d.UpdatedAt.Before(d.CreatedAt) {
		t.Fatalf("log entry %+v", d)
	}

	t.Run("excerpt bounded", func(t *testing.T) {
		must(t, s.RecordWebhookAttempt(ctx, "server-1", attempt(w.ID, "offer.3", w0+4, false)))
		log, err := s.WebhookDeliveries(ctx, w.ID, partnergraph.Page{First: 1})
		must(t, err)
		e := log.Items[0]
		if e.Status != partnergraph.DeliveryRetrying || e.StatusCode != 500 || len(e.Response) > partnergraph.MaxWebhookExcerpt || e.Response == "" || !utf8Valid(e.Response) {
			t.Fatalf("failed entry %+v (response of %d bytes)", e, len(e.Response))
		}
	})

	t.Run("redeliver", func(t *testing.T) {
		must(t, s.RedeliverWebhook(ctx, w.ID, "offer.1"))
		got, _ := s.Webhook(ctx, w.ID)
		if got.OfferCursor != w0 || got.NextAttemptAt != nil || got.Attempts != 0 {
			t.Fatalf("after redelivery from offer.1: %+v", got)
		}
		wantCode(t, s.RedeliverWebhook(ctx, w.ID, "offer.404"), partnergraph.ENOTFOUND, "eventId")
		wantCode(t, s.RedeliverWebhook(ctx, "missing", "offer.1"), partnergraph.ENOTFOUND, "webhookId")
	})

	t.Run("disable", func(t *testing.T) {
		a := attempt(w.ID, "offer.3", w0+4, false)
		a.Disable = "failing for 24h"
		must(t, s.RecordWebhookAttempt(ctx, "server-1", a))
		got, _ := s.Webhook(ctx, w.ID)
		if got.Enabled || got.DisabledReason != "failing for 24h" {
			t.Fatalf("after a disabling failure: %+v", got)
		}
		if got := claimAll(t, s, "server-1"); len(got) != 0 {
			t.Fatalf("a disabled endpoint was claimed: %v", webhookIDs(got))
		}
		log, _ := s.WebhookDeliveries(ctx, w.ID, partnergraph.Page{First: 1})
		if log.Items[0].Status != partnergraph.DeliveryFailed {
			t.Fatalf("the disabling attempt's entry %+v", log.Items[0])
		}
		// The owner is told in its business's feed, in the same write: which endpoint, why.
		es := f.events(t, f.a)
		if len(es) == 0 {
			t.Fatal("disabling the endpoint told its business nothing")
		}
		e := es[len(es)-1]
		if e.Kind != partnergraph.EventWebhookDisabled || e.WebhookID != w.ID || e.LeadID != "" || e.ReferrerID != f.a ||
			e.Status != "" || !strings.Contains(e.Message, "failing for 24h") || !e.At.Equal(a.At) {
			t.Fatalf("the notice of the disabled endpoint = %+v", e)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		_, err := s.ClaimWebhooks(ctx, "", time.Minute, 10)
		wantCode(t, err, partnergraph.EINVALID, "holder")
		_, err = s.ClaimWebhooks(ctx, "x", time.Millisecond, 10)
		wantCode(t, err, partnergraph.EINVALID, "ttl")
		a := attempt(w.ID, "", 1, true)
		wantCode(t, s.RecordWebhookAttempt(ctx, "server-1", a), partnergraph.EINVALID, "eventId")
		wantCode(t, s.RecordWebhookAttempt(ctx, "server-1", attempt("missing", "offer.1", 1, true)), partnergraph.ENOTFOUND, "")
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\x00") == s }

// testWebhookLeases: servers that claim at once never hold one endpoint together, and an
// expired lease goes to the next server.
func testWebhookLeases(t *testing.T, f *leadFixture) {
	s := f.s
	var all []string
	for _, b := range []string{f.a, f.b, f.c, f.ref} {
		all = append(all, addWebhook(t, s, b, partnergraph.WebhookOffers).ID)
	}
	const servers = 6
	var wg sync.WaitGroup
	claimed := make([][]*partnergraph.Webhook, servers)
	errs := make([]error, servers)
	for i := range servers {
		wg.Go(func() { claimed[i], errs[i] = s.ClaimWebhooks(ctx, fmt.Sprintf("server-%d", i), 2*time.Second, 100) })
	}
	wg.Wait()
	holders := map[string]int{}
	for i := range servers {
		must(t, errs[i])
		for _, w := range claimed[i] {
			holders[w.ID]++
		}
	}
	for _, id := range all {
		if holders[id] != 1 {
			t.Fatalf("endpoint %s was claimed by %d servers, want 1 (claims %v)", id, holders[id], holders)
		}
	}
	// Once the leases run out, another server takes them.
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := s.ClaimWebhooks(ctx, "server-late", time.Minute, 100)
		must(t, err)
		if len(got) == len(all) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the leases expired server-late claimed %d of %d", len(got), len(all))
		}
		time.Sleep(200 * time.Millisecond)
	}

	// A server that stops releases its leases: another takes the endpoints at once, not when
	// the leases would have run out; the leases of other holders stay.
	other := addWebhook(t, s, f.a, partnergraph.WebhookOffers)
	if got, err := s.ClaimWebhooks(ctx, "server-other", time.Minute, 100); err != nil || len(got) != 1 || got[0].ID != other.ID {
		t.Fatalf("server-other claimed %v, %v, want [%s]", got, err, other.ID)
	}
	n, err := s.ReleaseWebhooks(ctx, "server-late")
	must(t, err)
	if n != len(all) {
		t.Fatalf("ReleaseWebhooks released %d leases, want %d", n, len(all))
	}
	got, err := s.ClaimWebhooks(ctx, "server-next", time.Minute, 100)
	must(t, err)
	if ids := webhookIDs(got); len(ids) != len(all) || slices.Contains(ids, other.ID) {
		t.Fatalf("after the release server-next claimed %v, want the released %v and not %s", ids, all, other.ID)
	}
	if n, err := s.ReleaseWebhooks(ctx, "server-late"); err != nil || n != 0 {
		t.Fatalf("a second release = %d, %v, want 0", n, err)
	}
	wantCode(t, s.RecordWebhookAttempt(ctx, "server-late", attempt(all[0], "offer.1", 1, true)), partnergraph.ECONFLICT, "")
	_, err = s.ReleaseWebhooks(ctx, "")
	wantCode(t, err, partnergraph.EINVALID, "holder")
}

// testWebhookClaimRotates: a server with more due endpoints than it claims at once gets the
// ones it claimed longest ago first, so that no endpoint starves behind the first ids.
func testWebhookClaimRotates(t *testing.T, f *leadFixture) {
	s := f.s
	var all []string
	for _, b := range []string{f.a, f.b, f.c} {
		all = append(all, addWebhook(t, s, b, partnergraph.WebhookOffers).ID)
	}
	seen := map[string]int{}
	for range 2 {
		got, err := s.ClaimWebhooks(ctx, "server-1", time.Minute, 2)
		must(t, err)
		if len(got) != 2 {
			t.Fatalf("claimed %d, want 2", len(got))
		}
		for _, w := range got {
			seen[w.ID]++
		}
	}
	for _, id := range all {
		if seen[id] == 0 {
			t.Fatalf("two claims of two among three endpoints took them %v times, want each at least once", seen)
		}
	}
}
