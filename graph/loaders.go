package graph

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/partnergraph/partnergraph"
)

// loaders batch the store reads that resolvers make per object, so that a page of businesses
// with their services, memberships and trust counts costs one store call per kind, whatever
// the page size.
type loaders struct {
	business    *dataloadgen.Loader[string, *partnergraph.Business]
	network     *dataloadgen.Loader[string, *partnergraph.Network]
	services    *dataloadgen.Loader[string, []string]
	memberships *dataloadgen.Loader[string, []partnergraph.Membership]
	trustCounts *dataloadgen.Loader[string, partnergraph.TrustCount]
	leadOffers  *dataloadgen.Loader[string, []partnergraph.Offer]
	leadReturn  *dataloadgen.Loader[string, *partnergraph.LeadReturn]

	servicesOnce sync.Once
	servicesByID map[string]partnergraph.Service
	servicesErr  error

	complementsOnce sync.Once
	complementsFrom map[string][]partnergraph.Complement
	complementsErr  error
}

type loadersKey struct{}

func newLoaders(s partnergraph.Store) *loaders {
	// 2 ms gathers the keys of one level of a query; a page holds at most 100.
	opts := []dataloadgen.Option{dataloadgen.WithWait(2 * time.Millisecond), dataloadgen.WithBatchCapacity(partnergraph.MaxPageSize)}
	return &loaders{
		business:    dataloadgen.NewMappedLoader(s.BusinessesByID, opts...),
		network:     dataloadgen.NewMappedLoader(s.NetworksByID, opts...),
		services:    dataloadgen.NewMappedLoader(every(s.ServicesOf), opts...),
		memberships: dataloadgen.NewMappedLoader(every(s.MembershipsOf), opts...),
		trustCounts: dataloadgen.NewMappedLoader(every(s.TrustCounts), opts...),
		// The store reads one lead's offers at a time, so a batch of one: the loader is there
		// to read them once per request (a lead's access check, customer, consent and offers
		// all need them), and each lead's read starts at once, as before.
		leadOffers: dataloadgen.NewLoader(eachAlone(s.OffersOfLead), dataloadgen.WithBatchCapacity(1)),
		// nil for a lead without a return.
		leadReturn: dataloadgen.NewMappedLoader(every(s.LeadReturnsOf), opts...),
	}
}

// eachAlone makes a loader's batch read of a read of one key.
func eachAlone[V any](fetch func(context.Context, string) (V, error)) func(context.Context, []string) ([]V, []error) {
	return func(ctx context.Context, keys []string) ([]V, []error) {
		vs, errs := make([]V, len(keys)), make([]error, len(keys))
		for i, k := range keys {
			vs[i], errs[i] = fetch(ctx, k)
		}
		return vs, errs
	}
}

// every wraps a batch read whose result leaves out keys with nothing to report, so that those
// keys load as empty values rather than as "not found".
func every[V any](fetch func(context.Context, []string) (map[string]V, error)) func(context.Context, []string) (map[string]V, error) {
	return func(ctx context.Context, keys []string) (map[string]V, error) {
		m, err := fetch(ctx, keys)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				var zero V
				m[k] = zero
			}
		}
		return m, nil
	}
}

func loadersFrom(ctx context.Context) *loaders { return ctx.Value(loadersKey{}).(*loaders) }

// loadBusiness returns the business or ENOTFOUND.
func loadBusiness(ctx context.Context, id string) (*partnergraph.Business, error) {
	b, err := loadersFrom(ctx).business.Load(ctx, id)
	if err == dataloadgen.ErrNotFound {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "business %q not found", id)
	}
	return b, err
}

// loadNetwork returns the network or ENOTFOUND.
func loadNetwork(ctx context.Context, id string) (*partnergraph.Network, error) {
	n, err := loadersFrom(ctx).network.Load(ctx, id)
	if err == dataloadgen.ErrNotFound {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "network %q not found", id)
	}
	return n, err
}

// loadLeadOffers returns the lead's offers, read once per request; callers must not change
// the slice, which every field of the lead shares.
func loadLeadOffers(ctx context.Context, leadID string) ([]partnergraph.Offer, error) {
	return loadersFrom(ctx).leadOffers.Load(ctx, leadID)
}

// loadLeadReturn returns the lead's return, or nil if it has none.
func loadLeadReturn(ctx context.Context, leadID string) (*partnergraph.LeadReturn, error) {
	return loadersFrom(ctx).leadReturn.Load(ctx, leadID)
}

