package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnergraph/partnergraph"
)

// PresentError gives every error an extensions.code: domain errors keep theirs (and name their
// field), gqlgen's own errors keep theirs, and anything else is INTERNAL with its details only
// in the log.
func PresentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		var de *partnergraph.Error
		switch {
		case errors.As(err, &de):
			gerr.Message = de.Error()
			setExt(gerr, "code", string(de.Code))
			field := de.Field
			if field == "" && de.Code == partnergraph.EINVALID && len(gerr.Path) > 1 {
				// A scalar that failed to read knows no field: its path in the arguments does.
				field = inputField(gerr.Path[1:])
				gerr.Message = field + ": " + gerr.Message
			}
			if field != "" {
				setExt(gerr, "field", field)
			}
		case gerr.Extensions["code"] != nil:
		case gerr.Rule != "":
			// Validation and argument coercion: the query, not the server, is at fault.
			setExt(gerr, "code", string(partnergraph.EINVALID))
		case len(gerr.Path) == 0:
			// Outside any field: the transport could not read the request. Its message may
			// quote the body, which may hold personal data: neither echo nor log it.
			gerr.Message = "the request is not one GraphQL request (a JSON object with a query; batches are not supported)"
			setExt(gerr, "code", "BAD_REQUEST")
		default:
			log.ErrorContext(ctx, "internal error", "path", gerr.Path.String(), "err", err)
			gerr.Message = "internal error"
			setExt(gerr, "code", string(partnergraph.EINTERNAL))
		}
		return gerr
	}
}

func setExt(e *gqlerror.Error, k string, v any) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions[k] = v
}

// RecoverPanic turns a panic in a resolver into an INTERNAL error, logged with its value.
func RecoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", p)
		return partnergraph.Errorf(partnergraph.EINTERNAL, "internal error")
	}
}

// inputField spells an argument path as the field names of BAD_USER_INPUT errors do:
// "input.consent.givenAt", "input.services.2".
func inputField(p ast.Path) string {
	parts := make([]string, len(p))
	for i, e := range p {
		parts[i] = fmt.Sprint(e)
	}
	return strings.Join(parts, ".")
}
