package main

import (
	"context"
	"fmt"
	"iter"
	"os"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/seed"
)

// evalCmd runs the offline evaluation of partner suggestions against the classic link
// predictors, on a synthetic network or on a JSON Lines file.
func evalCmd(ctx context.Context, args []string) error {
	f := newFlags("eval")
	synthetic := f.Int("synthetic", 10000, "evaluate on a synthetic network of this many businesses")
	file := f.String("file", "", "evaluate on this JSON Lines file instead (as import reads it)")
	mode := f.String("mode", "both", "random (hide a random 10% of partnerships), temporal (the newest 10%), or both")
	rngSeed := f.Int64("seed", 1, "seed of the synthetic network and of the held-out split")
	members := f.Int("members", 0, "ask at most this many affected members (0: all)")
	if err := f.Parse(args); err != nil {
		return err
	}
	modes := []string{*mode}
	if *mode == "both" {
		modes = []string{matching.EvalRandom, matching.EvalTemporal}
	}
	for _, m := range modes {
		records, closeFn, err := evalRecords(*file, *synthetic, *rngSeed)
		if err != nil {
			return err
		}
		rep, err := matching.Evaluate(ctx, records, matching.EvalOptions{Mode: m, Seed: *rngSeed, MaxMembers: *members})
		closeFn()
		if err != nil {
			return err
		}
		fmt.Println(rep)
	}
	return nil
}

func evalRecords(file string, n int, rngSeed int64) (iter.Seq2[partnergraph.Record, error], func(), error) {
	if file == "" {
		return seed.Synthetic(n, rngSeed), func() {}, nil
	}
	in, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	return seed.ReadJSONL(in), func() { in.Close() }, nil
}

// benchCmd measures the matching projection on a synthetic network: build time, memory,
// suggestion and update latency.
func benchCmd(ctx context.Context, args []string) error {
	f := newFlags("bench")
	n := f.Int("n", 100000, "businesses in the synthetic network (1000000 for the issue's targets)")
	rngSeed := f.Int64("seed", 1, "seed of the synthetic network")
	queries := f.Int("queries", matching.BenchQueries, "suggestions, routes and updates timed")
	fromStore := f.Bool("from-store", false, "build from the database (--store, --db) instead of the generator: the build time is then the server's start-up")
	sf := addStoreFlags(f)
	if err := f.Parse(args); err != nil {
		return err
	}
	records := seed.Synthetic(*n, *rngSeed)
	if *fromStore {
		store, err := sf.open(ctx)
		if err != nil {
			return err
		}
		defer store.Close()
		records = matching.Exported(ctx, store)
	}
	_, err := matching.Bench(ctx, records, *rngSeed, *queries, os.Stdout)
	return err
}
