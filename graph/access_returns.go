package graph

import (
	"context"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

// Returns (the README's access table): the business that accepted a lead returns it, the
// referrer contests, admins decide; both parties and admins see the return. The lead itself
// is loaded through leadArg first, so a caller that may not see the lead gets NOT_FOUND.

// returnLead allows whoever acts for the business that accepted the lead. A lead not accepted
// is CONFLICT for those who may see it.
func (a *access) returnLead(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer) error {
	for _, o := range offers {
		if o.Status == partnergraph.OfferAccepted {
			return a.actFor(ctx, o.BusinessID)
		}
	}
	return partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q has not been accepted", l.ID)
}

// contestReturn allows whoever acts for the lead's referrer.
func (a *access) contestReturn(ctx context.Context, l *partnergraph.Lead) error {
	return a.actFor(ctx, l.ReferrerID)
}

// seeReturn allows admins and whoever acts for the referrer or the business that returned
// the lead.
func (a *access) seeReturn(ctx context.Context, r *partnergraph.LeadReturn) bool {
	return a.mayActFor(ctx, r.ReferrerID) || a.mayActFor(ctx, r.RecipientID)
}

// seeReturnStats allows admins and whoever acts for the business.
func (a *access) seeReturnStats(ctx context.Context, businessID string) bool {
	return a.mayActFor(ctx, businessID)
}

// caller is the subject of the caller's token: who did a step, for the audit.
func caller(ctx context.Context) string {
	if id := auth.FromContext(ctx); id != nil {
		return id.Sub
	}
	return ""
}
