package graph_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

// slowServices makes the services query take a while: a request in flight at shutdown.
type slowServices struct {
	partnergraph.Store
	started chan struct{}
}

func (s slowServices) Services(ctx context.Context) ([]partnergraph.Service, error) {
	select {
	case s.started <- struct{}{}:
	default:
	}
	time.Sleep(500 * time.Millisecond)
	return s.Store.Services(ctx)
}

// TestGracefulShutdown shuts the server down while a query runs, a websocket subscription
// is open and an SSE subscription streams: the query finishes, the websocket closes with
// 1001 (going away), the SSE stream ends, and Shutdown returns without waiting for its
// timeout.
func TestGracefulShutdown(t *testing.T) {
	started := make(chan struct{}, 1)
	s := newHardServer(t, nil, func(st partnergraph.Store) partnergraph.Store { return slowServices{st, started} })
	dave := s.token(t, "user-dave", auth.Member)

	ws := s.dialInit(t, dave)
	subscribeOffers(t, ws, "inbox", "daves-collision")
	// A client reads all the time: that is how it answers the server's close frame.
	type wsEnd struct {
		code      websocket.StatusCode
		completed bool // the server said the subscription is over, rather than going away
	}
	wsClosed := make(chan wsEnd, 1)
	go func() {
		var end wsEnd
		for {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				end.code = websocket.CloseStatus(err)
				wsClosed <- end
				return
			}
			var m wsMessage
			json.Unmarshal(b, &m)
			end.completed = end.completed || m.Type == "complete"
		}
	}()

	body := `{"query":"subscription($b: ID!) { leadUpdates(businessId: $b) { cursor } }","variables":{"b":"` + bizID("daves-collision") + `"}}`
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+dave)
	sse, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer sse.Body.Close()
	sseDone := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, sse.Body)
		sseDone <- err
	}()

	type answer struct {
		status int
		body   string
		err    error
	}
	queryDone := make(chan answer, 1)
	go func() {
		res, err := http.Post(s.url+"/graphql", "application/json", strings.NewReader(`{"query":"{ services { slug } }"}`))
		if err != nil {
			queryDone <- answer{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		queryDone <- answer{res.StatusCode, string(b), err}
	}()
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := s.srv.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := s.shutdown.Wait(ctx); err != nil {
		t.Fatalf("websockets still open: %v", err)
	}
	t.Logf("shut down in %s", time.Since(start))

	if r := <-queryDone; r.err != nil || r.status != http.StatusOK || !strings.Contains(r.body, "collision-repair") {
		t.Fatalf("the query in flight: %d %s %v", r.status, r.body, r.err)
	}
	if got := <-wsClosed; got.code != websocket.StatusGoingAway || got.completed {
		t.Fatalf("websocket closed with %d (subscription completed: %v), want 1001 and no complete", got.code, got.completed)
	}
	select {
	case <-sseDone:
	case <-time.After(5 * time.Second):
		t.Fatal("the SSE stream outlived the shutdown")
	}
}
