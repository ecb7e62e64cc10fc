package neo4jstore

import (
	"context"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// CreateBusiness validates b (EINVALID naming the field), gives it an id unless set and a
// creation time unless set, stores it and makes ownerSub (if not "") its owner. ECONFLICT if
// the id is taken. On error b keeps its fields, apart from the defaults Validate fills.
func (s *Store) CreateBusiness(ctx context.Context, b *partnergraph.Business, ownerSub string) error {
	nb, err := b.Prepare(now())
	if err != nil {
		return err
	}
	err = loggedExec(ctx, s, []change{{partnergraph.ChangeBusiness, nb.ID, ""}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		if _, err := run(ctx, tx, businessCreate, businessParams(&nb)); err != nil {
			if isConstraintViolation(err) {
				return partnergraph.Errorf(partnergraph.ECONFLICT, "business %q already exists", nb.ID)
			}
			return err
		}
		if ownerSub == "" {
			return nil
		}
		_, err := run(ctx, tx, ownerAdd, ownerRows(nb.ID, ownerSub))
		return err
	})
	if err != nil {
		return wrap("create business", err)
	}
	*b = nb
	return nil
}

// Business returns the business with the id, or ENOTFOUND.
func (s *Store) Business(ctx context.Context, id string) (*partnergraph.Business, error) {
	found, err := s.BusinessesByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	b := found[id]
	if b == nil {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "business %q not found", id)
	}
	return b, nil
}

// BusinessesByID returns the businesses with these ids that exist, keyed by id. Concurrent
// calls share one read (readGroup).
func (s *Store) BusinessesByID(ctx context.Context, ids []string) (map[string]*partnergraph.Business, error) {
	if len(ids) == 0 {
		return map[string]*partnergraph.Business{}, nil
	}
	out, err := s.businessReads.do(ctx, s, ids, s.businessesByID)
	return out, wrap("find businesses", err)
}

// businessesByID reads the businesses of every question (a list of ids) in one statement, and
// answers each with its own copies.
func (s *Store) businessesByID(ctx context.Context, qs [][]string) ([]map[string]*partnergraph.Business, error) {
	var ids []string
	for _, q := range qs {
		ids = append(ids, q...)
	}
	found, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]partnergraph.Business, error) {
		recs, err := run(ctx, tx, businessByIDs, map[string]any{"ids": sortedUnique(ids)})
		if err != nil {
			return nil, err
		}
		out := make(map[string]partnergraph.Business, len(recs))
		for _, rec := range recs {
			b, err := businessOf(rec)
			if err != nil {
				return nil, err
			}
			out[b.ID] = *b
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]map[string]*partnergraph.Business, len(qs))
	for i, q := range qs {
		out[i] = make(map[string]*partnergraph.Business, len(q))
		for _, id := range q {
			if b, ok := found[id]; ok {
				out[i][id] = &b
			}
		}
	}
	return out, nil
}

// UpdateBusiness applies the patch to the business, under its write lock, and returns the
// result. ENOTFOUND if there is no such business, EINVALID naming the field the patch breaks.
func (s *Store) UpdateBusiness(ctx context.Context, id string, patch partnergraph.BusinessPatch) (*partnergraph.Business, error) {
	out, err := logged(ctx, s, []change{{partnergraph.ChangeBusiness, id, ""}}, func(ctx context.Context, tx neo4j.ManagedTransaction) (*partnergraph.Business, error) {
		if _, err := lockExisting(ctx, tx, businessLock, id); err != nil {
			return nil, err
		}
		recs, err := run(ctx, tx, businessByIDs, map[string]any{"ids": []string{id}})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "business %q not found", id)
		}
		b, err := businessOf(recs[0])
		if err != nil {
			return nil, err
		}
		nb, err := patch.Apply(*b)
		if err != nil {
			return nil, err
		}
		if _, err := run(ctx, tx, businessUpdate, businessParams(&nb)); err != nil {
			return nil, err
		}
		return &nb, nil
	})
	return out, wrap("update business", err)
}

// Neo4j's point.distance on WGS-84 points is the haversine distance on a sphere of radius
// 6,378,140 m, partnergraph.DistanceKm the same formula on the mean radius 6,371,008.8 m. The
// two differ by this constant factor, so a radius scaled by it makes "within RadiusKm" agree
// with partnergraph.DistanceKm (the order by distance is the same either way).
const neo4jMetresPerDomainMetre = 6378140.0 / 6371008.8

