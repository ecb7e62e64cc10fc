package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/httpapi"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/webhooks"
)

func serve(ctx context.Context, args []string) error {
	f := newFlags("serve")
	addr := f.string("addr", "127.0.0.1:8080", "listen address")
	dev := f.bool("dev", true, "development mode: GraphiQL, introspection and field suggestions")
	origins := f.string("allowed-origins", "", "comma-separated browser origins allowed to call the API (CORS and websockets); empty: none")
	seedEmpty := f.bool("seed", true, "load the example network into an empty database")
	shutdown := f.duration("shutdown-timeout", 15*time.Second, "how long in-flight requests may take to finish on shutdown")
	offerTTL := f.duration("offer-ttl", 30*time.Minute, "how long a business has to answer a lead offer before it moves on")
	expiryEvery := f.duration("expiry-interval", 15*time.Second, "how often unanswered offers, and returns left uncontested past their window, are looked for")
	returnWindow := f.duration("return-window", partnergraph.DefaultReturnWindow, "how long after accepting a lead a business may return it")
	contestWindow := f.duration("contest-window", partnergraph.DefaultContestWindow, "how long a referrer has to contest a return; a return not contested by then is accepted")
	poll := f.duration("subscription-poll", leads.DefaultPoll, "how often a subscription re-reads its feed unwoken, a safety net: the change feed's follower wakes it for the writes of other servers")
	followEvery := f.duration("follow-interval", server.DefaultFollowInterval, "how often the change feed is read for the writes of the other servers on the store")
	retention := f.duration("change-retention", server.DefaultChangeRetention, "how long change records are kept; a server that falls further behind rebuilds its projection")
	fallback := f.bool("route-fallback-verified", false, "send a lead with no trusted path to the nearest verified business instead of making it UNROUTABLE")
	trustRank := f.duration("trust-rank-interval", matching.DefaultTrustRankInterval, "how stale the global trust (TrustRank) may grow after trust writes before routing recomputes it; until then a new business gets only the trust that ranked businesses give it directly")
	rateCost := f.float("rate-limit-cost-per-second", 1000, "query cost (complexity) each caller may spend per second, by token subject or, anonymous, by address; 0: no rate limit")
	rateBurst := f.int("rate-limit-burst", 10000, "the most query cost a caller may spend at once")
	ipHeader := f.string("client-ip-header", "", "header in which a trusted reverse proxy passes the client address (X-Forwarded-For: its last entry, X-Real-IP); empty: the peer address")
	wsInit := f.duration("ws-init-timeout", 10*time.Second, "close a websocket that sends no connection_init in time (4408)")
	wsWrite := f.duration("ws-write-timeout", 10*time.Second, "drop a websocket client that does not take a message in time (slow consumer)")
	wsSubs := f.int("ws-max-subscriptions", 50, "operations that may run at once on one websocket")
	wsConns := f.int("ws-max-connections-per-caller", 20, "websockets one caller (token subject, or address when anonymous) may hold at once")
	eraseAfter := f.string("erase-closed-after", "off", "erase the customer data of leads closed (WON or LOST) this many days ago, in the background: N or Nd (days), or off")
	eraseEvery := f.duration("erase-interval", server.DefaultEraseInterval, "how often, with --erase-closed-after, closed leads are looked for to erase")
	whHTTP := f.string("webhook-allow-http", "", "allow http:// webhook endpoints (true/false; empty: as --dev); production wants https only")
	whLoopback := f.string("webhook-allow-loopback", "", "allow webhook endpoints on 127.0.0.0/8 and ::1, for local receivers and tests (true/false; empty: as --dev); private, link-local and metadata addresses are always refused")
	whRetry := f.duration("webhook-retry-for", webhooks.DefaultRetryFor, "how long a failing webhook endpoint is retried (exponential backoff with jitter) before it is disabled")
	whTimeout := f.duration("webhook-timeout", webhooks.DefaultTimeout, "how long one webhook delivery attempt may take")
	whPoll := f.duration("webhook-poll", webhooks.DefaultPoll, "how often webhook endpoints are claimed and their feeds read unwoken (new events wake the deliverer through the change feed's follower); retries come due at this pace")
	whLease := f.duration("webhook-lease", webhooks.DefaultLeaseTTL, "how long a server's claim on a webhook endpoint lasts: another server takes over the endpoints of one that died after this")
	fitEvery := f.duration("fit-interval", server.DefaultFitInterval, "fit the suggestion weights on the network's history again when the fit in use is this old (in the background; at start unless the store holds a younger fit); negative: never by age")
	fitAfter := f.int("fit-after", server.DefaultFitAfter, "fit the suggestion weights again after this many new active partnerships; negative: never by count")
	metricsAddr := f.string("metrics-addr", "", "serve /metrics on this address instead of on --addr (keep metrics off the internet)")
	sf := addStoreFlags(f)
	af := addAuthFlags(f)
	if err := f.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	// Every setting is checked before the database is touched: a bad one must not leave a new,
	// seeded database behind.
	if *returnWindow <= 0 || *contestWindow <= 0 {
		return fmt.Errorf("--return-window and --contest-window must be positive")
	}
	allowed := splitList(*origins)
	if err := checkOrigins(allowed); err != nil {
		return err
	}
	eraseClosedAfter, err := parseRetention(*eraseAfter)
	if err != nil {
		return err
	}
	allowHTTP, err := boolOr("--webhook-allow-http", *whHTTP, *dev)
	if err != nil {
		return err
	}
	allowLoopback, err := boolOr("--webhook-allow-loopback", *whLoopback, *dev)
	if err != nil {
		return err
	}
	verifier, err := af.verifier(ctx, sf, log, true)
	if err != nil {
		return err
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if *seedEmpty {
		if err := seedIfEmpty(ctx, store, log); err != nil {
			return err
		}
	}
	cfg := server.Config{
		Options: httpapi.Options{
			Poll: *poll, Auth: verifier, Log: log, Dev: *dev, AllowedOrigins: allowed,
			RateLimitCostPerSecond: *rateCost, RateLimitBurst: *rateBurst, ClientIPHeader: *ipHeader,
			WebsocketInitTimeout: *wsInit, WebsocketWriteTimeout: *wsWrite,
			MaxSubscriptionsPerConnection: *wsSubs, MaxConnectionsPerCaller: *wsConns,
		},
		OfferTTL: *offerTTL, ExpiryInterval: *expiryEvery, Route: matching.RouteOptions{FallbackVerified: *fallback, TrustRankInterval: *trustRank},
		FollowInterval: *followEvery, ChangeRetention: *retention,
		EraseClosedAfter: eraseClosedAfter, EraseInterval: *eraseEvery,
		FitInterval: *fitEvery, FitAfter: *fitAfter,
		Returns: partnergraph.Windows{Return: *returnWindow, Contest: *contestWindow},
		Webhooks: webhooks.Config{
			Policy:   webhooks.Policy{AllowHTTP: allowHTTP, AllowLoopback: allowLoopback},
			RetryFor: *whRetry, Timeout: *whTimeout, Poll: *whPoll, LeaseTTL: *whLease,
		},
	}
	if *metricsAddr != "" {
		cfg.MetricsPath = "-"
	}
	pg, err := server.New(ctx, store, cfg)
	if err != nil {
		return err
	}
	// Deferred after the store's Close, so it runs first: the loops stop before the store closes.
	defer pg.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// Requests keep their context when the signal comes: Shutdown lets those in flight finish,
	// and pg.Shutdown ends the streams (websockets close with 1001 going away).
	srv := &http.Server{Handler: pg.Handler, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	srv.RegisterOnShutdown(pg.Shutdown.Begin)
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(os.Stderr, "PartnerGraph is listening on %s\n  GraphQL:  %s/graphql\n  console:  %s/console/\n", base, base, base)
	if *dev {
		fmt.Fprintf(os.Stderr, "  GraphiQL: %s/\n", base)
	}
	fmt.Fprintf(os.Stderr, "  health:   %s/healthz  %s/readyz\n  database: %s\n", base, base, *sf.db)

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	var msrv *http.Server
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", pg.Metrics.Handler())
		msrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- msrv.Serve(mln) }()
		fmt.Fprintf(os.Stderr, "  metrics:  http://%s/metrics\n", mln.Addr())
	} else {
		fmt.Fprintf(os.Stderr, "  metrics:  %s/metrics\n", base)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: waiting for in-flight requests", "timeout", *shutdown)
	sctx, cancel := context.WithTimeout(context.Background(), *shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// Websockets finish their close handshake before the store closes.
	if err := pg.Shutdown.Wait(sctx); err != nil {
		log.Warn("websockets still closing at the shutdown timeout", "err", err)
	}
	if msrv != nil {
		msrv.Shutdown(sctx)
	}
	return nil
}

// seedIfEmpty loads the example network when the database has no services and no businesses,
// so that a first run has something to show.
func seedIfEmpty(ctx context.Context, store partnergraph.Store, log *slog.Logger) error {
	services, err := store.Services(ctx)
	if err != nil {
		return err
	}
	some, err := store.Businesses(ctx, partnergraph.BusinessFilter{}, partnergraph.Page{First: 1})
	if err != nil {
		return err
	}
	if len(services) > 0 || len(some.Items) > 0 {
		return nil
	}
	stats, err := store.Import(ctx, seed.Example())
	if err != nil {
		return fmt.Errorf("seed the example network: %w", err)
	}
	log.Info("empty database: loaded the example network", "records", stats)
	return nil
}

// parseRetention reads --erase-closed-after: "off" (or "" or "0") for no retention erasure,
// else a whole number of days, "30" or "30d".
func parseRetention(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "0" || strings.EqualFold(v, "off") {
		return 0, nil
	}
	days, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
	if err != nil || days < 1 || days > 36500 {
		return 0, fmt.Errorf("--erase-closed-after %q: want off, or a number of days from 1 (such as 30 or 30d)", v)
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// checkOrigins refuses an --allowed-origins entry that is not an origin: one without a scheme
// ("app.example") would match no browser's Origin header, silently.
func checkOrigins(origins []string) error {
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return fmt.Errorf("--allowed-origins: %q is not an origin (scheme://host[:port], e.g. https://app.example)", o)
		}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// boolOr parses a true/false flag whose empty value means def.
func boolOr(name, v string, def bool) (bool, error) {
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: want true or false, got %q", name, v)
	}
	return b, nil
}
