package metrics

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph"
)

func (s *timedStore) CreateWebhook(ctx context.Context, w *partnergraph.Webhook) error {
	defer s.m.time("CreateWebhook")()
	return s.Store.CreateWebhook(ctx, w)
}

func (s *timedStore) Webhook(ctx context.Context, id string) (*partnergraph.Webhook, error) {
	defer s.m.time("Webhook")()
	return s.Store.Webhook(ctx, id)
}

func (s *timedStore) Webhooks(ctx context.Context, businessID string, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Webhook], error) {
	defer s.m.time("Webhooks")()
	return s.Store.Webhooks(ctx, businessID, p)
}

func (s *timedStore) UpdateWebhook(ctx context.Context, id string, patch partnergraph.WebhookPatch) (*partnergraph.Webhook, error) {
	defer s.m.time("UpdateWebhook")()
	return s.Store.UpdateWebhook(ctx, id, patch)
}

func (s *timedStore) DeleteWebhook(ctx context.Context, id string) error {
	defer s.m.time("DeleteWebhook")()
	return s.Store.DeleteWebhook(ctx, id)
}

func (s *timedStore) ClaimWebhooks(ctx context.Context, holder string, ttl time.Duration, limit int) ([]*partnergraph.Webhook, error) {
	defer s.m.time("ClaimWebhooks")()
	return s.Store.ClaimWebhooks(ctx, holder, ttl, limit)
}

func (s *timedStore) ReleaseWebhooks(ctx context.Context, holder string) (int, error) {
	defer s.m.time("ReleaseWebhooks")()
	return s.Store.ReleaseWebhooks(ctx, holder)
}

func (s *timedStore) RecordWebhookAttempt(ctx context.Context, holder string, a partnergraph.WebhookAttempt) error {
	defer s.m.time("RecordWebhookAttempt")()
	return s.Store.RecordWebhookAttempt(ctx, holder, a)
}

func (s *timedStore) WebhookDeliveries(ctx context.Context, webhookID string, p partnergraph.Page) (partnergraph.Slice[partnergraph.WebhookDelivery], error) {
	defer s.m.time("WebhookDeliveries")()
	return s.Store.WebhookDeliveries(ctx, webhookID, p)
}

func (s *timedStore) RedeliverWebhook(ctx context.Context, webhookID, eventID string) error {
	defer s.m.time("RedeliverWebhook")()
	return s.Store.RedeliverWebhook(ctx, webhookID, eventID)
}
