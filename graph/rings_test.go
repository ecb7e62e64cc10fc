package graph_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/seed"
)

const suspiciousQuery = `query($first: Int, $after: String, $kind: SuspiciousGroupKind) {
  suspiciousGroups(first: $first, after: $after, kind: $kind) {
    edges { cursor node { id kind score members { id name verified } subject { id name }
      evidence { size density mutualTrustPairs trustEdges recentMembers unverifiedMembers
        leads acceptedLeads declinedLeads expiredLeads wonLeads declineRate expiryRate badRate
        returnedLeads returnRate
        trusters clusterShare } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`

type suspiciousAnswer struct {
	SuspiciousGroups struct {
		Edges []struct {
			Cursor string
			Node   struct {
				ID, Kind string
				Score    float64
				Members  []struct{ ID, Name string }
				Subject  *struct{ ID, Name string }
				Evidence struct {
					Size, MutualTrustPairs, TrustEdges, RecentMembers, UnverifiedMembers int
					Leads, AcceptedLeads, DeclinedLeads, ExpiredLeads, WonLeads          int
					ReturnedLeads                                                        int
					Density, DeclineRate, ExpiryRate, BadRate, ReturnRate                float64
					Trusters                                                             *int
					ClusterShare                                                         *float64
				}
			}
		}
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			EndCursor                    *string
		}
	}
}

