package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/partnergraph/partnergraph/auth"
)

// dialWS opens a graphql-transport-ws connection with the Origin header.
func (s *testServer) dialWS(t *testing.T, origin string) (*websocket.Conn, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.url, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h,
	})
	if err == nil {
		t.Cleanup(func() { c.CloseNow() })
	}
	return c, err
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func readMsg(t *testing.T, c *websocket.Conn) (wsMessage, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var m wsMessage
	err := wsjson.Read(ctx, c, &m)
	return m, err
}

func initWS(t *testing.T, c *websocket.Conn, payload any) (wsMessage, error) {
	t.Helper()
	if err := wsjson.Write(context.Background(), c, map[string]any{"type": "connection_init", "payload": payload}); err != nil {
		t.Fatal(err)
	}
	return readMsg(t, c)
}

func TestWebsocketAuth(t *testing.T) {
	s := newTestServer(t)
	t.Run("valid token", func(t *testing.T) {
		c, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		if m, err := initWS(t, c, map[string]any{"Authorization": "Bearer " + s.token(t, "user-dave", auth.Member)}); err != nil || m.Type != "connection_ack" {
			t.Fatalf("init: %+v %v", m, err)
		}
		wsjson.Write(context.Background(), c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "{ viewer { sub } }"}})
		m, err := readMsg(t, c)
		if err != nil || m.Type != "next" || !strings.Contains(string(m.Payload), "user-dave") {
			t.Fatalf("query over websocket: %+v %v", m, err)
		}
	})
	t.Run("bad token closes with 4403", func(t *testing.T) {
		c, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = initWS(t, c, map[string]any{"Authorization": "Bearer not.a.token"})
		if got := websocket.CloseStatus(err); got != 4403 {
			t.Fatalf("close status %d (%v), want 4403", got, err)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		c, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		if m, err := initWS(t, c, map[string]any{}); err != nil || m.Type != "connection_ack" {
			t.Fatalf("anonymous init: %+v %v", m, err)
		}
	})
	t.Run("allowed origin", func(t *testing.T) {
		if _, err := s.dialWS(t, "https://app.example"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("other origin refused", func(t *testing.T) {
		if _, err := s.dialWS(t, "https://evil.example"); err == nil {
			t.Fatal("a cross-site websocket was accepted")
		}
	})
	t.Run("connection ends when the token expires", func(t *testing.T) {
		c, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.verifier.Mint(auth.Identity{Sub: "user-dave", Roles: []auth.Role{auth.Member}}, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if m, err := initWS(t, c, map[string]any{"Authorization": "Bearer " + tok}); err != nil || m.Type != "connection_ack" {
			t.Fatalf("init: %+v %v", m, err)
		}
		start := time.Now()
		for {
			_, err := readMsg(t, c)
			if err != nil {
				if errors.Is(err, context.DeadlineExceeded) {
					t.Fatal("the connection outlived its token")
				}
				if d := time.Since(start); d > 10*time.Second || d < 500*time.Millisecond {
					t.Fatalf("closed after %s (%v), want when the 2 s token expires", d, err)
				}
				return
			}
		}
	})
}
