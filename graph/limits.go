package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// shapeLimit refuses, before anything runs, operations nested deeper than maxDepth or selecting
// more than maxFields fields in all (counting through fragments): the complexity limit counts
// cost, but an alias bomb of cheap fields or a deep chain of single objects slips under it.
type shapeLimit struct {
	maxDepth, maxFields int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimit{}

func (shapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l shapeLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	fields := 0
	var walk func(set ast.SelectionSet, depth int, seen map[string]bool) *gqlerror.Error
	walk = func(set ast.SelectionSet, depth int, seen map[string]bool) *gqlerror.Error {
		if depth > l.maxDepth {
			return limitError("operation is nested %d levels deep, more than the limit of %d", depth, l.maxDepth)
		}
		for _, sel := range set {
			var err *gqlerror.Error
			switch s := sel.(type) {
			case *ast.Field:
				fields++
				if fields > l.maxFields {
					return limitError("operation selects more than %d fields", l.maxFields)
				}
				if len(s.SelectionSet) > 0 {
					err = walk(s.SelectionSet, depth+1, seen)
				}
			case *ast.InlineFragment:
				err = walk(s.SelectionSet, depth, seen)
			case *ast.FragmentSpread:
				// Validation has refused fragment cycles; seen guards the walk all the same.
				if f := oc.Doc.Fragments.ForName(s.Name); f != nil && !seen[s.Name] {
					seen[s.Name] = true
					err = walk(f.SelectionSet, depth, seen)
					delete(seen, s.Name)
				}
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return walk(oc.Operation.SelectionSet, 1, map[string]bool{})
}

func limitError(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}}
}

// limitBody answers 413 to a request body over max bytes: at once when its Content-Length says
// so; for a body of unknown length (chunked), once more than max bytes have arrived. Such a body
// is read here, before the transports, because gqlgen's POST transport answers a failed read
// as a malformed request with status 200.
func limitBody(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			tooLarge(w, max)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		if r.ContentLength < 0 {
			body, err := io.ReadAll(r.Body)
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &mbe):
				tooLarge(w, max)
				return
			case err != nil:
				writeJSON(w, http.StatusBadRequest, errorBody("could not read the request body", "BAD_REQUEST"))
				return
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		}
		next.ServeHTTP(w, r)
	})
}

// tooLarge answers 413 and closes the connection, so that the rest of the body is not read.
func tooLarge(w http.ResponseWriter, max int64) {
	w.Header().Set("Connection", "close")
	writeJSON(w, http.StatusRequestEntityTooLarge, errorBody(fmt.Sprintf("request body is larger than %d bytes", max), "REQUEST_TOO_LARGE"))
}

// errorBody is a GraphQL response with one error, for answers written outside gqlgen.
func errorBody(message, code string) map[string]any {
	return map[string]any{"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": code}}}}
}
