package matching

import (
	"context"
	"log/slog"

	"github.com/partnergraph/partnergraph"
)

// Projected is a Store whose committed writes also update a Graph, so that the next
// suggestion or route sees them. Writes go to the store first; the projection follows only
// what the store accepted. Import is not projected: build the graph after importing.
// TestProjectedHandlesEveryWrite fails for a Store method that Projected neither handles nor
// lists there with why it needs no projection.
type Projected struct {
	partnergraph.Store
	g   *Graph
	log *slog.Logger
}

// Project returns s with its writes projected onto g.
func Project(s partnergraph.Store, g *Graph, log *slog.Logger) *Projected {
	if log == nil {
		log = slog.Default()
	}
	return &Projected{Store: s, g: g, log: log}
}

// follow logs a projection that failed after the store committed: the store stays the truth,
// and the next restart rebuilds the projection from it.
func (p *Projected) follow(what string, err error) {
	if err != nil {
		p.log.Error("projection out of step with the store", "write", what, "err", err)
	}
}

// CreateBusiness implements partnergraph.Store.
func (p *Projected) CreateBusiness(ctx context.Context, b *partnergraph.Business, ownerSub string) error {
	if err := p.Store.CreateBusiness(ctx, b, ownerSub); err != nil {
		return err
	}
	p.follow("create business", p.g.PutBusiness(*b, []string{}))
	return nil
}

// UpdateBusiness implements partnergraph.Store.
func (p *Projected) UpdateBusiness(ctx context.Context, id string, patch partnergraph.BusinessPatch) (*partnergraph.Business, error) {
	b, err := p.Store.UpdateBusiness(ctx, id, patch)
	if err != nil {
		return nil, err
	}
	p.follow("update business", p.g.PutBusiness(*b, nil))
	return b, nil
}

// SetBusinessServices implements partnergraph.Store.
func (p *Projected) SetBusinessServices(ctx context.Context, businessID string, serviceIDs []string) error {
	if err := p.Store.SetBusinessServices(ctx, businessID, serviceIDs); err != nil {
		return err
	}
	p.follow("set services", p.g.SetServices(businessID, serviceIDs))
	return nil
}

// PutService implements partnergraph.Store.
func (p *Projected) PutService(ctx context.Context, s partnergraph.Service) error {
	if err := p.Store.PutService(ctx, s); err != nil {
		return err
	}
	p.g.PutService(s)
	return nil
}

// SetComplement implements partnergraph.Store.
func (p *Projected) SetComplement(ctx context.Context, c partnergraph.Complement) error {
	if err := p.Store.SetComplement(ctx, c); err != nil {
		return err
	}
	p.follow("set complement", p.g.SetComplement(c))
	return nil
}

// RemoveComplement implements partnergraph.Store.
func (p *Projected) RemoveComplement(ctx context.Context, from, to string) error {
	if err := p.Store.RemoveComplement(ctx, from, to); err != nil {
		return err
	}
	p.follow("remove complement", p.g.RemoveComplement(from, to))
	return nil
}

// CreateNetwork implements partnergraph.Store.
func (p *Projected) CreateNetwork(ctx context.Context, n *partnergraph.Network, organizerID string) error {
	if err := p.Store.CreateNetwork(ctx, n, organizerID); err != nil {
		return err
	}
	p.follow("create network", p.g.PutNetwork(*n))
	if organizerID != "" {
		p.follow("join network", p.g.Join(partnergraph.Membership{BusinessID: organizerID, NetworkID: n.ID, Role: partnergraph.RoleOrganizer, Since: n.CreatedAt}))
	}
	return nil
}

// Join implements partnergraph.Store.
func (p *Projected) Join(ctx context.Context, m partnergraph.Membership) (partnergraph.Membership, error) {
	m, err := p.Store.Join(ctx, m)
	if err != nil {
		return m, err
	}
	p.follow("join network", p.g.Join(m))
	return m, nil
}

// Leave implements partnergraph.Store.
func (p *Projected) Leave(ctx context.Context, businessID, networkID string) error {
	if err := p.Store.Leave(ctx, businessID, networkID); err != nil {
		return err
	}
	p.follow("leave network", p.g.Leave(businessID, networkID))
	return nil
}

// SetTrust implements partnergraph.Store.
func (p *Projected) SetTrust(ctx context.Context, t partnergraph.Trust) (partnergraph.Trust, error) {
	t, err := p.Store.SetTrust(ctx, t)
	if err != nil {
		return t, err
	}
	p.follow("set trust", p.g.SetTrust(t))
	return t, nil
}

// RemoveTrust implements partnergraph.Store.
func (p *Projected) RemoveTrust(ctx context.Context, from, to string) error {
	if err := p.Store.RemoveTrust(ctx, from, to); err != nil {
		return err
	}
	p.follow("remove trust", p.g.RemoveTrust(from, to))
	return nil
}

// CreatePartnership implements partnergraph.Store.
func (p *Projected) CreatePartnership(ctx context.Context, ps *partnergraph.Partnership) error {
	if err := p.Store.CreatePartnership(ctx, ps); err != nil {
		return err
	}
	p.follow("create partnership", p.g.PutPartnership(*ps))
	return nil
}

// SetPartnershipStatus implements partnergraph.Store.
func (p *Projected) SetPartnershipStatus(ctx context.Context, id string, from []partnergraph.PartnershipStatus, to partnergraph.PartnershipStatus) (*partnergraph.Partnership, error) {
	ps, err := p.Store.SetPartnershipStatus(ctx, id, from, to)
	if err != nil {
		return nil, err
	}
	p.follow("set partnership status", p.g.PutPartnership(*ps))
	return ps, nil
}

// SaveFittedWeights implements partnergraph.Store: once the store has the fit, suggestions
// use its weights.
func (p *Projected) SaveFittedWeights(ctx context.Context, w partnergraph.FittedWeights) error {
	if err := p.Store.SaveFittedWeights(ctx, w); err != nil {
		return err
	}
	p.follow("adopt fitted weights", p.g.AdoptFit(w))
	return nil
}
