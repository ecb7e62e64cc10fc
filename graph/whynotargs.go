package graph

import (
	"context"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/graph/model"
)

// whyNotArgs loads the business whyNotRouted asks about, if the caller acts for it, and the
// lead: the real one, if the caller may ask about it (NOT_FOUND otherwise, as for a lead that
// does not exist), or the hypothetical one the input describes.
func (r *Resolver) whyNotArgs(ctx context.Context, input model.WhyNotRoutedInput) (*partnergraph.Business, *partnergraph.Lead, error) {
	b, err := r.businessArg(ctx, input.BusinessID, "input.businessId")
	if err != nil {
		return nil, nil, err
	}
	a := accessFrom(ctx)
	if err := a.actFor(ctx, b.ID); err != nil {
		return nil, nil, err
	}
	switch {
	case (input.LeadID == nil) == (input.Hypothetical == nil):
		return nil, nil, partnergraph.Invalidf("input.leadId", "name exactly one of leadId and hypothetical")
	case input.LeadID != nil:
		id, err := localID(kindLead, *input.LeadID, "input.leadId")
		if err != nil {
			return nil, nil, err
		}
		l, err := r.Store.Lead(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		offers, err := loadLeadOffers(ctx, l.ID)
		if err != nil {
			return nil, nil, err
		}
		return b, l, a.askWhyNot(ctx, b.ID, l, offers)
	}
	h := input.Hypothetical
	referrerID, err := localID(kindBusiness, h.ReferrerID, "input.hypothetical.referrerId")
	if err != nil {
		return nil, nil, err
	}
	if _, err := r.service(ctx, h.Service); err != nil {
		if partnergraph.ErrorCode(err) != partnergraph.ENOTFOUND {
			return nil, nil, err // the store failed: not the caller's input
		}
		return nil, nil, partnergraph.Invalidf("input.hypothetical.service", "unknown service %q (see the services query)", h.Service)
	}
	if h.Location == nil || h.Location.Lat < -90 || h.Location.Lat > 90 || h.Location.Lng < -180 || h.Location.Lng > 180 {
		return nil, nil, partnergraph.Invalidf("input.hypothetical.location", "must be a point on the map")
	}
	return b, &partnergraph.Lead{
		ReferrerID: referrerID, ServiceID: h.Service, Location: partnergraph.Point{Lat: h.Location.Lat, Lng: h.Location.Lng},
		Mode: partnergraph.Exclusive, MaxOffers: 1,
	}, nil
}
