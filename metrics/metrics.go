// Package metrics is the server's Prometheus metrics: what the HTTP handler records, and the
// decorators that time the Store and the lead router. It is the one package that imports the
// Prometheus client.
package metrics

import (
	"context"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/leads"
)

// Metrics are the server's Prometheus metrics, in a registry of their own (so that tests can
// run many servers in one process). Serve them with Handler; httpapi.NewHandler does at
// /metrics.
//
// Label values come from the schema and from our own error codes, never from what a client
// sends: an operation is labelled by its first root field, not by its client-chosen name.
type Metrics struct {
	reg *prometheus.Registry

	httpRequests  *prometheus.CounterVec   // path, status
	operations    *prometheus.CounterVec   // type, field, outcome
	duration      *prometheus.HistogramVec // type, field
	subscriptions prometheus.Gauge
	wsOpen        prometheus.Gauge
	wsClosed      *prometheus.CounterVec // code
	slowConsumers prometheus.Counter
	resolver      *prometheus.HistogramVec // field
	routing       prometheus.Histogram
	store         *prometheus.HistogramVec // method
	leads         *prometheus.CounterVec   // status
	leadsErased   *prometheus.CounterVec   // by: manual, retention
	returns       *prometheus.CounterVec   // reason
	returnMoves   *prometheus.CounterVec   // state

	feedPosition   prometheus.Gauge
	feedLagChanges prometheus.Gauge
	feedLagSeconds prometheus.Gauge
	feedApply      prometheus.Histogram
	feedDelay      prometheus.Histogram
	feedRebuilds   *prometheus.CounterVec // reason

	webhooks webhookMetrics
}

// New returns the metrics, registered with the Go runtime and process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	latency := prometheus.ExponentialBuckets(0.0005, 2.5, 12) // 0.5 ms .. ~30 s
	m := &Metrics{
		reg: reg,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_http_requests_total", Help: "HTTP requests by path and status (101 for websocket upgrades).",
		}, []string{"path", "status"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_graphql_operations_total",
			Help: "GraphQL operations by type, first root field and outcome (ok or the first error's extensions.code).",
		}, []string{"type", "field", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "partnergraph_graphql_operation_duration_seconds", Help: "Time to answer a query or mutation, from reading the request.",
			Buckets: latency,
		}, []string{"type", "field"}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnergraph_graphql_subscriptions_open", Help: "Subscriptions running now (websocket and SSE).",
		}),
		wsOpen: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnergraph_websocket_connections_open", Help: "Websocket connections open now.",
		}),
		wsClosed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_websocket_closes_total", Help: "Websocket connections closed by the server, by close code.",
		}, []string{"code"}),
		slowConsumers: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "partnergraph_websocket_slow_consumers_total", Help: "Websocket connections dropped because a write did not finish in time.",
		}),
		resolver: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "partnergraph_resolver_duration_seconds", Help: "Time in the resolvers of suggestions and lead mutations (routing included).",
			Buckets: latency,
		}, []string{"field"}),
		routing: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "partnergraph_routing_duration_seconds", Help: "Time to rank the candidates of one lead along trusted paths.",
			Buckets: latency,
		}),
		store: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "partnergraph_store_duration_seconds", Help: "Time in Store methods.", Buckets: latency,
		}, []string{"method"}),
		leads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_leads_total", Help: "Leads that entered a status (submitted, accepted, re-routed, expired, closed).",
		}, []string{"status"}),
		leadsErased: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_leads_erased_total", Help: "Leads whose customer data was erased, by who asked: manual (the API) or retention (--erase-closed-after).",
		}, []string{"by"}),
		returns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_lead_returns_total", Help: "Leads returned by the business that accepted them, by reason.",
		}, []string{"reason"}),
		returnMoves: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_lead_return_moves_total", Help: "Returns that entered a state after the request (CONTESTED, ACCEPTED, REJECTED).",
		}, []string{"state"}),
		feedPosition: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnergraph_feed_position", Help: "The change feed position up to which this server applied every change.",
		}),
		feedLagChanges: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnergraph_feed_lag_changes", Help: "Changes the follower found behind its position at its last read (a full batch of 1000: more wait).",
		}),
		feedLagSeconds: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnergraph_feed_lag_seconds", Help: "Age of the last change applied when it was applied; 0 when the last read found nothing new.",
		}),
		feedApply: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "partnergraph_feed_apply_duration_seconds", Help: "Time to apply one change of the feed (re-reading its record).", Buckets: latency,
		}),
		feedDelay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "partnergraph_feed_delay_seconds", Help: "Time from a change's write (on any server) to its apply on this one.", Buckets: latency,
		}),
		feedRebuilds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_feed_rebuilds_total", Help: "Rebuilds of the matching projection from the store while running, by reason (import, trimmed).",
		}, []string{"reason"}),
	}
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, c := range []prometheus.Collector{m.httpRequests, m.operations, m.duration, m.subscriptions, m.wsOpen, m.wsClosed,
		m.slowConsumers, m.resolver, m.routing, m.store, m.leads, m.leadsErased, m.returns, m.returnMoves,
		m.feedPosition, m.feedLagChanges, m.feedLagSeconds, m.feedApply, m.feedDelay, m.feedRebuilds} {
		f(c)
	}
	m.webhooks = newWebhookMetrics(latency)
	m.webhooks.register(f)
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// HTTPRequest counts a request answered with the status on the path (one of a known few).
func (m *Metrics) HTTPRequest(path string, status int) {
	m.httpRequests.WithLabelValues(path, strconv.Itoa(status)).Inc()
}

