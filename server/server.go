// Package server wires one PartnerGraph server over a Store: the matching projection, the
// metrics around the store and the router, the lead service and its expiry loop, the webhook
// deliverer, and the HTTP handler. It is the one place that does: the serve command, the benchmarks and the tests all
// run what New assembles.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/httpapi"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/metrics"
	"github.com/partnergraph/partnergraph/webhooks"
)

// DefaultExpiryInterval is how often, unless told otherwise, a server looks for offers whose
// time ran out.
const DefaultExpiryInterval = 15 * time.Second

// Config configures a server: the HTTP handler's options (Log among them, which the rest of
// the server logs to as well) and the lead service's.
type Config struct {
	httpapi.Options
	// OfferTTL is how long a business has to answer a lead offer (default 30 minutes).
	OfferTTL time.Duration
	// ExpiryInterval is how often unanswered offers, and returns whose contest window ended
	// uncontested, are looked for (default DefaultExpiryInterval).
	ExpiryInterval time.Duration
	// Returns are how long a business may return a lead it accepted, and its referrer contest
	// the return (zero: partnergraph.DefaultReturnWindow and DefaultContestWindow).
	Returns partnergraph.Windows
	// Route tunes lead routing.
	Route matching.RouteOptions
	// FollowInterval is how often the change feed is read for the writes of other servers on
	// the store (default DefaultFollowInterval).
	FollowInterval time.Duration
	// ChangeRetention is how long change records are kept (default DefaultChangeRetention).
	ChangeRetention time.Duration
	// TrimInterval is how often change records older than ChangeRetention are deleted
	// (default DefaultTrimInterval).
	TrimInterval time.Duration
	// EraseClosedAfter, when set, is how long after a lead closed (WON or LOST) its customer
	// data is erased (leads.Service.EraseClosed); 0 keeps it until someone erases it.
	EraseClosedAfter time.Duration
	// EraseInterval is how often closed leads are looked for to erase (default
	// DefaultEraseInterval).
	EraseInterval time.Duration
	// Webhooks configures the webhook deliverer (its Log, Observer and Subscribers are the
	// server's).
	Webhooks webhooks.Config
	// FitInterval is how old the fitted suggestion weights may grow before the server fits
	// them again on the store's history (default DefaultFitInterval; negative: never by age).
	FitInterval time.Duration
	// FitAfter is how many partnerships may become active after this server's last fit before
	// it fits again (default DefaultFitAfter; negative: never by count).
	FitAfter int
}

// DefaultEraseInterval is how often, unless told otherwise, a server with a retention setting
// (Config.EraseClosedAfter) looks for closed leads whose customer data is due for erasure.
const DefaultEraseInterval = time.Hour

// Server is one PartnerGraph server: its handler and what runs behind it until Close.
type Server struct {
	// Handler is the HTTP API (see httpapi.NewHandler).
	Handler http.Handler
	// Shutdown ends the handler's streams: register its Begin with http.Server's
	// RegisterOnShutdown, and Wait for the websockets to close before closing the store.
	Shutdown *httpapi.Shutdown
	// Metrics are the server's Prometheus metrics; the handler serves them at
	// Options.MetricsPath.
	Metrics *metrics.Metrics
	// Matching is the in-memory projection of the graph that suggestions and routing read.
	Matching *matching.Graph
	// Leads runs the lead lifecycle.
	Leads *leads.Service
	// Webhooks delivers the events of the businesses to their webhook endpoints.
	Webhooks *webhooks.Deliverer

	follow *follower
	stop   context.CancelFunc
	loops  sync.WaitGroup
}

