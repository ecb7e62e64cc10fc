package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"

	"github.com/partnergraph/partnergraph/metrics"
)

// Websocket close codes of the graphql-transport-ws protocol and RFC 6455 that the server
// sends on its own.
const (
	closeGoingAway       = 1001 // the server is shutting down
	closeInternalError   = 1011 // the token's revocations could not be read
	closeTryAgainLater   = 1013 // the caller holds too many connections
	closeBadRequest      = 4400 // a connection_init payload that is not an object
	closeUnauthorized    = 4401 // subscribe before connection_init
	closeInitTimeout     = 4408 // no connection_init in time
	closeSubscriberTaken = 4409 // a subscribe whose id is running already
	closeTooManyInits    = 4429 // a second connection_init
)

// wsLimits accepts websocket connections for gqlgen's transport (it is its
// WebsocketImplementation) and watches the messages going in and out of each one, which is
// where gqlgen offers no hooks:
//
//   - no connection_init within initTimeout closes with 4408 (gqlgen's own InitTimeout closes
//     with 1002, so it is left off); a subscribe before it closes with 4401, a second one
//     with 4429, and one whose payload is not an object with 4400 (gqlgen would drop that
//     connection without closing it);
//   - a subscribe whose id is still running closes with 4409 "Subscriber for <id> already
//     exists" (gqlgen would run both);
//   - more than maxSubs operations at once on a connection: the extra subscribe is answered
//     with an error message for its id (code TOO_MANY_SUBSCRIPTIONS) and not run;
//   - a write that the client does not take within writeTimeout drops the connection, so a
//     consumer that stops reading holds at most one message per operation (see WriteJSON);
//   - Shutdown closes every connection with 1001.
//
// The cap on connections per caller needs the caller's identity, so it is in the InitFunc.
type wsLimits struct {
	accept       websocket.AcceptOptions
	initTimeout  time.Duration
	writeTimeout time.Duration
	maxSubs      int
	shutdown     *Shutdown
	metrics      *metrics.Metrics
}

var _ transport.WebsocketImplementation = (*wsLimits)(nil)

// Accept upgrades the request, as gqlgen's CoderWebsocketImplementation does, and returns the
// watched connection.
func (l *wsLimits) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	for k, vs := range o.ResponseHeader {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	opts := l.accept
	opts.Subprotocols = slices.Clone(opts.Subprotocols)
	for _, p := range o.Subprotocols {
		if !slices.Contains(opts.Subprotocols, p) {
			opts.Subprotocols = append(opts.Subprotocols, p)
		}
	}
	c, err := websocket.Accept(w, r, &opts)
	if err != nil {
		return nil, err
	}
	g := &guardedConn{c: c, lim: l, info: requestInfoFrom(r.Context()), active: map[string]bool{},
		legacy: c.Subprotocol() != "graphql-transport-ws"}
	l.metrics.WebsocketOpened()
	if !l.shutdown.add(g) {
		g.closeWith(closeGoingAway, "server shutting down")
		return g, nil
	}
	g.mu.Lock()
	g.initTimer = time.AfterFunc(l.initTimeout, func() { g.closeWith(closeInitTimeout, "Connection initialisation timeout") })
	g.mu.Unlock()
	return g, nil
}

// guardedConn is one watched connection; see wsLimits.
type guardedConn struct {
	c      *websocket.Conn
	lim    *wsLimits
	info   *requestInfo
	legacy bool // graphql-ws (subscriptions-transport-ws) rather than graphql-transport-ws

	mu           sync.Mutex
	initTimer    *time.Timer
	readDeadline *time.Timer
	initialised  bool
	active       map[string]bool // ids of the operations running
	closing      bool            // the server has begun closing: later closes change nothing
	handshake    bool            // a close handshake runs in the background
	finished     sync.Once
}

var (
	_ transport.WebsocketConn          = (*guardedConn)(nil)
	_ transport.WebsocketReadLimiter   = (*guardedConn)(nil)
	_ transport.WebsocketReadDeadliner = (*guardedConn)(nil)
)

type wsEnvelope struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// NextReader returns the next client message that gqlgen should see. Messages that break the
// limits are answered here and never reach gqlgen.
func (g *guardedConn) NextReader() (int, io.Reader, error) {
	for {
		typ, data, err := g.c.Read(context.Background())
		if err != nil {
			g.mu.Lock()
			closing := g.closing
			g.mu.Unlock()
			switch websocket.CloseStatus(err) {
			case websocket.StatusNormalClosure, websocket.StatusNoStatusRcvd, websocket.StatusGoingAway:
				return int(typ), nil, transport.ErrWebsocketClosed
			}
			if closing {
				return int(typ), nil, transport.ErrWebsocketClosed
			}
			return int(typ), nil, err
		}
		if g.admit(data) {
			return int(typ), bytes.NewReader(data), nil
		}
	}
}

