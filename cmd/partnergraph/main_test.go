package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

func countRecords(t *testing.T, db string) int {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	if err := s.Export(context.Background(), func(partnergraph.Record) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSeedExportImport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	if err := run(ctx, []string{"seed", "--db", db}); err != nil {
		t.Fatal(err)
	}
	seeded := countRecords(t, db)
	if seeded < 400 {
		t.Fatalf("seed wrote %d records", seeded)
	}
	out := filepath.Join(dir, "graph.jsonl")
	if err := run(ctx, []string{"export", "--db", db, out}); err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(dir, "b.db")
	for range 2 { // import is idempotent
		if err := run(ctx, []string{"import", "--db", b, out}); err != nil {
			t.Fatal(err)
		}
	}
	if got := countRecords(t, b); got != seeded {
		t.Fatalf("imported %d records, exported %d", got, seeded)
	}
	again := filepath.Join(dir, "again.jsonl")
	if err := run(ctx, []string{"export", "--db", b, again}); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(out)
	y, _ := os.ReadFile(again)
	if !bytes.Equal(x, y) {
		t.Fatal("export → import → export changed the data")
	}
}

func TestImportBadLineWritesNothing(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.jsonl")
	lines := []string{
		`{"service":{"id":"tyres","name":"Tyres","sector":"auto"}}`,
		``,
		`{"business":{"id":"a","name":"A","location":{"lat":1,"lng":1}}}`,
		`{"trust":{"from":"a","to":"a","score":0.5}}`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "x.db")
	err := run(context.Background(), []string{"import", "--db", db, file})
	if err == nil || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "trust.to") {
		t.Fatalf("err = %v, want one naming line 4 and trust.to", err)
	}
	if n := countRecords(t, db); n != 0 {
		t.Fatalf("a failed import wrote %d records", n)
	}
}

// TestServe starts the server the way a user does, checks it answers, and stops it with the
// context (as SIGINT does).
func TestServe(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	// A port free a moment ago, rather than a fixed one another process may hold.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", addr, "--db", filepath.Join(dir, "pg.db")}) }()
	var res *http.Response
	for i := 0; i < 100; i++ {
		res, err = http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ services { slug } }"}`))
		if err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"collision-repair"`) {
		t.Fatalf("a new server is not seeded: %s", body)
	}
	if info, err := os.Stat(filepath.Join(dir, "jwt-secret")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("development secret: %v, %v", info, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestEvalAndBenchCommands(t *testing.T) {
	ctx := context.Background()
	perMember := filepath.Join(t.TempDir(), "members.jsonl")
	if err := run(ctx, []string{"eval", "--synthetic", "500", "--members", "50", "--seeds", "2", "--per-member", perMember}); err != nil {
		t.Fatal(err)
	}
	// 2 modes × 2 seeds × up to 50 members × 8 methods, one JSON object a line.
	b, err := os.ReadFile(perMember)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) < 2*2*8 || len(lines)%8 != 0 || !strings.Contains(lines[0], `"method":"partnergraph"`) || !strings.Contains(lines[0], `"rr":`) {
		t.Fatalf("per-member file: %d lines, first %s", len(lines), lines[0])
	}
	// A few queries: the command's own default (2,000 of each) took a minute under -race.
	if err := run(ctx, []string{"bench", "--n", "500", "--queries", "50"}); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "s.db")
	if err := run(ctx, []string{"seed", "--synthetic", "300", "--db", db}); err != nil {
		t.Fatal(err)
	}
	if n := countRecords(t, db); n < 300 {
		t.Fatalf("a synthetic network of 300 businesses has %d records", n)
	}

	// fit saves what it chose, where servers read it.
	if err := run(ctx, []string{"fit", "--db", db}); err != nil {
		t.Fatal(err)
	}
	s, err := sqlitestore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if fw, err := s.FittedWeights(ctx); err != nil || !fw.Fitted || fw.MRR < fw.BestSingleMRR {
		t.Errorf("after fit: %+v, %v; want fitted weights, never below the best single signal", fw, err)
	}
}

func TestBenchLeadsCommand(t *testing.T) {
	if err := run(context.Background(), []string{"bench-leads", "--rates", "50", "--duration", "1s"}); err != nil {
		t.Fatal(err)
	}
}

// TestServeChecksConfigurationFirst: a server with a bad setting refuses to start before it
// creates or seeds a database.
func TestServeChecksConfigurationFirst(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"weak secret", []string{"--jwt-secret", "too-short"}, "HMAC secret"},
		{"unreadable public key", []string{"--jwt-public-key", "/nonexistent/key.pem"}, "jwt-public-key"},
		{"origin without a scheme", []string{"--allowed-origins", "app.example"}, "allowed-origins"},
		{"unknown store", []string{"--store", "mysql"}, "--store"},
		{"retention in hours", []string{"--erase-closed-after", "12h"}, "--erase-closed-after"},
		{"negative retention", []string{"--erase-closed-after", "-3"}, "--erase-closed-after"},
		{"no contest window", []string{"--contest-window", "0s"}, "--contest-window"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "pg.db")
			// Bounded: a server that starts anyway stops, and the test fails, at the timeout.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := run(ctx, append([]string{"--addr", "127.0.0.1:0", "--db", db}, c.args...))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one about %s", err, c.want)
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Fatalf("the database was created before the configuration was checked (stat: %v)", err)
			}
		})
	}
}

// TestBenchStoresCommandRefusesUnknownStore: bench-stores names a store it does not know.
func TestBenchStoresCommandRefusesUnknownStore(t *testing.T) {
	err := run(context.Background(), []string{"bench-stores", "--stores", "postgres"})
	if err == nil || !strings.Contains(err.Error(), `"postgres"`) {
		t.Fatalf("err = %v, want one naming the unknown store", err)
	}
}

// TestParseRetention: --erase-closed-after takes off, or whole days.
func TestParseRetention(t *testing.T) {
	for v, want := range map[string]time.Duration{"off": 0, "": 0, "0": 0, "OFF": 0, "30": 30 * 24 * time.Hour, "30d": 30 * 24 * time.Hour, "1d": 24 * time.Hour} {
		if got, err := parseRetention(v); err != nil || got != want {
			t.Errorf("parseRetention(%q) = %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"12h", "-3", "d", "thirty", "0.5"} {
		if _, err := parseRetention(v); err == nil {
			t.Errorf("parseRetention(%q) took it", v)
		}
	}
}
