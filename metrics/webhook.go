package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// webhookMetrics are the webhook deliverer's (webhooks.Observer).
type webhookMetrics struct {
	deliveries *prometheus.CounterVec // outcome
	latency    prometheus.Histogram
	retrying   prometheus.Gauge
}

func newWebhookMetrics(buckets []float64) webhookMetrics {
	return webhookMetrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_webhook_deliveries_total",
			Help: "Webhook delivery attempts by outcome: delivered (2xx), failed (retried later), refused (the address policy refused the endpoint's address), disabled (the attempt that disabled the endpoint).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "partnergraph_webhook_attempt_duration_seconds", Help: "Time of one webhook delivery attempt, answer included.", Buckets: buckets,
		}),
		retrying: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnergraph_webhook_retry_queue", Help: "Webhook endpoints that this server saw fail and not yet succeed: waiting for a retry.",
		}),
	}
}

func (w webhookMetrics) register(f func(prometheus.Collector)) {
	f(w.deliveries)
	f(w.latency)
	f(w.retrying)
}

// WebhookDelivery counts a webhook delivery attempt by outcome (webhooks.Observer).
func (m *Metrics) WebhookDelivery(outcome string, took time.Duration) {
	m.webhooks.deliveries.WithLabelValues(outcome).Inc()
	m.webhooks.latency.Observe(took.Seconds())
}

// WebhookRetryQueue sets the number of endpoints waiting to retry (webhooks.Observer).
func (m *Metrics) WebhookRetryQueue(n int) { m.webhooks.retrying.Set(float64(n)) }
