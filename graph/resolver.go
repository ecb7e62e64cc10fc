// Package graph is the GraphQL API: thin resolvers over the Store, the HTTP handler with its
// transports and limits, the error presenter, access decisions and dataloaders.
package graph

//go:generate go tool gqlgen generate

import (
	"github.com/partnergraph/partnergraph"
)

// Resolver holds what the resolvers need.
type Resolver struct {
	Store partnergraph.Store
}
