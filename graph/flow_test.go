package graph_test

import (
	"testing"

	"github.com/partnergraph/partnergraph/auth"
)

// TestNewMemberSession walks what a new user does first: find businesses near Dave's
// Collision, register a business, trust a neighbour, propose a partnership that the other
// side accepts, and see each change.
func TestNewMemberSession(t *testing.T) {
	s := newTestServer(t)

	var near struct {
		Businesses struct {
			Edges []struct {
				Node struct{ ID, Name string }
			}
		}
	}
	ok(t, s.do(t, "", `query($lat: Float!, $lng: Float!) {
		businesses(filter: {near: {lat: $lat, lng: $lng, radiusKm: 5}}, first: 50) { edges { node { id name } } }
	}`, map[string]any{"lat": 39.8017, "lng": -89.6436}), &near)
	if len(near.Businesses.Edges) < 5 {
		t.Fatalf("only %d businesses within 5 km of Dave's", len(near.Businesses.Edges))
	}
	for _, e := range near.Businesses.Edges {
		if e.Node.Name == "Capital Tyre & Wheel" {
			t.Fatalf("a Capital City business is listed within 5 km of Springfield")
		}
	}

	tina := s.token(t, "user-tina", auth.Member)
	var reg struct {
		RegisterBusiness struct {
			Business struct {
				ID       string
				Name     string
				Status   string
				Services []struct{ Slug string }
			}
		}
	}
	ok(t, s.do(t, tina, `mutation($in: RegisterBusinessInput!) {
		registerBusiness(input: $in) { business { id name status services { slug } } }
	}`, map[string]any{"in": map[string]any{
		"name": "Tina's Tyres", "location": map[string]any{"lat": 39.80, "lng": -89.65},
		"city": "Springfield", "country": "US", "services": []string{"tyres"},
	}}), &reg)
	tinas := reg.RegisterBusiness.Business
	if tinas.Status != "ACTIVE" || len(tinas.Services) != 1 || tinas.Services[0].Slug != "tyres" {
		t.Fatalf("registered %+v", tinas)
	}

	var viewer struct {
		Viewer struct {
			Businesses []struct{ ID string }
		}
	}
	ok(t, s.do(t, tina, `{ viewer { businesses { id } } }`, nil), &viewer)
	if len(viewer.Viewer.Businesses) != 1 || viewer.Viewer.Businesses[0].ID != tinas.ID {
		t.Fatalf("viewer owns %+v, want the new business", viewer.Viewer.Businesses)
	}

	dave := bizID("daves-collision")
	ok(t, s.do(t, tina, `mutation($in: SetTrustInput!) { setTrust(input: $in) { trust { score note source from { name } to { name } } } }`,
		map[string]any{"in": map[string]any{"fromId": tinas.ID, "toId": dave, "score": 0.7, "note": "met at the chamber"}}), &struct{}{})
	var edges struct {
		TrustEdges struct {
			Edges []struct {
				Node struct {
					Score float64
					Note  *string
					To    struct{ Name string }
				}
			}
		}
	}
	q := `query($id: ID!) { trustEdges(businessId: $id) { edges { node { score note to { name } } } } }`
	ok(t, s.do(t, tina, q, map[string]any{"id": tinas.ID}), &edges)
	if len(edges.TrustEdges.Edges) != 1 || edges.TrustEdges.Edges[0].Node.To.Name != "Dave's Collision" || edges.TrustEdges.Edges[0].Node.Note == nil {
		t.Fatalf("Tina's trust edges = %+v", edges)
	}
	// The note is Tina's private remark: others see the edge but not the note.
	ok(t, s.do(t, "", q, map[string]any{"id": tinas.ID}), &edges)
	if edges.TrustEdges.Edges[0].Node.Note != nil {
		t.Fatal("an anonymous caller sees a trust note")
	}

	var proposed struct {
		ProposePartnership struct {
			Partnership struct {
				ID     string
				Status string
				Terms  struct {
					Type     string
					Amount   *string
					Currency string
				}
			}
		}
	}
	ok(t, s.do(t, tina, `mutation($in: ProposePartnershipInput!) {
		proposePartnership(input: $in) { partnership { id status terms { type amount currency } } }
	}`, map[string]any{"in": map[string]any{"proposerId": tinas.ID, "partnerId": dave,
		"terms": map[string]any{"type": "FLAT", "amount": "75.5", "currency": "USD"}, "message": "tyres for your customers?"}}), &proposed)
	p := proposed.ProposePartnership.Partnership
	if p.Status != "PROPOSED" || p.Terms.Amount == nil || *p.Terms.Amount != "75.50" {
		t.Fatalf("proposed %+v", p)
	}

	respond := `mutation($id: ID!) { respondToPartnership(input: {partnershipId: $id, accept: true}) { partnership { status respondedAt } } }`
	// Tina cannot accept her own proposal; Dave can.
	if r := s.do(t, tina, respond, map[string]any{"id": p.ID}); r.code() != "FORBIDDEN" {
		t.Fatalf("proposer accepting: %+v", r.Errors)
	}
	var accepted struct {
		RespondToPartnership struct {
			Partnership struct {
				Status      string
				RespondedAt *string
			}
		}
	}
	ok(t, s.do(t, s.token(t, "user-dave", auth.Member), respond, map[string]any{"id": p.ID}), &accepted)
	if accepted.RespondToPartnership.Partnership.Status != "ACTIVE" || accepted.RespondToPartnership.Partnership.RespondedAt == nil {
		t.Fatalf("accepted = %+v", accepted)
	}
	var list struct {
		Partnerships struct {
			Edges []struct {
				Node struct {
					Status  string
					Partner struct{ Name string }
				}
			}
		}
	}
	ok(t, s.do(t, tina, `query($id: ID!) { partnerships(businessId: $id, status: ACTIVE) { edges { node { status partner { name } } } } }`,
		map[string]any{"id": tinas.ID}), &list)
	if len(list.Partnerships.Edges) != 1 || list.Partnerships.Edges[0].Node.Partner.Name != "Dave's Collision" {
		t.Fatalf("Tina's active partnerships = %+v", list)
	}
}
