package graph

import (
	"cmp"
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/graph/model"
	"github.com/partnergraph/partnergraph/matching"
)

const kindSuspiciousGroup = "SuspiciousGroup"

// groupCursor is where a group stands in the order of the answer (score, highest first, then
// kind and key), so that the next page starts after it even if the groups were computed
// again in between and some came or went.
func groupCursor(s matching.SuspiciousGroup) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatFloat(s.Score, 'g', -1, 64) + ":" + string(s.Kind) + ":" + s.Key()))
}

// afterCursor reports whether s comes after the group a cursor names. EINVALID naming "after"
// for a cursor this query did not make.
func afterCursor(cursor string) (func(matching.SuspiciousGroup) bool, error) {
	bad := partnergraph.Invalidf("after", "is not a cursor of suspiciousGroups")
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, bad
	}
	parts := strings.SplitN(string(b), ":", 3)
	if len(parts) != 3 {
		return nil, bad
	}
	score, err := strconv.ParseFloat(parts[0], 64)
	if err != nil {
		return nil, bad
	}
	kind, key := matching.GroupKind(parts[1]), parts[2]
	return func(s matching.SuspiciousGroup) bool {
		return cmp.Or(cmp.Compare(score, s.Score), cmp.Compare(s.Kind, kind), cmp.Compare(s.Key(), key)) > 0
	}, nil
}

// suspiciousGroups pages through the groups the projection finds with the default thresholds,
// loading their businesses in one store read per page.
func (r *Resolver) suspiciousGroups(ctx context.Context, p partnergraph.Page, kind *model.SuspiciousGroupKind) (*model.SuspiciousGroupConnection, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	after := func(matching.SuspiciousGroup) bool { return true }
	if p.After != "" {
		var err error
		if after, err = afterCursor(p.After); err != nil {
			return nil, err
		}
	}
	opts := matching.DefaultRingOptions
	if kind != nil {
		opts.Kinds = []matching.GroupKind{matching.GroupKind(*kind)}
	}
	groups, err := r.Matching.SuspiciousGroups(opts)
	if err != nil {
		return nil, err
	}
	var page []matching.SuspiciousGroup
	for _, s := range groups {
		if after(s) {
			page = append(page, s)
		}
	}
	cursors := make([]string, len(page))
	for i, s := range page {
		cursors[i] = groupCursor(s)
	}
	slice := partnergraph.SliceOf(page, cursors, p.First)
	byID, err := r.groupBusinesses(ctx, slice.Items)
	if err != nil {
		return nil, err
	}
	out, info := edges(slice, p, func(cursor string, s matching.SuspiciousGroup) model.SuspiciousGroupEdge {
		return model.SuspiciousGroupEdge{Cursor: cursor, Node: groupModel(s, byID)}
	})
	return &model.SuspiciousGroupConnection{Edges: out, PageInfo: info}, nil
}

// groupBusinesses reads the members and subjects of the groups, a page of ids at a time.
func (r *Resolver) groupBusinesses(ctx context.Context, groups []matching.SuspiciousGroup) (map[string]*partnergraph.Business, error) {
	var ids []string
	for _, s := range groups {
		ids = append(ids, s.Members...)
		if s.Subject != "" {
			ids = append(ids, s.Subject)
		}
	}
	byID := map[string]*partnergraph.Business{}
	for len(ids) > 0 {
		n := min(len(ids), partnergraph.MaxPageSize)
		m, err := r.Store.BusinessesByID(ctx, ids[:n])
		if err != nil {
			return nil, err
		}
		for id, b := range m {
			byID[id] = b
		}
		ids = ids[n:]
	}
	return byID, nil
}

// groupModel is the API's view of a group. A business that the projection still holds but
// the store no longer does (erased since) is left out.
func groupModel(s matching.SuspiciousGroup, byID map[string]*partnergraph.Business) *model.SuspiciousGroup {
	e := s.Evidence
	g := &model.SuspiciousGroup{
		ID:    globalID(kindSuspiciousGroup, string(s.Kind)+":"+s.Key()),
		Kind:  model.SuspiciousGroupKind(s.Kind),
		Score: s.Score,
		Evidence: &model.SuspiciousGroupEvidence{
			Size: len(s.Members), Density: e.Density, MutualTrustPairs: e.MutualTrust, TrustEdges: e.Trust,
			RecentMembers: e.Recent, UnverifiedMembers: e.Unverified,
			Leads: e.Leads, AcceptedLeads: e.Accepted, DeclinedLeads: e.Declined, ExpiredLeads: e.Expired, WonLeads: e.Won,
			DeclineRate: e.DeclineRate(), ExpiryRate: e.ExpiryRate(), BadRate: e.BadRate(),
			ReturnedLeads: e.Returned, ReturnRate: e.ReturnRate(),
		},
		Members: make([]partnergraph.Business, 0, len(s.Members)),
	}
	for _, id := range s.Members {
		if b := byID[id]; b != nil {
			g.Members = append(g.Members, *b)
		}
	}
	if s.Kind == matching.OneClusterTrust {
		g.Subject = byID[s.Subject]
		g.Evidence.Trusters, g.Evidence.ClusterShare = &e.Trusters, &e.ClusterShare
	}
	return g
}
