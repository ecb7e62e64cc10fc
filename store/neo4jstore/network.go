package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// CreateNetwork validates n (EINVALID naming the field), gives it an id unless set and a
// creation time unless set, and stores it; organizerID (if not "") joins it as ORGANIZER.
// ENOTFOUND naming "organizerId" for an unknown organizer, ECONFLICT if the id is taken.
func (s *Store) CreateNetwork(ctx context.Context, n *partnergraph.Network, organizerID string) error {
	nn, err := n.Prepare(now())
	if err != nil {
		return err
	}
	changes := []change{{partnergraph.ChangeNetwork, nn.ID, ""}}
	if organizerID != "" {
		changes = append(changes, change{partnergraph.ChangeMembership, organizerID, nn.ID})
	}
	err = loggedExec(ctx, s, changes, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		if organizerID != "" {
			found, err := lockExisting(ctx, tx, businessLock, organizerID)
			if err != nil {
				return err
			}
			if !found[organizerID] {
				return notFound("organizerId", "business", organizerID)
			}
		}
		if _, err := run(ctx, tx, networkCreate, networkParams(&nn)); err != nil {
			if isConstraintViolation(err) {
				return partnergraph.Errorf(partnergraph.ECONFLICT, "network %q already exists", nn.ID)
			}
			return err
		}
		if organizerID == "" {
			return nil
		}
		m := partnergraph.Membership{BusinessID: organizerID, NetworkID: nn.ID, Role: partnergraph.RoleOrganizer, Since: nn.CreatedAt}
		_, err := run(ctx, tx, membershipCreate, membershipRow(m))
		return err
	})
	if err != nil {
		return wrap("create network", err)
	}
	*n = nn
	return nil
}

// Network returns the network with the id, or ENOTFOUND.
func (s *Store) Network(ctx context.Context, id string) (*partnergraph.Network, error) {
	found, err := s.NetworksByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	n := found[id]
	if n == nil {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "network %q not found", id)
	}
	return n, nil
}

// NetworksByID returns the networks with these ids that exist, keyed by id.
func (s *Store) NetworksByID(ctx context.Context, ids []string) (map[string]*partnergraph.Network, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]*partnergraph.Network, error) {
		out := make(map[string]*partnergraph.Network, len(ids))
		if len(ids) == 0 {
			return out, nil
		}
		recs, err := run(ctx, tx, networkByIDs, map[string]any{"ids": sortedUnique(ids)})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			n, err := networkOf(rec)
			if err != nil {
				return nil, err
			}
			out[n.ID] = n
		}
		return out, nil
	})
	return out, wrap("find networks", err)
}

// Networks lists networks by name then id. EINVALID naming "first" or "after".
func (s *Store) Networks(ctx context.Context, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Network], error) {
	var zero partnergraph.Slice[*partnergraph.Network]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, _, err := decodeCursor(p.After, byName)
	if err != nil {
		return zero, err
	}
	params := map[string]any{"afterName": after.S, "afterId": after.ID, "limit": int64(p.First + 1)}
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Slice[*partnergraph.Network], error) {
		recs, err := run(ctx, tx, networkList, params)
		if err != nil {
			return zero, err
		}
		items := make([]*partnergraph.Network, 0, len(recs))
		cursors := make([]string, 0, len(recs))
		for _, rec := range recs {
			n, err := networkOf(rec)
			if err != nil {
				return zero, err
			}
			items = append(items, n)
			cursors = append(cursors, cursor{Kind: byName, S: n.Name, ID: n.ID}.encode())
		}
		return partnergraph.SliceOf(items, cursors, p.First), nil
	})
	return out, wrap("list networks", err)
}

// Join adds the membership, with Since set to now unless given, under the write locks of the
// business and the network. EINVALID naming the field at fault, ENOTFOUND naming "businessId"
// or "networkId", ECONFLICT if the business is already a member.
func (s *Store) Join(ctx context.Context, m partnergraph.Membership) (partnergraph.Membership, error) {
	if err := m.Validate(); err != nil {
		return m, err
	}
	m.Since = orNow(m.Since)
	err := loggedExec(ctx, s, []change{{partnergraph.ChangeMembership, m.BusinessID, m.NetworkID}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		if err := lockMembershipEnds(ctx, tx, m.BusinessID, m.NetworkID); err != nil {
			return err
		}
		recs, err := run(ctx, tx, membershipCreate, membershipRow(m))
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "business %q is already a member of network %q", m.BusinessID, m.NetworkID)
		}
		return nil
	})
	return m, wrap("join network", err)
}