// TestSuspiciousGroupsThroughTheAPI plants a ring of five new unverified businesses (mutual
// trust, imported) with declined and expired leads among them (learned by the projection, as
// the lead service learns answers), and a business trusted only by a cluster of five, into the
// example network; then asks the HTTP handler as an admin and as a member.
func TestSuspiciousGroupsThroughTheAPI(t *testing.T) {
	p := seed.Plant{Prefix: "plant", At: time.Now().AddDate(0, 0, -10), Where: partnergraph.Point{Lat: 45, Lng: -100},
		Ring: 5, LeadsPerPair: 2, Cluster: 5}
	s := newHardServerOn(t, func(t *testing.T) partnergraph.Store {
		st := openSQLite(t)
		if _, err := st.Import(context.Background(), p.Records()); err != nil {
			t.Fatal(err)
		}
		return st
	}, nil)
	for _, o := range p.Outcomes() {
		s.pg.Matching.Learn(o.Offer, o.Lead, o.Outcome, o.At)
	}
	admin := s.token(t, "root", auth.Admin)
	ids := func(ms []struct{ ID, Name string }) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	gids := func(local []string) []string {
		var out []string
		for _, id := range local {
			out = append(out, bizID(id))
		}
		slices.Sort(out)
		return out
	}
	sorted := func(xs []string) []string { slices.Sort(xs); return xs }

	var all suspiciousAnswer
	ok(t, s.do(t, admin, suspiciousQuery, nil), &all)
	got := all.SuspiciousGroups.Edges
	var kinds []string
	for _, e := range got {
		kinds = append(kinds, e.Node.Kind)
		if e.Node.Score != 1 {
			t.Errorf("%s score %v, want 1", e.Node.Kind, e.Node.Score)
		}
	}
	if want := []string{"DENSE_CLIQUE", "LEAD_LOOP", "ONE_CLUSTER_TRUST"}; !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v, want %v (all score 1, then by kind)", kinds, want)
	}
	clique, loop, cluster := got[0].Node, got[1].Node, got[2].Node
	if m := sorted(ids(clique.Members)); !slices.Equal(m, gids(p.RingIDs())) || clique.Subject != nil {
		t.Errorf("clique members %v subject %v, want the ring", m, clique.Subject)
	}
	if e := clique.Evidence; e.Size != 5 || e.Density != 1 || e.MutualTrustPairs != 10 || e.TrustEdges != 20 || e.RecentMembers != 5 ||
		e.UnverifiedMembers != 5 || e.Leads != 40 || e.DeclinedLeads+e.ExpiredLeads != 40 || e.BadRate != 1 || e.Trusters != nil || e.ClusterShare != nil {
		t.Errorf("clique evidence %+v", e)
	}
	if m := sorted(ids(loop.Members)); !slices.Equal(m, gids(p.RingIDs())) || loop.Evidence.Leads != 40 || loop.Evidence.DeclineRate+loop.Evidence.ExpiryRate != 1 ||
		loop.Evidence.ReturnedLeads != 0 || loop.Evidence.ReturnRate != 0 {
		t.Errorf("loop members %v evidence %+v, want the ring with 40 leads that went nowhere", m, loop.Evidence)
	}
	if m := sorted(ids(cluster.Members)); !slices.Equal(m, gids(p.ClusterIDs())) || cluster.Subject == nil || cluster.Subject.ID != bizID(p.BoostedID()) {
		t.Errorf("cluster members %v subject %+v, want the cluster and the boosted business", m, cluster.Subject)
	}
	if e := cluster.Evidence; e.Trusters == nil || *e.Trusters != 5 || e.ClusterShare == nil || *e.ClusterShare != 1 || e.RecentMembers != 0 {
		t.Errorf("cluster evidence %+v", e)
	}
	if clique.ID == loop.ID {
		t.Errorf("clique and loop of the same ring share the id %s", clique.ID)
	}

	t.Run("pages", func(t *testing.T) {
		var cursor *string
		var seen []string
		for range 3 {
			var page suspiciousAnswer
			ok(t, s.do(t, admin, suspiciousQuery, map[string]any{"first": 1, "after": cursor}), &page)
			c := page.SuspiciousGroups
			if len(c.Edges) != 1 || c.PageInfo.HasPreviousPage != (cursor != nil) {
				t.Fatalf("page after %v: %+v", cursor, c)
			}
			seen = append(seen, c.Edges[0].Node.ID)
			cursor = c.PageInfo.EndCursor
			if last := len(seen) == 3; c.PageInfo.HasNextPage == last {
				t.Errorf("page %d: hasNextPage %v", len(seen), c.PageInfo.HasNextPage)
			}
		}
		if want := []string{clique.ID, loop.ID, cluster.ID}; !slices.Equal(seen, want) {
			t.Errorf("pages gave %v, want %v", seen, want)
		}
	})
	t.Run("kind", func(t *testing.T) {
		var only suspiciousAnswer
		ok(t, s.do(t, admin, suspiciousQuery, map[string]any{"kind": "ONE_CLUSTER_TRUST"}), &only)
		if e := only.SuspiciousGroups.Edges; len(e) != 1 || e[0].Node.ID != cluster.ID {
			t.Errorf("ONE_CLUSTER_TRUST only: %+v", e)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, c := range []struct {
			vars  map[string]any
			field string
		}{
			{map[string]any{"after": "bm90IGEgY3Vyc29y"}, "after"},
			{map[string]any{"first": 0}, "first"},
			{map[string]any{"first": 101}, "first"},
		} {
			if r := s.do(t, admin, suspiciousQuery, c.vars); r.code() != "BAD_USER_INPUT" || r.field() != c.field {
				t.Errorf("%v: got %s %q, want BAD_USER_INPUT %q", c.vars, r.code(), r.field(), c.field)
			}
		}
	})
	t.Run("members are forbidden", func(t *testing.T) {
		if r := s.do(t, s.token(t, "user-dave", auth.Member), suspiciousQuery, nil); r.code() != "FORBIDDEN" {
			t.Errorf("as Dave's owner: got %q %s, want FORBIDDEN", r.code(), r.Data)
		}
	})
}

// TestSuspiciousGroupsExampleNoFalseAlarm: on the example network as seeded, an admin gets no
// suspicious group.
func TestSuspiciousGroupsExampleNoFalseAlarm(t *testing.T) {
	s := newTestServer(t)
	var got suspiciousAnswer
	ok(t, s.do(t, s.token(t, "root", auth.Admin), suspiciousQuery, nil), &got)
	if e := got.SuspiciousGroups.Edges; len(e) != 0 || got.SuspiciousGroups.PageInfo.HasNextPage {
		t.Errorf("want no group, got %+v", got.SuspiciousGroups)
	}
}
