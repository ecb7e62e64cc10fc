package partnergraph

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// LeadEventKind says what an event of a business's feed (LeadEvents, the leadUpdates
// subscription, webhook endpoints) tells. The feed is the business's: the status changes of
// the leads it referred, and the notices addressed to it, which owners hear where they already
// listen instead of in a feed of their own.
type LeadEventKind string

// The kinds of event. Events written before kinds existed are STATUS.
const (
	// EventStatus is a change of a lead's status, or a note on a lead the business referred.
	EventStatus LeadEventKind = "STATUS"
	// EventWebhookDisabled tells the business that one of its webhook endpoints was disabled
	// (WebhookID) and why (Message); it names no lead.
	EventWebhookDisabled LeadEventKind = "WEBHOOK_DISABLED"
	// EventLeadErased tells a business that got a lead's data (its referrer, and each business
	// it was offered to) that the lead's customer data was erased, and so must be erased from
	// whatever copy it keeps. It carries the lead's id and when, no customer data.
	EventLeadErased LeadEventKind = "LEAD_ERASED"
)

// Valid reports whether k is a known kind.
func (k LeadEventKind) Valid() bool {
	return k == EventStatus || k == EventWebhookDisabled || k == EventLeadErased
}

// WebhookDisabledEvent is the event that tells w's business, in its feed, that w was disabled
// at at for reason: what RecordWebhookAttempt writes, in the same transaction, with an attempt
// that disables the endpoint. The message names the endpoint's host, not its URL, whose path
// or query may hold a credential of the receiver's.
func WebhookDisabledEvent(w *Webhook, reason string, at time.Time) LeadEvent {
	host := "?"
	if u, err := url.Parse(w.URL); err == nil {
		host = u.Host
	}
	return LeadEvent{Kind: EventWebhookDisabled, ReferrerID: w.BusinessID, WebhookID: w.ID, At: at.UTC(),
		Message: fmt.Sprintf("your webhook to %s was disabled: %s", host, reason)}
}

// LeadErasedEvents are the events that tell each business that got the data of l (erased at
// l.Erased.At) to erase it: its referrer, and every business it was offered to (offers), once
// each, in that order. Each is filed in that business's feed, with l's status.
func LeadErasedEvents(l *Lead, offers []Offer) []LeadEvent {
	to := []string{l.ReferrerID}
	for _, o := range offers {
		if !slices.Contains(to, o.BusinessID) {
			to = append(to, o.BusinessID)
		}
	}
	out := make([]LeadEvent, len(to))
	for i, b := range to {
		out[i] = LeadEvent{Kind: EventLeadErased, LeadID: l.ID, ReferrerID: b, Status: l.Status, At: l.Erased.At.UTC(),
			Message: "the lead's customer data was erased: erase every copy of it"}
	}
	return out
}

// LeadErasureFeed reads the LEAD_ERASED events of a business's feed alone: what a webhook
// endpoint that follows only OFFERS receives of that feed, since the offers it was sent
// carried the lead's data. storetest.Run holds its contract.
type LeadErasureFeed interface {
	// LeadErasures returns up to limit LEAD_ERASED events of the business's feed with Seq >
	// after, by Seq. EINVALID naming "first" unless limit is in 1..MaxFeedSize.
	LeadErasures(ctx context.Context, businessID string, after int64, limit int) ([]LeadEvent, error)
}
