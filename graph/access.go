package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

// access makes every permission decision of the API, one method per object type and action,
// so that no resolver decides on its own. It remembers the caller's businesses per request.
//
// The rules (the README's role table): anonymous callers read the public directory; a member
// acts for the businesses its user owns; an admin acts for every business and curates; an
// intake token only submits leads.
type access struct {
	store partnergraph.Store

	once  sync.Once
	owned []string
	err   error

	networksOnce sync.Once
	networks     map[string]partnergraph.MemberRole // the caller's businesses' networks
	networksErr  error
}

type accessKey struct{}

func withAccess(ctx context.Context, s partnergraph.Store) context.Context {
	return context.WithValue(ctx, accessKey{}, &access{store: s})
}

func accessFrom(ctx context.Context) *access { return ctx.Value(accessKey{}).(*access) }

// ownedBusinesses returns the ids of the businesses the caller's user owns, read once a request.
func (a *access) ownedBusinesses(ctx context.Context) ([]string, error) {
	a.once.Do(func() {
		id := auth.FromContext(ctx)
		if id == nil || !id.Has(auth.Member) {
			return
		}
		a.owned, a.err = a.store.OwnedBy(ctx, id.Sub)
	})
	return a.owned, a.err
}

// callerNetworks returns the roles the caller's businesses hold, by network id, read once a
// request.
func (a *access) callerNetworks(ctx context.Context) (map[string]partnergraph.MemberRole, error) {
	a.networksOnce.Do(func() {
		a.networks = map[string]partnergraph.MemberRole{}
		owned, err := a.ownedBusinesses(ctx)
		if err != nil || len(owned) == 0 {
			a.networksErr = err
			return
		}
		ms, err := a.store.MembershipsOf(ctx, owned)
		for _, list := range ms {
			for _, m := range list {
				if m.Role == partnergraph.RoleOrganizer || a.networks[m.NetworkID] == "" {
					a.networks[m.NetworkID] = m.Role
				}
			}
		}
		a.networksErr = err
	})
	return a.networks, a.networksErr
}

// actFor allows admins, and members who own the business. Intake tokens act for nobody here.
// Errors: UNAUTHENTICATED for anonymous callers, FORBIDDEN otherwise.
func (a *access) actFor(ctx context.Context, businessID string) error {
	id := auth.FromContext(ctx)
	if id == nil {
		return partnergraph.Errorf(partnergraph.EUNAUTHENTICATED, "sign in to act for a business")
	}
	if id.Has(auth.Admin) {
		return nil
	}
	owned, err := a.ownedBusinesses(ctx)
	if err != nil {
		return err
	}
	if slices.Contains(owned, businessID) {
		return nil
	}
	return partnergraph.Errorf(partnergraph.EFORBIDDEN, "you do not act for business %q", businessID)
}

// mayActFor is actFor as a yes or no, for fields that are hidden rather than refused.
func (a *access) mayActFor(ctx context.Context, businessID string) bool {
	return a.actFor(ctx, businessID) == nil
}

// curate allows admins only: verifying, suspending, complements, revoking tokens, suspicious
// groups.
func (a *access) curate(ctx context.Context) error {
	id := auth.FromContext(ctx)
	if id == nil {
		return partnergraph.Errorf(partnergraph.EUNAUTHENTICATED, "sign in as an admin")
	}
	if !id.Has(auth.Admin) {
		return partnergraph.Errorf(partnergraph.EFORBIDDEN, "only admins may do this")
	}
	return nil
}

// Business.

// registerBusiness allows members and admins: the caller becomes the owner.
func (a *access) registerBusiness(ctx context.Context) (sub string, err error) {
	id := auth.FromContext(ctx)
	if id == nil {
		return "", partnergraph.Errorf(partnergraph.EUNAUTHENTICATED, "sign in to register a business")
	}
	if !id.Has(auth.Member) && !id.Has(auth.Admin) {
		return "", partnergraph.Errorf(partnergraph.EFORBIDDEN, "this token may not register businesses")
	}
	return id.Sub, nil
}

// editBusiness allows the business's owners and admins; the business must not be suspended
// unless the caller is an admin.
func (a *access) editBusiness(ctx context.Context, b *partnergraph.Business) error {
	if err := a.actFor(ctx, b.ID); err != nil {
		return err
	}
	if b.Status == partnergraph.BusinessSuspended && !auth.FromContext(ctx).Has(auth.Admin) {
		return partnergraph.Errorf(partnergraph.EFORBIDDEN, "business %q is suspended", b.ID)
	}
	return nil
}

// Trust.

// setTrust allows acting for the truster; only admins may set ADMIN-sourced (override) edges.
func (a *access) setTrust(ctx context.Context, from *partnergraph.Business) error {
	return a.editBusiness(ctx, from)
}

