package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

// TestCrashLosesNoAcknowledgedLead kills the server with SIGKILL during a stream of
// idempotent lead submissions, restarts it, retries what was not acknowledged, and checks
// that every acknowledged lead is there once, with its offer, and no lead is duplicated. It
// runs on SQLite always, and on Neo4j (its database wiped first) when NEO4J_URI is set.
func TestCrashLosesNoAcknowledgedLead(t *testing.T) {
	eachStore(t, testCrash)
}

// testCrash runs the crash test on the empty store st.
func testCrash(t *testing.T, st testStore) {
	token := st.token(t, "user-dave", auth.Member)
	// The restarted server listens where the first one did.
	addr := freeAddr(t)
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

	// The first server seeds the empty store, as a first start does.
	server := startServersAt(t, st, []string{"first"}, []string{addr})[0]
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
	server.kill()
	wg.Wait()
	ackedBeforeCrash := len(acked)
	t.Logf("acknowledged before SIGKILL: %d of %d", ackedBeforeCrash, total)

	server = startServersAt(t, st, []string{"restarted"}, []string{addr})[0]
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
	server.stop()

	s := st.read(t)
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
