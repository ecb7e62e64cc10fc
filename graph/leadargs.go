package graph

import (
	"context"
	"encoding/base64"
	"strconv"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/leads"
)

// leadByID loads a lead that the caller may see (NOT_FOUND otherwise).
func (r *Resolver) leadByID(ctx context.Context, id string) (*partnergraph.Lead, error) {
	l, err := r.Store.Lead(ctx, id)
	if err != nil {
		return nil, err
	}
	offers, err := loadLeadOffers(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	return l, accessFrom(ctx).seeLead(ctx, l, offers)
}

// leadArg reads a lead id argument and loads the lead, if the caller may see it.
func (r *Resolver) leadArg(ctx context.Context, gid, field string) (*partnergraph.Lead, error) {
	id, err := localID(kindLead, gid, field)
	if err != nil {
		return nil, err
	}
	return r.leadByID(ctx, id)
}

// leadToChange loads the lead named by a mutation's input.leadId and its offers, and lets
// the caller change it only if allow (an access rule on the lead and its offers) says so.
func (r *Resolver) leadToChange(ctx context.Context, gid string, allow func(*access, context.Context, *partnergraph.Lead, []partnergraph.Offer) error) (*partnergraph.Lead, error) {
	l, err := r.leadArg(ctx, gid, "input.leadId")
	if err != nil {
		return nil, err
	}
	offers, err := loadLeadOffers(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	if err := allow(accessFrom(ctx), ctx, l, offers); err != nil {
		return nil, err
	}
	return l, nil
}

// offerToAnswer loads an offer that the caller may answer for its recipient.
func (r *Resolver) offerToAnswer(ctx context.Context, gid string) (*leads.Service, *partnergraph.Offer, error) {
	id, err := localID(kindOffer, gid, "input.offerId")
	if err != nil {
		return nil, nil, err
	}
	o, err := r.Store.Offer(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return r.Leads, o, accessFrom(ctx).answerOffer(ctx, o)
}

// offerArg loads an offer that the caller may see (for node(id)).
func (r *Resolver) offerArg(ctx context.Context, gid string) (*partnergraph.Offer, error) {
	id, err := localID(kindOffer, gid, "id")
	if err != nil {
		return nil, err
	}
	o, err := r.Store.Offer(ctx, id)
	if err != nil {
		return nil, err
	}
	l, err := r.Store.Lead(ctx, o.LeadID)
	if err != nil {
		return nil, err
	}
	if !accessFrom(ctx).seeOffer(ctx, o, l) {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "offer %q not found", id)
	}
	return o, nil
}

// commissionOf returns the lead's commission, or nil when it earned none.
func (r *Resolver) commissionOf(ctx context.Context, l *partnergraph.Lead) (*partnergraph.Commission, error) {
	if l.Status != partnergraph.LeadWon {
		return nil, nil // only a won lead can have one: no need to ask
	}
	c, err := r.Store.CommissionOfLead(ctx, l.ID)
	if partnergraph.ErrorCode(err) == partnergraph.ENOTFOUND {
		return nil, nil // won without a partnership's terms
	}
	return c, err
}

// feedArgs checks a subscription's arguments: the caller must act for the business.
func (r *Resolver) feedArgs(ctx context.Context, businessID string, after *string) (*leads.Service, *partnergraph.Business, int64, error) {
	b, err := r.businessArg(ctx, businessID, "businessId")
	if err != nil {
		return nil, nil, 0, err
	}
	if err := accessFrom(ctx).actFor(ctx, b.ID); err != nil {
		return nil, nil, 0, err
	}
	seq, err := parseSeqCursor(deref(after), "after")
	return r.Leads, b, seq, err
}

// seqCursor makes the opaque cursor of a feed position.
func seqCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("seq:" + strconv.FormatInt(seq, 10)))
}

// parseSeqCursor reads a feed cursor ("" is the start), BAD_USER_INPUT naming field otherwise.
func parseSeqCursor(c, field string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(b) > 4 && string(b[:4]) == "seq:" {
		if n, err := strconv.ParseInt(string(b[4:]), 10, 64); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, partnergraph.Invalidf(field, "is not a cursor of this feed")
}

// pointers adapts a feed of values to the channel of pointers that gqlgen's subscriptions take.
func pointers[T any](ctx context.Context, in <-chan T) <-chan *T {
	out := make(chan *T)
	go func() {
		defer close(out)
		for v := range in {
			select {
			case out <- &v:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
