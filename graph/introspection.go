package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// codeIntrospectionDisabled refuses __schema and __type outside development.
const codeIntrospectionDisabled = "INTROSPECTION_DISABLED"

func init() {
	// A client error of the kind validation errors are: gqlgen answers it with their HTTP
	// status (422, or 400 for application/graphql-response+json).
	errcode.RegisterErrorType(codeIntrospectionDisabled, errcode.KindProtocol)
}

// introspectionDisabled refuses, once the document is validated and before anything runs, an
// operation that selects __schema or __type. Without it gqlgen's resolvers of those fields
// fail at execution, which the presenter can only answer as INTERNAL and log at ERROR.
type introspectionDisabled struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionDisabled{}

func (introspectionDisabled) ExtensionName() string                   { return "IntrospectionDisabled" }
func (introspectionDisabled) Validate(graphql.ExecutableSchema) error { return nil }

func (introspectionDisabled) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || !selectsIntrospection(oc.Doc, oc.Operation.SelectionSet, map[string]bool{}) {
		return nil
	}
	return &gqlerror.Error{
		Message:    "introspection is disabled on this server (it is on in development mode)",
		Extensions: map[string]any{"code": codeIntrospectionDisabled},
	}
}

// selectsIntrospection says whether a root selection set selects __schema or __type, looking
// through fragments (validation refused cycles; seen guards the walk all the same).
func selectsIntrospection(doc *ast.QueryDocument, set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if selectsIntrospection(doc, s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				if selectsIntrospection(doc, f.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}
