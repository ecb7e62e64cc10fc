// Package httpapi serves the GraphQL API over HTTP: gqlgen's transports (POST, GET, SSE,
// websockets), CORS, the limits on bodies and websockets, rate limiting by query cost, one log
// line per request, health and readiness, and the metrics endpoint. What the API answers is
// package graph's; server.New wires the two.
package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/metrics"
	"github.com/partnergraph/partnergraph/web/console"
	"github.com/partnergraph/partnergraph/web/graphiql"
	"github.com/partnergraph/partnergraph/webhooks"
)

// Authenticator verifies callers over HTTP and over websockets; *auth.Verifier is one.
type Authenticator interface {
	// Middleware puts the caller's identity in the request context, or answers 401.
	Middleware(next http.Handler) http.Handler
	// FromInitPayload reads the identity from a websocket connection_init payload: nil for an
	// anonymous caller, UNAUTHENTICATED for a bad token.
	FromInitPayload(ctx context.Context, payload map[string]any) (*auth.Identity, error)
}

// Backend is what the handler serves and reports to; server.New assembles it.
type Backend struct {
	// Store is the API's store (server.New's is timed and keeps the projection in step).
	Store partnergraph.Store
	// Matching answers suggestions; nil serves the graph without them.
	Matching *matching.Graph
	// Leads runs the lead lifecycle over Store's leads (required: every Store keeps leads).
	Leads *leads.Service
	// Metrics collects the Prometheus metrics: the one whose Store and Router decorators wrap
	// the store and the lead service's router, so that one scrape shows it all.
	Metrics *metrics.Metrics
	// Shutdown, once begun, closes websockets with 1001 (going away) and ends SSE
	// subscriptions.
	Shutdown *Shutdown
	// Webhooks delivers to webhook endpoints: registration checks URLs against its policy,
	// and a redelivery wakes it. Nil checks URLs against the production policy.
	Webhooks *webhooks.Deliverer
}

// Options configure the HTTP handler.
type Options struct {
	// Poll is how often a subscription re-reads its feed unwoken (default leads.DefaultPoll).
	Poll time.Duration
	Auth Authenticator
	Log  *slog.Logger
	// Dev turns on introspection, field suggestions, GraphiQL at "/" and the console's help for
	// minting development tokens.
	Dev bool
	// AllowedOrigins may call the API from a browser (CORS and websockets). Empty means no
	// cross-origin access at all.
	AllowedOrigins []string
	// MaxBodyBytes caps a request body (default 64 KiB).
	MaxBodyBytes int64
	// MaxComplexity caps a query's cost, counting each connection's items (default 5000).
	MaxComplexity int

	// RateLimitCostPerSecond refills each caller's budget of query cost (the complexity that
	// MaxComplexity caps); callers are told apart by their token's subject, or by address when
	// anonymous. An operation over budget gets RATE_LIMITED with retryAfterSeconds (over plain
	// HTTP a 429 with Retry-After). 0 turns rate limiting off.
	RateLimitCostPerSecond float64
	// RateLimitBurst is the most cost a caller may spend at once (default MaxComplexity). An
	// operation that costs more than the burst costs the whole burst.
	RateLimitBurst int
	// ClientIPHeader names the header in which a trusted reverse proxy passes the client's
	// address ("X-Forwarded-For": its last entry; "X-Real-IP"). Empty: the peer's address.
	// Set it only behind a proxy that overwrites the header, or clients choose their address.
	ClientIPHeader string

	// WebsocketInitTimeout closes, with 4408, a websocket that sends no connection_init in
	// time (default 10 s).
	WebsocketInitTimeout time.Duration
	// WebsocketWriteTimeout drops a websocket whose client does not take a message in time, so
	// that a consumer that stops reading holds no more than one message per operation
	// (default 10 s).
	WebsocketWriteTimeout time.Duration
	// MaxSubscriptionsPerConnection caps the operations that run at once on one websocket
	// (default 50); a subscribe over the cap gets an error TOO_MANY_SUBSCRIPTIONS.
	MaxSubscriptionsPerConnection int
	// MaxConnectionsPerCaller caps the websockets one caller (subject, or address when
	// anonymous) holds at once (default 20); one more is closed with 1013 (try again later).
	MaxConnectionsPerCaller int

	// MetricsPath is where the handler serves Backend.Metrics (default "/metrics"); "-" serves
	// them nowhere (serve Metrics.Handler on another listener).
	MetricsPath string
	// RevocationRefresh is how long the handler trusts what it read of a subject's token
	// revocations (default auth.DefaultRevocationRefresh, 5 s): a revocation made through
	// another server reaches requests and open streams here within it. One made through this
	// handler (the revokeTokens mutation) applies here at once.
	RevocationRefresh time.Duration
}