// seeTrustNote allows the truster's owners and admins: a note is the truster's private remark.
func (a *access) seeTrustNote(ctx context.Context, t *partnergraph.Trust) bool {
	return a.mayActFor(ctx, t.From)
}

// seeTrustAudit allows admins: who set a trust edge is an account's subject, not the
// business's public record.
func (a *access) seeTrustAudit(ctx context.Context) bool {
	id := auth.FromContext(ctx)
	return id != nil && id.Has(auth.Admin)
}

// Partnership.

// seePartnerships allows the business's owners and admins: terms are commercial and private.
func (a *access) seePartnerships(ctx context.Context, businessID string) error {
	return a.actFor(ctx, businessID)
}

// seePartnership allows either party and admins.
func (a *access) seePartnership(ctx context.Context, p *partnergraph.Partnership) error {
	if a.mayActFor(ctx, p.ProposerID) || a.mayActFor(ctx, p.PartnerID) {
		return nil
	}
	if auth.FromContext(ctx) == nil {
		return partnergraph.Errorf(partnergraph.EUNAUTHENTICATED, "sign in to see partnerships")
	}
	// NOT_FOUND rather than FORBIDDEN: outsiders learn nothing, not even that it exists.
	return partnergraph.Errorf(partnergraph.ENOTFOUND, "partnership %q not found", p.ID)
}

// Network.

// seeNetwork allows everyone for public networks; private ones only to admins and to callers
// who act for a member. Others get NOT_FOUND, as for a network that does not exist. Every path
// that shows a network or who belongs to it applies this rule: network, node, networks, the
// networkId filter of businesses, Business.memberships, Network.members and the membership
// mutations; suggestions name only networks of the business the caller acts for, and never
// suggest private ones.
func (a *access) seeNetwork(ctx context.Context, n *partnergraph.Network) error {
	if n.Visibility == partnergraph.Public || auth.FromContext(ctx).Has(auth.Admin) {
		return nil
	}
	networks, err := a.callerNetworks(ctx)
	if err != nil {
		return err
	}
	if networks[n.ID] == "" {
		return partnergraph.Errorf(partnergraph.ENOTFOUND, "network %q not found", n.ID)
	}
	return nil
}

// maySeeNetwork is seeNetwork as a yes or no, for listings that leave out what the caller may
// not see; only a failure to read the caller's memberships is an error.
func (a *access) maySeeNetwork(ctx context.Context, n *partnergraph.Network) (bool, error) {
	err := a.seeNetwork(ctx, n)
	if partnergraph.ErrorCode(err) == partnergraph.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// createNetwork allows members and admins; an organizer must be a business the caller acts for.
func (a *access) createNetwork(ctx context.Context, organizerID string) error {
	if organizerID != "" {
		return a.actFor(ctx, organizerID)
	}
	_, err := a.registerBusiness(ctx)
	return err
}

// joinNetwork allows acting for the business; a PRIVATE network is joined only by its
// organizers' doing (acting for an organizer) or an admin's.
func (a *access) joinNetwork(ctx context.Context, businessID string, n *partnergraph.Network) error {
	if err := a.actFor(ctx, businessID); err != nil {
		return err
	}
	if n.Visibility == partnergraph.Public || auth.FromContext(ctx).Has(auth.Admin) {
		return nil
	}
	networks, err := a.callerNetworks(ctx)
	if err != nil {
		return err
	}
	if networks[n.ID] == partnergraph.RoleOrganizer {
		return nil
	}
	return partnergraph.Errorf(partnergraph.EFORBIDDEN, "network %q is private: its organizers add members", n.ID)
}

// owns reports whether the caller's user owns the business (as opposed to acting for it
// as an admin).
func (a *access) owns(ctx context.Context, businessID string) bool {
	owned, err := a.ownedBusinesses(ctx)
	return err == nil && slices.Contains(owned, businessID)
}

// Lead.

// submitLead allows an intake token that names the referrer, and whoever acts for it.
func (a *access) submitLead(ctx context.Context, referrerID string) error {
	if id := auth.FromContext(ctx); id.Has(auth.Intake) && slices.Contains(id.Businesses, referrerID) {
		return nil
	}
	return a.actFor(ctx, referrerID)
}

// seeLead allows admins, the referrer's owners, and the owners of a business the lead was
// offered to; others get NOT_FOUND, so they learn nothing of it.
func (a *access) seeLead(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer) error {
	if a.mayActFor(ctx, l.ReferrerID) {
		return nil
	}
	for _, o := range offers {
		if a.mayActFor(ctx, o.BusinessID) {
			return nil
		}
	}
	if auth.FromContext(ctx) == nil {
		return partnergraph.Errorf(partnergraph.EUNAUTHENTICATED, "sign in to see leads")
	}
	return partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q not found", l.ID)
}

// seeCustomer allows admins, the referrer's owners and the owners of the business that
// accepted the lead: a customer's details go no further than the consent allows.
func (a *access) seeCustomer(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer) bool {
	if a.mayActFor(ctx, l.ReferrerID) {
		return true
	}
	for _, o := range offers {
		if o.Status == partnergraph.OfferAccepted && a.mayActFor(ctx, o.BusinessID) {
			return true
		}
	}
	return false
}

// eraseCustomer allows admins and whoever acts for the referrer (not intake tokens): the
// referrer holds the customer's consent. A recipient of the lead is FORBIDDEN; callers who may
// not see the lead get seeLead's answer, so they learn nothing of it.
func (a *access) eraseCustomer(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer) error {
	if err := a.seeLead(ctx, l, offers); err != nil {
		return err
	}
	if a.mayActFor(ctx, l.ReferrerID) {
		return nil
	}
	return partnergraph.Errorf(partnergraph.EFORBIDDEN, "only the referrer and admins may erase a lead's customer data")
}

// seeErasedBy allows admins and the referrer's owners: who erased a lead is theirs to know.
func (a *access) seeErasedBy(ctx context.Context, l *partnergraph.Lead) bool {
	return a.mayActFor(ctx, l.ReferrerID)
}

// seeOffer allows admins, the recipient's owners and the referrer's owners.
func (a *access) seeOffer(ctx context.Context, o *partnergraph.Offer, l *partnergraph.Lead) bool {
	return a.mayActFor(ctx, o.BusinessID) || a.mayActFor(ctx, l.ReferrerID)
}

// answerOffer allows whoever acts for the recipient (not intake tokens).
func (a *access) answerOffer(ctx context.Context, o *partnergraph.Offer) error {
	if err := a.actFor(ctx, o.BusinessID); err != nil {
		if partnergraph.ErrorCode(err) == partnergraph.EFORBIDDEN {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "offer not found")
		}
		return err
	}
	return nil
}

