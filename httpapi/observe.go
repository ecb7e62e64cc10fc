package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/metrics"
)

// observer is the GraphQL side of the request pipeline: it rate-limits each operation by its
// cost, answers extensions.cost, times the resolvers of suggestions and lead mutations, ends
// subscriptions on shutdown, and records each operation once, in the metrics and in the log
// (for plain HTTP through the request's log line, for websocket operations in a line of
// their own).
type observer struct {
	log      *slog.Logger
	metrics  *metrics.Metrics
	limiter  *costLimiter // nil: no rate limit
	shutdown *Shutdown
	tokens   *auth.Revocations // ends SSE subscriptions with their token
}

// opRecord follows one operation from the operation middleware to its last response.
type opRecord struct {
	summary opSummary
	start   time.Time
	fields  atomic.Int64 // fields resolved: extensions.cost.actual
	limit   int

	mu   sync.Mutex
	once sync.Once
}

type opRecordKey struct{}

func opRecordFrom(ctx context.Context) *opRecord {
	rec, _ := ctx.Value(opRecordKey{}).(*opRecord)
	return rec
}

// newOpRecord describes the operation of the context (which may have failed to parse).
func newOpRecord(ctx context.Context) *opRecord {
	rec := &opRecord{start: time.Now(), summary: opSummary{outcome: "ok", role: roleOf(auth.FromContext(ctx))}}
	if !graphql.HasOperationContext(ctx) {
		return rec
	}
	oc := graphql.GetOperationContext(ctx)
	if !oc.Stats.OperationStart.IsZero() {
		rec.start = oc.Stats.OperationStart
	}
	rec.summary.name = operationName(oc.OperationName)
	if oc.Operation != nil {
		rec.summary.name = operationName(oc.Operation.Name)
		rec.summary.kind = string(oc.Operation.Operation)
		rec.summary.field = rootField(oc.Doc, oc.Operation.SelectionSet)
	}
	if cs := extension.GetComplexityStats(ctx); cs != nil {
		rec.summary.cost, rec.limit = cs.Complexity, cs.ComplexityLimit
	}
	return rec
}

// rootField names the operation's first root field, looking through fragments.
func rootField(doc *ast.QueryDocument, set ast.SelectionSet) string {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			return s.Name
		case *ast.InlineFragment:
			if f := rootField(doc, s.SelectionSet); f != "" {
				return f
			}
		case *ast.FragmentSpread:
			if doc == nil {
				continue
			}
			if fr := doc.Fragments.ForName(s.Name); fr != nil {
				// Validation refused cycles; a root spread of itself could not get here.
				if f := rootField(nil, fr.SelectionSet); f != "" {
					return f
				}
			}
		}
	}
	return ""
}

func roleOf(id *auth.Identity) string {
	for _, r := range []auth.Role{auth.Admin, auth.Member, auth.Intake} {
		if id.Has(r) {
			return string(r)
		}
	}
	if id != nil {
		return "none"
	}
	return "anonymous"
}

// see notes the first error code among the response's errors as the outcome.
func (rec *opRecord) see(resp *graphql.Response) {
	if resp == nil || len(resp.Errors) == 0 {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.summary.outcome != "ok" {
		return
	}
	rec.summary.outcome = "error"
	if c, ok := resp.Errors[0].Extensions["code"].(string); ok && c != "" {
		rec.summary.outcome = c
	}
}

// finish records the operation once: metrics, and a log line or the request's summary.
func (o *observer) finish(ctx context.Context, rec *opRecord) {
	rec.once.Do(func() {
		rec.mu.Lock()
		s := rec.summary
		rec.mu.Unlock()
		s.duration = time.Since(rec.start)
		kind, field := s.kind, s.field
		if kind == "" {
			kind, field = "unknown", "unknown"
		}
		o.metrics.Operation(kind, field, s.outcome, s.duration)
		info := requestInfoFrom(ctx)
		if info != nil && !info.websocket {
			info.setOp(s) // the request's own log line carries it
			return
		}
		attrs := append(s.attrs(), slog.Float64("duration_ms", ms(s.duration)))
		o.log.LogAttrs(ctx, slog.LevelInfo, "websocket operation", attrs...)
	})
}

// aroundOperations runs first of the operation middlewares.
func (o *observer) aroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	rec := newOpRecord(ctx)
	ctx = context.WithValue(ctx, opRecordKey{}, rec)
	subscription := rec.summary.kind == string(ast.Subscription)

	if info := requestInfoFrom(ctx); subscription && info != nil && !info.websocket && !info.sse {
		// Over plain HTTP the response would wait for the first event, holding the request.
		resp := &graphql.Response{Errors: gqlerror.List{{
			Message:    "subscriptions are served over websockets (graphql-transport-ws) or server-sent events (Accept: text/event-stream)",
			Extensions: map[string]any{"code": "BAD_REQUEST"},
		}}}
		rec.see(resp)
		o.finish(ctx, rec)
		return graphql.OneShot(resp)
	}

	if o.limiter != nil {
		if wait, ok := o.limiter.take(callerKey(ctx), rec.summary.cost); !ok {
			return o.rateLimited(ctx, rec, wait)
		}
	}

	if !subscription {
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			rec.see(resp)
			o.finish(ctx, rec)
			return resp
		}
	}

	// A subscription counts as open until its context ends, which is also how shutdown and
	// the end of its token end an SSE stream: the transport stops when the operation's
	// context does (and sends "event: complete"). A websocket subscription ends when Shutdown
	// closes its socket with 1001, or with its connection, which its token scopes; cancelling
	// it first would send its client "complete", which says the subscription is over for good
	// rather than to resubscribe.
	var cancel context.CancelFunc
	stopDrain := func() bool { return false }
	websocket := false
	if info := requestInfoFrom(ctx); info == nil || !info.websocket {
		ctx, cancel = o.tokens.Scope(ctx)
		stopDrain = context.AfterFunc(o.shutdown.ctx, cancel)
	} else {
		websocket = true
		ctx, cancel = context.WithCancel(ctx)
	}
	o.metrics.SubscriptionStarted()
	var closed sync.Once
	end := func() {
		closed.Do(func() {
			stopDrain()
			cancel()
			o.metrics.SubscriptionEnded()
			o.finish(ctx, rec)
		})
	}
	context.AfterFunc(ctx, end)
	scoped := ctx
	h := next(ctx)
	told := websocket // a websocket client learns it from the close of its connection
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp == nil {
			end()
			// An SSE client is told why its stream ends, once, before "complete".
			if gerr := tokenEnded(scoped); gerr != nil && !told {
				told = true
				resp = &graphql.Response{Errors: gqlerror.List{gerr}}
				rec.see(resp)
				return resp
			}
			return nil
		}
		rec.see(resp)
		return resp
	}
}

