// Package graph is the GraphQL API, and only that: thin resolvers over the Store, access
// decisions, argument parsing, dataloaders, the error presenter and the gqlgen extensions that
// bound a document (api.go is what a transport takes from here). Package httpapi serves it
// over HTTP; package server wires the two.
package graph

//go:generate go tool gqlgen generate

import (
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/trustgraph"
	"github.com/partnergraph/partnergraph/webhooks"
)

// Resolver holds what the resolvers need.
type Resolver struct {
	Store partnergraph.Store
	// Matching answers suggestions from the in-memory projection of the graph.
	Matching *matching.Graph
	// Leads runs the lead lifecycle over Store.
	Leads *leads.Service
	// Poll is how often a subscription re-reads its feed unwoken, a safety net: the server's
	// change feed follower wakes it for the offers and lead events of other servers.
	Poll time.Duration
	// Revocations records token revocations and applies them on this server at once.
	Revocations *auth.Revocations
	// Webhooks is the webhook deliverer: its policy checks the URLs of endpoints, and a
	// redelivery wakes it. Nil checks URLs against the production policy (webhooks.Policy{}).
	Webhooks *webhooks.Deliverer
}

// trustGraph returns the service that writes partnerships, trust edges and complements by
// their rules. It holds nothing but the store, so it is made where it is used rather than
// wired in.
func (r *Resolver) trustGraph() *trustgraph.Service { return trustgraph.New(r.Store) }