// closeLead allows whoever acts for the business that accepted the lead.
func (a *access) closeLead(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer) error {
	for _, o := range offers {
		if o.Status == partnergraph.OfferAccepted {
			return a.actFor(ctx, o.BusinessID)
		}
	}
	if err := a.actFor(ctx, l.ReferrerID); err != nil {
		return err
	}
	return partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q has not been accepted", l.ID)
}

// Why not routed.

// askWhyNot decides, for a caller who acts for the business (checked first), whether it may
// ask why a real lead did not come to it. Admins may; so may whoever may see the lead (its
// referrer's owners, the owners of a business it was offered to). Other members may only for
// a lead whose referrer vouched for the business: the referrer trusts it, or they are active
// partners. Those are the referrer's decisions, not the asker's: a member cannot trust its way
// into another business's leads, and it learns only the lead's service and the rule, never the
// customer. Everyone else gets NOT_FOUND, as for a lead that does not exist, so that an
// arbitrary member learns nothing of a lead, not even that it exists. (Any member may ask
// about a hypothetical lead from any referrer: trust edges are public anyway.)
func (a *access) askWhyNot(ctx context.Context, businessID string, l *partnergraph.Lead, offers []partnergraph.Offer) error {
	if a.seeLead(ctx, l, offers) == nil {
		return nil
	}
	if _, err := a.store.TrustEdge(ctx, l.ReferrerID, businessID); err == nil {
		return nil
	} else if partnergraph.ErrorCode(err) != partnergraph.ENOTFOUND {
		return err
	}
	page := partnergraph.Page{First: partnergraph.MaxPageSize}
	for {
		ps, err := a.store.Partnerships(ctx, partnergraph.PartnershipFilter{BusinessID: businessID, Status: partnergraph.PartnershipActive}, page)
		if err != nil {
			return err
		}
		for _, p := range ps.Items {
			if p.Other(businessID) == l.ReferrerID {
				return nil
			}
		}
		if !ps.HasNext {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q not found", l.ID)
		}
		page.After = ps.Cursors[len(ps.Cursors)-1]
	}
}

// seeRoutingCandidates allows admins only: the other candidates of a lead and their scores are
// no member's business.
func (a *access) seeRoutingCandidates(ctx context.Context) bool {
	return auth.FromContext(ctx).Has(auth.Admin)
}

// Webhook.

// seeWebhook allows the endpoint's business's owners and admins, who may also change it.
// Others are not told that it exists (NOT_FOUND); anonymous callers are UNAUTHENTICATED.
func (a *access) seeWebhook(ctx context.Context, w *partnergraph.Webhook) error {
	err := a.actFor(ctx, w.BusinessID)
	if partnergraph.ErrorCode(err) == partnergraph.EFORBIDDEN {
		return partnergraph.Errorf(partnergraph.ENOTFOUND, "webhook not found")
	}
	return err
}