// rateLimited answers RATE_LIMITED with how long to wait, in the error and, over plain
// HTTP, as a 429 with Retry-After.
func (o *observer) rateLimited(ctx context.Context, rec *opRecord, wait time.Duration) graphql.ResponseHandler {
	err := rateLimitError(ctx, fmt.Sprintf("this operation costs %d", rec.summary.cost), wait)
	resp := &graphql.Response{Errors: gqlerror.List{err}, Extensions: map[string]any{"cost": rec.cost(false)}}
	rec.see(resp)
	o.finish(ctx, rec)
	return graphql.OneShot(resp)
}

// charge spends cost of the caller's rate limit, or answers RATE_LIMITED (see graph.Charge).
func (o *observer) charge(ctx context.Context, what string, cost int) *gqlerror.Error {
	if wait, ok := o.limiter.take(callerKey(ctx), cost); !ok {
		return rateLimitError(ctx, what, wait)
	}
	return nil
}

// rateLimitError is RATE_LIMITED, saying what costs how much and how long to wait, in the
// error and, over plain HTTP, as a 429 with Retry-After.
func rateLimitError(ctx context.Context, what string, wait time.Duration) *gqlerror.Error {
	secs := retrySeconds(wait)
	if info := requestInfoFrom(ctx); info != nil {
		info.setRetryAfter(wait)
	}
	return &gqlerror.Error{
		Message: fmt.Sprintf("rate limit exceeded: %s; try again in %d s", what, secs),
		Extensions: map[string]any{
			"code": string(partnergraph.ERATELIMITED), "retryAfterSeconds": secs,
		},
	}
}

// cost is extensions.cost: the operation's complexity, the limit and, once it ran, how many
// fields were resolved.
func (rec *opRecord) cost(ran bool) map[string]any {
	c := map[string]any{"requested": rec.summary.cost, "limit": rec.limit}
	if ran {
		c["actual"] = rec.fields.Load()
	}
	return c
}

// aroundResponses adds extensions.cost to the results of queries and mutations, and records
// the operations that never reached the operation middleware (unparsable, invalid, over the
// limits): their one response comes through here.
func (o *observer) aroundResponses(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	rec := opRecordFrom(ctx)
	if rec == nil {
		rec = newOpRecord(ctx)
		if rec.limit > 0 {
			addExtension(resp, "cost", rec.cost(false))
		}
		rec.see(resp)
		o.finish(ctx, rec)
		return resp
	}
	if rec.summary.kind != string(ast.Subscription) {
		addExtension(resp, "cost", rec.cost(true))
	}
	return resp
}

func addExtension(resp *graphql.Response, k string, v any) {
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions[k] = v
}

// timedFields are the fields whose resolvers are timed: suggestions and the lead mutations,
// where matching and routing run.
var timedFields = map[string]map[string]bool{
	"Query":    {"partnerSuggestions": true, "networkSuggestions": true},
	"Mutation": {"submitLead": true, "acceptLead": true, "declineLead": true, "closeLead": true},
}

// aroundFields counts resolved fields and times the resolvers in timedFields.
func (o *observer) aroundFields(ctx context.Context, next graphql.Resolver) (any, error) {
	if rec := opRecordFrom(ctx); rec != nil {
		rec.fields.Add(1)
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsResolver || !timedFields[fc.Object][fc.Field.Name] {
		return next(ctx)
	}
	start := time.Now()
	res, err := next(ctx)
	o.metrics.Resolver(fc.Field.Name, time.Since(start))
	return res, err
}
