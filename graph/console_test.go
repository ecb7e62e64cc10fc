package graph_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/auth"
)

const neighbourhoodQuery = `query($id: ID!, $depth: Int, $max: Int, $filter: NeighbourhoodFilter) {
  neighbourhood(businessId: $id, depth: $depth, maxNodes: $max, filter: $filter) {
    center truncated
    nodes { id name sector services city verified suspended trustReceived hops }
    trust { from to score weight overridden }
    partnerships { a b status }
  }
}`

type neighbourhoodAnswer struct {
	Neighbourhood struct {
		Center    string
		Truncated bool
		Nodes     []struct {
			ID, Name            string
			Sector, City        *string
			Services            []string
			Verified, Suspended bool
			TrustReceived       float64
			Hops                int
		}
		Trust []struct {
			From, To      string
			Score, Weight float64
			Overridden    bool
		}
		Partnerships []struct{ A, B, Status string }
	}
}

// TestNeighbourhoodThroughTheAPI asks for Dave's neighbourhood as an admin, through the HTTP
// handler on both stores: his partner Mike with their active partnership, an admin's override
// of Dave's trust marked as one, the node cap, and bad input with its codes and fields.
func TestNeighbourhoodThroughTheAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		s := newTestServerOn(t, open)
		admin := s.token(t, "root", auth.Admin)
		dave, mike, metro := bizID("daves-collision"), bizID("mikes-tyre"), bizID("metro-collision")
		ok(t, s.do(t, admin, `mutation($f: ID!, $t: ID!) { setTrust(input: {fromId: $f, toId: $t, score: 0.2}) { trust { source } } }`,
			map[string]any{"f": dave, "t": metro}), &struct{}{})

		var got neighbourhoodAnswer
		ok(t, s.do(t, admin, neighbourhoodQuery, map[string]any{"id": dave}), &got)
		n := got.Neighbourhood
		if n.Center != dave || len(n.Nodes) < 3 || n.Nodes[0].ID != dave || n.Nodes[0].Hops != 0 || n.Truncated {
			t.Fatalf("neighbourhood %+v: want Dave first, his neighbours after, not truncated", n)
		}
		if d := n.Nodes[0]; d.Name != "Dave's Collision" || d.Sector == nil || !slices.Contains(d.Services, "collision-repair") || d.City == nil || d.TrustReceived <= 0 {
			t.Errorf("Dave's node %+v", d)
		}
		if !slices.ContainsFunc(n.Partnerships, func(p struct{ A, B, Status string }) bool {
			return p.Status == "ACTIVE" && ((p.A == dave && p.B == mike) || (p.A == mike && p.B == dave))
		}) {
			t.Errorf("no active partnership of Dave and Mike in %+v", n.Partnerships)
		}
		overrides := 0
		for _, e := range n.Trust {
			if e.Overridden {
				overrides++
				if e.From != dave || e.To != metro || math.Abs(e.Score-0.2) > 1.0/254 {
					t.Errorf("override %+v: want Dave → Metro at 0.2", e)
				}
			}
		}
		if overrides != 1 {
			t.Errorf("%d overridden edges, want 1 (the admin's): %+v", overrides, n.Trust)
		}

		ok(t, s.do(t, admin, neighbourhoodQuery, map[string]any{"id": dave, "depth": 2, "max": 2}), &got)
		if len(got.Neighbourhood.Nodes) != 2 || !got.Neighbourhood.Truncated {
			t.Errorf("capped at 2: %d nodes, truncated %v", len(got.Neighbourhood.Nodes), got.Neighbourhood.Truncated)
		}

		for _, c := range []struct {
			name       string
			vars       map[string]any
			code, fild string
		}{
			{"depth 3", map[string]any{"id": dave, "depth": 3}, "BAD_USER_INPUT", "depth"},
			{"too many nodes", map[string]any{"id": dave, "max": 5001}, "BAD_USER_INPUT", "maxNodes"},
			{"unknown service", map[string]any{"id": dave, "filter": map[string]any{"service": "no-such"}}, "BAD_USER_INPUT", "filter.service"},
			{"a network id that is not one", map[string]any{"id": dave, "filter": map[string]any{"networkId": mike}}, "BAD_USER_INPUT", "filter.networkId"},
			{"not a business id", map[string]any{"id": gid("Network", "springfield-chamber")}, "BAD_USER_INPUT", "businessId"},
			{"no such business", map[string]any{"id": bizID("nobody")}, "NOT_FOUND", ""},
		} {
			if r := s.do(t, admin, neighbourhoodQuery, c.vars); r.code() != c.code || r.field() != c.fild {
				t.Errorf("%s: got %s %q, want %s %q", c.name, r.code(), r.field(), c.code, c.fild)
			}
		}
	})
}

