package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/httpapi"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// leadBenchCmd measures the lead path end to end on this machine: submitLead over HTTP →
// routed and written to a file-backed SQLite store → offer received by websocket subscribers,
// at fixed offered rates (open loop: latency counts from when a lead was due, so a slow server
// cannot hide its queue).
func leadBenchCmd(ctx context.Context, args []string) error {
	f := newFlags("bench-leads")
	rates := f.String("rates", "100,500,1000", "offered rates in leads per second")
	duration := f.Duration("duration", 10*time.Second, "how long each rate runs")
	workers := f.Int("workers", 64, "concurrent HTTP clients")
	if err := f.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "leadbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store, err := sqlitestore.Open(ctx, filepath.Join(dir, "pg.db"))
	if err != nil {
		return err
	}
	defer store.Close()
	results, err := leadBench(ctx, []partnergraph.Store{store}, *rates, *duration, *workers)
	if err != nil {
		return err
	}
	fmt.Printf("lead path: submitLead (HTTP) → SQLite file store → offer on a websocket subscription; %d workers\n", *workers)
	printLeadResults(os.Stdout, "", results)
	return nil
}

// leadRate is what one offered rate of the lead benchmark achieved.
type leadRate struct {
	offered int
	rateResult
}

// printLeadResults writes the lead benchmark's table; label, when not empty, is a first
// column (the store).
func printLeadResults(w io.Writer, label string, results []leadRate) {
	if label != "" {
		fmt.Fprintf(w, "%-8s ", "store")
	}
	fmt.Fprintf(w, "%10s %10s %10s %10s %10s %8s %9s\n", "offered/s", "achieved/s", "p50", "p99", "max", "errors", "unrouted")
	for _, r := range results {
		if label != "" {
			fmt.Fprintf(w, "%-8s ", label)
		}
		fmt.Fprintf(w, "%10d %10.0f %10s %10s %10s %8d %9d\n", r.offered, r.achieved, r.p50, r.p99, r.max, r.errors, r.unrouted)
	}
}

// leadBench loads the example network into stores[0] (the database must be empty), runs one
// server per store handle (handles on one database: N servers behind a load balancer), and
// offers leads at each of rates (comma-separated, per second) for d, round-robin over the
// servers, with the recipients subscribed on the last one.
func leadBench(ctx context.Context, stores []partnergraph.Store, rates string, d time.Duration, workers int) ([]leadRate, error) {
	if _, err := stores[0].Import(ctx, seed.Example()); err != nil {
		return nil, err
	}
	// Daily caps would turn most of a benchmark's leads UNROUTABLE: lift them.
	lift := 10000
	recipients, err := stores[0].Businesses(ctx, partnergraph.BusinessFilter{Services: []string{"personal-injury-attorney"}}, partnergraph.Page{First: 100})
	if err != nil {
		return nil, err
	}
	for _, b := range recipients.Items {
		if _, err := stores[0].UpdateBusiness(ctx, b.ID, partnergraph.BusinessPatch{DailyLeadCap: &lift}); err != nil {
			return nil, err
		}
	}
	bs, err := startBenchServers(ctx, stores)
	if err != nil {
		return nil, err
	}
	defer bs.close()
	received := make(chan offerReceived, 100_000)
	for _, b := range recipients.Items {
		if err := subscribeOffers(ctx, bs.urls[len(bs.urls)-1], bs.token, b.ID, received); err != nil {
			return nil, err
		}
	}
	var results []leadRate
	for i, r := range strings.Split(rates, ",") {
		rate, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil || rate <= 0 {
			return nil, fmt.Errorf("--rates: %q is not a rate", r)
		}
		res := runRate(ctx, bs.urls, bs.token, rate, d, workers, fmt.Sprintf("run%d", i), received)
		results = append(results, leadRate{rate, res})
	}
	return results, nil
}

// benchServers are the servers of a benchmark, one per store handle, each on a loopback port.
type benchServers struct {
	servers []*server.Server
	urls    []string // each server's /graphql
	token   string   // an admin's
	close   func()
}

// startBenchServers starts a quiet server on each store handle, as serve would.
func startBenchServers(ctx context.Context, stores []partnergraph.Store) (*benchServers, error) {
	verifier, err := auth.NewVerifier(ctx, auth.Config{HMACSecret: []byte(strings.Repeat("b", 32)), Issuer: auth.DevIssuer, Audience: auth.DevAudience})
	if err != nil {
		return nil, err
	}
	token, err := verifier.Mint(auth.Identity{Sub: "bench", Roles: []auth.Role{auth.Admin}}, time.Hour)
	if err != nil {
		return nil, err
	}
	bs := &benchServers{token: token}
	var closers []func()
	bs.close = func() {
		for _, c := range slices.Backward(closers) {
			c()
		}
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, store := range stores {
		pg, err := server.New(ctx, store, server.Config{Options: httpapi.Options{Auth: verifier, Log: quiet}})
		if err != nil {
			bs.close()
			return nil, err
		}
		closers = append(closers, func() { pg.Close() })
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			bs.close()
			return nil, err
		}
		srv := &http.Server{Handler: pg.Handler}
		go srv.Serve(ln)
		closers = append(closers, func() { srv.Close() })
		bs.servers = append(bs.servers, pg)
		bs.urls = append(bs.urls, "http://"+ln.Addr().String()+"/graphql")
	}
	return bs, nil
}

type rateResult struct {
	achieved      float64
	p50, p99, max time.Duration
	errors        int
	unrouted      int // accepted but UNROUTABLE: once the recipients' daily caps are used up
}

