package graph

import (
	"context"
	"math"

	"github.com/partnergraph/partnergraph/graph/model"
	"github.com/partnergraph/partnergraph/matching"
)

// neighbourhood reads the arguments of the neighbourhood query and answers it from the
// projection. BAD_USER_INPUT naming businessId, filter.networkId, depth, maxNodes or
// filter.service; NOT_FOUND for an unknown business or network.
func (r *Resolver) neighbourhood(businessID string, depth *int, filter *model.NeighbourhoodFilter, maxNodes *int) (*model.Neighbourhood, error) {
	center, err := localID(kindBusiness, businessID, "businessId")
	if err != nil {
		return nil, err
	}
	o := matching.NeighbourhoodOptions{Depth: 1, MaxNodes: matching.DefaultNeighbourhoodNodes}
	if depth != nil {
		o.Depth = *depth
	}
	if maxNodes != nil {
		o.MaxNodes = *maxNodes
	}
	if filter != nil {
		o.Service, o.City = deref(filter.Service), deref(filter.City)
		if filter.NetworkID != nil {
			if o.Network, err = localID(kindNetwork, *filter.NetworkID, "filter.networkId"); err != nil {
				return nil, err
			}
		}
	}
	n, err := r.Matching.Neighbourhood(center, o)
	if err != nil {
		return nil, err
	}
	out := &model.Neighbourhood{
		Center:       globalID(kindBusiness, center),
		Nodes:        make([]model.NeighbourhoodNode, len(n.Nodes)),
		Trust:        make([]model.NeighbourhoodTrust, len(n.Trust)),
		Partnerships: make([]model.NeighbourhoodPartnership, len(n.Partnerships)),
		Truncated:    n.Truncated,
	}
	for i, v := range n.Nodes {
		out.Nodes[i] = model.NeighbourhoodNode{
			ID: globalID(kindBusiness, v.ID), Name: v.Name, Sector: orNil(v.Sector), Services: v.Services, City: orNil(v.City),
			Verified: v.Verified, Suspended: v.Suspended, TrustReceived: v.TrustReceived, Hops: v.Hops,
		}
		if out.Nodes[i].Services == nil {
			out.Nodes[i].Services = []string{}
		}
	}
	for i, e := range n.Trust {
		out.Trust[i] = model.NeighbourhoodTrust{From: globalID(kindBusiness, e.From), To: globalID(kindBusiness, e.To), Score: e.Score, Weight: e.Weight, Overridden: e.Overridden}
	}
	for i, p := range n.Partnerships {
		out.Partnerships[i] = model.NeighbourhoodPartnership{A: globalID(kindBusiness, p.A), B: globalID(kindBusiness, p.B), Status: p.Status}
	}
	return out, nil
}

// complementMatrix pairs the store's services (the rows and columns) with the projection's
// two layers of complement weights.
func (r *Resolver) complementMatrix(ctx context.Context) (*model.ComplementMatrix, error) {
	services, err := r.Store.Services(ctx)
	if err != nil {
		return nil, err
	}
	m := &model.ComplementMatrix{Services: services, Cells: []model.ComplementCell{}}
	layer := func(w float64) *float64 {
		if math.IsNaN(w) {
			return nil
		}
		return &w
	}
	for _, c := range r.Matching.Complements() {
		m.Cells = append(m.Cells, model.ComplementCell{From: c.From, To: c.To, Curated: layer(c.Curated), Learned: layer(c.Learned), Effective: c.Effective})
	}
	return m, nil
}

// orNil is nil for "", else a pointer to s: the API's null for an empty optional string.
func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
