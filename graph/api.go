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

// Scope gives each operation its own loaders and access cache over the store, so that
// nothing leaks between requests. Use it as an operation middleware.
func Scope(store partnergraph.Store) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		ctx = context.WithValue(ctx, loadersKey{}, newLoaders(store))
		return next(withAccess(ctx, store))
	}
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
