package graph

import (
	"context"
	"fmt"
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

// limitBody answers 413 to a request body over max bytes, without reading it, and caps what a
// body without a length may send.
func limitBody(next http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			w.Header().Set("Connection", "close")
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"errors": []map[string]any{{
				"message":    fmt.Sprintf("request body is larger than %d bytes", max),
				"extensions": map[string]any{"code": "REQUEST_TOO_LARGE"},
			}}})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}
