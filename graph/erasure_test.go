package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/coder/websocket/wsjson"

	"github.com/partnergraph/partnergraph/auth"
)

// What leadInput tells of its customer, and the distance to the customer in the offers'
// reasons: no response, stream or export may hold it once the lead is erased.
var leadInputPII = []string{"Pat Driver", "555 0142", "pat@example.com", "rear-ended at a light", "km from the customer"}

func wantNoLeadPII(t *testing.T, what string, data []byte) {
	t.Helper()
	for _, pii := range leadInputPII {
		if strings.Contains(string(data), pii) {
			t.Fatalf("%s holds %q after erasure: %s", what, pii, data)
		}
	}
}

const eraseLead = `mutation($id: ID!) { eraseLeadCustomer(input: {leadId: $id}) { lead { id status notes erasedAt erasedBy customer { name } location { lat lng } } } }`

// TestEraseLeadCustomer: Dave erases the customer data of a lead he referred while its offer
// to Andy is pending; Andy, a recipient, may not erase it, accepts it, sees the tombstone and
// no customer, wins it, and the commission and ledger are as for any lead; neither queries,
// subscriptions nor the export show the customer again.
func TestEraseLeadCustomer(t *testing.T) {
	forEachStore(t, testEraseLeadCustomer)
}

func testEraseLeadCustomer(t *testing.T, open storeOpener) {
	s := newTestServerOn(t, open)
	dave, andy := s.token(t, "user-dave", auth.Member), s.token(t, "user-andy", auth.Member)
	var sub struct {
		SubmitLead struct {
			Lead struct {
				ID     string
				Offers []struct {
					ID       string
					Business struct{ Name string }
				}
			}
		}
	}
	ok(t, s.do(t, dave, submitLead, leadInput("erase-lead-0001")), &sub)
	lead := sub.SubmitLead.Lead
	if len(lead.Offers) != 1 || lead.Offers[0].Business.Name != "Andy's Attorney Services" {
		t.Fatalf("the lead did not go to Andy: %+v", lead)
	}
	leadID := map[string]any{"id": lead.ID}

	// Who may not erase it, and what they are told.
	for _, c := range []struct{ who, token, code string }{
		{"anonymous", "", "UNAUTHENTICATED"},
		{"Andy, a recipient", andy, "FORBIDDEN"},
		{"an outsider", s.token(t, "user-harper-cole-law", auth.Member), "NOT_FOUND"},
		{"Dave's intake form", s.token(t, "web-form", auth.Intake, "daves-collision"), "NOT_FOUND"},
	} {
		if r := s.do(t, c.token, eraseLead, leadID); r.code() != c.code || !nullData(r.Data) {
			t.Fatalf("%s erasing: %s, %+v; want %s", c.who, r.Data, r.Errors, c.code)
		}
	}
	customerQ := `query($id: ID!) { lead(id: $id) { status notes erasedAt erasedBy customer { name phone email } consent { text } offers { status reasons } commission { amount } } }`
	if r := s.do(t, dave, customerQ, leadID); !strings.Contains(string(r.Data), "Pat Driver") || strings.Contains(string(r.Data), `"erasedAt":"`) {
		t.Fatalf("a refused erasure erased the lead: %s %+v", r.Data, r.Errors)
	}

	type erased struct {
		EraseLeadCustomer struct {
			Lead struct {
				ID, Status, Notes string
				ErasedAt          string
				ErasedBy          *string
				Customer          *struct{ Name string }
				Location          struct{ Lat, Lng float64 }
			}
		}
	}
	var first, second erased
	r := s.do(t, dave, eraseLead, leadID)
	ok(t, r, &first)
	wantNoLeadPII(t, "the erasure's payload", r.Data)
	got := first.EraseLeadCustomer.Lead
	if got.Status != "OFFERED" || got.Notes != "" || got.Customer != nil || got.ErasedAt == "" ||
		got.ErasedBy == nil || *got.ErasedBy != "user-dave" || got.Location.Lat != 39.8 || got.Location.Lng != -89.65 {
		t.Fatalf("erased lead = %+v", got)
	}
	ok(t, s.do(t, dave, eraseLead, leadID), &second)
	if second.EraseLeadCustomer.Lead.ErasedAt != got.ErasedAt || *second.EraseLeadCustomer.Lead.ErasedBy != "user-dave" {
		t.Fatalf("erasing again moved the tombstone: %+v, then %+v", got, second.EraseLeadCustomer.Lead)
	}

	// Andy accepts the pending offer of the erased lead: he holds the lead, not the customer.
	var acc struct {
		AcceptLead struct {
			Offer struct {
				Status string
				Lead   struct {
					ErasedAt string
					ErasedBy *string
					Customer *struct{ Name string }
				}
			}
		}
	}
	r = s.do(t, andy, `mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { status lead { erasedAt erasedBy customer { name } } } } }`,
		map[string]any{"id": lead.Offers[0].ID})
	ok(t, r, &acc)
	if o := acc.AcceptLead.Offer; o.Status != "ACCEPTED" || o.Lead.Customer != nil || o.Lead.ErasedAt != got.ErasedAt || o.Lead.ErasedBy != nil {
		t.Fatalf("Andy accepting the erased lead: %s", r.Data)
	}
	var closed struct {
		CloseLead struct {
			Lead       struct{ Status string }
			Commission struct{ Amount string }
		}
	}
	ok(t, s.do(t, andy, `mutation($id: ID!) { closeLead(input: {leadId: $id, outcome: WON, value: "12000.00", currency: "USD"}) {
		lead { status } commission { amount } } }`, leadID), &closed)
	if closed.CloseLead.Lead.Status != "WON" || closed.CloseLead.Commission.Amount != "150.00" {
		t.Fatalf("closing the erased lead: %+v", closed)
	}
	var ledger struct {
		Ledger []struct {
			Partner          struct{ Name string }
			WonGiven         int
			CommissionEarned string
		}
	}
	ok(t, s.do(t, dave, `query($id: ID!) { ledger(businessId: $id) { partner { name } wonGiven commissionEarned } }`, map[string]any{"id": bizID("daves-collision")}), &ledger)
	if len(ledger.Ledger) != 1 || ledger.Ledger[0].WonGiven != 1 || ledger.Ledger[0].CommissionEarned != "150.00" {
		t.Fatalf("Dave's ledger after the erased lead was won: %+v", ledger)
	}

	// Every reader, as everyone who may read the lead.
	for who, token := range map[string]string{"Dave": dave, "Andy": andy, "an admin": s.token(t, "root", auth.Admin)} {
		r := s.do(t, token, customerQ, leadID)
		wantNoLeadPII(t, who+"'s lead query", r.Data)
		var q struct {
			Lead struct {
				ErasedAt   string
				Customer   *struct{ Name string }
				Commission *struct{ Amount string }
			}
		}
		ok(t, r, &q)
		if q.Lead.ErasedAt != got.ErasedAt || q.Lead.Customer != nil || q.Lead.Commission == nil {
			t.Fatalf("%s reads %s", who, r.Data)
		}
	}
	r = s.do(t, andy, `query($id: ID!) { inbox(businessId: $id) { edges { node { declineReason reasons lead { notes customer { name } } } } } }`, map[string]any{"id": bizID("andys-attorney")})
	wantNoLeadPII(t, "Andy's inbox", r.Data)

	// The subscriptions replay the lead without its customer.
	for _, c := range []struct{ token, query, business string }{
		{andy, `subscription($b: ID!) { leadOffers(businessId: $b) { status reasons lead { notes customer { name phone email } } } }`, "andys-attorney"},
		{dave, `subscription($b: ID!) { leadUpdates(businessId: $b) { status message lead { notes customer { name phone email } } } }`, "daves-collision"},
	} {
		ws, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		if m, err := initWS(t, ws, map[string]any{"Authorization": "Bearer " + c.token}); err != nil || m.Type != "connection_ack" {
			t.Fatalf("init: %+v %v", m, err)
		}
		wsjson.Write(context.Background(), ws, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
			"query": c.query, "variables": map[string]any{"b": bizID(c.business)}}})
		m, err := readMsg(t, ws)
		if err != nil || m.Type != "next" {
			t.Fatalf("subscription: %+v %v", m, err)
		}
		payload, _ := json.Marshal(m.Payload)
		if !strings.Contains(string(payload), `"customer":null`) {
			t.Fatalf("subscription replayed %s, want the lead without its customer", payload)
		}
		wantNoLeadPII(t, "a subscription", payload)
	}

	// The export (partnergraph export) holds no lead data at all.
	var b strings.Builder
	s.export(t, &b)
	wantNoLeadPII(t, "the export", []byte(b.String()))
}
