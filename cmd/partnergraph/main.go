// Command partnergraph is PartnerGraph's one binary: the API server (the default) and the
// commands that manage its data.
//
//	partnergraph [serve]   run the API server (seeds the example network into an empty database)
//	partnergraph seed      load the example network
//	partnergraph import    load JSON Lines records from a file
//	partnergraph export    write every record as JSON Lines
//	partnergraph token     mint a development token
//	partnergraph migrate   apply schema migrations (they also run at every start)
//	partnergraph eval      evaluate partner suggestions against link-prediction baselines (MRR, R@10, H@10, P@10)
//	partnergraph bench     benchmark suggestions on a synthetic network
//	partnergraph bench-leads  benchmark the lead path at fixed rates
//	partnergraph bench-stores benchmark SQLite and Neo4j side by side (load, projection, leads)
//	partnergraph bench-replicas benchmark several servers on one database (lag, leads/s)
//
// Every flag has an environment variable: --addr is PARTNERGRAPH_ADDR, and so on.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

type command struct {
	name  string
	usage string
	run   func(ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the API server (the default)", serve},
		{"seed", "load the example network into the database", seedCmd},
		{"import", "load JSON Lines records: import FILE (- for standard input)", importCmd},
		{"export", "write every record as JSON Lines: export [FILE]", exportCmd},
		{"token", "mint a development token: token --sub S --role member", tokenCmd},
		{"migrate", "apply the database's schema migrations and exit", migrateCmd},
		{"eval", "evaluate partner suggestions against link-prediction baselines", evalCmd},
		{"fit", "fit the suggestion weights on the network's own history and save them (servers adopt them)", fitCmd},
		{"bench", "benchmark the matching projection on a synthetic network", benchCmd},
		{"bench-leads", "benchmark submitLead → offer on a subscription at fixed rates", leadBenchCmd},
		{"bench-replicas", "benchmark several servers on one database: lag of a write from one server to another's answers, lead path on 1 and N servers (WIPES the Neo4j database with --wipe-neo4j)", replicaBenchCmd},
		{"bench-stores", "benchmark both stores side by side: bulk load, projection build, lead path (WIPES the Neo4j database with --wipe-neo4j)", storeBenchCmd},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "partnergraph:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string) error {
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args)
		}
	}
	if name == "help" {
		usage()
		return nil
	}
	usage()
	return fmt.Errorf("unknown command %q", name)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: partnergraph [command] [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'partnergraph COMMAND -h' for a command's flags; each flag also reads PARTNERGRAPH_<FLAG>.")
}
