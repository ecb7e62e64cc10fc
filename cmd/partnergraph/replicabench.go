package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

// replicaBenchCmd measures several servers on one database: how long after a write is
// acknowledged by server A its effect shows in server B's answers (the change feed and B's
// follower), at fixed write rates, and the lead path's throughput with one server and with N.
func replicaBenchCmd(ctx context.Context, args []string) error {
	f := newFlags("bench-replicas")
	stores := f.string("stores", "sqlite,neo4j", "stores to measure, in order")
	rates := f.string("rates", "10,100,1000", "offered write rates on server A, per second")
	leadRates := f.string("lead-rates", "100,500", "offered lead rates per second for 1 server and for --servers (\"\" to skip)")
	servers := f.int("servers", 3, "servers of the lead path's second run")
	duration := f.duration("duration", 10*time.Second, "how long each rate runs")
	workers := f.int("workers", 64, "concurrent HTTP clients")
	wipe := f.bool("wipe-neo4j", false, "empty the Neo4j database (NEO4J_DATABASE) first if it holds data")
	if err := f.Parse(args); err != nil {
		return err
	}
	var writeRates []int
	for _, r := range strings.Split(*rates, ",") {
		rate, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil || rate <= 0 {
			return fmt.Errorf("--rates: %q is not a rate", r)
		}
		writeRates = append(writeRates, rate)
	}
	if *servers < 2 {
		return fmt.Errorf("--servers: %d: at least 2", *servers)
	}
	type row struct {
		store    string
		lag      []lagResult
		one, all []leadRate
	}
	var rows []row
	for _, kind := range strings.Split(*stores, ",") {
		kind = strings.TrimSpace(kind)
		r := row{store: kind}
		open, empty, cleanup, err := benchStore(ctx, kind, *wipe)
		if err != nil {
			return err
		}
		defer cleanup()
		// run opens n handles on the (empty) database, runs fn on them, closes and empties it.
		run := func(n int, fn func([]partnergraph.Store) error) error {
			var handles []partnergraph.Store
			defer func() {
				for _, h := range handles {
					h.Close()
				}
			}()
			for range n {
				h, err := open()
				if err != nil {
					return err
				}
				handles = append(handles, h)
			}
			if err := fn(handles); err != nil {
				return err
			}
			for _, h := range handles {
				h.Close()
			}
			handles = nil
			return empty()
		}
		fmt.Fprintf(os.Stderr, "%s: lag from A's acknowledgement to B's answer at %s writes/s, %s each\n", kind, *rates, *duration)
		err = run(2, func(hs []partnergraph.Store) (err error) {
			r.lag, err = replicaLag(ctx, hs, writeRates, *duration, *workers)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: lag: %w", kind, err)
		}
		if *leadRates != "" {
			for _, n := range []int{1, *servers} {
				fmt.Fprintf(os.Stderr, "%s: lead path on %d server(s) at %s leads/s\n", kind, n, *leadRates)
				err := run(n, func(hs []partnergraph.Store) error {
					res, err := leadBench(ctx, hs, *leadRates, *duration, *workers)
					if n == 1 {
						r.one = res
					} else {
						r.all = res
					}
					return err
				})
				if err != nil {
					return fmt.Errorf("%s: lead path on %d servers: %w", kind, n, err)
				}
			}
		}
		rows = append(rows, r)
	}

	fmt.Printf("\nlag: registerBusiness acknowledged by server A → the business has suggestions on server B; %d workers, %s per rate\n", *workers, *duration)
	fmt.Printf("%-8s %10s %10s %10s %10s %10s %8s %8s\n", "store", "offered/s", "achieved/s", "p50", "p99", "max", "errors", "unseen")
	for _, r := range rows {
		for _, l := range r.lag {
			fmt.Printf("%-8s %10d %10.0f %10s %10s %10s %8d %8d\n", r.store, l.offered, l.achieved, l.p50, l.p99, l.max, l.errors, l.unseen)
		}
	}
	if *leadRates != "" {
		fmt.Printf("\nlead path: submitLead round-robin over the servers → offer on a subscription on the last one\n")
		for _, r := range rows {
			printLeadResults(os.Stdout, r.store+"×1", r.one)
			printLeadResults(os.Stdout, fmt.Sprintf("%s×%d", r.store, *servers), r.all)
		}
	}
	return nil
}

// lagResult is what one offered write rate of the lag benchmark measured.
type lagResult struct {
	offered       int
	achieved      float64 // acknowledged writes per second
	p50, p99, max time.Duration
	errors        int // writes that A refused or that failed
	unseen        int // acknowledged writes that B had not applied 30 s after the run
}

// replicaLag loads the example network through the first handle, starts server A on it and
// server B on the second, and at each rate registers businesses through A's API: the lag of a
// write is from its acknowledgement to the first moment B's projection answers suggestions
// for the new business (before that, B answers NOT_FOUND). B is looked at in process every
// millisecond, so the lag is exact to about that.
func replicaLag(ctx context.Context, stores []partnergraph.Store, rates []int, d time.Duration, workers int) ([]lagResult, error) {
	if _, err := stores[0].Import(ctx, seed.Example()); err != nil {
		return nil, err
	}
	bs, err := startBenchServers(ctx, stores[:2])
	if err != nil {
		return nil, err
	}
	defer bs.close()
	b := bs.servers[1].Matching
	var results []lagResult
	for i, rate := range rates {
		var (
			mu      sync.Mutex
			acked   = map[string]time.Time{} // store id → acknowledged at, until B shows it
			lags    []time.Duration
			errs    int
			stop    = make(chan struct{})
			watched sync.WaitGroup
		)
		watched.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
				}
				mu.Lock()
				for id, at := range acked {
					if _, err := b.Suggest(id, 1); err == nil {
						lags = append(lags, max(time.Since(at), 0))
						delete(acked, id)
					}
				}
				mu.Unlock()
			}
		})
		n := int(float64(rate) * d.Seconds())
		jobs := make(chan int)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
		var wg sync.WaitGroup
		start := time.Now()
		for range workers {
			wg.Go(func() {
				for j := range jobs {
					id, err := registerBusiness(client, bs.urls[0], bs.token, fmt.Sprintf("Lag %d-%d", i, j))
					mu.Lock()
					if err != nil {
						errs++
					} else {
						acked[id] = time.Now()
					}
					mu.Unlock()
				}
			})
		}
		for j := range n {
			time.Sleep(time.Until(start.Add(time.Duration(float64(j) / float64(rate) * float64(time.Second)))))
			jobs <- j
		}
		close(jobs)
		wg.Wait()
		elapsed := time.Since(start)
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			left := len(acked)
			mu.Unlock()
			if left == 0 {
				break
			}
		}
		close(stop)
		watched.Wait()
		slices.Sort(lags)
		res := lagResult{offered: rate, achieved: float64(n-errs) / elapsed.Seconds(), errors: errs, unseen: len(acked)}
		if len(lags) > 0 {
			res.p50, res.p99, res.max = lags[len(lags)/2].Round(100*time.Microsecond), lags[len(lags)*99/100].Round(100*time.Microsecond), lags[len(lags)-1].Round(100*time.Microsecond)
		}
		results = append(results, res)
	}
	return results, nil
}

// registerBusiness registers a business with no services near Springfield and returns its
// store id.
func registerBusiness(client *http.Client, url, token, name string) (string, error) {
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($in: RegisterBusinessInput!) { registerBusiness(input: $in) { business { id } } }`,
		"variables": map[string]any{"in": map[string]any{"name": name, "location": map[string]any{"lat": 39.8, "lng": -89.65}}},
	})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var out struct {
		Data struct {
			RegisterBusiness struct{ Business struct{ ID string } }
		}
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return "", err
	}
	if len(out.Errors) > 0 || out.Data.RegisterBusiness.Business.ID == "" {
		return "", fmt.Errorf("registerBusiness: errors %v", out.Errors)
	}
	raw, err := base64.RawURLEncoding.DecodeString(out.Data.RegisterBusiness.Business.ID)
	if err != nil {
		return "", err
	}
	id, ok := strings.CutPrefix(string(raw), "Business:")
	if !ok {
		return "", fmt.Errorf("registerBusiness: id %q is not a business's", raw)
	}
	return id, nil
}
