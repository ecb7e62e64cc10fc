package graph

import (
	"context"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/graph/model"
)

// The helpers that resolvers share: reading id arguments, converting inputs.

// patchBusiness applies an admin's patch to the business named by input.businessId.
func (r *Resolver) patchBusiness(ctx context.Context, gid string, patch partnergraph.BusinessPatch) (*partnergraph.Business, error) {
	id, err := localID(kindBusiness, gid, "input.businessId")
	if err != nil {
		return nil, err
	}
	return r.Store.UpdateBusiness(ctx, id, patch)
}

// checkServices returns BAD_USER_INPUT naming input.services for an unknown slug, so that a
// write with a typo fails before anything is written.
func (r *Resolver) checkServices(ctx context.Context, slugs []string) error {
	all, err := loadersFrom(ctx).allServices(ctx, r.Store)
	if err != nil {
		return err
	}
	for _, s := range slugs {
		if _, ok := all[s]; !ok {
			return partnergraph.Invalidf("input.services", "unknown service %q (see the services query)", s)
		}
	}
	return nil
}

// businessFilter turns the API's filter into the store's, with errors naming filter fields.
func businessFilter(in *model.BusinessFilterInput) (partnergraph.BusinessFilter, error) {
	var f partnergraph.BusinessFilter
	if in == nil {
		return f, nil
	}
	f.Search, f.Services, f.Statuses = deref(in.Search), in.Services, in.Status
	if in.NetworkID != nil {
		id, err := localID(kindNetwork, *in.NetworkID, "filter.networkId")
		if err != nil {
			return f, err
		}
		f.NetworkID = id
	}
	if in.Near != nil {
		f.Near = &partnergraph.Near{Point: partnergraph.Point{Lat: in.Near.Lat, Lng: in.Near.Lng}, RadiusKm: in.Near.RadiusKm}
	}
	return f, partnergraph.WithFieldPrefix("filter", f.Validate())
}

// businessArg reads a business id argument and loads the business: BAD_USER_INPUT naming field
// for a malformed id, NOT_FOUND for a missing business.
func (r *Resolver) businessArg(ctx context.Context, gid, field string) (*partnergraph.Business, error) {
	id, err := localID(kindBusiness, gid, field)
	if err != nil {
		return nil, err
	}
	return loadBusiness(ctx, id)
}

// membershipArgs loads the business and the network that a membership mutation names.
func (r *Resolver) membershipArgs(ctx context.Context, businessGID, networkGID string) (*partnergraph.Business, *partnergraph.Network, error) {
	b, err := r.businessArg(ctx, businessGID, "input.businessId")
	if err != nil {
		return nil, nil, err
	}
	n, err := r.networkArg(ctx, networkGID, "input.networkId")
	return b, n, err
}

// trustArgs loads the two ends that a trust mutation names, if the caller may set the edge.
func (r *Resolver) trustArgs(ctx context.Context, fromGID, toGID string) (from, to *partnergraph.Business, err error) {
	if from, err = r.businessArg(ctx, fromGID, "input.fromId"); err != nil {
		return nil, nil, err
	}
	if to, err = r.businessArg(ctx, toGID, "input.toId"); err != nil {
		return nil, nil, err
	}
	return from, to, accessFrom(ctx).setTrust(ctx, from)
}

// networkArg reads a network id argument and loads the network, if the caller may see it
// (NOT_FOUND otherwise).
func (r *Resolver) networkArg(ctx context.Context, gid, field string) (*partnergraph.Network, error) {
	id, err := localID(kindNetwork, gid, field)
	if err != nil {
		return nil, err
	}
	n, err := loadNetwork(ctx, id)
	if err != nil {
		return nil, err
	}
	return n, accessFrom(ctx).seeNetwork(ctx, n)
}

// service returns the service with the slug, or NOT_FOUND.
func (r *Resolver) service(ctx context.Context, slug string) (*partnergraph.Service, error) {
	all, err := loadersFrom(ctx).allServices(ctx, r.Store)
	if err != nil {
		return nil, err
	}
	s, ok := all[slug]
	if !ok {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "service %q not found", slug)
	}
	return &s, nil
}

// feeTerms parses decimal strings into minor units and basis points: money never passes
// through a float.
func feeTerms(in *model.FeeTermsInput) (partnergraph.FeeTerms, error) {
	t := partnergraph.FeeTerms{Type: in.Type, Currency: in.Currency}
	if err := partnergraph.ValidCurrency(in.Currency); err != nil {
		return t, partnergraph.WithFieldPrefix("currency", err)
	}
	var err error
	switch {
	case in.Type == partnergraph.FeeFlat && in.Percent != nil:
		return t, partnergraph.Invalidf("percent", "must be left out for a FLAT fee")
	case in.Type == partnergraph.FeePercent && in.Amount != nil:
		return t, partnergraph.Invalidf("amount", "must be left out for a PERCENT fee")
	case in.Type == partnergraph.FeeFlat:
		if in.Amount == nil {
			return t, partnergraph.Invalidf("amount", "is required for a FLAT fee")
		}
		t.AmountMinor, err = partnergraph.ParseAmount(*in.Amount, in.Currency)
		err = partnergraph.WithFieldPrefix("amount", err)
	default:
		if in.Percent == nil {
			return t, partnergraph.Invalidf("percent", "is required for a PERCENT fee")
		}
		t.PercentBP, err = partnergraph.ParsePercent(*in.Percent)
		err = partnergraph.WithFieldPrefix("percent", err)
	}
	if err != nil {
		return t, err
	}
	return t, t.Validate()
}

// partnershipArg reads a partnership id argument and loads it, if the caller may see it.
func (r *Resolver) partnershipArg(ctx context.Context, gid, field string) (*partnergraph.Partnership, error) {
	id, err := localID(kindPartnership, gid, field)
	if err != nil {
		return nil, err
	}
	p, err := r.Store.Partnership(ctx, id)
	if err != nil {
		return nil, err
	}
	return p, accessFrom(ctx).seePartnership(ctx, p)
}

// suggestionArgs loads the business that asks for suggestions, if the caller acts for it.
func (r *Resolver) suggestionArgs(ctx context.Context, gid string) (*partnergraph.Business, error) {
	if r.Matching == nil {
		return nil, partnergraph.Errorf(partnergraph.EINTERNAL, "suggestions are not available")
	}
	b, err := r.businessArg(ctx, gid, "businessId")
	if err != nil {
		return nil, err
	}
	return b, accessFrom(ctx).actFor(ctx, b.ID)
}
