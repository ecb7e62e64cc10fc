package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/graph/exec"
	"github.com/partnergraph/partnergraph/graph/model"
)

// This file is what a transport (package httpapi) takes from the GraphQL side: the executable
// schema with its costs, the per-operation scope of loaders and access decisions, the
// extensions that bound what a document may ask, and the error presenter.

// NewSchema returns the executable schema over the resolvers, each connection field costing
// its page size times its items' cost (see the complexity limit).
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	c := exec.Config{Resolvers: r}
	setComplexity(&c.Complexity)
	return exec.NewExecutableSchema(c)
}

// Scope is the gqlgen extension that gives each operation, and each response of it, its own
// loaders and access cache over the store, so that nothing leaks between requests, and a
// subscription's every event reads the store as it is when the event is sent: with one scope
// per operation, a later event would get the lead offers, businesses and access decisions its
// first event read (a referrer's leadUpdates showed an accepted lead's offer still PENDING).
// The operation's own scope serves what runs before the first response: a subscription's
// resolver, which checks access and opens the feed.
func Scope(store partnergraph.Store) graphql.HandlerExtension { return scope{store} }

type scope struct{ store partnergraph.Store }

func (scope) ExtensionName() string                          { return "Scope" }
func (scope) Validate(schema graphql.ExecutableSchema) error { return nil }

func (s scope) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(s.with(ctx))
}

func (s scope) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	return next(s.with(ctx))
}

func (s scope) with(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, loadersKey{}, newLoaders(s.store))
	return withAccess(ctx, s.store)
}

// Charge spends cost of the caller's rate limit, or answers why it cannot (RATE_LIMITED, with
// what in the message). The transport knows the caller and the limit.
type Charge func(ctx context.Context, what string, cost int) *gqlerror.Error

// DocumentLimit is the gqlgen extension that refuses documents over the default limits before
// gqlgen parses and validates them (COMPLEXITY_LIMIT_EXCEEDED), and charges charge (nil: no
// rate limit) for reading a new one. cache must be the handler's query cache: a document in it
// passed before.
func DocumentLimit(cache graphql.Cache[*ast.QueryDocument], charge Charge) graphql.HandlerExtension {
	return documentLimit{max: defaultDocumentLimits, cache: cache, charge: charge}
}

// IntrospectionDisabled is the gqlgen extension that refuses __schema and __type
// (INTROSPECTION_DISABLED) outside development.
func IntrospectionDisabled() graphql.HandlerExtension { return introspectionDisabled{} }

// setComplexity makes each connection field cost its page size times its items' cost, so
// that nested connections cannot multiply into huge responses under a small limit.
func setComplexity(c *exec.ComplexityRoot) {
	per := func(child int, first *int) int {
		n := partnergraph.DefaultPageSize
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + n*child
	}
	c.Query.Businesses = func(child int, _ *model.BusinessFilterInput, first *int, _ *string) int { return per(child, first) }
	c.Query.Networks = func(child int, first *int, _ *string) int { return per(child, first) }
	c.Query.TrustEdges = func(child int, _ string, _ *partnergraph.Direction, first *int, _ *string) int {
		return per(child, first)
	}
	c.Query.Partnerships = func(child int, _ string, _ *partnergraph.PartnershipStatus, first *int, _ *string) int {
		return per(child, first)
	}
	c.Network.Members = func(child int, first *int, _ *string) int { return per(child, first) }
	c.Query.SuspiciousGroups = func(child int, first *int, _ *string, _ *model.SuspiciousGroupKind) int {
		return per(child, first)
	}
}
