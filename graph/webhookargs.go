package graph

import (
	"context"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/graph/model"
	"github.com/partnergraph/partnergraph/webhooks"
)

// webhookArg reads a webhook id argument and loads the endpoint, if the caller may see (and
// so change) it: NOT_FOUND for an endpoint of a business the caller does not act for.
func (r *Resolver) webhookArg(ctx context.Context, gid, field string) (*partnergraph.Webhook, error) {
	id, err := localID(kindWebhook, gid, field)
	if err != nil {
		return nil, err
	}
	w, err := r.Store.Webhook(ctx, id)
	if err != nil {
		return nil, err
	}
	return w, accessFrom(ctx).seeWebhook(ctx, w)
}

// patchWebhook applies a patch to an endpoint the caller may change, naming input fields in
// its errors.
func (r *Resolver) patchWebhook(ctx context.Context, w *partnergraph.Webhook, patch partnergraph.WebhookPatch) (*model.WebhookPayload, error) {
	nw, err := r.Store.UpdateWebhook(ctx, w.ID, patch)
	if err != nil {
		return nil, partnergraph.WithFieldPrefix("input", err)
	}
	if nw.Enabled && r.Webhooks != nil {
		r.Webhooks.Wake()
	}
	return &model.WebhookPayload{Webhook: nw}, nil
}

// webhookPolicy is the address policy endpoints are registered under: the deliverer's, or the
// production one without a deliverer.
func (r *Resolver) webhookPolicy() webhooks.Policy {
	if r.Webhooks == nil {
		return webhooks.Policy{}
	}
	return r.Webhooks.Policy()
}