// runRate offers rate leads a second for d and measures, for each, the time from when it was
// due to when its offer reached a subscriber.
func runRate(ctx context.Context, urls []string, token string, rate int, d time.Duration, workers int, prefix string, received <-chan offerReceived) rateResult {
	n := int(float64(rate) * d.Seconds())
	due := make(map[string]time.Time, n)
	var mu sync.Mutex
	jobs := make(chan int, n)
	errs, unrouted := 0, 0
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				key := fmt.Sprintf("%s-%07d", prefix, i)
				_, status, err := submit(client, urls[i%len(urls)], token, key)
				mu.Lock()
				if err != nil {
					errs++
				} else if status == "UNROUTABLE" {
					unrouted++
				}
				mu.Unlock()
			}
		}()
	}
	go func() {
		for i := range n {
			at := start.Add(time.Duration(float64(i) / float64(rate) * float64(time.Second)))
			time.Sleep(time.Until(at))
			mu.Lock()
			due[fmt.Sprintf("%s-%07d", prefix, i)] = at
			mu.Unlock()
			jobs <- i
		}
		close(jobs)
	}()
	var lat []time.Duration
	timeout := time.After(d + 30*time.Second)
	settled := func() int { // leads that will not, or did, reach a subscriber
		mu.Lock()
		defer mu.Unlock()
		return len(lat) + errs + unrouted
	}
	for settled() < n {
		select {
		case o := <-received:
			now := time.Now()
			mu.Lock()
			at, ok := due[o.Notes]
			mu.Unlock()
			if ok {
				lat = append(lat, now.Sub(at))
			}
		case <-time.After(100 * time.Millisecond): // look again at the errors and unrouted
		case <-timeout:
			n = settled() // give up on the rest
		}
	}
	elapsed := time.Since(start)
	wg.Wait()
	slices.Sort(lat)
	res := rateResult{achieved: float64(len(lat)) / elapsed.Seconds(), errors: errs, unrouted: unrouted}
	if len(lat) > 0 {
		res.p50, res.p99, res.max = lat[len(lat)/2].Round(time.Microsecond*100), lat[len(lat)*99/100].Round(time.Microsecond*100), lat[len(lat)-1].Round(time.Microsecond*100)
	}
	return res
}

// submit submits one lead for Dave's Collision (leadInput), and returns the lead's API id and
// status (UNROUTABLE if it was offered to no one).
func submit(client *http.Client, url, token, key string) (id, status string, err error) {
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { lead { id status } } }`,
		"variables": map[string]any{"in": leadInput(key)},
	})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return "", "", err
	}
	defer res.Body.Close()
	var out struct {
		Data struct {
			SubmitLead struct{ Lead struct{ ID, Status string } }
		}
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return "", "", err
	}
	if len(out.Errors) > 0 || out.Data.SubmitLead.Lead.ID == "" {
		return "", "", fmt.Errorf("submitLead: errors %v", out.Errors)
	}
	return out.Data.SubmitLead.Lead.ID, out.Data.SubmitLead.Lead.Status, nil
}

// offerReceived is an offer that a subscriber received: its recipient, its cursor in the
// recipient's inbox, and its lead's notes (the benchmark's and the tests' idempotency keys).
type offerReceived struct {
	BusinessID, Cursor, Notes string
}

// leadInput is the SubmitLeadInput of a personal-injury lead that Dave's Collision refers,
// with key as its notes and idempotency key.
func leadInput(key string) map[string]any {
	return map[string]any{
		"referrerId": base64ID("Business", "daves-collision"), "service": "personal-injury-attorney",
		"location": map[string]any{"lat": 39.80, "lng": -89.65},
		"customer": map[string]any{"name": "Bench Customer", "email": "bench@example.com"},
		"consent":  map[string]any{"text": "The customer agreed to be referred.", "givenAt": "2026-11-20T10:00:00Z"},
		"notes":    key, "idempotencyKey": key,
	}
}

// subscribeOffers follows a business's inbox over graphql-transport-ws from its first offer,
// and sends each offer to received until ctx ends or the server closes the subscription.
func subscribeOffers(ctx context.Context, url, token, businessID string, received chan<- offerReceived) error {
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return err
	}
	c.SetReadLimit(1 << 20)
	if err := wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}); err != nil {
		return err
	}
	var ack struct{ Type string }
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack.Type != "connection_ack" {
		return fmt.Errorf("subscribe: %v %v", ack, err)
	}
	gid := base64ID("Business", businessID)
	err = wsjson.Write(ctx, c, map[string]any{"id": businessID, "type": "subscribe", "payload": map[string]any{
		"query": `subscription($b: ID!) { leadOffers(businessId: $b) { cursor lead { notes } } }`, "variables": map[string]any{"b": gid}}})
	if err != nil {
		return err
	}
	go func() {
		defer c.CloseNow()
		for {
			var m struct {
				Type    string
				Payload struct {
					Data struct {
						LeadOffers struct {
							Cursor string
							Lead   struct{ Notes string }
						}
					}
				}
			}
			if err := wsjson.Read(ctx, c, &m); err != nil {
				return
			}
			switch m.Type {
			case "next":
				o := m.Payload.Data.LeadOffers
				received <- offerReceived{BusinessID: businessID, Cursor: o.Cursor, Notes: o.Lead.Notes}
			case "error", "complete":
				return
			}
		}
	}()
	return nil
}

// base64ID is the API id of a store object (see graph's ids).
func base64ID(kind, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + id))
}