// Operation records a GraphQL operation of the kind (query, mutation, subscription, unknown)
// by its first root field and outcome; the time it took counts for queries and mutations only
// (a subscription lasts as long as its client stays).
func (m *Metrics) Operation(kind, field, outcome string, took time.Duration) {
	m.operations.WithLabelValues(kind, field, outcome).Inc()
	if kind == "query" || kind == "mutation" {
		m.duration.WithLabelValues(kind, field).Observe(took.Seconds())
	}
}

// SubscriptionStarted counts a subscription as open until SubscriptionEnded.
func (m *Metrics) SubscriptionStarted() { m.subscriptions.Inc() }

// SubscriptionEnded counts a subscription that SubscriptionStarted counted as closed.
func (m *Metrics) SubscriptionEnded() { m.subscriptions.Dec() }

// Resolver records the time a resolver of the field took.
func (m *Metrics) Resolver(field string, took time.Duration) {
	m.resolver.WithLabelValues(field).Observe(took.Seconds())
}

// WebsocketOpened counts a websocket as open until WebsocketGone.
func (m *Metrics) WebsocketOpened() { m.wsOpen.Inc() }

// WebsocketGone counts a websocket that WebsocketOpened counted as gone.
func (m *Metrics) WebsocketGone() { m.wsOpen.Dec() }

// WebsocketClosed counts a websocket that the server closed, by its close code (or
// "slow_consumer" for one dropped because a write did not finish in time).
func (m *Metrics) WebsocketClosed(code string) { m.wsClosed.WithLabelValues(code).Inc() }

// FeedRead records what one read of the change feed found: n changes after the position.
// Finding none, the follower has caught up: its lag is 0.
func (m *Metrics) FeedRead(n int) {
	m.feedLagChanges.Set(float64(n))
	if n == 0 {
		m.feedLagSeconds.Set(0)
	}
}

// FeedApplied records a change of the feed applied in took, now.
func (m *Metrics) FeedApplied(c partnergraph.Change, took time.Duration) {
	m.feedPosition.Set(float64(c.Seq))
	m.feedApply.Observe(took.Seconds())
	lag := max(0, time.Since(c.At).Seconds())
	m.feedLagSeconds.Set(lag)
	m.feedDelay.Observe(lag)
}

// FeedRebuilt counts a rebuild of the projection for the reason and sets the position it
// follows the feed from.
func (m *Metrics) FeedRebuilt(reason string, position int64) {
	m.feedRebuilds.WithLabelValues(reason).Inc()
	m.feedPosition.Set(float64(position))
}

// FeedPosition sets the position the follower starts from.
func (m *Metrics) FeedPosition(position int64) { m.feedPosition.Set(float64(position)) }

// SlowConsumer counts a websocket dropped because a write did not finish in time.
func (m *Metrics) SlowConsumer() { m.slowConsumers.Inc() }

