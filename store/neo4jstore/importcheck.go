package neo4jstore

import (
	"context"
	"maps"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// importRef is a record's reference to an object: its kind (service, business, network), the
// field that names it and its id.
type importRef struct{ kind, field, id string }

// refsOf returns the references of r, in the order their errors are reported.
func refsOf(r partnergraph.Record) []importRef {
	switch {
	case r.Complement != nil:
		return []importRef{{"service", "from", r.Complement.From}, {"service", "to", r.Complement.To}}
	case r.Business != nil:
		refs := make([]importRef, len(r.Business.Services))
		for i, id := range r.Business.Services {
			refs[i] = importRef{"service", "business.services", id}
		}
		return refs
	case r.Membership != nil:
		return []importRef{{"business", "businessId", r.Membership.BusinessID}, {"network", "networkId", r.Membership.NetworkID}}
	case r.Trust != nil:
		return []importRef{{"business", "from", r.Trust.From}, {"business", "to", r.Trust.To}}
	case r.Partnership != nil:
		return []importRef{{"business", "proposerId", r.Partnership.ProposerID}, {"business", "partnerId", r.Partnership.PartnerID}}
	}
	return nil
}

// createdBy returns the kind and id of the object r creates, if it is one that records refer to.
func createdBy(r partnergraph.Record) (kind, id string, ok bool) {
	switch {
	case r.Service != nil:
		return "service", r.Service.ID, true
	case r.Business != nil:
		return "business", r.Business.ID, true
	case r.Network != nil:
		return "network", r.Network.ID, true
	}
	return "", "", false
}

// checkImport fails, naming the line, on the first record that the import, applied one record
// at a time, would refuse: a reference to an object that no earlier line creates and the
// database does not hold (ENOTFOUND), or a second open partnership of a pair (ECONFLICT). It
// reads the database once, for the references and pairs the import does not settle itself
// (none, for a load into an empty database), so that a bad record fails the import before
// anything is written.
func (s *Store) checkImport(ctx context.Context, batches []*importBatch) error {
	// What the database must answer: references to objects not created before them, and the
	// pairs that records open.
	need := map[string]map[string]bool{"service": {}, "business": {}, "network": {}}
	created := map[string]map[string]bool{"service": {}, "business": {}, "network": {}}
	var pairs []string
	for _, b := range batches {
		for _, r := range b.records {
			for _, ref := range refsOf(r) {
				if !created[ref.kind][ref.id] {
					need[ref.kind][ref.id] = true
				}
			}
			if kind, id, ok := createdBy(r); ok {
				created[kind][id] = true
			}
			if p := r.Partnership; p != nil && p.Status.Open() {
				pairs = append(pairs, pairKey(p.ProposerID, p.PartnerID))
			}
		}
	}
	type held struct {
		exists map[string]map[string]bool
		open   map[string]string // pair → id of its open partnership
	}
	db, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (held, error) {
		h := held{exists: map[string]map[string]bool{"service": {}, "business": {}, "network": {}}}
		if len(need["service"])+len(need["business"])+len(need["network"]) > 0 {
			recs, err := run(ctx, tx, importExisting, map[string]any{
				"services":   sortedKeys(need["service"]),
				"businesses": sortedKeys(need["business"]),
				"networks":   sortedKeys(need["network"]),
			})
			if err != nil {
				return held{}, err
			}
			for _, rec := range recs {
				v := &values{m: rec.AsMap()}
				kind, id := v.str("kind"), v.str("id")
				if v.err != nil {
					return held{}, v.err
				}
				h.exists[kind][id] = true
			}
		}
		var err error
		if len(pairs) > 0 {
			h.open, err = openPartnerships(ctx, tx, pairs...)
		}
		return h, err
	})
	if err != nil {
		return wrap("import: check references", err)
	}

	// The import, one record at a time.
	clear(created["service"])
	clear(created["business"])
	clear(created["network"])
	open := db.open
	if open == nil {
		open = map[string]string{}
	}
	pairOf := make(map[string]string, len(open)) // id → pair, for the open ones
	for pair, id := range open {
		pairOf[id] = pair
	}
	for _, b := range batches {
		for _, r := range b.records {
			for _, ref := range refsOf(r) {
				if !created[ref.kind][ref.id] && !db.exists[ref.kind][ref.id] {
					return partnergraph.AtLine(r.Line, notFound(ref.field, ref.kind, ref.id))
				}
			}
			if kind, id, ok := createdBy(r); ok {
				created[kind][id] = true
			}
			p := r.Partnership
			if p == nil {
				continue
			}
			if pair, ok := pairOf[p.ID]; ok { // this record replaces it
				delete(open, pair)
				delete(pairOf, p.ID)
			}
			if p.Status.Open() {
				pair := pairKey(p.ProposerID, p.PartnerID)
				if _, taken := open[pair]; taken {
					return partnergraph.AtLine(r.Line, errPairOpen(p))
				}
				open[pair], pairOf[p.ID] = p.ID, pair
			}
		}
	}
	return nil
}

// sortedKeys returns the keys of set in order, never nil (a nil list parameter is null in
// Cypher).
func sortedKeys(set map[string]bool) []string {
	return append([]string{}, slices.Sorted(maps.Keys(set))...)
}
