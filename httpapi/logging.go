package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph/metrics"
)

// requestInfo is what one HTTP request carries in its context: its id, the client's address,
// and what the GraphQL layer learnt of its operation, for the one log line of the request.
//
// Nothing here may hold personal data: no variables, no query text, no token, no address.
type requestInfo struct {
	id        string
	clientIP  string // for rate limits and connection caps only; never logged
	websocket bool
	sse       bool // the client accepts text/event-stream

	mu         sync.Mutex
	op         *opSummary    // the operation of a plain HTTP request
	retryAfter time.Duration // set when the operation was rate limited
	closeCode  int           // the websocket's close code
}

// opSummary is what a log line and the metrics say of one GraphQL operation.
type opSummary struct {
	kind     string // query, mutation, subscription; "" when the request did not parse
	field    string // the first root field: the operation's label in metrics
	name     string // the client's operation name, when it is a valid GraphQL name
	role     string // the caller's strongest role, or "anonymous"
	outcome  string // "ok" or the first error's extensions.code
	cost     int
	duration time.Duration
}

type requestInfoKey struct{}

func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

func (info *requestInfo) setOp(op opSummary) {
	info.mu.Lock()
	info.op = &op
	info.mu.Unlock()
}

func (info *requestInfo) setRetryAfter(d time.Duration) {
	info.mu.Lock()
	info.retryAfter = d
	info.mu.Unlock()
}

func (info *requestInfo) setCloseCode(code int) {
	info.mu.Lock()
	info.closeCode = code
	info.mu.Unlock()
}

// requestIDHeader is read from the request (when a proxy or client set a sane one) and always
// written to the response.
const requestIDHeader = "X-Request-Id"

// validRequestID accepts ids that cannot forge log lines or smuggle data: up to 128 letters,
// digits and . _ : -.
func validRequestID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == ':', r == '-':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// observeHTTP gives each request an id (X-Request-Id, honoured or generated, echoed in the
// response), writes one log line per request and counts it. A rate-limited operation is
// answered 429 with Retry-After.
func observeHTTP(next http.Handler, log *slog.Logger, m *metrics.Metrics, ipHeader string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		info := &requestInfo{id: id, clientIP: clientIP(r, ipHeader), websocket: r.Header.Get("Upgrade") != "",
			sse: strings.Contains(r.Header.Get("Accept"), "text/event-stream")}
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
		w.Header().Set(requestIDHeader, id)
		path := metricPath(r.URL.Path)

		sw := &statusWriter{ResponseWriter: w, info: info}
		next.ServeHTTP(sw, r)
		if !sw.wrote {
			sw.status = http.StatusOK
		}
		m.HTTPRequest(path, sw.status)
		if sw.status == http.StatusSwitchingProtocols {
			// An upgraded request returns when its websocket has closed.
			info.mu.Lock()
			code := info.closeCode
			info.mu.Unlock()
			log.InfoContext(r.Context(), "websocket closed", "path", path,
				"duration_ms", ms(time.Since(start)), "close_code", code)
			return
		}

		level := slog.LevelInfo
		if path != "/graphql" && path != "other" {
			level = slog.LevelDebug // health checks and scrapes would drown the log
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method), slog.String("path", path), slog.Int("status", sw.status),
			slog.Float64("duration_ms", ms(time.Since(start))),
		}
		info.mu.Lock()
		op := info.op
		info.mu.Unlock()
		if op != nil {
			attrs = append(attrs, op.attrs()...)
		}
		log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

func (op *opSummary) attrs() []slog.Attr {
	a := []slog.Attr{
		slog.String("op_type", op.kind), slog.String("op_field", op.field), slog.String("outcome", op.outcome),
		slog.String("role", op.role), slog.Int("cost", op.cost),
	}
	if op.name != "" {
		a = append(a, slog.String("op_name", op.name))
	}
	return a
}

// metricPath keeps the path label of the HTTP metrics to a known few values.
func metricPath(p string) string {
	switch p {
	case "/graphql", "/healthz", "/readyz", "/metrics", "/":
		return p
	}
	return "other"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// statusWriter records the status and, when the operation was rate limited and nothing was
// written yet, answers 429 with Retry-After instead of 200.
type statusWriter struct {
	http.ResponseWriter
	info   *requestInfo
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	w.info.mu.Lock()
	retry := w.info.retryAfter
	w.info.mu.Unlock()
	if retry > 0 && code == http.StatusOK {
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(retry)))
		code = http.StatusTooManyRequests
	}
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets the SSE transport stream through the writer.
func (w *statusWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// retrySeconds rounds up to whole seconds, at least 1, as Retry-After wants.
func retrySeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

// requestIDHandler adds the request id to every record logged with a request's context, so
// that the error presenter's and the resolvers' lines can be matched with the request line.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if info := requestInfoFrom(ctx); info != nil {
		r.AddAttrs(slog.String("request_id", info.id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// operationName returns the client's operation name if it is a GraphQL name (so that it
// cannot forge a log line), shortened to 64 bytes.
func operationName(s string) string {
	if s == "" || strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) >= 0 {
		return ""
	}
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}