// Router times a lead router: routing latency.
func (m *Metrics) Router(r leads.Router) leads.Router { return timedRouter{r, m} }

type timedRouter struct {
	leads.Router
	m *Metrics
}

func (t timedRouter) Route(l *partnergraph.Lead, exclude map[string]bool, n int, trace *partnergraph.RouteTrace) ([]partnergraph.Candidate, string, error) {
	if trace != nil {
		// An explanation (whyNotRouted), not a lead: it would skew routing's latency.
		return t.Router.Route(l, exclude, n, trace)
	}
	start := time.Now()
	defer func() { t.m.routing.Observe(time.Since(start).Seconds()) }()
	return t.Router.Route(l, exclude, n, nil)
}

// Store times the store's methods and counts the leads that enter each status (whoever moved
// them: a mutation or the expiry loop). TestTimedStoreTimesEveryMethod fails for a method of
// partnergraph.Store that is neither timed here nor listed there as passed through.
func (m *Metrics) Store(s partnergraph.Store) partnergraph.Store { return &timedStore{s, m} }

var _ partnergraph.Store = (*timedStore)(nil)

type timedStore struct {
	partnergraph.Store
	m *Metrics
}

// time starts timing a store method; call what it returns when the method returns.
func (m *Metrics) time(method string) func() {
	start := time.Now()
	return func() { m.store.WithLabelValues(method).Observe(time.Since(start).Seconds()) }
}

func (s *timedStore) CreateBusiness(ctx context.Context, b *partnergraph.Business, ownerSub string) error {
	defer s.m.time("CreateBusiness")()
	return s.Store.CreateBusiness(ctx, b, ownerSub)
}

func (s *timedStore) Business(ctx context.Context, id string) (*partnergraph.Business, error) {
	defer s.m.time("Business")()
	return s.Store.Business(ctx, id)
}

func (s *timedStore) BusinessesByID(ctx context.Context, ids []string) (map[string]*partnergraph.Business, error) {
	defer s.m.time("BusinessesByID")()
	return s.Store.BusinessesByID(ctx, ids)
}

func (s *timedStore) UpdateBusiness(ctx context.Context, id string, patch partnergraph.BusinessPatch) (*partnergraph.Business, error) {
	defer s.m.time("UpdateBusiness")()
	return s.Store.UpdateBusiness(ctx, id, patch)
}

func (s *timedStore) Businesses(ctx context.Context, f partnergraph.BusinessFilter, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
	defer s.m.time("Businesses")()
	return s.Store.Businesses(ctx, f, p)
}

func (s *timedStore) SetBusinessServices(ctx context.Context, businessID string, serviceIDs []string) error {
	defer s.m.time("SetBusinessServices")()
	return s.Store.SetBusinessServices(ctx, businessID, serviceIDs)
}

func (s *timedStore) ServicesOf(ctx context.Context, businessIDs []string) (map[string][]string, error) {
	defer s.m.time("ServicesOf")()
	return s.Store.ServicesOf(ctx, businessIDs)
}

func (s *timedStore) AddOwner(ctx context.Context, sub, businessID string) error {
	defer s.m.time("AddOwner")()
	return s.Store.AddOwner(ctx, sub, businessID)
}

func (s *timedStore) OwnedBy(ctx context.Context, sub string) ([]string, error) {
	defer s.m.time("OwnedBy")()
	return s.Store.OwnedBy(ctx, sub)
}

func (s *timedStore) PutService(ctx context.Context, svc partnergraph.Service) error {
	defer s.m.time("PutService")()
	return s.Store.PutService(ctx, svc)
}

func (s *timedStore) Services(ctx context.Context) ([]partnergraph.Service, error) {
	defer s.m.time("Services")()
	return s.Store.Services(ctx)
}

func (s *timedStore) SetComplement(ctx context.Context, c partnergraph.Complement) error {
	defer s.m.time("SetComplement")()
	return s.Store.SetComplement(ctx, c)
}

func (s *timedStore) RemoveComplement(ctx context.Context, from, to string) error {
	defer s.m.time("RemoveComplement")()
	return s.Store.RemoveComplement(ctx, from, to)
}

