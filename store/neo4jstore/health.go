package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph"
)

var (
	healthLeads      = stmt("health_leads")
	healthUnroutable = stmt("health_unroutable")
	healthOffers     = stmt("health_offers")
	healthReferrers  = stmt("health_referrers")
	healthRecipients = stmt("health_recipients")
)

// NetworkHealth implements partnergraph.HealthStore: five aggregations in one read
// transaction, each over the leads or offers created in the range through a range index on
// their creation time (lead_created, offer_created; TestHealthPlans), so the answer is
// bounded by the buckets, the kinds and q.Top. Neo4j reads are read-committed, not a
// snapshot: a lead written between two of the statements may be counted by one and not the
// other.
func (s *Store) NetworkHealth(ctx context.Context, q partnergraph.HealthQuery) (partnergraph.Health, error) {
	if err := q.Validate(); err != nil {
		return partnergraph.Health{}, err
	}
	kinds := make([]any, len(partnergraph.UnroutableKinds))
	for i, k := range partnergraph.UnroutableKinds {
		kinds[i] = map[string]any{"kind": string(k.Kind), "contains": k.Contains}
	}
	params := map[string]any{
		"from": q.From.UTC(), "to": q.To.UTC(), "bucketMillis": q.Bucket.Milliseconds(), "top": int64(q.Top),
		"kinds": kinds, "other": string(partnergraph.UnroutableOther),
	}
	h, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Health, error) {
		h := partnergraph.NewHealth(q) // the driver may run this function again
		each := func(st statement, fn func(v *values)) error {
			recs, err := run(ctx, tx, st, params)
			if err != nil {
				return err
			}
			for _, rec := range recs {
				v := &values{m: rec.AsMap()}
				fn(v)
				if v.err != nil {
					return v.err
				}
			}
			return nil
		}
		err := each(healthLeads, func(v *values) {
			h.AddLeads(int(v.integer("bucket")), partnergraph.LeadStatus(v.str("status")), int(v.integer("n")))
		})
		if err == nil {
			err = each(healthUnroutable, func(v *values) {
				h.Unroutable[partnergraph.UnroutableKind(v.str("kind"))] += int(v.integer("n"))
			})
		}
		if err == nil {
			err = each(healthOffers, func(v *values) {
				h.Offers.AddOffers(partnergraph.OfferStatus(v.str("status")), int(v.integer("n")))
			})
		}
		if err == nil {
			err = each(healthReferrers, func(v *values) {
				h.Referrers = append(h.Referrers, partnergraph.ReferrerCount{BusinessID: v.str("businessId"), Leads: int(v.integer("leads")), Won: int(v.integer("won"))})
			})
		}
		if err == nil {
			err = each(healthRecipients, func(v *values) {
				h.Recipients = append(h.Recipients, partnergraph.RecipientCount{BusinessID: v.str("businessId"), Offers: int(v.integer("offers")), Accepted: int(v.integer("accepted"))})
			})
		}
		return h, err
	})
	if err != nil {
		return partnergraph.Health{}, wrap("read health", err)
	}
	return h, nil
}
