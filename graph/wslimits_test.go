package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/server"
)

func writeWS(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	if err := wsjson.Write(context.Background(), c, v); err != nil {
		t.Fatal(err)
	}
}

// subscribeOffers subscribes to a business's inbox under id: a subscription that runs until
// it is completed.
func subscribeOffers(t *testing.T, c *websocket.Conn, id, business string) {
	t.Helper()
	writeWS(t, c, map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($b: ID!) { leadOffers(businessId: $b) { cursor } }`,
		"variables": map[string]any{"b": bizID(business)},
	}})
}

// closeCode reads until the connection ends and returns its close code.
func closeCode(t *testing.T, c *websocket.Conn) websocket.StatusCode {
	t.Helper()
	for {
		if _, err := readMsg(t, c); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatal("the connection stayed open")
			}
			return websocket.CloseStatus(err)
		}
	}
}

// dialInit opens a websocket and sends connection_init with the token.
func (s *hardServer) dialInit(t *testing.T, token string) *websocket.Conn {
	t.Helper()
	c, err := s.dialWS(t, "")
	if err != nil {
		t.Fatal(err)
	}
	payload := map[string]any{}
	if token != "" {
		payload["Authorization"] = "Bearer " + token
	}
	if m, err := initWS(t, c, payload); err != nil || m.Type != "connection_ack" {
		t.Fatalf("init: %+v %v", m, err)
	}
	return c
}

// TestWebsocketProtocolLimits checks the close codes of graphql-transport-ws that gqlgen does
// not send by itself.
func TestWebsocketProtocolLimits(t *testing.T) {
	s := newHardServer(t, func(o *server.Config) { o.WebsocketInitTimeout = 300 * time.Millisecond })
	admin := s.token(t, "root", auth.Admin)

	t.Run("init timeout closes with 4408", func(t *testing.T) {
		c, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if got := closeCode(t, c); got != 4408 {
			t.Fatalf("close code %d, want 4408", got)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("closed after %s, want about 300 ms", d)
		}
	})
	t.Run("duplicate subscription id closes with 4409", func(t *testing.T) {
		c := s.dialInit(t, admin)
		subscribeOffers(t, c, "same", "andys-attorney")
		subscribeOffers(t, c, "same", "daves-collision")
		_, err := readUntilClose(t, c)
		if got := websocket.CloseStatus(err); got != 4409 || !strings.Contains(err.Error(), "Subscriber for same already exists") {
			t.Fatalf("close %d %v, want 4409 Subscriber for same already exists", got, err)
		}
	})
	t.Run("an id may be reused once completed", func(t *testing.T) {
		c := s.dialInit(t, admin)
		for range 3 {
			writeWS(t, c, map[string]any{"id": "q", "type": "subscribe", "payload": map[string]any{"query": "{ __typename }"}})
			if m, err := readMsg(t, c); err != nil || m.Type != "next" {
				t.Fatalf("query: %+v %v", m, err)
			}
			if m, err := readMsg(t, c); err != nil || m.Type != "complete" {
				t.Fatalf("query: %+v %v", m, err)
			}
		}
	})
	t.Run("subscribe before init closes with 4401", func(t *testing.T) {
		c, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		subscribeOffers(t, c, "1", "andys-attorney")
		if got := closeCode(t, c); got != 4401 {
			t.Fatalf("close code %d, want 4401", got)
		}
	})
	t.Run("second init closes with 4429", func(t *testing.T) {
		c := s.dialInit(t, admin)
		writeWS(t, c, map[string]any{"type": "connection_init"})
		if got := closeCode(t, c); got != 4429 {
			t.Fatalf("close code %d, want 4429", got)
		}
	})
	t.Run("legacy graphql-ws keeps working", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		writeWS(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{}})
		if m := readFor(t, c, ""); m.Type != "connection_ack" {
			t.Fatalf("init: %+v", m)
		}
		for range 2 { // the id is free again once the first query completed
			writeWS(t, c, map[string]any{"id": "1", "type": "start", "payload": map[string]any{"query": "{ __typename }"}})
			if m := readFor(t, c, "1"); m.Type != "data" {
				t.Fatalf("query: %+v", m)
			}
			if m := readFor(t, c, "1"); m.Type != "complete" {
				t.Fatalf("query: %+v", m)
			}
		}
	})
	t.Run("init payload not an object closes with 4400", func(t *testing.T) {
		c, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		writeWS(t, c, map[string]any{"type": "connection_init", "payload": 42})
		if got := closeCode(t, c); got != 4400 {
			t.Fatalf("close code %d, want 4400", got)
		}
	})
}

// readUntilClose reads messages until the connection ends and returns them and the error
// that ended it.
func readUntilClose(t *testing.T, c *websocket.Conn) ([]wsMessage, error) {
	t.Helper()
	var msgs []wsMessage
	for {
		m, err := readMsg(t, c)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatal("the connection stayed open")
			}
			return msgs, err
		}
		msgs = append(msgs, m)
	}
}

// TestWebsocketCaps: subscriptions per connection and connections per caller.
func TestWebsocketCaps(t *testing.T) {
	s := newHardServer(t, func(o *server.Config) {
		o.MaxSubscriptionsPerConnection = 2
		o.MaxConnectionsPerCaller = 2
	})
	admin := s.token(t, "root", auth.Admin)

	t.Run("subscriptions per connection", func(t *testing.T) {
		c := s.dialInit(t, admin)
		subscribeOffers(t, c, "a", "andys-attorney")
		subscribeOffers(t, c, "b", "daves-collision")
		subscribeOffers(t, c, "c", "mikes-tyre")
		m := readFor(t, c, "c")
		var errs []gqlError
		json.Unmarshal(m.Payload, &errs)
		if m.Type != "error" || len(errs) != 1 || errs[0].Extensions["code"] != "TOO_MANY_SUBSCRIPTIONS" {
			t.Fatalf("third subscription: %s %s, want an error TOO_MANY_SUBSCRIPTIONS", m.Type, m.Payload)
		}
		// Completing one makes room.
		writeWS(t, c, map[string]any{"id": "a", "type": "complete"})
		time.Sleep(100 * time.Millisecond)
		writeWS(t, c, map[string]any{"id": "d", "type": "subscribe", "payload": map[string]any{"query": "{ __typename }"}})
		if m := readFor(t, c, "d"); m.Type != "next" {
			t.Fatalf("after a complete: %s %s", m.Type, m.Payload)
		}
	})
	t.Run("connections per caller", func(t *testing.T) {
		andy := s.token(t, "user-andy", auth.Member)
		a1 := s.dialInit(t, andy)
		s.dialInit(t, andy)
		c, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		writeWS(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + andy}})
		if got := closeCode(t, c); got != websocket.StatusTryAgainLater {
			t.Fatalf("third connection: close %d, want 1013", got)
		}
		// Another caller is not affected; a closed connection frees its place.
		s.dialInit(t, s.token(t, "user-dave", auth.Member))
		a1.Close(websocket.StatusNormalClosure, "")
		deadline := time.Now().Add(5 * time.Second)
		for {
			c, err := s.dialWS(t, "")
			if err != nil {
				t.Fatal(err)
			}
			writeWS(t, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + andy}})
			m, err := readMsg(t, c)
			if err == nil && m.Type == "connection_ack" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the closed connection's place was not freed: %+v %v", m, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// readFor reads until a message for the id.
func readFor(t *testing.T, c *websocket.Conn, id string) wsMessage {
	t.Helper()
	for {
		m, err := readMsg(t, c)
		if err != nil {
			t.Fatalf("waiting for %q: %v", id, err)
		}
		if m.ID == id {
			return m
		}
	}
}

// TestSlowConsumer: a client that stops reading while the server has much to send is
// disconnected once a write waits longer than the write timeout, instead of the server
// queueing what it cannot deliver.
func TestSlowConsumer(t *testing.T) {
	s := newHardServer(t, func(o *server.Config) {
		o.WebsocketWriteTimeout = 300 * time.Millisecond
		o.MaxSubscriptionsPerConnection = 100
	})
	// A small receive window, so that the kernel's buffers fill soon.
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetReadBuffer(4 << 10)
		}
		return c, err
	}}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPClient: hc,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 30)
	if m, err := initWS(t, c, map[string]any{}); err != nil || m.Type != "connection_ack" {
		t.Fatalf("init: %+v %v", m, err)
	}

	// Each result is about 50 businesses × 80 fields × 70 bytes ≈ 280 KB; 40 of them are
	// 11 MB, more than loopback buffers hold.
	var frag strings.Builder
	frag.WriteString("fragment F on Business { ")
	for i := range 80 {
		fmt.Fprintf(&frag, "f%02d_%s: name ", i, strings.Repeat("x", 40))
	}
	frag.WriteString("}")
	query := "{ businesses(first: 50) { edges { node { ...F } } } } " + frag.String()
	const n = 40
	for i := range n {
		writeWS(t, c, map[string]any{"id": fmt.Sprint(i), "type": "subscribe", "payload": map[string]any{"query": query}})
	}

	// Never read: the server must give up on this client rather than queue what it cannot
	// deliver. (Reading now would take long: the small window makes loopback slow.)
	waitFor(t, "the server to drop the slow consumer", func() bool {
		return metricValue(s.metrics(t), "partnergraph_websocket_slow_consumers_total") >= 1
	})
	waitFor(t, "the connection and its operations to end", func() bool {
		text := s.metrics(t)
		return metricValue(text, "partnergraph_websocket_connections_open") == 0 &&
			metricValue(text, "partnergraph_graphql_subscriptions_open") == 0
	})
}
