package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/store/neo4jstore"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// storeBenchCmd measures both stores side by side in one run on this machine: the lead path
// (as bench-leads) on the example network, the bulk load of the synthetic network, and the
// matching projection's build from the loaded store (a server's start-up). SQLite runs in a
// temporary file; Neo4j is the server at NEO4J_URI, whose database it WIPES (only with
// --wipe-neo4j, unless the database is empty).
func storeBenchCmd(ctx context.Context, args []string) error {
	f := newFlags("bench-stores")
	n := f.int("n", 100000, "businesses in the synthetic network (10000 for a quick run)")
	rngSeed := f.Int64("seed", 1, "seed of the synthetic network")
	stores := f.string("stores", "sqlite,neo4j", "stores to measure, in order")
	rates := f.string("rates", "100,500,1000", "offered lead rates per second (\"\" to measure only the load and the projection)")
	duration := f.duration("duration", 10*time.Second, "how long each lead rate runs")
	workers := f.int("workers", 64, "concurrent HTTP clients of the lead path")
	wipe := f.bool("wipe-neo4j", false, "empty the Neo4j database (NEO4J_DATABASE) first if it holds data")
	cpuProfile := f.string("cpuprofile", "", "write a CPU profile of this process (server and clients) during the lead path to this file")
	if err := f.Parse(args); err != nil {
		return err
	}
	type row struct {
		store      string
		load, proj time.Duration
		records    int
		leads      []leadRate
	}
	var rows []row
	for _, kind := range strings.Split(*stores, ",") {
		kind = strings.TrimSpace(kind)
		r := row{store: kind}
		open, wipeStore, cleanup, err := benchStore(ctx, kind, *wipe)
		if err != nil {
			return err
		}
		defer cleanup()
		// The lead path first, on the small example network (unless --rates is empty), then
		// the large load.
		if *rates != "" {
			store, err := open()
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "%s: lead path at %s leads/s, %s each\n", kind, *rates, *duration)
			stop, err := startCPUProfile(*cpuProfile, kind)
			if err != nil {
				store.Close()
				return err
			}
			r.leads, err = leadBench(ctx, []partnergraph.Store{store}, *rates, *duration, *workers)
			stop()
			if err != nil {
				store.Close()
				return fmt.Errorf("%s: lead path: %w", kind, err)
			}
			store.Close()
			if err := wipeStore(); err != nil {
				return err
			}
		}
		store, err := open()
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: bulk load of %d businesses\n", kind, *n)
		start := time.Now()
		stats, err := store.Import(ctx, seed.Synthetic(*n, *rngSeed))
		if err != nil {
			store.Close()
			return fmt.Errorf("%s: bulk load: %w", kind, err)
		}
		r.load = time.Since(start)
		for _, c := range stats {
			r.records += c
		}
		fmt.Fprintf(os.Stderr, "%s: loaded %v in %s; building the projection from the store\n", kind, stats, r.load.Round(time.Millisecond))
		start = time.Now()
		if _, err := matching.Build(ctx, store, nil); err != nil {
			store.Close()
			return fmt.Errorf("%s: projection: %w", kind, err)
		}
		r.proj = time.Since(start)
		store.Close()
		rows = append(rows, r)
	}

	fmt.Printf("\nbulk load and projection build: synthetic network of %d businesses (seed %d)\n", *n, *rngSeed)
	fmt.Printf("%-8s %10s %12s %12s\n", "store", "records", "load", "projection")
	for _, r := range rows {
		fmt.Printf("%-8s %10d %12s %12s\n", r.store, r.records, r.load.Round(time.Millisecond), r.proj.Round(time.Millisecond))
	}
	fmt.Printf("\nlead path: submitLead (HTTP) → store → offer on a websocket subscription; %d workers, %s per rate\n", *workers, *duration)
	for i, r := range rows {
		if i > 0 {
			fmt.Println()
		}
		printLeadResults(os.Stdout, r.store, r.leads)
	}
	return nil
}

// startCPUProfile starts a CPU profile into path, with the store's kind before its extension
// (one file per store), and returns what stops it; with an empty path it does nothing.
func startCPUProfile(path, kind string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	ext := filepath.Ext(path)
	f, err := os.Create(strings.TrimSuffix(path, ext) + "." + kind + ext)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// benchStore returns how to open a store of kind for the benchmark, how to empty it, and what
// to do at the end.
func benchStore(ctx context.Context, kind string, wipe bool) (open func() (partnergraph.Store, error), empty func() error, cleanup func(), err error) {
	switch kind {
	case "sqlite":
		dir, err := os.MkdirTemp("", "storebench")
		if err != nil {
			return nil, nil, nil, err
		}
		file := filepath.Join(dir, "pg.db")
		open = func() (partnergraph.Store, error) { return sqlitestore.Open(ctx, file) }
		empty = func() error {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(file + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
			return nil
		}
		return open, empty, func() { os.RemoveAll(dir) }, nil
	case "neo4j":
		uri := os.Getenv("NEO4J_URI")
		if uri == "" {
			return nil, nil, nil, fmt.Errorf("bench-stores: neo4j needs NEO4J_URI (and NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE): tools/neo4j/start.sh starts one")
		}
		cfg := neo4jstore.Config{URI: uri, Username: os.Getenv("NEO4J_USERNAME"), Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE"),
			ImportProgress: writeProgress("neo4j: bulk load")}
		open = func() (partnergraph.Store, error) { return neo4jstore.Open(ctx, cfg) }
		empty = func() error { return wipeNeo4j(ctx, cfg) }
		s, err := open()
		if err != nil {
			return nil, nil, nil, err
		}
		held := errors.New("holds data")
		err = s.Export(ctx, func(partnergraph.Record) error { return held })
		s.Close()
		switch {
		case errors.Is(err, held) && !wipe:
			return nil, nil, nil, fmt.Errorf("bench-stores: the Neo4j database %q holds data: pass --wipe-neo4j to empty it", cfg.Database)
		case errors.Is(err, held):
			if err := empty(); err != nil {
				return nil, nil, nil, err
			}
		case err != nil:
			return nil, nil, nil, err
		}
		return open, empty, func() {}, nil
	}
	return nil, nil, nil, fmt.Errorf("bench-stores: --stores lists sqlite and neo4j, not %q", kind)
}

// wipeNeo4j deletes every node but the migration records, in transactions of their own so
// that a large network does not need one huge transaction.
func wipeNeo4j(ctx context.Context, cfg neo4jstore.Config) error {
	d, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""))
	if err != nil {
		return err
	}
	defer d.Close(ctx)
	sess := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, `MATCH (n) WHERE NOT n:Migration CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return fmt.Errorf("bench-stores: empty the Neo4j database %q: %w", cfg.Database, err)
	}
	return nil
}
