// Webhook endpoints and their delivery logs (webhook.go): one (:Webhook) node per endpoint,
// found by id and listed by business, and one (:WebhookDelivery) node per endpoint and event,
// keyed by "<webhook id> <event id>" and listed by endpoint, newest first.
CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (w:Webhook) REQUIRE w.id IS UNIQUE;
CREATE INDEX webhook_business IF NOT EXISTS FOR (w:Webhook) ON (w.businessId, w.createdAt);
CREATE INDEX webhook_created IF NOT EXISTS FOR (w:Webhook) ON (w.createdAt);
CREATE CONSTRAINT webhook_delivery_key IF NOT EXISTS FOR (d:WebhookDelivery) REQUIRE d.key IS UNIQUE;
CREATE INDEX webhook_delivery_log IF NOT EXISTS FOR (d:WebhookDelivery) ON (d.webhookId, d.createdAt)
