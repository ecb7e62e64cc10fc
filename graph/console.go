package graph

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/partnergraph/partnergraph"

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

// networkHealth reads the health of the network from the store. BAD_USER_INPUT naming from,
// to or top.
func (r *Resolver) networkHealth(ctx context.Context, from, to time.Time, bucket *model.HealthBucket, top *int) (*model.NetworkHealth, error) {
	q := partnergraph.HealthQuery{From: from.UTC(), To: to.UTC(), Bucket: partnergraph.BucketDay, Top: 10}
	b := model.HealthBucketDay
	if bucket != nil {
		b = *bucket
	}
	if b == model.HealthBucketHour {
		q.Bucket = partnergraph.BucketHour
	}
	if top != nil {
		q.Top = *top
	}
	h, err := r.Store.NetworkHealth(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &model.NetworkHealth{From: q.From, To: q.To, Bucket: b, Leads: make([]model.LeadStatusBucket, len(h.Leads)),
		TopReferrers: h.Referrers, TopRecipients: h.Recipients}
	for i, l := range h.Leads {
		out.Leads[i] = model.LeadStatusBucket{Start: l.Start, Total: l.Total(), Offered: l.Offered, Accepted: l.Accepted,
			Unroutable: l.Unroutable, Won: l.Won, Lost: l.Lost}
	}
	out.RoutingFailures = []model.RoutingFailureCount{}
	for k, n := range h.Unroutable {
		out.RoutingFailures = append(out.RoutingFailures, model.RoutingFailureCount{Kind: model.RoutingFailureKind(k), Count: n})
	}
	slices.SortFunc(out.RoutingFailures, func(a, b model.RoutingFailureCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Kind, b.Kind))
	})
	o := h.Offers
	out.Offers = &model.OfferAcceptance{Made: o.Made, Pending: o.Pending, Accepted: o.Accepted, Declined: o.Declined, Expired: o.Expired, Withdrawn: o.Withdrawn}
	if answered := o.Accepted + o.Declined + o.Expired; answered > 0 {
		rate := float64(o.Accepted) / float64(answered)
		out.Offers.AcceptanceRate = &rate
	}
	if out.TopReferrers == nil {
		out.TopReferrers = []partnergraph.ReferrerCount{}
	}
	if out.TopRecipients == nil {
		out.TopRecipients = []partnergraph.RecipientCount{}
	}
	return out, nil
}
