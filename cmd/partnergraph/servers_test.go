package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/store/neo4jstore"
	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// This file is the one place where tests run real server processes: the test binary itself,
// as a child with PARTNERGRAPH_TEST_SERVE=1, so that a test can SIGKILL a server and run
// several on one store, as operators do behind a load balancer.

// TestMain lets the test binary run as the server (PARTNERGRAPH_TEST_SERVE=1, its arguments
// in PARTNERGRAPH_TEST_ARGS). SIGTERM shuts it down as it does the real binary.
func TestMain(m *testing.M) {
	if os.Getenv("PARTNERGRAPH_TEST_SERVE") == "1" {
		var args []string
		json.Unmarshal([]byte(os.Getenv("PARTNERGRAPH_TEST_ARGS")), &args)
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, args)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testStore is an empty store that server processes share, and how to open it in the test.
type testStore struct {
	name string   // sqlite or neo4j
	dir  string   // the development token secret (beside --db) and the servers' logs
	args []string // the serve flags that name the store
	// open opens the store in the test process, to prepare it or read what the servers wrote.
	open func(context.Context) (partnergraph.Store, error)
}

// eachStore runs f as the subtest "sqlite" on a new SQLite file (WAL, which several processes
// share), and as "neo4j" on the database of NEO4J_URI, emptied first; without NEO4J_URI the
// Neo4j subtest skips, and with CI=true it fails instead (neo4jtest.Require).
func eachStore(t *testing.T, f func(t *testing.T, st testStore)) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "pg.db")
		f(t, testStore{name: "sqlite", dir: dir, args: []string{"--db", db},
			open: func(ctx context.Context) (partnergraph.Store, error) { return sqlitestore.Open(ctx, db) }})
	})
	t.Run("neo4j", func(t *testing.T) {
		neo := neo4jtest.Require(t)
		// Wipe also holds the machine-wide lock on the database until the test binary exits:
		// other packages' Neo4j tests run at the same time on the same database.
		neo4jtest.Wipe(t, neo)
		dir := t.TempDir()
		// --db names the directory of the development token secret; the servers read
		// NEO4J_URI and the rest from the environment they inherit.
		f(t, testStore{name: "neo4j", dir: dir, args: []string{"--store", "neo4j", "--db", filepath.Join(dir, "pg.db")},
			open: func(ctx context.Context) (partnergraph.Store, error) {
				return neo4jstore.Open(ctx, neo4jstore.Config{URI: neo.URI, Username: neo.Username, Password: neo.Password, Database: neo.Database})
			}})
	})
}

// prepare makes the development token secret, opens the store, loads the example network
// into it if it is empty, runs edit on it if not nil, and closes it: what a server does on its
// first start, done once, so that servers started together do not each make a secret or load
// the network.
func (st testStore) prepare(t *testing.T, edit func(ctx context.Context, s partnergraph.Store) error) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := auth.DevSecret(st.dir); err != nil {
		t.Fatal(err)
	}
	s, err := st.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := seedIfEmpty(ctx, s, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		if err := edit(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}

// read opens the store for the test to read what the servers wrote; it closes when the test
// ends.
func (st testStore) read(t *testing.T) partnergraph.Store {
	t.Helper()
	s, err := st.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// token mints a token that the servers on st accept (they verify with the development secret
// in st.dir), for sub with the role.
func (st testStore) token(t *testing.T, sub string, role auth.Role) string {
	t.Helper()
	secret, _, err := auth.DevSecret(st.dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(context.Background(), auth.Config{HMACSecret: secret, Issuer: auth.DevIssuer, Audience: auth.DevAudience})
	if err != nil {
		t.Fatal(err)
	}
	token, err := v.Mint(auth.Identity{Sub: sub, Roles: []auth.Role{role}}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// serverProc is a server process on a test's store.
type serverProc struct {
	name string
	addr string // host:port
	base string // http://host:port
	cmd  *exec.Cmd
	log  string        // the file its stdout and stderr go to
	done chan struct{} // closed when it has exited
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServers starts a server process for each name on st (prepared: see
// testStore.prepare), each on a free loopback port with args after the store's flags, and
// returns them once every one answers /readyz with OK. They start at once, so that they build
// their projections together. Each is stopped (SIGTERM, then SIGKILL) when the test ends,
// unless the test killed it; a failed test logs the end of each one's log.
func startServers(t *testing.T, st testStore, names []string, args ...string) []*serverProc {
	t.Helper()
	addrs := make([]string, len(names))
	for i := range names {
		addrs[i] = freeAddr(t)
	}
	return startServersAt(t, st, names, addrs, args...)
}

// startServersAt is startServers on given addresses: a restarted server listens where it did.
func startServersAt(t *testing.T, st testStore, names, addrs []string, args ...string) []*serverProc {
	t.Helper()
	procs := make([]*serverProc, len(names))
	for i, name := range names {
		p := &serverProc{name: name, addr: addrs[i], base: "http://" + addrs[i], done: make(chan struct{}),
			log: filepath.Join(st.dir, fmt.Sprintf("server-%s-%d.log", name, time.Now().UnixNano()))}
		argv, _ := json.Marshal(append(append([]string{"--addr", p.addr}, st.args...), args...))
		p.cmd = exec.Command(os.Args[0], "-test.run=^$")
		p.cmd.Env = append(os.Environ(), "PARTNERGRAPH_TEST_SERVE=1", "PARTNERGRAPH_TEST_ARGS="+string(argv))
		log, err := os.Create(p.log)
		if err != nil {
			t.Fatal(err)
		}
		p.cmd.Stdout, p.cmd.Stderr = log, log
		if err := p.cmd.Start(); err != nil {
			log.Close()
			t.Fatal(err)
		}
		go func() {
			p.cmd.Wait()
			log.Close()
			close(p.done)
		}()
		t.Cleanup(func() {
			p.stop()
			if t.Failed() {
				p.logTail(t)
			}
		})
		procs[i] = p
	}
	// Up to 60 s: race-built servers on a fresh Neo4j database plan every statement the first
	// time, on a busy 2-core machine.
	deadline := time.Now().Add(60 * time.Second)
	for _, p := range procs {
		for {
			select {
			case <-p.done:
				t.Fatalf("server %s exited before it was ready: %v", p.name, p.cmd.ProcessState)
			default:
			}
			if res, err := http.Get(p.base + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("server %s was not ready in 60 s", p.name)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return procs
}

// kill ends the server with SIGKILL, as a crash or an OOM kill does, and waits for it.
func (p *serverProc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop ends the server with SIGTERM (a graceful shutdown), or SIGKILL if it is not gone in
// 30 s, and waits for it; a server already gone is left as it is.
func (p *serverProc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.kill()
	}
}

// logTail logs the last lines of the server's log, for a failed test.
func (p *serverProc) logTail(t *testing.T) {
	b, _ := os.ReadFile(p.log)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	t.Logf("server %s (%s), end of its log:\n%s", p.name, p.addr, strings.Join(lines, "\n"))
}