func (s *timedStore) Complements(ctx context.Context) ([]partnergraph.Complement, error) {
	defer s.m.time("Complements")()
	return s.Store.Complements(ctx)
}

func (s *timedStore) CreateNetwork(ctx context.Context, n *partnergraph.Network, organizerID string) error {
	defer s.m.time("CreateNetwork")()
	return s.Store.CreateNetwork(ctx, n, organizerID)
}

func (s *timedStore) Network(ctx context.Context, id string) (*partnergraph.Network, error) {
	defer s.m.time("Network")()
	return s.Store.Network(ctx, id)
}

func (s *timedStore) NetworksByID(ctx context.Context, ids []string) (map[string]*partnergraph.Network, error) {
	defer s.m.time("NetworksByID")()
	return s.Store.NetworksByID(ctx, ids)
}

func (s *timedStore) Networks(ctx context.Context, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Network], error) {
	defer s.m.time("Networks")()
	return s.Store.Networks(ctx, p)
}

func (s *timedStore) Join(ctx context.Context, ms partnergraph.Membership) (partnergraph.Membership, error) {
	defer s.m.time("Join")()
	return s.Store.Join(ctx, ms)
}

func (s *timedStore) Leave(ctx context.Context, businessID, networkID string) error {
	defer s.m.time("Leave")()
	return s.Store.Leave(ctx, businessID, networkID)
}

func (s *timedStore) Memberships(ctx context.Context, f partnergraph.MembershipFilter, p partnergraph.Page) (partnergraph.Slice[partnergraph.Membership], error) {
	defer s.m.time("Memberships")()
	return s.Store.Memberships(ctx, f, p)
}

func (s *timedStore) MembershipsOf(ctx context.Context, businessIDs []string) (map[string][]partnergraph.Membership, error) {
	defer s.m.time("MembershipsOf")()
	return s.Store.MembershipsOf(ctx, businessIDs)
}

func (s *timedStore) SetTrust(ctx context.Context, t partnergraph.Trust) (partnergraph.Trust, error) {
	defer s.m.time("SetTrust")()
	return s.Store.SetTrust(ctx, t)
}

func (s *timedStore) RemoveTrust(ctx context.Context, from, to string) error {
	defer s.m.time("RemoveTrust")()
	return s.Store.RemoveTrust(ctx, from, to)
}

func (s *timedStore) TrustEdge(ctx context.Context, from, to string) (partnergraph.Trust, error) {
	defer s.m.time("TrustEdge")()
	return s.Store.TrustEdge(ctx, from, to)
}

func (s *timedStore) TrustEdges(ctx context.Context, f partnergraph.TrustFilter, p partnergraph.Page) (partnergraph.Slice[partnergraph.Trust], error) {
	defer s.m.time("TrustEdges")()
	return s.Store.TrustEdges(ctx, f, p)
}

func (s *timedStore) TrustCounts(ctx context.Context, businessIDs []string) (map[string]partnergraph.TrustCount, error) {
	defer s.m.time("TrustCounts")()
	return s.Store.TrustCounts(ctx, businessIDs)
}

func (s *timedStore) CreatePartnership(ctx context.Context, p *partnergraph.Partnership) error {
	defer s.m.time("CreatePartnership")()
	return s.Store.CreatePartnership(ctx, p)
}

func (s *timedStore) Partnership(ctx context.Context, id string) (*partnergraph.Partnership, error) {
	defer s.m.time("Partnership")()
	return s.Store.Partnership(ctx, id)
}

func (s *timedStore) SetPartnershipStatus(ctx context.Context, id string, from []partnergraph.PartnershipStatus, to partnergraph.PartnershipStatus) (*partnergraph.Partnership, error) {
	defer s.m.time("SetPartnershipStatus")()
	return s.Store.SetPartnershipStatus(ctx, id, from, to)
}

func (s *timedStore) Partnerships(ctx context.Context, f partnergraph.PartnershipFilter, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Partnership], error) {
	defer s.m.time("Partnerships")()
	return s.Store.Partnerships(ctx, f, p)
}

func (s *timedStore) Import(ctx context.Context, records iter.Seq2[partnergraph.Record, error]) (partnergraph.ImportStats, error) {
	defer s.m.time("Import")()
	return s.Store.Import(ctx, records)
}

