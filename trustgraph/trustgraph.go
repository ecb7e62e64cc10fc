// Package trustgraph applies the rules of the writes by which members build the trust graph
// and admins curate it: partnerships (proposed, answered, ended, each move allowed only from
// some statuses and to one side), trust edges (an admin's is an override), and the complements
// between services (weight 0 removes one). The API decides who the caller may act for and
// which side of a partnership that is; this service decides what that allows, and writes it.
package trustgraph

import (
	"context"

	"github.com/partnergraph/partnergraph"
)

// Store is what the service writes to; partnergraph.Store is one.
type Store interface {
	CreatePartnership(ctx context.Context, p *partnergraph.Partnership) error
	SetPartnershipStatus(ctx context.Context, id string, from []partnergraph.PartnershipStatus, to partnergraph.PartnershipStatus) (*partnergraph.Partnership, error)
	SetTrust(ctx context.Context, t partnergraph.Trust) (partnergraph.Trust, error)
	SetComplement(ctx context.Context, c partnergraph.Complement) error
	RemoveComplement(ctx context.Context, from, to string) error
}

// Service writes the trust graph by its rules.
type Service struct {
	store Store
}

// New returns a Service that writes to store.
func New(store Store) *Service { return &Service{store: store} }

// Propose writes a proposal from proposer to partner on the terms, and returns it (PROPOSED).
// Errors: BAD_USER_INPUT naming "partnerId" for a suspended partner (nothing is written) and
// as Store.CreatePartnership: BAD_USER_INPUT naming the field, NOT_FOUND, CONFLICT when the
// pair already has an open partnership.
func (s *Service) Propose(ctx context.Context, proposer, partner *partnergraph.Business, terms partnergraph.FeeTerms, message string) (*partnergraph.Partnership, error) {
	if err := partnergraph.CheckProposalTo(partner); err != nil {
		return nil, err
	}
	p := &partnergraph.Partnership{ProposerID: proposer.ID, PartnerID: partner.ID, Terms: terms, Message: message}
	if err := s.store.CreatePartnership(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Respond accepts (ACTIVE) or declines (DECLINED) a proposal for its partner, the one side
// that may answer it. CONFLICT when the partnership is no longer PROPOSED; NOT_FOUND.
func (s *Service) Respond(ctx context.Context, id string, accept bool) (*partnergraph.Partnership, error) {
	move := partnergraph.MoveDecline
	if accept {
		move = partnergraph.MoveAccept
	}
	return s.move(ctx, id, move, partnergraph.PartyPartner)
}

// End ends a partnership for the side that asks: either side ends an ACTIVE one; the proposer
// also withdraws a PROPOSED one. CONFLICT from any other status; NOT_FOUND.
func (s *Service) End(ctx context.Context, id string, by partnergraph.PartnershipParty) (*partnergraph.Partnership, error) {
	return s.move(ctx, id, partnergraph.MoveEnd, by)
}

func (s *Service) move(ctx context.Context, id string, m partnergraph.PartnershipMove, by partnergraph.PartnershipParty) (*partnergraph.Partnership, error) {
	from, to, err := m.Transition(by)
	if err != nil {
		return nil, err
	}
	return s.store.SetPartnershipStatus(ctx, id, from, to)
}

// SetTrust creates or replaces the edge t.From → t.To with t's score and note, and returns it
// as written. asAdmin says that an admin sets it for a business the admin does not own: the
// edge is then an override (SourceAdmin), which the members' own edges (SourceMember) do not
// outweigh. Errors as Store.SetTrust: BAD_USER_INPUT naming the field, NOT_FOUND.
func (s *Service) SetTrust(ctx context.Context, t partnergraph.Trust, asAdmin bool) (partnergraph.Trust, error) {
	t.Source = partnergraph.SourceMember
	if asAdmin {
		t.Source = partnergraph.SourceAdmin
	}
	return s.store.SetTrust(ctx, t)
}

// SetComplement records an admin's curated weight for how often customers of service from
// need service to, and returns the complement; weight 0 removes the complement instead, and
// returns nil (removing one that is not there is no error: the state asked for holds).
// Errors: BAD_USER_INPUT naming the field, NOT_FOUND for an unknown service.
func (s *Service) SetComplement(ctx context.Context, from, to string, weight float64) (*partnergraph.Complement, error) {
	c := partnergraph.Complement{From: from, To: to, Weight: weight, Source: partnergraph.SourceCurated}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Weight == 0 {
		err := s.store.RemoveComplement(ctx, c.From, c.To)
		if partnergraph.ErrorCode(err) == partnergraph.ENOTFOUND {
			err = nil
		}
		return nil, err
	}
	if err := s.store.SetComplement(ctx, c); err != nil {
		return nil, err
	}
	return &c, nil
}