// prefetchLeadReturns starts the read of the returns of a page's leads, in one batch, so that
// each lead's return field finds its return loaded. Without it the fields' loads join a batch
// only if they come within the loader's wait of each other, and each lead's own reads (its
// offers, one store call per lead) spread them over more than that: a page cost a handful of
// batches, more on a busy store. A failed read shows in the fields' loads.
func prefetchLeadReturns(ctx context.Context, leadIDs []string) {
	loadersFrom(ctx).leadReturn.LoadAllThunk(ctx, leadIDs)
}

// selects reports whether the query selects the path of fields below the field being
// resolved (fragments included), so that a list resolver prefetches only what is asked.
func selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return false
	}
	op := graphql.GetOperationContext(ctx)
	sel := fc.Field.Selections
	for _, name := range path {
		var next ast.SelectionSet
		found := false
		for _, f := range graphql.CollectFields(op, sel, nil) {
			if f.Name == name {
				next, found = append(next, f.Selections...), true
			}
		}
		if !found {
			return false
		}
		sel = next
	}
	return true
}

// forgetLeadReturn drops the lead's return from the request's loaders, as forgetLeadOffers
// does its offers, for a mutation that changed it.
func forgetLeadReturn(ctx context.Context, leadID string) {
	loadersFrom(ctx).leadReturn.Clear(leadID)
}

// forgetLeadOffers drops the lead's offers from the request's loaders. A mutation that changed
// them calls it, so that its payload (and any later mutation of the same operation) reads them
// as written, not as an earlier field of the operation read them.
func forgetLeadOffers(ctx context.Context, leadID string) {
	loadersFrom(ctx).leadOffers.Clear(leadID)
}

// services returns every service by id, read once per request: the taxonomy is small.
func (l *loaders) allServices(ctx context.Context, s partnergraph.Store) (map[string]partnergraph.Service, error) {
	l.servicesOnce.Do(func() {
		var list []partnergraph.Service
		list, l.servicesErr = s.Services(ctx)
		l.servicesByID = make(map[string]partnergraph.Service, len(list))
		for _, svc := range list {
			l.servicesByID[svc.ID] = svc
		}
	})
	return l.servicesByID, l.servicesErr
}

// allComplements returns every complement keyed by its from service, read once per request.
func (l *loaders) allComplements(ctx context.Context, s partnergraph.Store) (map[string][]partnergraph.Complement, error) {
	l.complementsOnce.Do(func() {
		var list []partnergraph.Complement
		list, l.complementsErr = s.Complements(ctx)
		l.complementsFrom = map[string][]partnergraph.Complement{}
		for _, c := range list {
			l.complementsFrom[c.From] = append(l.complementsFrom[c.From], c)
		}
	})
	return l.complementsFrom, l.complementsErr
}

// prefetchBusinesses loads, in one store call each, the per-business fields that the query
// selects under edges.node of a business connection, so that a page costs the same number of
// store calls whatever its size (the loaders' wait alone would split a large page).
func prefetchBusinesses(ctx context.Context, ids []string) error {
	selected := nodeFields(ctx)
	l := loadersFrom(ctx)
	var err error
	if selected["services"] {
		_, err = l.services.LoadAll(ctx, ids)
	}
	if err == nil && selected["memberships"] {
		var ms [][]partnergraph.Membership
		ms, err = l.memberships.LoadAll(ctx, ids)
		seen := map[string]bool{}
		var networks []string
		for _, list := range ms {
			for _, m := range list {
				if !seen[m.NetworkID] {
					seen[m.NetworkID] = true
					networks = append(networks, m.NetworkID)
				}
			}
		}
		if err == nil {
			_, err = l.network.LoadAll(ctx, networks)
		}
	}
	if err == nil && selected["trustCounts"] {
		_, err = l.trustCounts.LoadAll(ctx, ids)
	}
	return err
}

// nodeFields returns the names of the fields selected under edges.node of the connection
// field being resolved.
func nodeFields(ctx context.Context) map[string]bool {
	out := map[string]bool{}
	fc := graphql.GetFieldContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return out
	}
	for _, edges := range graphql.CollectFields(oc, fc.Field.Selections, nil) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, nil) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(oc, node.Selections, nil) {
				out[f.Name] = true
			}
		}
	}
	return out
}