// New builds the matching projection from store (replaying a year of lead outcomes, which
// the projection learns from), wraps store in the metrics' timing and the projection (so that
// API writes keep it in step), starts the lead service with its expiry loop (and, with
// Config.EraseClosedAfter, its retention loop), and returns the server. It notes the change feed's position before the build and applies every change after
// it before it returns; a loop then follows the feed (the writes of the other servers on the
// store) and another trims it; another fits the suggestion weights on the store's history
// (at start unless the store holds a fit younger than Config.FitInterval, then by
// Config.FitInterval and Config.FitAfter) without blocking a query. The loops run until Close; ctx bounds only the start. Errors:
// the store's, while the projection or the feed is read.
func New(ctx context.Context, store partnergraph.Store, cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.ExpiryInterval == 0 {
		cfg.ExpiryInterval = DefaultExpiryInterval
	}
	if cfg.FollowInterval == 0 {
		cfg.FollowInterval = DefaultFollowInterval
	}
	if cfg.ChangeRetention == 0 {
		cfg.ChangeRetention = DefaultChangeRetention
	}
	if cfg.TrimInterval == 0 {
		cfg.TrimInterval = DefaultTrimInterval
	}
	if cfg.EraseInterval == 0 {
		cfg.EraseInterval = DefaultEraseInterval
	}
	if cfg.FitInterval == 0 {
		cfg.FitInterval = DefaultFitInterval
	}
	if cfg.FitAfter == 0 {
		cfg.FitAfter = DefaultFitAfter
	}
	// The position first: a write that commits while the projection is read may or may not be
	// in it, but its change is after the position, and applying it again is harmless.
	head, err := store.ChangesHead(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the change feed's head: %w", err)
	}
	g, err := buildProjection(ctx, store, cfg.Log)
	if err != nil {
		return nil, err
	}
	g.SetRouteOptions(cfg.Route)
	// The weights a fit chose before (on this server or another): a restart keeps them.
	if err := g.FollowWeights(ctx, store); err != nil {
		return nil, fmt.Errorf("read the fitted suggestion weights: %w", err)
	}
	// Learn must remember an outcome for as long as the feed may name it again.
	g.SetOutcomeMemory(cfg.ChangeRetention + 24*time.Hour)
	m := metrics.New()
	// The metrics decorators time the store and routing, and count leads by status; the lead
	// service teaches the projection what outcomes say.
	timed := m.Store(store)
	svc := leads.New(timed, m.Router(g), leads.NewHub(), leads.Config{OfferTTL: cfg.OfferTTL, Log: cfg.Log, Learner: g, Returns: cfg.Returns})
	whc := cfg.Webhooks
	whc.Log, whc.Observer, whc.Subscribers = cfg.Log, m, svc
	m.WatchWeights(g.Fit)
	s := &Server{Shutdown: httpapi.NewShutdown(), Metrics: m, Matching: g, Leads: svc, Webhooks: webhooks.New(timed, whc)}
	projected := matching.Project(timed, g, cfg.Log)
	s.Handler = httpapi.NewHandler(httpapi.Backend{
		Store: projected, Matching: g, Leads: svc, Metrics: m, Shutdown: s.Shutdown, Webhooks: s.Webhooks,
	}, cfg.Options)

	s.follow = &follower{store: timed, g: g, leads: svc, hooks: s.Webhooks, m: m, log: cfg.Log, origin: store.Origin(), pos: head}
	m.FeedPosition(head)
	if err := s.follow.catchUp(ctx); err != nil {
		return nil, fmt.Errorf("follow the change feed: %w", err)
	}
	cfg.Log.Info("following the change feed", "from", head, "interval", cfg.FollowInterval, "origin", store.Origin(), "retention", cfg.ChangeRetention)

	loops, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = stop
	s.loops.Go(func() { svc.Run(loops, cfg.ExpiryInterval) })
	s.loops.Go(func() { svc.RunReturns(loops, cfg.ExpiryInterval) })
	s.loops.Go(func() { s.follow.run(loops, cfg.FollowInterval) })
	s.loops.Go(func() { trim(loops, timed, cfg.Log, cfg.ChangeRetention, cfg.TrimInterval) })
	if cfg.EraseClosedAfter > 0 {
		// Every server runs it: the store's erasures are conditional writes, so servers that
		// run it at once share the work and never erase a lead twice.
		cfg.Log.Info("erasing the customer data of closed leads", "after", cfg.EraseClosedAfter, "interval", cfg.EraseInterval)
		s.loops.Go(func() { svc.RunRetention(loops, cfg.EraseClosedAfter, cfg.EraseInterval) })
	}
	s.loops.Go(func() { s.Webhooks.Run(loops) })
	fit := &fitter{store: timed, save: projected, g: g, log: cfg.Log, interval: cfg.FitInterval, after: cfg.FitAfter}
	s.loops.Go(func() { fit.run(loops) })
	return s, nil
}

// CatchUp applies every change of the feed after the server's position now, as the follow
// loop does every FollowInterval: for tests and tools that must not wait for the loop. Errors:
// the store's.
func (s *Server) CatchUp(ctx context.Context) error { return s.follow.catchUp(ctx) }

// Close stops the server's loops and waits for them to return. It does not end requests or
// streams (see Shutdown) and does not close the store, which the caller opened.
func (s *Server) Close() error {
	s.stop()
	s.loops.Wait()
	return nil
}

// buildProjection reads the whole graph from the store into memory, with progress in the log.
func buildProjection(ctx context.Context, store partnergraph.Store, log *slog.Logger) (*matching.Graph, error) {
	start := time.Now()
	g, err := matching.Build(ctx, store, func(n int) { log.Info("building the matching projection", "records", n) })
	if err != nil {
		return nil, fmt.Errorf("build the matching projection: %w", err)
	}
	// What lead outcomes taught the last process: a year of them, older ones having faded.
	n, err := g.Replay(ctx, store, time.Now().AddDate(-1, 0, 0))
	if err != nil {
		return nil, fmt.Errorf("replay lead outcomes: %w", err)
	}
	// The global trust floor, now rather than on the first lead, which would wait for it.
	g.RefreshTrust()
	st := g.Stats()
	log.Info("matching projection ready", "businesses", st.Businesses, "outcomes", n, "took", time.Since(start).Round(time.Millisecond))
	return g, nil
}