func (s *timedStore) SubmitLead(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer, events []partnergraph.LeadEvent) (*partnergraph.Lead, bool, error) {
	defer s.m.time("SubmitLead")()
	existing, created, err := s.Store.SubmitLead(ctx, l, offers, events)
	if err == nil && created && existing != nil {
		s.m.leads.WithLabelValues(string(existing.Status)).Inc()
	}
	return existing, created, err
}

func (s *timedStore) Lead(ctx context.Context, id string) (*partnergraph.Lead, error) {
	defer s.m.time("Lead")()
	return s.Store.Lead(ctx, id)
}

func (s *timedStore) Offer(ctx context.Context, id string) (*partnergraph.Offer, error) {
	defer s.m.time("Offer")()
	return s.Store.Offer(ctx, id)
}

func (s *timedStore) OffersOfLead(ctx context.Context, leadID string) ([]partnergraph.Offer, error) {
	defer s.m.time("OffersOfLead")()
	return s.Store.OffersOfLead(ctx, leadID)
}

func (s *timedStore) Inbox(ctx context.Context, businessID string, after int64, limit int) ([]partnergraph.Offer, error) {
	defer s.m.time("Inbox")()
	return s.Store.Inbox(ctx, businessID, after, limit)
}

func (s *timedStore) LeadEvents(ctx context.Context, referrerID string, after int64, limit int) ([]partnergraph.LeadEvent, error) {
	defer s.m.time("LeadEvents")()
	return s.Store.LeadEvents(ctx, referrerID, after, limit)
}

func (s *timedStore) LeadErasures(ctx context.Context, businessID string, after int64, limit int) ([]partnergraph.LeadEvent, error) {
	defer s.m.time("LeadErasures")()
	return s.Store.LeadErasures(ctx, businessID, after, limit)
}

func (s *timedStore) LeadReturnsOf(ctx context.Context, leadIDs []string) (map[string]*partnergraph.LeadReturn, error) {
	defer s.m.time("LeadReturnsOf")()
	return s.Store.LeadReturnsOf(ctx, leadIDs)
}

func (s *timedStore) Apply(ctx context.Context, t partnergraph.Transition) error {
	defer s.m.time("Apply")()
	err := s.Store.Apply(ctx, t)
	if err == nil && t.LeadTo != "" {
		s.m.leads.WithLabelValues(string(t.LeadTo)).Inc()
	}
	return err
}

func (s *timedStore) DueOffers(ctx context.Context, now time.Time, limit int) ([]partnergraph.Offer, error) {
	defer s.m.time("DueOffers")()
	return s.Store.DueOffers(ctx, now, limit)
}

func (s *timedStore) OffersSince(ctx context.Context, businessIDs []string, since time.Time) (map[string]int, error) {
	defer s.m.time("OffersSince")()
	return s.Store.OffersSince(ctx, businessIDs, since)
}

func (s *timedStore) Ledger(ctx context.Context, businessID string) ([]partnergraph.LedgerLine, error) {
	defer s.m.time("Ledger")()
	return s.Store.Ledger(ctx, businessID)
}

func (s *timedStore) Commissions(ctx context.Context, businessID string, p partnergraph.Page) (partnergraph.Slice[partnergraph.Commission], error) {
	defer s.m.time("Commissions")()
	return s.Store.Commissions(ctx, businessID, p)
}

func (s *timedStore) CommissionOfLead(ctx context.Context, leadID string) (*partnergraph.Commission, error) {
	defer s.m.time("CommissionOfLead")()
	return s.Store.CommissionOfLead(ctx, leadID)
}

func (s *timedStore) EraseLead(ctx context.Context, leadID string, e partnergraph.Erasure) (*partnergraph.Lead, error) {
	defer s.m.time("EraseLead")()
	l, err := s.Store.EraseLead(ctx, leadID, e)
	if err == nil && l.Erased != nil && l.Erased.By == e.By && l.Erased.At.Equal(e.At) {
		s.m.leadsErased.WithLabelValues("manual").Inc() // erased by this call, not before
	}
	return l, err
}