// admit applies the limits to a client message and reports whether gqlgen should see it.
func (g *guardedConn) admit(data []byte) bool {
	var m wsEnvelope
	if json.Unmarshal(data, &m) != nil {
		return true // gqlgen answers malformed messages itself
	}
	switch m.Type {
	case "connection_init":
		g.mu.Lock()
		again := g.initialised
		g.initialised = true
		if g.initTimer != nil {
			g.initTimer.Stop()
		}
		g.mu.Unlock()
		if again {
			g.closeWith(closeTooManyInits, "Too many initialisation requests")
			return false
		}
		// gqlgen drops, without closing, a connection whose init payload is not an object.
		if p := bytes.TrimSpace(m.Payload); len(p) > 0 && p[0] != '{' && !bytes.Equal(p, []byte("null")) {
			g.closeWith(closeBadRequest, "connection_init payload must be an object")
			return false
		}
	case "subscribe", "start":
		g.mu.Lock()
		initialised, running, n := g.initialised, g.active[m.ID], len(g.active)
		if initialised && !running && m.ID != "" && n < g.lim.maxSubs {
			g.active[m.ID] = true
		}
		g.mu.Unlock()
		switch {
		case !initialised:
			g.closeWith(closeUnauthorized, "Unauthorized")
			return false
		case running:
			g.closeWith(closeSubscriberTaken, "Subscriber for "+truncate(m.ID, 80)+" already exists")
			return false
		case m.ID != "" && n >= g.lim.maxSubs:
			g.refuse(m.ID, fmt.Sprintf("this connection runs %d operations, the most it may: complete one first", g.lim.maxSubs))
			return false
		}
	case "complete", "stop":
		g.mu.Lock()
		delete(g.active, m.ID)
		g.mu.Unlock()
	}
	return true
}

// refuse answers a subscribe with an error message for its id: the operation ends there.
func (g *guardedConn) refuse(id, msg string) {
	payload, _ := json.Marshal([]map[string]any{{"message": msg, "extensions": map[string]any{"code": "TOO_MANY_SUBSCRIPTIONS"}}})
	b, _ := json.Marshal(wsEnvelope{ID: id, Type: "error", Payload: payload})
	g.write(b)
}

// WriteJSON sends a server message. gqlgen writes under one lock per connection, from one
// goroutine per operation: when the client stops reading, the writer blocks in here and the
// others wait for the lock, each holding one message, and the lead feeds behind them block
// on their unbuffered channels. The write timeout bounds how long that lasts: then the
// connection is dropped, the read fails, and gqlgen cancels every operation.
func (g *guardedConn) WriteJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	g.release(b)
	return g.write(b)
}

func (g *guardedConn) write(b []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), g.lim.writeTimeout)
	defer cancel()
	err := g.c.Write(ctx, websocket.MessageText, b)
	if err != nil && ctx.Err() != nil {
		// coder/websocket closes the connection when a write's context ends.
		g.lim.metrics.SlowConsumer()
		g.mu.Lock()
		first := !g.closing
		g.closing = true
		g.mu.Unlock()
		if first {
			g.lim.metrics.WebsocketClosed("slow_consumer")
			if g.info != nil {
				g.info.setCloseCode(int(websocket.StatusPolicyViolation))
			}
		}
		g.finish()
	}
	return err
}

var (
	nextSuffix = []byte(`"type":"next"}`)
	dataSuffix = []byte(`"type":"data"}`)
)

// release forgets the id of an operation that the server completes or fails.
func (g *guardedConn) release(b []byte) {
	// Results are most messages and end with their type (gqlgen's field order): skip them
	// without decoding their payload.
	if bytes.HasSuffix(b, nextSuffix) || bytes.HasSuffix(b, dataSuffix) {
		return
	}
	var m wsEnvelope
	if json.Unmarshal(b, &m) != nil || m.ID == "" || (m.Type != "complete" && m.Type != "error") {
		return
	}
	g.mu.Lock()
	delete(g.active, m.ID)
	g.mu.Unlock()
}