// Businesses lists the businesses matching f: by name then id, or, when f.Near is set, by
// distance from f.Near then id. EINVALID for a bad filter ("search", "status", "near.*"), page
// size ("first") or cursor ("after").
func (s *Store) Businesses(ctx context.Context, f partnergraph.BusinessFilter, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
	var zero partnergraph.Slice[*partnergraph.Business]
	if err := f.Validate(); err != nil {
		return zero, err
	}
	if err := p.Validate(); err != nil {
		return zero, err
	}
	kind := byName
	if f.Near != nil {
		kind = byDistance
	}
	after, resume, err := decodeCursor(p.After, kind)
	if err != nil {
		return zero, err
	}
	params := map[string]any{"statuses": nil, "networkId": nil, "services": nil, "limit": int64(p.First + 1)}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			statuses[i] = string(st)
		}
		params["statuses"] = statuses
	}
	if f.NetworkID != "" {
		params["networkId"] = f.NetworkID
	}
	if len(f.Services) > 0 {
		params["services"] = sortedUnique(f.Services)
	}
	query := luceneQuery(f.Search)
	if query != "" {
		params["query"] = query
	}
	var st statement
	switch {
	case f.Near == nil:
		params["afterName"], params["afterId"] = after.S, after.ID
		st = businessListByName
		if query != "" {
			st = businessSearchByName
		}
	default:
		afterDistance := -1.0 // before every distance, on the first page
		if resume {
			afterDistance = after.F
		}
		params["afterDistance"], params["afterId"] = afterDistance, after.ID
		params["center"] = toPoint(f.Near.Point)
		params["radius"] = f.Near.RadiusKm * 1000 * neo4jMetresPerDomainMetre
		st = businessListByDistance
		if query != "" {
			st = businessSearchByDistance
		}
	}
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Slice[*partnergraph.Business], error) {
		recs, err := run(ctx, tx, st, params)
		if err != nil {
			return zero, err
		}
		items := make([]*partnergraph.Business, 0, len(recs))
		cursors := make([]string, 0, len(recs))
		for _, rec := range recs {
			b, err := businessOf(rec)
			if err != nil {
				return zero, err
			}
			c := cursor{Kind: byName, S: b.Name, ID: b.ID}
			if f.Near != nil {
				d, _, err := neo4j.GetRecordValue[float64](rec, "distance")
				if err != nil {
					return zero, err
				}
				c = cursor{Kind: byDistance, F: d, ID: b.ID}
			}
			items = append(items, b)
			cursors = append(cursors, c.encode())
		}
		return partnergraph.SliceOf(items, cursors, p.First), nil
	})
	return out, wrap("list businesses", err)
}

// SetBusinessServices replaces the services the business offers. ENOTFOUND naming
// "businessId" for an unknown business, "services" for an unknown service; then nothing
// changes.
func (s *Store) SetBusinessServices(ctx context.Context, businessID string, serviceIDs []string) error {
	ids := sortedUnique(serviceIDs)
	err := loggedExec(ctx, s, []change{{partnergraph.ChangeBusiness, businessID, ""}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		found, err := lockExisting(ctx, tx, businessLock, businessID)
		if err != nil {
			return err
		}
		if !found[businessID] {
			return notFound("businessId", "business", businessID)
		}
		if found, err = lockExisting(ctx, tx, serviceLock, ids...); err != nil {
			return err
		}
		for _, id := range ids {
			if !found[id] {
				return notFound("services", "service", id)
			}
		}
		_, err = run(ctx, tx, businessSetServices, map[string]any{
			"rows": []any{map[string]any{"id": businessID, "services": ids}},
		})
		return err
	})
	return wrap("set business services", err)
}

// ServicesOf returns the sorted ids of the services each business offers, keyed by business
// id; businesses that offer none (or do not exist) have no key.
func (s *Store) ServicesOf(ctx context.Context, businessIDs []string) (map[string][]string, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string][]string, error) {
		out := make(map[string][]string)
		if len(businessIDs) == 0 {
			return out, nil
		}
		recs, err := run(ctx, tx, businessServices, map[string]any{"ids": sortedUnique(businessIDs)})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			v := &values{m: rec.AsMap()}
			b, svc := v.str("businessId"), v.str("serviceId")
			if v.err != nil {
				return nil, v.err
			}
			out[b] = append(out[b], svc)
		}
		for _, ids := range out {
			slices.Sort(ids)
		}
		return out, nil
	})
	return out, wrap("find services of businesses", err)
}

func ownerRows(businessID string, subs ...string) map[string]any {
	rows := make([]any, len(subs))
	for i, sub := range subs {
		rows[i] = map[string]any{"businessId": businessID, "sub": sub}
	}
	return map[string]any{"rows": rows}
}

// AddOwner makes the user with the subject sub an owner of the business; adding an owner
// twice is a no-op. EINVALID naming "sub" for an empty subject, ENOTFOUND naming "businessId".
func (s *Store) AddOwner(ctx context.Context, sub, businessID string) error {
	if sub == "" {
		return partnergraph.Invalidf("sub", "must not be empty")
	}
	err := exec(ctx, s, func(tx neo4j.ManagedTransaction) error {
		found, err := lockExisting(ctx, tx, businessLock, businessID)
		if err != nil {
			return err
		}
		if !found[businessID] {
			return notFound("businessId", "business", businessID)
		}
		_, err = run(ctx, tx, ownerAdd, ownerRows(businessID, sub))
		return err
	})
	return wrap("add owner", err)
}

// OwnedBy returns the ids of the businesses the user owns, sorted (none for an unknown user).
func (s *Store) OwnedBy(ctx context.Context, sub string) ([]string, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]string, error) {
		recs, err := run(ctx, tx, ownerBusinesses, map[string]any{"sub": sub})
		if err != nil {
			return nil, err
		}
		ids := make([]string, 0, len(recs))
		for _, rec := range recs {
			id, _, err := neo4j.GetRecordValue[string](rec, "id")
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	})
	return out, wrap("find owned businesses", err)
}
