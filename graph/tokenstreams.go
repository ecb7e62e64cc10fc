package graph

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

// errTokenExpired ends the streams of a token that has expired.
var errTokenExpired = partnergraph.Errorf(partnergraph.EUNAUTHENTICATED, "token expired: the subscription ended; subscribe again with a new token")

// tokenScope returns a context that ends when the token of ctx's caller does, with the reason
// as its cause. It is the one place where streams are bound to their token: the websocket
// InitFunc scopes the connection (and so every subscription on it), the operation middleware
// scopes each SSE subscription. An anonymous caller's scope ends only with ctx.
func tokenScope(ctx context.Context) (context.Context, context.CancelFunc) {
	id := auth.FromContext(ctx)
	if id == nil {
		return context.WithCancel(ctx)
	}
	return context.WithDeadlineCause(ctx, id.ExpiresAt, errTokenExpired)
}

// tokenEnded returns, as a GraphQL error, why ctx's token scope ended, or nil if it did not end
// for its token.
func tokenEnded(ctx context.Context) *gqlerror.Error {
	var pe *partnergraph.Error
	if ctx.Err() == nil || !errors.As(context.Cause(ctx), &pe) || pe.Code != partnergraph.EUNAUTHENTICATED {
		return nil
	}
	return &gqlerror.Error{Message: pe.Message, Extensions: map[string]any{"code": string(pe.Code)}}
}
