package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// SetTrust creates or replaces the trust edge t.From → t.To, with UpdatedAt set to now, under
// the write locks of both businesses. EINVALID naming the field at fault, ENOTFOUND naming
// "from" or "to" for an unknown business.
func (s *Store) SetTrust(ctx context.Context, t partnergraph.Trust) (partnergraph.Trust, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	t.UpdatedAt = now()
	err := loggedExec(ctx, s, []change{{partnergraph.ChangeTrust, t.From, t.To}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		found, err := lockExisting(ctx, tx, businessLock, t.From, t.To)
		if err != nil {
			return err
		}
		if !found[t.From] {
			return notFound("from", "business", t.From)
		}
		if !found[t.To] {
			return notFound("to", "business", t.To)
		}
		_, err = run(ctx, tx, trustSet, map[string]any{"rows": []any{trustRow(t)}})
		return err
	})
	return t, wrap("set trust", err)
}

// RemoveTrust deletes the edge from → to. ENOTFOUND if there is none.
func (s *Store) RemoveTrust(ctx context.Context, from, to string) error {
	err := loggedExec(ctx, s, []change{{partnergraph.ChangeTrust, from, to}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		if _, err := lockExisting(ctx, tx, businessLock, from, to); err != nil {
			return err
		}
		n, err := deleted(ctx, tx, trustDelete, map[string]any{"from": from, "to": to})
		if err != nil {
			return err
		}
		if n == 0 {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "no trust edge from %q to %q", from, to)
		}
		return nil
	})
	return wrap("remove trust", err)
}

// TrustEdge returns the edge from → to, or ENOTFOUND.
func (s *Store) TrustEdge(ctx context.Context, from, to string) (partnergraph.Trust, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Trust, error) {
		recs, err := run(ctx, tx, trustGet, map[string]any{"from": from, "to": to})
		if err != nil {
			return partnergraph.Trust{}, err
		}
		if len(recs) == 0 {
			return partnergraph.Trust{}, partnergraph.Errorf(partnergraph.ENOTFOUND, "no trust edge from %q to %q", from, to)
		}
		return trustOf(recs[0])
	})
	return out, wrap("find trust", err)
}

// TrustEdges lists the edges matching f, by from then to: every edge when f.BusinessID is "",
// else the edges from the business (f.Direction OUTGOING or "") or to it (INCOMING).
// EINVALID naming "direction", "first" or "after".
func (s *Store) TrustEdges(ctx context.Context, f partnergraph.TrustFilter, p partnergraph.Page) (partnergraph.Slice[partnergraph.Trust], error) {
	var zero partnergraph.Slice[partnergraph.Trust]
	if f.Direction != "" && f.Direction != partnergraph.Outgoing && f.Direction != partnergraph.Incoming {
		return zero, partnergraph.Invalidf("direction", "must be OUTGOING or INCOMING")
	}
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, _, err := decodeCursor(p.After, byTrust)
	if err != nil {
		return zero, err
	}
	params := map[string]any{"afterFrom": after.S, "afterTo": after.ID, "limit": int64(p.First + 1)}
	st := trustListAll
	switch {
	case f.BusinessID != "" && f.Direction == partnergraph.Incoming:
		st, params["businessId"] = trustListIncoming, f.BusinessID
	case f.BusinessID != "":
		st, params["businessId"] = trustListOutgoing, f.BusinessID
	}
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Slice[partnergraph.Trust], error) {
		items, cursors, err := trustPage(ctx, tx, st, params)
		if err != nil {
			return zero, err
		}
		return partnergraph.SliceOf(items, cursors, p.First), nil
	})
	return out, wrap("list trust", err)
}

func trustPage(ctx context.Context, tx neo4j.ManagedTransaction, st statement, params map[string]any) ([]partnergraph.Trust, []string, error) {
	recs, err := run(ctx, tx, st, params)
	if err != nil {
		return nil, nil, err
	}
	items := make([]partnergraph.Trust, 0, len(recs))
	cursors := make([]string, 0, len(recs))
	for _, rec := range recs {
		t, err := trustOf(rec)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, t)
		cursors = append(cursors, cursor{Kind: byTrust, S: t.From, ID: t.To}.encode())
	}
	return items, cursors, nil
}

// TrustCounts returns how many edges leave and enter each business, keyed by id; businesses
// without edges have no key (their count is the zero TrustCount).
func (s *Store) TrustCounts(ctx context.Context, businessIDs []string) (map[string]partnergraph.TrustCount, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]partnergraph.TrustCount, error) {
		out := make(map[string]partnergraph.TrustCount)
		if len(businessIDs) == 0 {
			return out, nil
		}
		recs, err := run(ctx, tx, trustCounts, map[string]any{"ids": sortedUnique(businessIDs)})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			v := &values{m: rec.AsMap()}
			id := v.str("id")
			c := partnergraph.TrustCount{Outgoing: int(v.integer("outgoing")), Incoming: int(v.integer("incoming"))}
			if v.err != nil {
				return nil, v.err
			}
			out[id] = c
		}
		return out, nil
	})
	return out, wrap("count trust", err)
}