// NewHandler returns the HTTP API: POST and GET /graphql (and websockets there), /healthz,
// /readyz, /metrics, the console at /console and, in development, GraphiQL at "/". Every response carries an
// X-Request-Id; every request is logged in one line, without personal data. It panics without
// Backend.Leads, which every server has.
func NewHandler(b Backend, cfg Options) http.Handler {
	if b.Leads == nil {
		panic("httpapi: NewHandler needs Backend.Leads")
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 64 << 10
	}
	if cfg.MaxComplexity == 0 {
		cfg.MaxComplexity = 5000
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if _, ok := cfg.Log.Handler().(requestIDHandler); !ok {
		cfg.Log = slog.New(requestIDHandler{cfg.Log.Handler()})
	}
	if cfg.RateLimitBurst <= 0 {
		cfg.RateLimitBurst = cfg.MaxComplexity
	}
	if cfg.WebsocketInitTimeout == 0 {
		cfg.WebsocketInitTimeout = 10 * time.Second
	}
	if cfg.WebsocketWriteTimeout == 0 {
		cfg.WebsocketWriteTimeout = 10 * time.Second
	}
	if cfg.MaxSubscriptionsPerConnection == 0 {
		cfg.MaxSubscriptionsPerConnection = 50
	}
	if cfg.MaxConnectionsPerCaller == 0 {
		cfg.MaxConnectionsPerCaller = 20
	}
	if cfg.MetricsPath == "" {
		cfg.MetricsPath = "/metrics"
	}
	revocations := auth.NewRevocations(b.Store, cfg.RevocationRefresh, cfg.Log)
	obs := &observer{log: cfg.Log, metrics: b.Metrics, shutdown: b.Shutdown, tokens: revocations}
	if cfg.RateLimitCostPerSecond > 0 {
		obs.limiter = newCostLimiter(cfg.RateLimitCostPerSecond, cfg.RateLimitBurst)
	}
	conns := &connCounter{n: map[string]int{}}
	srv := handler.New(graph.NewSchema(&graph.Resolver{Store: b.Store, Matching: b.Matching, Leads: b.Leads, Poll: cfg.Poll, Revocations: revocations, Webhooks: b.Webhooks}))
	// Order matters: SSE and websockets are told apart from plain POSTs by their headers.
	srv.AddTransport(sseTransport{})
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		PingPongInterval:      15 * time.Second,
		// No InitTimeout: gqlgen's closes with 1002; wsLimits closes with 4408.
		Implementation: &wsLimits{
			accept:      websocket.AcceptOptions{OriginPatterns: originPatterns(cfg.AllowedOrigins)},
			initTimeout: cfg.WebsocketInitTimeout, writeTimeout: cfg.WebsocketWriteTimeout,
			maxSubs: cfg.MaxSubscriptionsPerConnection, shutdown: b.Shutdown, metrics: b.Metrics,
		},
		InitFunc: func(ctx context.Context, init transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			id, err := cfg.Auth.FromInitPayload(ctx, init)
			if err == nil {
				err = revocations.Check(ctx, id)
			}
			if partnergraph.ErrorCode(err) == partnergraph.EINTERNAL {
				// The revocations could not be read: the client may try again.
				return transport.WithWebsocketCloseCode(ctx, closeInternalError), nil, err
			}
			if err != nil {
				// 4403 tells clients not to retry with the same token (1000 would).
				return transport.WithWebsocketCloseCode(ctx, 4403), nil, err
			}
			ctx = auth.WithIdentity(ctx, id)
			release, ok := conns.acquire(callerKey(ctx), cfg.MaxConnectionsPerCaller)
			if !ok {
				ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, closeTryAgainLater), "too many connections")
				return ctx, nil, fmt.Errorf("%w: this caller holds %d, the most it may", errTooManyConnections, cfg.MaxConnectionsPerCaller)
			}
			// The request's context ends when the connection does.
			context.AfterFunc(ctx, release)
			// The connection, and every subscription on it, ends when the token expires or
			// is revoked.
			ctx, cancel := revocations.Scope(ctx)
			context.AfterFunc(ctx, cancel)
			return ctx, nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	cache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(cache)
	srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity))
	var charge graph.Charge
	if obs.limiter != nil {
		charge = obs.charge
	}
	srv.Use(graph.DocumentLimit(cache, charge))
	if cfg.Dev {
		srv.Use(extension.Introspection{})
	} else {
		srv.SetDisableSuggestion(true)
		srv.Use(graph.IntrospectionDisabled())
	}
	srv.SetErrorPresenter(graph.PresentError(cfg.Log))
	srv.SetRecoverFunc(graph.RecoverPanic(cfg.Log))
	// The observer's operation middleware runs first: a rate-limited operation costs nothing more.
	srv.AroundOperations(obs.aroundOperations)
	srv.AroundResponses(obs.aroundResponses)
	srv.AroundFields(obs.aroundFields)
	srv.Use(graph.Scope(b.Store))

	mux := http.NewServeMux()
	api := limitBody(cfg.Auth.Middleware(revocations.Middleware(codeTransportErrors(srv))), cfg.MaxBodyBytes)
	mux.Handle("/graphql", api)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if _, err := b.Store.Services(ctx); err != nil {
			cfg.Log.Warn("not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "store unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	if cfg.MetricsPath != "-" {
		mux.Handle("GET "+cfg.MetricsPath, b.Metrics.Handler())
	}
	// The console in every mode: it only calls the API, so it opens nothing the API does not.
	consoleHandler := console.Handler(cfg.Dev)
	mux.Handle(console.Path, consoleHandler)
	mux.Handle(console.Path+"/", consoleHandler)
	if cfg.Dev {
		mux.Handle("/", graphiql.Handler("/graphql"))
	}
	co := cors.Options{
		AllowedOrigins: cfg.AllowedOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Authorization", "Content-Type", requestIDHeader},
		ExposedHeaders: []string{requestIDHeader, "Retry-After"},
		MaxAge:         600,
	}
	if len(cfg.AllowedOrigins) == 0 {
		// The CORS library reads an empty list as every origin; ours means none.
		co.AllowOriginFunc = func(string) bool { return false }
	}
	h := cors.New(co).Handler(mux)
	return observeHTTP(h, cfg.Log, b.Metrics, cfg.ClientIPHeader)
}

// originPatterns turns allowed origins ("https://app.example") into the host patterns the
// websocket library matches; same-origin upgrades are always allowed.
func originPatterns(origins []string) []string {
	var out []string
	for _, o := range origins {
		if u, err := urlHost(o); err == nil {
			out = append(out, u)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func urlHost(origin string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("origin %q is not a URL", origin)
	}
	return u.Host, nil
}
