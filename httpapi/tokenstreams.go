package httpapi

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnergraph/partnergraph"
)

// tokenEnded returns, as a GraphQL error, why ctx ended if its token ended it (it expired or
// was revoked: see auth.Revocations.Scope), or nil.
func tokenEnded(ctx context.Context) *gqlerror.Error {
	var pe *partnergraph.Error
	if ctx.Err() == nil || !errors.As(context.Cause(ctx), &pe) || pe.Code != partnergraph.EUNAUTHENTICATED {
		return nil
	}
	return &gqlerror.Error{Message: pe.Message, Extensions: map[string]any{"code": string(pe.Code)}}
}
