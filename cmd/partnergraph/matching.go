package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/seed"
)

// evalCmd runs the offline evaluation of partner suggestions against the classic link
// predictors, on a synthetic network or on a JSON Lines file, over several seeds.
func evalCmd(ctx context.Context, args []string) error {
	f := newFlags("eval")
	synthetic := f.Int("synthetic", 10000, "evaluate on a synthetic network of this many businesses")
	file := f.String("file", "", "evaluate on this JSON Lines file instead (as import reads it)")
	mode := f.String("mode", "both", "random (hide a random share of partnerships), temporal (the newest share), or both")
	rngSeed := f.Int64("seed", 1, "first seed of the held-out splits (and the seed of the synthetic network)")
	seeds := f.Int("seeds", 1, "evaluate on this many splits, seeds --seed, --seed+1, …, and sum them up")
	members := f.Int("members", 0, "ask at most this many affected members per split, drawn with the seed (0: all)")
	holdOut := f.Float64("hold-out", 0.1, "share of the partnerships held out")
	perMember := f.String("per-member", "", "write every member's scores under every method to this JSON Lines file")
	if err := f.Parse(args); err != nil {
		return err
	}
	if *seeds < 1 {
		return partnergraph.Invalidf("seeds", "must be at least 1")
	}
	modes := []string{*mode}
	if *mode == "both" {
		modes = []string{matching.EvalRandom, matching.EvalTemporal}
	}
	var out *json.Encoder
	if *perMember != "" {
		pf, err := os.Create(*perMember)
		if err != nil {
			return err
		}
		defer pf.Close()
		w := bufio.NewWriter(pf)
		defer w.Flush()
		out = json.NewEncoder(w)
	}
	for _, m := range modes {
		var reps []matching.EvalReport
		for i := range *seeds {
			records, closeFn, err := evalRecords(*file, *synthetic, *rngSeed)
			if err != nil {
				return err
			}
			opts := matching.EvalOptions{Mode: m, Seed: *rngSeed + int64(i), MaxMembers: *members, HoldOut: *holdOut}
			if out != nil {
				opts.PerMember = func(r matching.MemberResult) error { return out.Encode(r) }
			}
			start := time.Now()
			rep, err := matching.Evaluate(ctx, records, opts)
			closeFn()
			if err != nil {
				return err
			}
			fmt.Println(rep)
			fmt.Printf("(%s)\n\n", time.Since(start).Round(time.Millisecond))
			reps = append(reps, rep)
		}
		if len(reps) > 1 {
			fmt.Println(matching.Summarize(reps))
		}
	}
	return nil
}

// fitCmd fits the suggestion weights on the store's history, as a server does in the
// background, prints what it chose and, unless --dry-run, saves it: running servers adopt it
// through the change feed, and servers that start later read it from the store.
func fitCmd(ctx context.Context, args []string) error {
	f := newFlags("fit")
	dryRun := f.Bool("dry-run", false, "print the fit, do not save it")
	rngSeed := f.Int64("seed", 0, "seed of random validation splits (a history without times) and of the members scored")
	members := f.Int("members", 0, "members scored per validation split (0: 1000)")
	sf := addStoreFlags(f)
	if err := f.Parse(args); err != nil {
		return err
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	fw, err := matching.Fit(ctx, func() iter.Seq2[partnergraph.Record, error] { return matching.Exported(ctx, store) },
		matching.FitOptions{Seed: *rngSeed, MaxMembers: *members})
	if err != nil {
		return err
	}
	fmt.Printf("weights: %s\nfitted: %v\n%s\n(%s)\n", matching.FormatWeights(fw.Weights), fw.Fitted, fw.Reason, time.Since(start).Round(time.Millisecond))
	if *dryRun {
		return nil
	}
	if err := store.SaveFittedWeights(ctx, fw); err != nil {
		return err
	}
	fmt.Println("saved: servers on this store adopt these weights")
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