// TestComplementMatrixThroughTheAPI: an admin's setComplement shows as the curated weight of
// its cell, beside the learned one, on both stores.
func TestComplementMatrixThroughTheAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		s := newTestServerOn(t, open)
		admin := s.token(t, "root", auth.Admin)
		ok(t, s.do(t, admin, `mutation { setComplement(input: {from: "tyres", to: "towing", weight: 0.3}) { complement { weight } } }`, nil), &struct{}{})
		var got struct {
			ComplementMatrix struct {
				Services []struct{ Slug string }
				Cells    []struct {
					From, To         string
					Curated, Learned *float64
					Effective        float64
				}
			}
		}
		ok(t, s.do(t, admin, `{ complementMatrix { services { slug } cells { from to curated learned effective } } }`, nil), &got)
		m := got.ComplementMatrix
		if !slices.ContainsFunc(m.Services, func(s struct{ Slug string }) bool { return s.Slug == "towing" }) {
			t.Errorf("services %+v: no towing", m.Services)
		}
		found := false
		for _, c := range m.Cells {
			if c.Curated == nil && c.Learned == nil {
				t.Errorf("cell %+v has no weight", c)
			}
			if c.From == "tyres" && c.To == "towing" {
				found = c.Curated != nil && *c.Curated == 0.3 && (c.Learned != nil || c.Effective == 0.3)
			}
		}
		if !found {
			t.Errorf("no tyres → towing cell with the curated 0.3 in %+v", m.Cells)
		}
	})
}

const healthQuery = `query($from: Time!, $to: Time!, $bucket: HealthBucket, $top: Int) {
  networkHealth(from: $from, to: $to, bucket: $bucket, top: $top) {
    from to bucket
    leads { start total offered accepted unroutable won lost }
    routingFailures { kind count }
    offers { made pending accepted declined expired withdrawn acceptanceRate }
    topReferrers { business { id name } leads won }
    topRecipients { business { id name } offers accepted }
  }
}`

type healthAnswer struct {
	NetworkHealth struct {
		From, To time.Time
		Bucket   string
		Leads    []struct {
			Start                                           time.Time
			Total, Offered, Accepted, Unroutable, Won, Lost int
		}
		RoutingFailures []struct {
			Kind  string
			Count int
		}
		Offers struct {
			Made, Pending, Accepted, Declined, Expired, Withdrawn int
			AcceptanceRate                                        *float64
		}
		TopReferrers []struct {
			Business   struct{ ID, Name string }
			Leads, Won int
		}
		TopRecipients []struct {
			Business         struct{ ID, Name string }
			Offers, Accepted int
		}
	}
}

// TestNetworkHealthThroughTheAPI: leads that Dave submits through the API, one accepted by its
// recipient, show in the health of the hour around now, on both stores; bad ranges are
// BAD_USER_INPUT naming the argument.
func TestNetworkHealthThroughTheAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		s := newTestServerOn(t, open)
		admin := s.token(t, "root", auth.Admin)
		now := time.Now().UTC()
		vars := map[string]any{"from": now.Add(-time.Hour).Truncate(time.Hour), "to": now.Add(2 * time.Hour).Truncate(time.Hour), "bucket": "HOUR", "top": 3}
		var before healthAnswer
		ok(t, s.do(t, admin, healthQuery, vars), &before)

		var first struct {
			SubmitLead struct {
				Lead struct {
					Offers []struct{ ID string }
				}
			}
		}
		ok(t, s.do(t, s.callerToken(t, owner), submitLead, leadInput("health-0001")), &first)
		ok(t, s.do(t, s.callerToken(t, owner), submitLead, leadInput("health-0002")), &struct{}{})
		if len(first.SubmitLead.Lead.Offers) != 1 {
			t.Fatalf("the first lead has offers %+v, want one", first.SubmitLead.Lead.Offers)
		}
		ok(t, s.do(t, s.token(t, "user-andy", auth.Member), `mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { status } } }`,
			map[string]any{"id": first.SubmitLead.Lead.Offers[0].ID}), &struct{}{})

		var after healthAnswer
		ok(t, s.do(t, admin, healthQuery, vars), &after)
		a, b := after.NetworkHealth, before.NetworkHealth
		if len(a.Leads) != 3 || a.Bucket != "HOUR" || !a.Leads[0].Start.Equal(vars["from"].(time.Time)) {
			t.Fatalf("buckets %+v, want 3 hours from %v", a.Leads, vars["from"])
		}
		sum := func(h healthAnswer) (total, offered, accepted int) {
			for _, l := range h.NetworkHealth.Leads {
				total, offered, accepted = total+l.Total, offered+l.Offered, accepted+l.Accepted
			}
			return
		}
		at, ao, aa := sum(after)
		bt, bo, ba := sum(before)
		if at-bt != 2 || ao-bo != 1 || aa-ba != 1 {
			t.Errorf("leads %d→%d, offered %d→%d, accepted %d→%d: want two more, one offered and one accepted", bt, at, bo, ao, ba, aa)
		}
		if a.Offers.Made-b.Offers.Made != 2 || a.Offers.Accepted-b.Offers.Accepted != 1 || a.Offers.AcceptanceRate == nil {
			t.Errorf("offers %+v then %+v: want two more made, one more accepted", b.Offers, a.Offers)
		}
		if len(a.TopReferrers) == 0 || a.TopReferrers[0].Business.ID != bizID("daves-collision") || a.TopReferrers[0].Business.Name != "Dave's Collision" {
			t.Errorf("top referrers %+v: want Dave's first", a.TopReferrers)
		}
		if len(a.TopRecipients) == 0 || a.TopRecipients[0].Accepted < 1 || a.TopRecipients[0].Business.Name == "" {
			t.Errorf("top recipients %+v: want one that accepted first", a.TopRecipients)
		}

		for _, c := range []struct {
			name  string
			vars  map[string]any
			field string
		}{
			{"to before from", map[string]any{"from": now, "to": now.Add(-time.Hour)}, "to"},
			{"too many buckets", map[string]any{"from": now, "to": now.Add(2000 * time.Hour), "bucket": "HOUR"}, "to"},
			{"top 0", map[string]any{"from": now, "to": now.Add(time.Hour), "top": 0}, "top"},
		} {
			if r := s.do(t, admin, healthQuery, c.vars); r.code() != "BAD_USER_INPUT" || r.field() != c.field {
				t.Errorf("%s: got %s %q, want BAD_USER_INPUT %q", c.name, r.code(), r.field(), c.field)
			}
		}
	})
}