// lockMembershipEnds locks the business and the network, ENOTFOUND naming "businessId" or
// "networkId" for one that does not exist.
func lockMembershipEnds(ctx context.Context, tx neo4j.ManagedTransaction, businessID, networkID string) error {
	found, err := lockExisting(ctx, tx, businessLock, businessID)
	if err != nil {
		return err
	}
	if !found[businessID] {
		return notFound("businessId", "business", businessID)
	}
	if found, err = lockExisting(ctx, tx, networkLock, networkID); err != nil {
		return err
	}
	if !found[networkID] {
		return notFound("networkId", "network", networkID)
	}
	return nil
}

// Leave removes the membership. ENOTFOUND if the business is not a member of the network.
func (s *Store) Leave(ctx context.Context, businessID, networkID string) error {
	err := loggedExec(ctx, s, []change{{partnergraph.ChangeMembership, businessID, networkID}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		if _, err := lockExisting(ctx, tx, businessLock, businessID); err != nil {
			return err
		}
		if _, err := lockExisting(ctx, tx, networkLock, networkID); err != nil {
			return err
		}
		n, err := deleted(ctx, tx, membershipDelete, map[string]any{"businessId": businessID, "networkId": networkID})
		if err != nil {
			return err
		}
		if n == 0 {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "business %q is not a member of network %q", businessID, networkID)
		}
		return nil
	})
	return wrap("leave network", err)
}

// Memberships lists the memberships matching f, by network then business. EINVALID naming
// "first" or "after".
func (s *Store) Memberships(ctx context.Context, f partnergraph.MembershipFilter, p partnergraph.Page) (partnergraph.Slice[partnergraph.Membership], error) {
	var zero partnergraph.Slice[partnergraph.Membership]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, _, err := decodeCursor(p.After, byMembership)
	if err != nil {
		return zero, err
	}
	params := map[string]any{"afterNetworkId": after.S, "afterBusinessId": after.ID, "limit": int64(p.First + 1)}
	st := membershipListAll
	switch {
	case f.BusinessID != "":
		st = membershipListByBusiness
		params["businessId"], params["networkId"] = f.BusinessID, nil
		if f.NetworkID != "" {
			params["networkId"] = f.NetworkID
		}
	case f.NetworkID != "":
		st = membershipListByNetwork
		params["networkId"] = f.NetworkID
	}
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Slice[partnergraph.Membership], error) {
		items, cursors, err := membershipPage(ctx, tx, st, params)
		if err != nil {
			return zero, err
		}
		return partnergraph.SliceOf(items, cursors, p.First), nil
	})
	return out, wrap("list memberships", err)
}

func membershipPage(ctx context.Context, tx neo4j.ManagedTransaction, st statement, params map[string]any) ([]partnergraph.Membership, []string, error) {
	recs, err := run(ctx, tx, st, params)
	if err != nil {
		return nil, nil, err
	}
	items := make([]partnergraph.Membership, 0, len(recs))
	cursors := make([]string, 0, len(recs))
	for _, rec := range recs {
		m, err := membershipOf(rec)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, m)
		cursors = append(cursors, cursor{Kind: byMembership, S: m.NetworkID, ID: m.BusinessID}.encode())
	}
	return items, cursors, nil
}

// MembershipsOf returns each business's memberships, by network, keyed by business id;
// businesses with none have no key.
func (s *Store) MembershipsOf(ctx context.Context, businessIDs []string) (map[string][]partnergraph.Membership, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string][]partnergraph.Membership, error) {
		out := make(map[string][]partnergraph.Membership)
		if len(businessIDs) == 0 {
			return out, nil
		}
		recs, err := run(ctx, tx, membershipOfBusinesses, map[string]any{"ids": sortedUnique(businessIDs)})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			m, err := membershipOf(rec)
			if err != nil {
				return nil, err
			}
			out[m.BusinessID] = append(out[m.BusinessID], m)
		}
		return out, nil
	})
	return out, wrap("find memberships", err)
}
