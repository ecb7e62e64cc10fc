package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
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

func startServer(t *testing.T, addr, db string) *exec.Cmd {
	t.Helper()
	args, _ := json.Marshal([]string{"--addr", addr, "--db", db})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PARTNERGRAPH_TEST_SERVE=1", "PARTNERGRAPH_TEST_ARGS="+string(args))
	log, _ := os.Create(filepath.Join(filepath.Dir(db), "server.log"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
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
// that every acknowledged lead is there once, with its offer, and no lead is duplicated.
func TestCrashLosesNoAcknowledgedLead(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "pg.db")
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
	addr := fmt.Sprintf("127.0.0.1:%d", 20000+os.Getpid()%20000)
	const total = 300
	keys := make([]string, total)
	for i := range keys {
		keys[i] = fmt.Sprintf("crash-test-%04d", i)
	}
	var mu sync.Mutex
	acked := map[string]string{} // key → lead id the server answered with

	submit := func(key string) (string, error) {
		body, _ := json.Marshal(map[string]any{
			"query": `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { lead { id } } }`,
			"variables": map[string]any{"in": map[string]any{
				"referrerId": "QnVzaW5lc3M6ZGF2ZXMtY29sbGlzaW9u", "service": "personal-injury-attorney",
				"location":       map[string]any{"lat": 39.80, "lng": -89.65},
				"customer":       map[string]any{"name": "Crash Test", "email": "crash@example.com"},
				"consent":        map[string]any{"text": "The customer agreed to be referred.", "givenAt": "2026-11-20T10:00:00Z"},
				"idempotencyKey": key,
			}},
		})
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		var out struct {
			Data struct {
				SubmitLead struct{ Lead struct{ ID string } }
			}
			Errors []any
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			return "", err
		}
		if len(out.Errors) > 0 || out.Data.SubmitLead.Lead.ID == "" {
			return "", fmt.Errorf("errors: %v", out.Errors)
		}
		return out.Data.SubmitLead.Lead.ID, nil
	}

	server := startServer(t, addr, db)
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
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= total/3 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	server.Process.Signal(syscall.SIGKILL)
	server.Wait()
	wg.Wait()
	ackedBeforeCrash := len(acked)
	t.Logf("acknowledged before SIGKILL: %d of %d", ackedBeforeCrash, total)

	server = startServer(t, addr, db)
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

	s, err := sqlitestore.Open(context.Background(), db)
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