// WriteClose is gqlgen closing the connection; after the server's own close it does nothing.
func (g *guardedConn) WriteClose(code int, reason string) error {
	g.closeWith(code, reason)
	return nil
}

// closeWith begins the close handshake with the code, once. It runs in the background:
// coder/websocket waits up to 5 s for the peer's close frame.
func (g *guardedConn) closeWith(code int, reason string) {
	g.mu.Lock()
	if g.closing {
		g.mu.Unlock()
		return
	}
	g.closing, g.handshake = true, true
	g.stopTimersLocked()
	g.mu.Unlock()
	g.lim.metrics.WebsocketClosed(strconv.Itoa(code))
	if g.info != nil {
		g.info.setCloseCode(code)
	}
	go func() {
		defer g.finish()
		_ = g.c.Close(websocket.StatusCode(code), truncate(reason, 120))
	}()
}

// Close drops the connection unless a close handshake owns it.
func (g *guardedConn) Close() error {
	g.mu.Lock()
	handshake := g.handshake
	g.closing = true
	g.stopTimersLocked()
	g.mu.Unlock()
	if handshake {
		return nil
	}
	defer g.finish()
	return g.c.CloseNow()
}

func (g *guardedConn) finish() {
	g.finished.Do(func() {
		g.lim.metrics.WebsocketGone()
		g.lim.shutdown.remove(g)
	})
}

func (g *guardedConn) stopTimersLocked() {
	if g.initTimer != nil {
		g.initTimer.Stop()
	}
	if g.readDeadline != nil {
		g.readDeadline.Stop()
		g.readDeadline = nil
	}
}

func (g *guardedConn) Subprotocol() string { return g.c.Subprotocol() }

func (g *guardedConn) SetReadLimit(limit int64) { g.c.SetReadLimit(limit) }

// SetReadDeadline is how gqlgen drops a client that does not answer pings.
func (g *guardedConn) SetReadDeadline(t time.Time) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.readDeadline != nil {
		g.readDeadline.Stop()
		g.readDeadline = nil
	}
	if t.IsZero() || g.closing {
		return nil
	}
	g.readDeadline = time.AfterFunc(time.Until(t), func() { g.c.CloseNow() })
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// connCounter counts the websocket connections each caller holds.
type connCounter struct {
	mu sync.Mutex
	n  map[string]int
}

// acquire takes one of the caller's max connections; release gives it back (once).
func (c *connCounter) acquire(key string, max int) (release func(), ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[key] >= max {
		return nil, false
	}
	c.n[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.n[key]--; c.n[key] <= 0 {
				delete(c.n, key)
			}
		})
	}, true
}

// Shutdown tells a handler that the server is going away: Begin closes its websockets with
// 1001 (going away) and ends its subscriptions (websocket and SSE), so that
// http.Server.Shutdown, which waits for plain requests but not for hijacked connections, is
// not held up by streams. Queries and mutations in flight are left to finish.
//
//	sd := httpapi.NewShutdown()
//	h := httpapi.NewHandler(httpapi.Backend{..., Shutdown: sd}, opts)
//	srv.RegisterOnShutdown(sd.Begin)
//	srv.Shutdown(ctx); sd.Wait(ctx)
type Shutdown struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	conns map[*guardedConn]bool
	wg    sync.WaitGroup
}

// NewShutdown returns a Shutdown that has not begun.
func NewShutdown() *Shutdown {
	ctx, cancel := context.WithCancel(context.Background())
	return &Shutdown{ctx: ctx, cancel: cancel, conns: map[*guardedConn]bool{}}
}

// Begin closes the websockets and ends the subscriptions; it may be called more than once.
func (s *Shutdown) Begin() {
	s.mu.Lock()
	s.cancel()
	conns := make([]*guardedConn, 0, len(s.conns))
	for g := range s.conns {
		conns = append(conns, g)
	}
	s.mu.Unlock()
	for _, g := range conns {
		g.closeWith(closeGoingAway, "server shutting down")
	}
}

// Wait returns when every websocket has closed (its close handshake done), or with ctx's
// error.
func (s *Shutdown) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done is closed when Begin is called.
func (s *Shutdown) Done() <-chan struct{} { return s.ctx.Done() }

func (s *Shutdown) add(g *guardedConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return false
	}
	s.conns[g] = true
	s.wg.Add(1)
	return true
}

func (s *Shutdown) remove(g *guardedConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns[g] {
		delete(s.conns, g)
		s.wg.Done()
	}
}

var errTooManyConnections = errors.New("too many websocket connections")
