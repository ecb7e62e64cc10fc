package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/webhooks"
)

// TestWebhookCrashLosesNoEvent kills the server with SIGKILL while a webhook delivery is in
// flight (the receiver holds the request), restarts it on the same store, and checks that the
// receiver gets every event of both endpoints at least once (by event id), each endpoint's
// events first received in feed order, every one signed with its endpoint's secret. It runs on
// SQLite always, and on Neo4j when NEO4J_URI is set.
func TestWebhookCrashLosesNoEvent(t *testing.T) {
	eachStore(t, testWebhookCrash)
}

func testWebhookCrash(t *testing.T, st testStore) {
	type received struct{ id, path string }
	var (
		mu       sync.Mutex
		got      []received
		inFlight = make(chan struct{})
		release  = make(chan struct{})
		held     sync.Once
		secrets  = map[string]string{} // path → secret
		badSigs  []string
		requests int
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id := r.Header.Get(webhooks.EventIDHeader)
		mu.Lock()
		if err := webhooks.Verify(secrets[r.URL.Path], r.Header.Get(webhooks.TimestampHeader), r.Header.Get(webhooks.SignatureHeader), body, time.Minute, time.Now()); err != nil {
			badSigs = append(badSigs, id+": "+err.Error())
		}
		requests++
		n := requests
		if n != 6 {
			got = append(got, received{id, r.URL.Path})
		}
		mu.Unlock()
		if n == 6 {
			// The sixth request is held until the server that sent it is dead, and then
			// refused: it does not count as received, so its event must come again from the
			// restarted server.
			held.Do(func() { close(inFlight) })
			<-release
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		time.Sleep(2 * time.Millisecond)
	}))
	defer rcv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	var hooks []*partnergraph.Webhook
	st.prepare(t, func(ctx context.Context, s partnergraph.Store) error {
		for _, h := range []struct {
			business, path string
			event          partnergraph.WebhookEvent
		}{{"daves-collision", "/dave", partnergraph.WebhookLeadUpdates}, {"andys-attorney", "/andy", partnergraph.WebhookOffers}} {
			w := &partnergraph.Webhook{BusinessID: h.business, URL: rcv.URL + h.path, Events: []partnergraph.WebhookEvent{h.event}, Secret: partnergraph.NewWebhookSecret()}
			if err := s.CreateWebhook(ctx, w); err != nil {
				return err
			}
			mu.Lock()
			secrets[h.path] = w.Secret
			mu.Unlock()
			hooks = append(hooks, w)
		}
		return nil
	})
	token := st.token(t, "user-dave", auth.Member)
	addr := freeAddr(t)
	flags := []string{"--webhook-poll", "20ms", "--webhook-lease", "2s", "--webhook-timeout", "5s"}
	server := startServersAt(t, st, []string{"first"}, []string{addr}, flags...)[0]
	const leads = 12
	for i := range leads {
		if _, _, err := submit(http.DefaultClient, "http://"+addr+"/graphql", token, fmt.Sprintf("webhook-crash-%04d", i)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-inFlight:
	case <-time.After(30 * time.Second):
		t.Fatal("no sixth delivery to hold")
	}
	server.kill()
	close(release)
	mu.Lock()
	beforeKill := requests
	mu.Unlock()

	server = startServersAt(t, st, []string{"restarted"}, []string{addr}, flags...)[0]
	s := st.read(t)
	want := map[string][]string{} // path → event ids in feed order
	evs, err := s.LeadEvents(context.Background(), "daves-collision", hooks[0].EventCursor, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		want["/dave"] = append(want["/dave"], "leadevent_"+strconv.FormatInt(e.Seq, 10))
	}
	offers, err := s.Inbox(context.Background(), "andys-attorney", hooks[1].OfferCursor, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range offers {
		want["/andy"] = append(want["/andy"], "offer_"+o.ID)
	}
	if len(want["/dave"]) < leads || len(want["/andy"]) < leads {
		t.Fatalf("feeds hold %d lead events and %d offers, want at least %d each", len(want["/dave"]), len(want["/andy"]), leads)
	}
	firstOrder := func() map[string][]string {
		mu.Lock()
		defer mu.Unlock()
		out := map[string][]string{}
		seen := map[string]bool{}
		for _, r := range got {
			if !seen[r.id] {
				seen[r.id] = true
				out[r.path] = append(out[r.path], r.id)
			}
		}
		return out
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		order := firstOrder()
		if len(order["/dave"]) >= len(want["/dave"]) && len(order["/andy"]) >= len(want["/andy"]) {
			for path, ids := range want {
				if fmt.Sprint(order[path]) != fmt.Sprint(ids) {
					t.Fatalf("%s first received %v, want every event in feed order %v", path, order[path], ids)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart the receiver has %d of %d lead events and %d of %d offers", len(order["/dave"]), len(want["/dave"]), len(order["/andy"]), len(want["/andy"]))
		}
		time.Sleep(20 * time.Millisecond)
	}
	server.stop()
	mu.Lock()
	defer mu.Unlock()
	if len(badSigs) > 0 {
		t.Fatalf("deliveries that do not verify: %v", badSigs)
	}
	t.Logf("%d requests before the kill, %d in all, for %d events", beforeKill, requests, len(want["/dave"])+len(want["/andy"]))
}
