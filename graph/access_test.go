package graph_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/coder/websocket/wsjson"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

func gid(kind, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + id))
}

// The callers of the access matrix, all about Dave's Collision.
const (
	anonymous = "anonymous"
	other     = "member of another business"
	owner     = "owner"
	intake    = "intake"
	admin     = "admin"
)

var callers = []string{anonymous, other, owner, intake, admin}

func (s *testServer) callerToken(t *testing.T, caller string) string {
	switch caller {
	case other:
		return s.token(t, "user-treadright-tyres", auth.Member)
	case owner:
		return s.token(t, "user-dave", auth.Member)
	case intake:
		return s.token(t, "web-form", auth.Intake, "daves-collision")
	case admin:
		return s.token(t, "root", auth.Admin)
	}
	return ""
}

// TestAccessMatrix runs every query and mutation as each kind of caller and checks the
// outcome: "" for success, else the error code. Like the other tests of this file but CORS,
// it runs on SQLite, and on Neo4j when NEO4J_URI is set.
func TestAccessMatrix(t *testing.T) {
	forEachStore(t, testAccessMatrix)
}

func testAccessMatrix(t *testing.T, open storeOpener) {
	dave, mike := gid("Business", "daves-collision"), gid("Business", "mikes-tyre")
	const ownerOnly = "owner-only"
	const adminOnly = "admin-only"
	const public = "public"
	outcomes := map[string]map[string]string{
		public:            {anonymous: "", other: "", owner: "", intake: "", admin: ""},
		ownerOnly:         {anonymous: "UNAUTHENTICATED", other: "FORBIDDEN", owner: "", intake: "FORBIDDEN", admin: ""},
		adminOnly:         {anonymous: "UNAUTHENTICATED", other: "FORBIDDEN", owner: "FORBIDDEN", intake: "FORBIDDEN", admin: ""},
		"register":        {anonymous: "UNAUTHENTICATED", other: "", owner: "", intake: "FORBIDDEN", admin: ""},
		"submit":          {anonymous: "UNAUTHENTICATED", other: "FORBIDDEN", owner: "", intake: "", admin: ""},
		"private network": {anonymous: "NOT_FOUND", other: "NOT_FOUND", owner: "", intake: "NOT_FOUND", admin: ""},
		// Outsiders are not told that a partnership exists.
		"party": {anonymous: "UNAUTHENTICATED", other: "NOT_FOUND", owner: "", intake: "NOT_FOUND", admin: ""},
		// Dave is a recipient of the lead that Andy referred: he sees it but may not erase it.
		"erase": {anonymous: "UNAUTHENTICATED", other: "NOT_FOUND", owner: "FORBIDDEN", intake: "NOT_FOUND", admin: ""},
		// Asked for TreadRight's, about a lead of Andy's offered to Dave: TreadRight's owner is
		// not told that it exists (Andy never vouched for TreadRight), Dave's does not act for
		// TreadRight.
		"why not: another's lead": {anonymous: "UNAUTHENTICATED", other: "NOT_FOUND", owner: "FORBIDDEN", intake: "FORBIDDEN", admin: ""},
		// Nor that a webhook endpoint does.
		"webhook": {anonymous: "UNAUTHENTICATED", other: "NOT_FOUND", owner: "", intake: "NOT_FOUND", admin: ""},
	}
	hook := gid("Webhook", "wh-daves")
	ops := []struct {
		name, rule, query string
		vars              map[string]any
	}{
		{"viewer", public, `{ viewer { sub roles businesses { name } } }`, nil},
		{"node", public, `query($id: ID!) { node(id: $id) { id ... on Business { name } } }`, map[string]any{"id": dave}},
		{"business", public, `query($id: ID!) { business(id: $id) { name email phone services { slug } memberships { role } trustCounts { trusts } } }`, map[string]any{"id": dave}},
		{"businesses", public, `{ businesses(first: 5) { edges { node { name } } } }`, nil},
		{"services", public, `{ services { slug complements { weight to { slug } } } }`, nil},
		{"networks", public, `{ networks { edges { node { name } } } }`, nil},
		{"public network", public, `query($id: ID!) { network(id: $id) { name members(first: 3) { edges { node { role } } } } }`, map[string]any{"id": gid("Network", "springfield-chamber")}},
		{"private network", "private network", `query($id: ID!) { network(id: $id) { name } }`, map[string]any{"id": gid("Network", "main-street-referral-club")}},
		{"private network's members", "private network", `query($id: ID!) { network(id: $id) { members { edges { node { business { name } } } } } }`, map[string]any{"id": gid("Network", "main-street-referral-club")}},
		{"private network by node", "private network", `query($id: ID!) { node(id: $id) { ... on Network { name } } }`, map[string]any{"id": gid("Network", "main-street-referral-club")}},
		{"businesses of a private network", "private network", `query($id: ID!) { businesses(filter: {networkId: $id}) { edges { node { name } } } }`, map[string]any{"id": gid("Network", "main-street-referral-club")}},
		{"trustEdges", public, `query($id: ID!) { trustEdges(businessId: $id, direction: INCOMING) { edges { node { score } } } }`, map[string]any{"id": dave}},
		{"trust edge's setBy (null but for admins)", public, `query($id: ID!) { trustEdges(businessId: $id) { edges { node { setBy source updatedAt } } } }`, map[string]any{"id": dave}},
		{"partnerships", ownerOnly, `query($id: ID!) { partnerships(businessId: $id) { edges { node { status terms { amount percent } } } } }`, map[string]any{"id": dave}},
		{"partnership by node", "party", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": gid("Partnership", "p-daves-mikes")}},
		{"registerBusiness", "register", `mutation { registerBusiness(input: {name: "X", location: {lat: 1, lng: 1}}) { business { id } } }`, nil},
		{"updateBusiness", ownerOnly, `mutation($id: ID!) { updateBusiness(input: {id: $id, description: "new"}) { business { description } } }`, map[string]any{"id": dave}},
		{"setBusinessServices", ownerOnly, `mutation($id: ID!) { setBusinessServices(input: {businessId: $id, services: ["collision-repair", "towing"]}) { business { services { slug } } } }`, map[string]any{"id": dave}},
		{"createNetwork", ownerOnly, `mutation($id: ID!) { createNetwork(input: {name: "Dave's Club", organizerId: $id}) { network { id } } }`, map[string]any{"id": dave}},
		{"joinNetwork", ownerOnly, `mutation($b: ID!, $n: ID!) { joinNetwork(input: {businessId: $b, networkId: $n}) { membership { role } } }`, map[string]any{"b": dave, "n": gid("Network", "capital-city-home-alliance")}},
		{"leaveNetwork", ownerOnly, `mutation($b: ID!, $n: ID!) { leaveNetwork(input: {businessId: $b, networkId: $n}) { network { name } } }`, map[string]any{"b": dave, "n": gid("Network", "springfield-chamber")}},
		{"setTrust", ownerOnly, `mutation($f: ID!, $t: ID!) { setTrust(input: {fromId: $f, toId: $t, score: 0.4}) { trust { score } } }`, map[string]any{"f": dave, "t": gid("Business", "metro-collision")}},
		{"removeTrust", ownerOnly, `mutation($f: ID!, $t: ID!) { removeTrust(input: {fromId: $f, toId: $t}) { to { name } } }`, map[string]any{"f": dave, "t": mike}},
		{"proposePartnership", ownerOnly, `mutation($p: ID!, $q: ID!) { proposePartnership(input: {proposerId: $p, partnerId: $q, terms: {type: FLAT, amount: "10", currency: "USD"}}) { partnership { id } } }`, map[string]any{"p": dave, "q": gid("Business", "riverbend-barn")}},
		{"respondToPartnership", "party", `mutation($id: ID!) { respondToPartnership(input: {partnershipId: $id, accept: false}) { partnership { status } } }`, map[string]any{"id": gid("Partnership", "p-test-proposal")}},
		{"endPartnership", "party", `mutation($id: ID!) { endPartnership(input: {partnershipId: $id}) { partnership { status } } }`, map[string]any{"id": gid("Partnership", "p-daves-mikes")}},
		{"verifyBusiness", adminOnly, `mutation($id: ID!) { verifyBusiness(input: {businessId: $id, verified: false}) { business { verified } } }`, map[string]any{"id": dave}},
		{"suspendBusiness", adminOnly, `mutation($id: ID!) { suspendBusiness(input: {businessId: $id}) { business { status } } }`, map[string]any{"id": dave}},
		{"lead", "party", `query($id: ID!) { lead(id: $id) { status notes customer { name } offers { status } } }`, map[string]any{"id": gid("Lead", "placeholder-offered")}},
		{"inbox", ownerOnly, `query($id: ID!) { inbox(businessId: $id) { edges { node { status lead { customer { name } } } } } }`, map[string]any{"id": dave}},
		{"ledger", ownerOnly, `query($id: ID!) { ledger(businessId: $id) { leadsGiven commissionOwed } }`, map[string]any{"id": dave}},
		{"partnerSuggestions", ownerOnly, `query($id: ID!) { partnerSuggestions(businessId: $id) { score reasons } }`, map[string]any{"id": dave}},
		{"networkSuggestions", ownerOnly, `query($id: ID!) { networkSuggestions(businessId: $id) { score } }`, map[string]any{"id": dave}},
		{"submitLead", "submit", submitLead, leadInput("matrix-lead-0001")},
		{"acceptLead", "party", `mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { status } } }`, map[string]any{"id": "placeholder-offer"}},
		{"declineLead", "party", `mutation($id: ID!) { declineLead(input: {offerId: $id, reason: "busy"}) { offer { status } } }`, map[string]any{"id": "placeholder-offer"}},
		{"closeLead", "party", `mutation($id: ID!) { closeLead(input: {leadId: $id, outcome: LOST}) { lead { status } } }`, map[string]any{"id": gid("Lead", "placeholder-accepted")}},
		{"eraseLeadCustomer", "erase", `mutation($id: ID!) { eraseLeadCustomer(input: {leadId: $id}) { lead { erasedAt customer { name } } } }`, map[string]any{"id": gid("Lead", "placeholder-offered")}},
		{"eraseLeadCustomer of an accepted lead", "erase", `mutation($id: ID!) { eraseLeadCustomer(input: {leadId: $id}) { lead { erasedAt } } }`, map[string]any{"id": gid("Lead", "placeholder-accepted")}},
		{"lead's return", "party", `query($id: ID!) { lead(id: $id) { return { state reason } } }`, map[string]any{"id": gid("Lead", "placeholder-accepted")}},
		{"returnStats", public, `query($id: ID!) { business(id: $id) { returnStats { returnRate } } }`, map[string]any{"id": dave}},
		{"returns", adminOnly, `{ returns(state: REQUESTED) { edges { node { state } } } }`, nil},
		{"returnLead", "party", `mutation($id: ID!) { returnLead(input: {leadId: $id, reason: DUPLICATE}) { return { state } } }`, map[string]any{"id": gid("Lead", "placeholder-accepted")}},
		{"contestReturn", "party", `mutation($id: ID!) { contestReturn(input: {leadId: $id, note: "it was fine"}) { return { state } } }`, map[string]any{"id": gid("Lead", "placeholder-returned")}},
		{"decideReturn", adminOnly, `mutation($id: ID!) { decideReturn(input: {leadId: $id, decision: REJECT}) { return { state } } }`, map[string]any{"id": gid("Lead", "placeholder-returned")}},
		{"setComplement", adminOnly, `mutation { setComplement(input: {from: "tyres", to: "towing", weight: 0.3}) { complement { weight } } }`, nil},
		{"whyNotRouted (hypothetical)", ownerOnly, `query($id: ID!, $r: ID!) { whyNotRouted(input: {businessId: $id, hypothetical: {service: "collision-repair", location: {lat: 39.8, lng: -89.65}, referrerId: $r}}) { rule message remedies candidates { score } } }`, map[string]any{"id": dave, "r": gid("Business", "andys-attorney")}},
		{"whyNotRouted (a lead offered to the business)", ownerOnly, `query($id: ID!, $l: ID!) { whyNotRouted(input: {businessId: $id, leadId: $l}) { rule message } }`, map[string]any{"id": dave, "l": gid("Lead", "placeholder-offered")}},
		{"whyNotRouted (another's lead)", "why not: another's lead", `query($id: ID!, $l: ID!) { whyNotRouted(input: {businessId: $id, leadId: $l}) { rule message } }`, map[string]any{"id": gid("Business", "treadright-tyres"), "l": gid("Lead", "placeholder-offered")}},
		{"suspiciousGroups", adminOnly, `{ suspiciousGroups { edges { node { kind score members { name } evidence { density returnRate } } } } }`, nil},
		{"neighbourhood", adminOnly, `query($id: ID!) { neighbourhood(businessId: $id, depth: 2) { center truncated nodes { name sector } trust { score overridden } partnerships { status } } }`, map[string]any{"id": dave}},
		{"networkHealth", adminOnly, `{ networkHealth(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { leads { start total } routingFailures { kind count } offers { made acceptanceRate } topReferrers { business { name } leads } topRecipients { business { name } accepted } } }`, nil},
		{"complementMatrix", adminOnly, `{ complementMatrix { services { slug } cells { from to curated learned effective } } }`, nil},
		{"suggestionWeights", adminOnly, `{ suggestionWeights { fitted reason weights { signal weight } validationMode validationMRR bestSingleSignal fittedAt } }`, nil},
		{"revokeTokens", adminOnly, `mutation { revokeTokens(input: {subject: "user-mike"}) { revokedBefore } }`, nil},
		{"webhooks", ownerOnly, `query($id: ID!) { webhooks(businessId: $id) { edges { node { url events enabled deliveries { edges { node { eventId status } } } } } } }`, map[string]any{"id": dave}},
		{"every webhook", adminOnly, `{ webhooks { edges { node { url business { name } } } } }`, nil},
		{"webhook", "webhook", `query($id: ID!) { webhook(id: $id) { url deliveries { edges { node { attempts } } } } }`, map[string]any{"id": hook}},
		{"createWebhook", ownerOnly, `mutation($id: ID!) { createWebhook(input: {businessId: $id, url: "https://hooks.example.com/new", events: [OFFERS]}) { secret webhook { id } } }`, map[string]any{"id": dave}},
		{"updateWebhook", "webhook", `mutation($id: ID!) { updateWebhook(input: {id: $id, url: "https://hooks.example.com/moved"}) { webhook { url } } }`, map[string]any{"id": hook}},
		{"disableWebhook", "webhook", `mutation($id: ID!) { disableWebhook(input: {id: $id, reason: "maintenance"}) { webhook { enabled } } }`, map[string]any{"id": hook}},
		{"enableWebhook", "webhook", `mutation($id: ID!) { enableWebhook(input: {id: $id}) { webhook { enabled } } }`, map[string]any{"id": hook}},
		{"rotateWebhookSecret", "webhook", `mutation($id: ID!) { rotateWebhookSecret(input: {id: $id}) { secret } }`, map[string]any{"id": hook}},
		{"redeliverWebhook", "webhook", `mutation($id: ID!) { redeliverWebhook(input: {webhookId: $id, eventId: "offer_x"}) { webhook { id } } }`, map[string]any{"id": hook}},
		{"deleteWebhook", "webhook", `mutation($id: ID!) { deleteWebhook(input: {id: $id}) { id } }`, map[string]any{"id": hook}},
	}
	// A mutation that succeeds gets a fresh server; queries and refusals share one, which no
	// refusal may change: each is compared with the shared server's data as it was set up (a
	// fresh server and two exports for each of the 170 cases took half a minute under -race).
	setup := func(t *testing.T) (s *testServer, offered, offerID, accepted, returned string) {
		s = newTestServerOn(t, open)
		p := &partnergraph.Partnership{ID: "p-test-proposal", ProposerID: "keystone-realty", PartnerID: "daves-collision",
			Terms: partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 500, Currency: "USD"}}
		if err := s.store.CreatePartnership(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		offered, offerID, accepted = s.leadsForDave(t)
		s.webhookForDave(t)
		return s, offered, offerID, accepted, s.leadReturnedToDave(t)
	}
	shared, sharedOffered, sharedOfferID, sharedAccepted, sharedReturned := setup(t)
	sharedData := snapshot(t, shared)
	// The cases on the shared server run first: on Neo4j (Community edition, one database)
	// each fresh server wipes the database under the shared one.
	var freshCases []func()
	for _, op := range ops {
		for _, caller := range callers {
			want := outcomes[op.rule][caller]
			fresh := want == "" && strings.HasPrefix(op.query, "mutation")
			run := func() {
				t.Run(op.name+"/"+caller, func(t *testing.T) {
					s, offered, offerID, accepted, returned, before := shared, sharedOffered, sharedOfferID, sharedAccepted, sharedReturned, sharedData
					if fresh {
						s, offered, offerID, accepted, returned = setup(t)
					}
					vars := map[string]any{}
					for k, v := range op.vars {
						switch v {
						case gid("Lead", "placeholder-offered"):
							v = gid("Lead", offered)
						case gid("Lead", "placeholder-accepted"):
							v = gid("Lead", accepted)
						case gid("Lead", "placeholder-returned"):
							v = gid("Lead", returned)
						case "placeholder-offer":
							v = gid("Offer", offerID)
						}
						vars[k] = v
					}
					r := s.do(t, s.callerToken(t, caller), op.query, vars)
					if r.code() != want {
						t.Fatalf("code %q (%+v), want %q", r.code(), r.Errors, want)
					}
					if want != "" {
						if !nullData(r.Data) {
							t.Fatalf("refused, yet data came back: %s", r.Data)
						}
						if snapshot(t, s) != before {
							t.Fatal("a refused request changed the data")
						}
					}
				})
			}
			if fresh {
				freshCases = append(freshCases, run)
			} else {
				run()
			}
		}
	}
	for _, run := range freshCases {
		run()
	}
}

// nullData reports whether the response carries no data at all.
func nullData(data []byte) bool {
	s := strings.TrimSpace(string(data))
	if s == "" || s == "null" {
		return true
	}
	// A nullable root field comes back as {"field":null}.
	return strings.HasSuffix(s, ":null}") && strings.Count(s, ":") == 1
}

// TestPrivateFields checks that trust notes reach only the truster's owners and admins,
// whichever path of the schema asks for them.
func TestPrivateFields(t *testing.T) {
	forEachStore(t, testPrivateFields)
}

func testPrivateFields(t *testing.T, open storeOpener) {
	s := newTestServerOn(t, open)
	ctx := context.Background()
	trust := partnergraph.Trust{From: "daves-collision", To: "mikes-tyre", Score: 0.9, Note: "secret: his prices are negotiable"}
	if _, err := s.store.SetTrust(ctx, trust); err != nil {
		t.Fatal(err)
	}
	queries := []struct {
		name, query string
		vars        map[string]any
	}{
		{"outgoing", `query($id: ID!) { trustEdges(businessId: $id) { edges { node { note } } } }`, map[string]any{"id": gid("Business", "daves-collision")}},
		{"incoming", `query($id: ID!) { trustEdges(businessId: $id, direction: INCOMING) { edges { node { note } } } }`, map[string]any{"id": gid("Business", "mikes-tyre")}},
	}
	for _, q := range queries {
		for _, caller := range callers {
			t.Run(q.name+"/"+caller, func(t *testing.T) {
				r := s.do(t, s.callerToken(t, caller), q.query, q.vars)
				leaked := strings.Contains(string(r.Data), "secret:")
				maySee := caller == owner || caller == admin
				if leaked != maySee {
					t.Fatalf("note visible: %v, want %v", leaked, maySee)
				}
			})
		}
	}
}

// TestSuspendedOwner checks that the owner of a suspended business can no longer act for it.
func TestSuspendedOwner(t *testing.T) {
	forEachStore(t, testSuspendedOwner)
}

func testSuspendedOwner(t *testing.T, open storeOpener) {
	s := newTestServerOn(t, open)
	status := partnergraph.BusinessSuspended
	if _, err := s.store.UpdateBusiness(context.Background(), "daves-collision", partnergraph.BusinessPatch{Status: &status}); err != nil {
		t.Fatal(err)
	}
	r := s.do(t, s.callerToken(t, owner), `mutation($f: ID!, $t: ID!) { setTrust(input: {fromId: $f, toId: $t, score: 0.4}) { trust { score } } }`,
		map[string]any{"f": gid("Business", "daves-collision"), "t": gid("Business", "metro-collision")})
	if r.code() != "FORBIDDEN" {
		t.Fatalf("suspended owner setting trust: %+v", r.Errors)
	}
}

// leadsForDave makes (once per server) two leads that Andy's Attorney Services refers to
// Dave's Collision: one still offered, one that Dave accepted.
func (s *testServer) leadsForDave(t *testing.T) (offered, offerID, accepted string) {
	t.Helper()
	mk := func(key string) (string, string) {
		l := &partnergraph.Lead{IdempotencyKey: key, ReferrerID: "andys-attorney", ServiceID: "collision-repair",
			Location: partnergraph.Point{Lat: 39.80, Lng: -89.65},
			Customer: partnergraph.Customer{Name: "Sam Client", Email: "sam@example.com"},
			Consent:  partnergraph.Consent{Text: "Sam agreed to be referred to a body shop.", GivenAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}}
		l, _, err := s.leads.Submit(context.Background(), l)
		if err != nil {
			t.Fatal(err)
		}
		offers, err := s.store.OffersOfLead(context.Background(), l.ID)
		if err != nil || len(offers) == 0 || offers[0].BusinessID != "daves-collision" {
			t.Fatalf("the lead from Andy did not go to Dave first: %+v %v", offers, err)
		}
		return l.ID, offers[0].ID
	}
	offered, offerID = mk("matrix-offered-0001")
	accepted, acceptedOffer := mk("matrix-accepted-0001")
	if o, err := s.store.Offer(context.Background(), acceptedOffer); err == nil && o.Status == partnergraph.OfferPending {
		if _, err := s.leads.Accept(context.Background(), acceptedOffer); err != nil {
			t.Fatal(err)
		}
	}
	return offered, offerID, accepted
}

// leadReturnedToDave makes a lead that Dave's Collision refers, Andy's Attorney Services
// accepts and returns: Dave may contest the return.
func (s *testServer) leadReturnedToDave(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	l := &partnergraph.Lead{IdempotencyKey: "matrix-returned-0001", ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney",
		Location: partnergraph.Point{Lat: 39.80, Lng: -89.65},
		Customer: partnergraph.Customer{Name: "Pat Client", Email: "pat@example.com"},
		Consent:  partnergraph.Consent{Text: "Pat agreed to be referred to an attorney.", GivenAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}}
	l, _, err := s.leads.Submit(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	offers, err := s.store.OffersOfLead(ctx, l.ID)
	if err != nil || len(offers) == 0 {
		t.Fatalf("Dave's lead was not offered: %+v %v", offers, err)
	}
	if _, err := s.leads.Accept(ctx, offers[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.leads.Return(ctx, l.ID, partnergraph.ReturnUnreachable, "", "user-andy"); err != nil {
		t.Fatal(err)
	}
	return l.ID
}

// TestSubscriptionAccess runs both subscriptions as each kind of caller, over websockets.
func TestSubscriptionAccess(t *testing.T) {
	forEachStore(t, testSubscriptionAccess)
}

func testSubscriptionAccess(t *testing.T, open storeOpener) {
	s := newTestServerOn(t, open)
	s.leadsForDave(t)
	// Dave refers a lead too, so that his feed of lead updates has something to replay.
	ok(t, s.do(t, s.callerToken(t, owner), submitLead, leadInput("sub-matrix-0001")), &struct{}{})
	want := map[string]string{anonymous: "UNAUTHENTICATED", other: "FORBIDDEN", owner: "", intake: "FORBIDDEN", admin: ""}
	subs := map[string]string{
		"leadOffers":  `subscription($b: ID!) { leadOffers(businessId: $b) { cursor status } }`,
		"leadUpdates": `subscription($b: ID!) { leadUpdates(businessId: $b) { cursor status } }`,
	}
	for name, query := range subs {
		for _, caller := range callers {
			t.Run(name+"/"+caller, func(t *testing.T) {
				c, err := s.dialWS(t, "")
				if err != nil {
					t.Fatal(err)
				}
				payload := map[string]any{}
				if tok := s.callerToken(t, caller); tok != "" {
					payload["Authorization"] = "Bearer " + tok
				}
				if m, err := initWS(t, c, payload); err != nil || m.Type != "connection_ack" {
					t.Fatalf("init: %+v %v", m, err)
				}
				wsjson.Write(context.Background(), c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
					"query": query, "variables": map[string]any{"b": gid("Business", "daves-collision")}}})
				m, err := readMsg(t, c)
				if err != nil {
					t.Fatal(err)
				}
				if want[caller] == "" {
					if m.Type != "next" || strings.Contains(string(m.Payload), `"errors"`) {
						t.Fatalf("got %s %s, want the replayed feed", m.Type, m.Payload)
					}
					return
				}
				// gqlgen sends a refused subscription as one result with errors and no data.
				var res response
				json.Unmarshal(m.Payload, &res)
				if res.code() != want[caller] || !nullData(res.Data) {
					t.Fatalf("got %s %s, want only an error %s", m.Type, m.Payload, want[caller])
				}
			})
		}
	}
}

// TestCustomerVisibility: a lead's customer details reach its referrer's owners, the owners of
// the business that accepted it, and admins; nobody else, before or after it is accepted.
func TestCustomerVisibility(t *testing.T) {
	forEachStore(t, testCustomerVisibility)
}

func testCustomerVisibility(t *testing.T, open storeOpener) {
	s := newTestServerOn(t, open)
	offered, _, accepted := s.leadsForDave(t) // referred by Andy's Attorney Services to Dave's Collision
	q := `query($id: ID!) { lead(id: $id) { customer { name email } consent { text } } }`
	andy := s.token(t, "user-andy", auth.Member)
	cases := []struct {
		who, token string
		lead       string
		sees       bool
	}{
		{"referrer, offered", andy, offered, true},
		{"referrer, accepted", andy, accepted, true},
		{"recipient before accepting", s.callerToken(t, owner), offered, false},
		{"recipient after accepting", s.callerToken(t, owner), accepted, true},
		{"admin", s.callerToken(t, admin), offered, true},
		{"member of another business", s.callerToken(t, other), accepted, false},
		{"intake for the recipient", s.callerToken(t, intake), accepted, false},
		{"anonymous", "", accepted, false},
	}
	for _, c := range cases {
		t.Run(c.who, func(t *testing.T) {
			r := s.do(t, c.token, q, map[string]any{"id": gid("Lead", c.lead)})
			got := strings.Contains(string(r.Data), "sam@example.com") || strings.Contains(string(r.Data), "Sam agreed")
			if got != c.sees {
				t.Fatalf("sees the customer: %v, want %v (%s %+v)", got, c.sees, r.Data, r.Errors)
			}
		})
	}
}

// TestCORS: only configured origins get CORS headers; there is never a wildcard.
func TestCORS(t *testing.T) {
	s := newTestServer(t)
	for _, c := range []struct {
		origin string
		allow  bool
	}{{"https://app.example", true}, {"https://evil.example", false}} {
		req, _ := http.NewRequest(http.MethodOptions, s.url+"/graphql", nil)
		req.Header.Set("Origin", c.origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got := res.Header.Get("Access-Control-Allow-Origin")
		if (got == c.origin) != c.allow || got == "*" {
			t.Fatalf("origin %s: Access-Control-Allow-Origin %q", c.origin, got)
		}
	}
}

// TestPrivateNetworkMembership: every path of the schema that can show who belongs to a
// private network (the Main Street Referral Club: Andy's Attorney Services organizes it, Dave's
// Collision and Keystone Realty are members) answers as network(id) does: its members' owners
// and admins see it; anonymous callers, intake tokens and the owners of other businesses learn
// nothing, not even that it exists.
func TestPrivateNetworkMembership(t *testing.T) {
	forEachStore(t, testPrivateNetworkMembership)
}

func testPrivateNetworkMembership(t *testing.T, open storeOpener) {
	s := newTestServerOn(t, open)
	club := gid("Network", "main-street-referral-club")
	const name = "Main Street Referral Club"
	// own is the business each caller asks suggestions for: its own, or Dave's for callers
	// who have none.
	own := map[string]string{anonymous: "daves-collision", other: "treadright-tyres", owner: "daves-collision",
		intake: "daves-collision", admin: "daves-collision"}
	members := map[string]bool{owner: true, admin: true}
	paths := []struct {
		name, query string
		vars        func(caller string) map[string]any
		// hidden is the error code an outsider gets ("" when the private part is left out).
		hidden string
		// seen says whether a member's answer shows the private network: false for paths that
		// must never show it, to anyone.
		seen bool
		// shows tells whether an answer shows the club; revealsClub when nil.
		shows func(r response) bool
	}{
		{"businesses by network", `query($n: ID!) { businesses(filter: {networkId: $n}, first: 50) { edges { node { name } } } }`,
			func(string) map[string]any { return map[string]any{"n": club} }, "NOT_FOUND", true,
			func(r response) bool { return strings.Contains(string(r.Data), "Keystone Realty") }},
		{"business memberships", `query($b: ID!) { business(id: $b) { memberships { role network { id name } } } }`,
			func(string) map[string]any { return map[string]any{"b": gid("Business", "keystone-realty")} }, "", true, nil},
		{"network members", `query($n: ID!) { network(id: $n) { name members(first: 50) { edges { node { business { name } } } } } }`,
			func(string) map[string]any { return map[string]any{"n": club} }, "NOT_FOUND", true, nil},
		{"node", `query($n: ID!) { node(id: $n) { ... on Network { name members { edges { node { business { name } } } } } } }`,
			func(string) map[string]any { return map[string]any{"n": club} }, "NOT_FOUND", true, nil},
		{"networks page", `{ networks(first: 2) { edges { cursor node { name } } pageInfo { startCursor endCursor hasNextPage } } }`,
			func(string) map[string]any { return nil }, "", true, nil},
		{"partner suggestions' reasons", `query($b: ID!) { partnerSuggestions(businessId: $b, first: 50) { business { name } reasons components { signal value } } }`,
			func(c string) map[string]any { return map[string]any{"b": gid("Business", own[c])} }, "", true, nil},
		{"network suggestions", `query($b: ID!) { networkSuggestions(businessId: $b, first: 50) { network { name } members reasons } }`,
			func(c string) map[string]any { return map[string]any{"b": gid("Business", own[c])} }, "", false, nil},
	}
	for _, p := range paths {
		for _, caller := range callers {
			t.Run(p.name+"/"+caller, func(t *testing.T) {
				r := s.do(t, s.callerToken(t, caller), p.query, p.vars(caller))
				shows := revealsClub(r, name)
				if p.shows != nil {
					shows = p.shows(r)
				}
				if members[caller] {
					if r.code() != "" || shows != p.seen {
						t.Fatalf("a member's caller: shows the club %v, want %v (%s %+v)", shows, p.seen, r.Data, r.Errors)
					}
					return
				}
				if shows {
					t.Fatalf("an outsider sees the club: %s %+v", r.Data, r.Errors)
				}
				// Suggestions are refused to outsiders of the business anyway.
				if strings.Contains(p.name, "suggestions") && own[caller] == "daves-collision" {
					return
				}
				if r.code() != p.hidden {
					t.Fatalf("code %q (%+v), want %q", r.code(), r.Errors, p.hidden)
				}
			})
		}
	}

	// Paging through the networks one at a time, an outsider gets every public network, each
	// page full, and a member gets the club too.
	t.Run("networks one by one", func(t *testing.T) {
		for caller, want := range map[string]int{anonymous: 4, other: 4, owner: 5, admin: 5} {
			var names []string
			var after any
			for range 10 {
				r := s.do(t, s.callerToken(t, caller), `query($a: String) { networks(first: 1, after: $a) { edges { node { name } } pageInfo { endCursor hasNextPage } } }`,
					map[string]any{"a": after})
				if caller != owner && caller != admin && revealsClub(r, name) {
					t.Fatalf("%s sees the club: %s", caller, r.Data)
				}
				var got struct {
					Networks struct {
						Edges    []struct{ Node struct{ Name string } }
						PageInfo struct {
							EndCursor   string
							HasNextPage bool
						}
					}
				}
				ok(t, r, &got)
				if len(got.Networks.Edges) != 1 {
					t.Fatalf("%s: page %d holds %d networks, want 1", caller, len(names)+1, len(got.Networks.Edges))
				}
				names = append(names, got.Networks.Edges[0].Node.Name)
				if !got.Networks.PageInfo.HasNextPage {
					break
				}
				after = got.Networks.PageInfo.EndCursor
			}
			if len(names) != want {
				t.Fatalf("%s pages through %q, want %d networks", caller, names, want)
			}
		}
	})
	// An outsider cannot tell the private network from one that does not exist.
	t.Run("unknown network", func(t *testing.T) {
		q := `query($n: ID!) { businesses(filter: {networkId: $n}) { edges { node { name } } } }`
		private := s.do(t, "", q, map[string]any{"n": club})
		missing := s.do(t, "", q, map[string]any{"n": gid("Network", "no-such-club")})
		if private.code() != missing.code() || private.field() != missing.field() || string(private.Data) != string(missing.Data) {
			t.Fatalf("private: %s %+v; missing: %s %+v", private.Data, private.Errors, missing.Data, missing.Errors)
		}
	})
	// Leaving (or joining) a private network one cannot see is NOT_FOUND, not a hint that the
	// business is not a member.
	t.Run("leave as an outsider", func(t *testing.T) {
		r := s.do(t, s.callerToken(t, other), `mutation($b: ID!, $n: ID!) { leaveNetwork(input: {businessId: $b, networkId: $n}) { network { name } } }`,
			map[string]any{"b": gid("Business", "treadright-tyres"), "n": club})
		if r.code() != "NOT_FOUND" || !nullData(r.Data) {
			t.Fatalf("got %s %+v, want NOT_FOUND", r.Data, r.Errors)
		}
	})
	// (Last: on Neo4j, its server wipes the database under the test's first one.)
	// More private networks than one store read holds, ahead of every public one by name: the
	// page still fills with public networks.
	t.Run("many private networks first", func(t *testing.T) {
		s := newTestServerOn(t, open)
		for i := range 2*partnergraph.MaxPageSize + 10 {
			n := &partnergraph.Network{Name: fmt.Sprintf("Aardvark Club %03d", i), Visibility: partnergraph.Private}
			if err := s.store.CreateNetwork(context.Background(), n, ""); err != nil {
				t.Fatal(err)
			}
		}
		var got struct {
			Networks struct {
				Edges    []struct{ Node struct{ Name string } }
				PageInfo struct{ HasNextPage bool }
			}
		}
		r := s.do(t, "", `{ networks(first: 2) { edges { cursor node { name } } pageInfo { startCursor endCursor hasNextPage } } }`, nil)
		ok(t, r, &got)
		if len(got.Networks.Edges) != 2 || got.Networks.Edges[0].Node.Name != "Capital City Home Alliance" || !got.Networks.PageInfo.HasNextPage ||
			strings.Contains(string(r.Data), "Aardvark") {
			t.Fatalf("got %s", r.Data)
		}
	})
}

// revealsClub reports whether a response's data shows the private network: its name, its id,
// or a cursor that holds either (cursors are base64 of JSON, readable by anyone). Error
// messages may echo the id the caller sent.
func revealsClub(r response, name string) bool {
	texts := []string{string(r.Data)}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "=")); err == nil {
				texts = append(texts, string(b))
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var data any
	json.Unmarshal(r.Data, &data)
	walk(data)
	for _, s := range texts {
		if strings.Contains(s, name) || strings.Contains(s, "main-street-referral-club") {
			return true
		}
	}
	return false
}

// webhookForDave gives Dave's Collision the disabled endpoint wh-daves, with one delivery in its
// log (of event offer_x): the test records the attempt under the server's own holder name, and
// the endpoint, disabled then, changes only by what the test does.
func (s *testServer) webhookForDave(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	w := &partnergraph.Webhook{ID: "wh-daves", BusinessID: "daves-collision", URL: "https://127.0.0.1:1/never-reached",
		Events: []partnergraph.WebhookEvent{partnergraph.WebhookOffers}, Secret: partnergraph.NewWebhookSecret()}
	if err := s.store.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	claimed, err := s.store.ClaimWebhooks(ctx, testHolder, time.Hour, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim the endpoint: %v, %v", claimed, err)
	}
	a := partnergraph.WebhookAttempt{WebhookID: w.ID, EventID: "offer_x", Event: partnergraph.WebhookOffers, Seq: w.OfferCursor + 1,
		OK: true, StatusCode: 200, At: time.Now()}
	if err := s.store.RecordWebhookAttempt(ctx, testHolder, a); err != nil {
		t.Fatal(err)
	}
	off := false
	if _, err := s.store.UpdateWebhook(ctx, w.ID, partnergraph.WebhookPatch{Enabled: &off, DisabledReason: "set up disabled"}); err != nil {
		t.Fatal(err)
	}
}