// TestTrustOverrideAudit: an admin's setTrust on a business the admin does not own is an
// override (source ADMIN) that records who made it and when; admins read that back on the
// edge, members get null; the owner setting the edge again takes the override back. Both
// stores.
func TestTrustOverrideAudit(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		s := newTestServerOn(t, open)
		admin, owner := s.token(t, "root", auth.Admin), s.callerToken(t, owner)
		dave, metro := bizID("daves-collision"), bizID("metro-collision")
		const set = `mutation($f: ID!, $t: ID!, $score: Float!) { setTrust(input: {fromId: $f, toId: $t, score: $score}) { trust { source setBy updatedAt } } }`
		const read = `query($id: ID!) { trustEdges(businessId: $id) { edges { node { to { id } score source setBy updatedAt } } } }`
		type edge struct {
			To        struct{ ID string }
			Score     float64
			Source    string
			SetBy     *string
			UpdatedAt time.Time
		}
		var answer struct {
			TrustEdges struct{ Edges []struct{ Node edge } }
		}
		find := func(token string) edge {
			t.Helper()
			ok(t, s.do(t, token, read, map[string]any{"id": dave}), &answer)
			for _, e := range answer.TrustEdges.Edges {
				if e.Node.To.ID == metro {
					return e.Node
				}
			}
			t.Fatalf("no edge from Dave to Metro in %+v", answer.TrustEdges.Edges)
			return edge{}
		}
		before := time.Now().Add(-time.Second)
		var set1 struct {
			SetTrust struct{ Trust edge }
		}
		ok(t, s.do(t, admin, set, map[string]any{"f": dave, "t": metro, "score": 0.15}), &set1)
		if tr := set1.SetTrust.Trust; tr.Source != "ADMIN" || tr.SetBy == nil || *tr.SetBy != "root" || tr.UpdatedAt.Before(before) {
			t.Errorf("the override's payload %+v: want source ADMIN set by root now", tr)
		}
		if e := find(admin); e.Source != "ADMIN" || e.SetBy == nil || *e.SetBy != "root" || e.Score != 0.15 {
			t.Errorf("as an admin: %+v, want the override by root", e)
		}
		if e := find(owner); e.Source != "ADMIN" || e.SetBy != nil {
			t.Errorf("as Dave's owner: %+v, want the override without who made it", e)
		}
		ok(t, s.do(t, owner, set, map[string]any{"f": dave, "t": metro, "score": 0.5}), &struct{}{})
		if e := find(admin); e.Source != "MEMBER" || e.SetBy == nil || *e.SetBy != "user-dave" || e.Score != 0.5 {
			t.Errorf("after the owner set it: %+v, want MEMBER by user-dave", e)
		}
	})
}
