package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/store/neo4jstore"
	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// TestMain lets the test binary run as the server (PARTNERGRAPH_TEST_SERVE=1), so that the
// crash test can start a real server process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("PARTNERGRAPH_TEST_SERVE") == "1" {
		var args []string
		json.Unmarshal([]byte(os.Getenv("PARTNERGRAPH_TEST_ARGS")), &args)
		if err := run(context.Background(), args); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func startServer(t *testing.T, addr string, storeArgs []string, dir string) *exec.Cmd {
	t.Helper()
	args, _ := json.Marshal(append([]string{"--addr", addr}, storeArgs...))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PARTNERGRAPH_TEST_SERVE=1", "PARTNERGRAPH_TEST_ARGS="+string(args))
	log, _ := os.Create(filepath.Join(dir, "server.log"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Up to 30 s: a server on a fresh Neo4j database plans every statement the first time.
	for i := 0; i < 600; i++ {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return cmd
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatal("the server did not become ready")
	return nil
}

// TestCrashLosesNoAcknowledgedLead kills the server with SIGKILL during a stream of
// idempotent lead submissions, restarts it, retries what was not acknowledged, and checks
// that every acknowledged lead is there once, with its offer, and no lead is duplicated. It
// runs on SQLite always, and on Neo4j (its database wiped first) when NEO4J_URI is set.
func TestCrashLosesNoAcknowledgedLead(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "pg.db")
		testCrash(t, dir, []string{"--db", db}, func(ctx context.Context) (crashStore, error) {
			return sqlitestore.Open(ctx, db)
		})
	})
	t.Run("neo4j", func(t *testing.T) {
		neo := neo4jtest.Require(t)
		neo4jtest.Wipe(t, neo)
		dir := t.TempDir()
		// --db names the directory of the development token secret.
		testCrash(t, dir, []string{"--store", "neo4j", "--db", filepath.Join(dir, "pg.db")}, func(ctx context.Context) (crashStore, error) {
			return neo4jstore.Open(ctx, neo4jstore.Config{URI: neo.URI, Username: neo.Username, Password: neo.Password, Database: neo.Database})
		})
	})
}

// crashStore is what the crash test reads back after the crash.
type crashStore interface {
	partnergraph.LeadStore
	Close() error
}

// testCrash runs the crash test on the empty store that storeArgs name (dir holds the token
// secret and the server's log), and reads the result back through open.
func testCrash(t *testing.T, dir string, storeArgs []string, open func(context.Context) (crashStore, error)) {
	secret, _, err := auth.DevSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(context.Background(), auth.Config{HMACSecret: secret, Issuer: auth.DevIssuer, Audience: auth.DevAudience})
	if err != nil {
		t.Fatal(err)
	}
	token, err := v.Mint(auth.Identity{Sub: "user-dave", Roles: []auth.Role{auth.Member}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// A port free a moment ago; the restarted server listens on it again.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const total = 300
	keys := make([]string, total)
	for i := range keys {
		keys[i] = fmt.Sprintf("crash-test-%04d", i)
	}
	var mu sync.Mutex
	acked := map[string]string{} // key → lead id the server answered with

	url := "http://" + addr + "/graphql"
	submit := func(key string) (string, error) {
		id, _, err := submit(http.DefaultClient, url, token, key)
		return id, err
	}

	server := startServer(t, addr, storeArgs, dir)
	// Sixteen clients submit while the server is killed under them: enough that the store
	// commits their leads in groups, so the kill lands in grouped commits too.
	const clients = 16
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < total; i += clients {
				id, err := submit(keys[i])
				if err != nil {
					return // the server died: this client stops, its key is not acknowledged
				}
				mu.Lock()
				acked[keys[i]] = id
				mu.Unlock()
			}
		}()
	}
	clientsDone := make(chan struct{})
	go func() { wg.Wait(); close(clientsDone) }()
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= total/3 {
			break
		}
		select {
		case <-clientsDone: // every client stopped before a third was acknowledged
			t.Fatalf("the clients stopped with %d of %d leads acknowledged, before the kill", n, total)
		case <-time.After(5 * time.Millisecond):
		}
	}
	server.Process.Signal(syscall.SIGKILL)
	server.Wait()
	wg.Wait()
	ackedBeforeCrash := len(acked)
	t.Logf("acknowledged before SIGKILL: %d of %d", ackedBeforeCrash, total)

	server = startServer(t, addr, storeArgs, dir)
	for _, key := range keys {
		id, err := submit(key)
		if err != nil {
			t.Fatalf("retry %s after restart: %v", key, err)
		}
		if first, ok := acked[key]; ok && first != id {
			t.Fatalf("key %s: acknowledged lead %s before the crash, %s after", key, first, id)
		}
		acked[key] = id
	}
	server.Process.Signal(syscall.SIGTERM)
	server.Wait()

	s, err := open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := map[string]bool{}
	for _, key := range keys {
		id := acked[key]
		if seen[id] {
			t.Fatalf("lead %s answered for two keys", id)
		}
		seen[id] = true
		l, err := s.Lead(context.Background(), storeID(t, id))
		if err != nil {
			t.Fatalf("acknowledged lead %s (key %s) is lost: %v", id, key, err)
		}
		if l.IdempotencyKey != key {
			t.Fatalf("lead %s has key %q, want %q", id, l.IdempotencyKey, key)
		}
		offers, err := s.OffersOfLead(context.Background(), l.ID)
		if err != nil || (l.Status == partnergraph.LeadOffered && len(offers) == 0) {
			t.Fatalf("lead %s is %s with %d offers: %v", id, l.Status, len(offers), err)
		}
	}
	inbox, err := s.Inbox(context.Background(), "andys-attorney", 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d leads, each once; Andy's inbox holds %d offers", len(seen), len(inbox))
}

// storeID is the store's id inside an API id (base64url of "Lead:id").
func storeID(t *testing.T, gid string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil || !strings.HasPrefix(string(b), "Lead:") {
		t.Fatalf("%q is not a lead id", gid)
	}
	return strings.TrimPrefix(string(b), "Lead:")
}