func (s *timedStore) EraseClosedLeads(ctx context.Context, closedBefore time.Time, e partnergraph.Erasure, limit int) (int, error) {
	defer s.m.time("EraseClosedLeads")()
	n, err := s.Store.EraseClosedLeads(ctx, closedBefore, e, limit)
	s.m.leadsErased.WithLabelValues("retention").Add(float64(n))
	return n, err
}

func (s *timedStore) RequestReturn(ctx context.Context, r partnergraph.LeadReturn) (partnergraph.LeadReturn, bool, error) {
	defer s.m.time("RequestReturn")()
	stored, created, err := s.Store.RequestReturn(ctx, r)
	if err == nil && created {
		s.m.returns.WithLabelValues(string(stored.Reason)).Inc()
	}
	return stored, created, err
}

func (s *timedStore) LeadReturn(ctx context.Context, leadID string) (*partnergraph.LeadReturn, error) {
	defer s.m.time("LeadReturn")()
	return s.Store.LeadReturn(ctx, leadID)
}

func (s *timedStore) MoveReturn(ctx context.Context, next partnergraph.LeadReturn, from partnergraph.ReturnState) (partnergraph.LeadReturn, error) {
	defer s.m.time("MoveReturn")()
	stored, err := s.Store.MoveReturn(ctx, next, from)
	if err == nil {
		s.m.returnMoves.WithLabelValues(string(stored.State)).Inc()
	}
	return stored, err
}

func (s *timedStore) DueReturns(ctx context.Context, now time.Time, limit int) ([]partnergraph.LeadReturn, error) {
	defer s.m.time("DueReturns")()
	return s.Store.DueReturns(ctx, now, limit)
}

func (s *timedStore) Returns(ctx context.Context, state partnergraph.ReturnState, p partnergraph.Page) (partnergraph.Slice[partnergraph.LeadReturn], error) {
	defer s.m.time("Returns")()
	return s.Store.Returns(ctx, state, p)
}

func (s *timedStore) ReturnStats(ctx context.Context, referrerIDs []string) (map[string]partnergraph.ReturnStats, error) {
	defer s.m.time("ReturnStats")()
	return s.Store.ReturnStats(ctx, referrerIDs)
}

func (s *timedStore) NetworkHealth(ctx context.Context, q partnergraph.HealthQuery) (partnergraph.Health, error) {
	defer s.m.time("NetworkHealth")()
	return s.Store.NetworkHealth(ctx, q)
}

func (s *timedStore) CommissionReversals(ctx context.Context, leadID string) ([]partnergraph.CommissionReversal, error) {
	defer s.m.time("CommissionReversals")()
	return s.Store.CommissionReversals(ctx, leadID)
}

func (s *timedStore) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	defer s.m.time("PurgeIdempotencyKeys")()
	return s.Store.PurgeIdempotencyKeys(ctx, before)
}

func (s *timedStore) RevokeTokens(ctx context.Context, subject string, before time.Time) (time.Time, error) {
	defer s.m.time("RevokeTokens")()
	return s.Store.RevokeTokens(ctx, subject, before)
}

func (s *timedStore) SaveFittedWeights(ctx context.Context, w partnergraph.FittedWeights) error {
	defer s.m.time("SaveFittedWeights")()
	return s.Store.SaveFittedWeights(ctx, w)
}

func (s *timedStore) FittedWeights(ctx context.Context) (partnergraph.FittedWeights, error) {
	defer s.m.time("FittedWeights")()
	return s.Store.FittedWeights(ctx)
}

func (s *timedStore) TokensRevokedBefore(ctx context.Context, subject string) (time.Time, error) {
	defer s.m.time("TokensRevokedBefore")()
	return s.Store.TokensRevokedBefore(ctx, subject)
}

func (s *timedStore) Changes(ctx context.Context, after int64, limit int) ([]partnergraph.Change, error) {
	defer s.m.time("Changes")()
	return s.Store.Changes(ctx, after, limit)
}

func (s *timedStore) ChangesHead(ctx context.Context) (int64, error) {
	defer s.m.time("ChangesHead")()
	return s.Store.ChangesHead(ctx)
}

func (s *timedStore) TrimChanges(ctx context.Context, before time.Time) (int, error) {
	defer s.m.time("TrimChanges")()
	return s.Store.TrimChanges(ctx, before)
}
