package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

func seedCmd(ctx context.Context, args []string) error {
	f := newFlags("seed")
	synthetic := f.Int("synthetic", 0, "load a synthetic network of this many businesses instead of the example")
	rngSeed := f.Int64("seed", 1, "seed of the synthetic network: the same seed gives the same network")
	plant := f.Int("plant", 0, "also plant this many new unverified businesses that all trust each other (ids plant-ring-NN), and a business (plant-boosted) trusted only by a cluster of as many older ones (plant-cluster-NN): what suspiciousGroups finds")
	sf := addStoreFlags(f)
	if err := f.Parse(args); err != nil {
		return err
	}
	if *plant < 0 || (*plant > 0 && *plant < 4) {
		return fmt.Errorf("--plant %d: plant 4 or more (smaller groups are not suspicious), or 0", *plant)
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	records := seed.Example()
	if *synthetic > 0 {
		records = seed.Synthetic(*synthetic, *rngSeed)
	}
	if *plant > 0 {
		// Registered ten days ago, so the ring is recent for as long as a test network is used.
		p := seed.Plant{Prefix: "plant", At: time.Now().AddDate(0, 0, -10), Where: partnergraph.Point{Lat: 45, Lng: -100}, Ring: *plant, Cluster: *plant}
		records = concatRecords(records, p.Records())
	}
	stats, err := store.Import(ctx, withProgress(records, "seed"))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "seeded: %v\n", stats)
	return nil
}

// concatRecords yields the records of a, then those of b.
func concatRecords(a, b iter.Seq2[partnergraph.Record, error]) iter.Seq2[partnergraph.Record, error] {
	return func(yield func(partnergraph.Record, error) bool) {
		for _, s := range []iter.Seq2[partnergraph.Record, error]{a, b} {
			for r, err := range s {
				if !yield(r, err) || err != nil {
					return
				}
			}
		}
	}
}

func importCmd(ctx context.Context, args []string) error {
	f := newFlags("import")
	sf := addStoreFlags(f)
	if err := f.Parse(args); err != nil {
		return err
	}
	if f.NArg() != 1 {
		return fmt.Errorf("usage: partnergraph import FILE (- for standard input)")
	}
	in := os.Stdin
	if name := f.Arg(0); name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return err
		}
		defer file.Close()
		in = file
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	stats, err := store.Import(ctx, withProgress(seed.ReadJSONL(in), "import"))
	if err != nil {
		// A bad record fails before anything is written; a store that commits in parts
		// (Neo4j) says in err how far a failure while writing got.
		return fmt.Errorf("import failed: %w", err)
	}
	fmt.Fprintf(os.Stderr, "imported %v in %s\n", stats, time.Since(start).Round(time.Millisecond))
	return nil
}

func exportCmd(ctx context.Context, args []string) error {
	f := newFlags("export")
	sf := addStoreFlags(f)
	if err := f.Parse(args); err != nil {
		return err
	}
	var out io.Writer = os.Stdout
	if f.NArg() == 1 && f.Arg(0) != "-" {
		file, err := os.Create(f.Arg(0))
		if err != nil {
			return err
		}
		defer file.Close()
		out = file
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	w := bufio.NewWriterSize(out, 1<<16)
	enc := json.NewEncoder(w)
	p := newProgress("export")
	err = store.Export(ctx, func(r partnergraph.Record) error {
		p.tick()
		return enc.Encode(r)
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	p.done()
	return nil
}

// progress reports on standard error how many records a long command has handled.
type progress struct {
	verb  string
	n     int
	start time.Time
	last  time.Time
}

func newProgress(verb string) *progress {
	now := time.Now()
	return &progress{verb: verb, start: now, last: now}
}

func (p *progress) tick() {
	p.n++
	if p.n%10000 == 0 && time.Since(p.last) > time.Second {
		p.last = time.Now()
		fmt.Fprintf(os.Stderr, "%s: %d records (%.0f/s)\n", p.verb, p.n, float64(p.n)/time.Since(p.start).Seconds())
	}
}

func (p *progress) done() {
	fmt.Fprintf(os.Stderr, "%s: %d records in %s\n", p.verb, p.n, time.Since(p.start).Round(time.Millisecond))
}

// withProgress passes records through, reporting progress on large inputs, and says when the
// input is all read: a large load then still builds its indexes and commits, which takes a
// while with no records to count (13 s after the last of 4.3M records, for 200,000 businesses).
func withProgress(records iter.Seq2[partnergraph.Record, error], verb string) iter.Seq2[partnergraph.Record, error] {
	p := newProgress(verb)
	return func(yield func(partnergraph.Record, error) bool) {
		for r, err := range records {
			p.tick()
			if !yield(r, err) {
				return
			}
		}
		if p.n >= 100_000 {
			fmt.Fprintf(os.Stderr, "%s: all %d records read in %s; building indexes and committing\n", p.verb, p.n, time.Since(p.start).Round(time.Second))
		}
	}
}

// writeProgress reports, at most every 5 s, how many records a store that writes an import in
// batches after reading it all (Neo4j) has written.
func writeProgress(verb string) func(written, total int) {
	var start, last time.Time
	return func(written, total int) {
		now := time.Now()
		if start.IsZero() {
			start, last = now, now
		}
		if now.Sub(last) < 5*time.Second && written < total {
			return
		}
		last = now
		fmt.Fprintf(os.Stderr, "%s: %d of %d records written (%.0f/s)\n", verb, written, total, float64(written)/max(now.Sub(start).Seconds(), 1e-3))
	}
}

// migrateCmd opens the store, which applies any migrations it has not seen, and closes it:
// for deployments that migrate before rolling out new servers.
func migrateCmd(ctx context.Context, args []string) error {
	f := newFlags("migrate")
	sf := addStoreFlags(f)
	if err := f.Parse(args); err != nil {
		return err
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "migrations applied (%s store)\n", *sf.kind)
	return store.Close()
}
