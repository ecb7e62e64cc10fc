package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket/wsjson"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/server"
)

const (
	returnLeadMutation   = `mutation($in: ReturnLeadInput!) { returnLead(input: $in) { created return { state reason note requestedBy requestedAt contestBy recipient { name } } } }`
	contestReturnMut     = `mutation($in: ContestReturnInput!) { contestReturn(input: $in) { return { state contestedBy contestNote } } }`
	decideReturnMutation = `mutation($in: DecideReturnInput!) { decideReturn(input: $in) {
		return { state decidedBy decisionNote reversal { amount currency reason payer { name } payee { name } } }
		lead { status commission { status amount } } } }`
	leadReturnQuery = `query($id: ID!) { lead(id: $id) { status reason commission { status amount }
		return { state reason note requestedBy contestedBy contestNote decidedBy decidedAt } } }`
)

// leadToAndy has Dave's Collision submit a lead that Andy's Attorney accepts; won, it is
// closed as WON for $2,000 (their partnership owes Dave $150). It returns the lead's API id.
func leadToAndy(t *testing.T, s *testServer, key string, won bool) string {
	t.Helper()
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
	ok(t, s.do(t, dave, submitLead, leadInput(key)), &sub)
	l := sub.SubmitLead.Lead
	if len(l.Offers) != 1 || l.Offers[0].Business.Name != "Andy's Attorney Services" {
		t.Fatalf("the lead went to %+v, want Andy's Attorney Services", l.Offers)
	}
	ok(t, s.do(t, andy, `mutation($o: ID!) { acceptLead(input: {offerId: $o}) { offer { status } } }`, map[string]any{"o": l.Offers[0].ID}), &struct{}{})
	if won {
		var closed struct {
			CloseLead struct {
				Commission struct{ Amount, Status string }
			}
		}
		ok(t, s.do(t, andy, `mutation($l: ID!) { closeLead(input: {leadId: $l, outcome: WON, value: "2000.00", currency: "USD"}) { commission { amount status } } }`,
			map[string]any{"l": l.ID}), &closed)
		if closed.CloseLead.Commission.Amount != "150.00" || closed.CloseLead.Commission.Status != "OWED" {
			t.Fatalf("commission on close = %+v", closed.CloseLead.Commission)
		}
	}
	return l.ID
}

// TestReturnDisputeJourney: Andy returns a lead he won, Dave contests, an admin accepts the
// return: the ledger shows the reversal as its own line and the commission reads VOID; each
// step is refused to those it does not belong to, and each step repeated is the same step.
func TestReturnDisputeJourney(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		s := newTestServerOn(t, open)
		dave, andy := s.token(t, "user-dave", auth.Member), s.token(t, "user-andy", auth.Member)
		mike, admin := s.token(t, "user-mike", auth.Member), s.token(t, "admin-1", auth.Admin)
		leadID := leadToAndy(t, s, "return-journey-1", true)

		in := map[string]any{"in": map[string]any{"leadId": leadID, "reason": "UNREACHABLE", "note": "three calls, no answer"}}
		if r := s.do(t, mike, returnLeadMutation, in); r.code() != "NOT_FOUND" {
			t.Fatalf("Mike (no part in the lead) returns it: %+v", r.Errors)
		}
		if r := s.do(t, dave, returnLeadMutation, in); r.code() != "FORBIDDEN" {
			t.Fatalf("Dave (the referrer) returns it: %+v", r.Errors)
		}
		long := map[string]any{"in": map[string]any{"leadId": leadID, "reason": "UNREACHABLE", "note": strings.Repeat("x", 2001)}}
		if r := s.do(t, andy, returnLeadMutation, long); r.code() != "BAD_USER_INPUT" || r.field() != "input.note" {
			t.Fatalf("a note too long: %+v", r.Errors)
		}
		type returned struct {
			ReturnLead struct {
				Created bool
				Return  struct {
					State, Reason, Note, RequestedBy, RequestedAt, ContestBy string
					Recipient                                                struct{ Name string }
				}
			}
		}
		var first, again returned
		ok(t, s.do(t, andy, returnLeadMutation, in), &first)
		r := first.ReturnLead.Return
		if !first.ReturnLead.Created || r.State != "REQUESTED" || r.Reason != "UNREACHABLE" || r.RequestedBy != "user-andy" ||
			r.Recipient.Name != "Andy's Attorney Services" {
			t.Fatalf("returnLead = %+v", first)
		}
		ok(t, s.do(t, andy, returnLeadMutation, in), &again)
		if again.ReturnLead.Created || again.ReturnLead.Return != r {
			t.Fatalf("returnLead again = %+v, want %+v not created", again, r)
		}
		other := map[string]any{"in": map[string]any{"leadId": leadID, "reason": "DUPLICATE"}}
		if res := s.do(t, andy, returnLeadMutation, other); res.code() != "CONFLICT" {
			t.Fatalf("another return of the same lead: %+v", res.Errors)
		}

		// Dave's lead updates tell him of the return while he can contest it.
		c, err := s.dialWS(t, "")
		if err != nil {
			t.Fatal(err)
		}
		if m, err := initWS(t, c, map[string]any{"Authorization": "Bearer " + dave}); err != nil || m.Type != "connection_ack" {
			t.Fatalf("init: %+v %v", m, err)
		}
		wsjson.Write(context.Background(), c, map[string]any{"id": "updates", "type": "subscribe", "payload": map[string]any{
			"query": `subscription($b: ID!) { leadUpdates(businessId: $b) { status message lead { id } } }`, "variables": map[string]any{"b": bizID("daves-collision")},
		}})
		for {
			m, err := readMsg(t, c)
			if err != nil || m.Type != "next" {
				t.Fatalf("Dave's lead updates: %+v %v", m, err)
			}
			var ev struct {
				Data struct {
					LeadUpdates struct {
						Status, Message string
						Lead            struct{ ID string }
					}
				}
			}
			if err := json.Unmarshal(m.Payload, &ev); err != nil {
				t.Fatal(err)
			}
			if u := ev.Data.LeadUpdates; u.Lead.ID == leadID && strings.HasPrefix(u.Message, "returned by andys-attorney (UNREACHABLE); contest before ") {
				if u.Status != "WON" {
					t.Fatalf("the return's event = %+v", u)
				}
				break
			}
		}
		c.CloseNow()

		contest := map[string]any{"in": map[string]any{"leadId": leadID, "note": "they answered me"}}
		if res := s.do(t, andy, contestReturnMut, contest); res.code() != "FORBIDDEN" {
			t.Fatalf("Andy contests his own return: %+v", res.Errors)
		}
		var contested struct {
			ContestReturn struct {
				Return struct{ State, ContestedBy, ContestNote string }
			}
		}
		ok(t, s.do(t, dave, contestReturnMut, contest), &contested)
		if c := contested.ContestReturn.Return; c.State != "CONTESTED" || c.ContestedBy != "user-dave" || c.ContestNote != "they answered me" {
			t.Fatalf("contestReturn = %+v", c)
		}

		decide := map[string]any{"in": map[string]any{"leadId": leadID, "decision": "ACCEPT", "note": "the call log shows no answer"}}
		if res := s.do(t, dave, decideReturnMutation, decide); res.code() != "FORBIDDEN" {
			t.Fatalf("Dave decides: %+v", res.Errors)
		}
		var decided struct {
			DecideReturn struct {
				Return struct {
					State, DecidedBy, DecisionNote string
					Reversal                       struct {
						Amount, Currency, Reason string
						Payer, Payee             struct{ Name string }
					}
				}
				Lead struct {
					Status     string
					Commission struct{ Status, Amount string }
				}
			}
		}
		ok(t, s.do(t, admin, decideReturnMutation, decide), &decided)
		d := decided.DecideReturn
		if d.Return.State != "ACCEPTED" || d.Return.DecidedBy != "admin-1" || d.Return.Reversal.Amount != "150.00" ||
			d.Return.Reversal.Payer.Name != "Andy's Attorney Services" || d.Return.Reversal.Payee.Name != "Dave's Collision" ||
			d.Lead.Status != "WON" || d.Lead.Commission.Status != "VOID" || d.Lead.Commission.Amount != "150.00" {
			t.Fatalf("decideReturn = %+v", d)
		}
		var decidedAgain struct {
			DecideReturn struct {
				Return struct{ State, DecidedBy string }
			}
		}
		ok(t, s.do(t, s.token(t, "admin-2", auth.Admin), decideReturnMutation, decide), &decidedAgain)
		if got := decidedAgain.DecideReturn.Return; got.State != "ACCEPTED" || got.DecidedBy != "admin-1" {
			t.Fatalf("deciding again = %+v, want the first decision", got)
		}
		reject := map[string]any{"in": map[string]any{"leadId": leadID, "decision": "REJECT"}}
		if res := s.do(t, admin, decideReturnMutation, reject); res.code() != "CONFLICT" {
			t.Fatalf("rejecting an accepted return: %+v", res.Errors)
		}

		// Both parties see the return on the lead, with who did each step.
		for _, who := range []string{dave, andy, admin} {
			var got struct {
				Lead struct {
					Status     string
					Commission struct{ Status string }
					Return     struct{ State, RequestedBy, ContestedBy, DecidedBy, DecidedAt string }
				}
			}
			ok(t, s.do(t, who, leadReturnQuery, map[string]any{"id": leadID}), &got)
			if rr := got.Lead.Return; rr.State != "ACCEPTED" || rr.RequestedBy != "user-andy" || rr.ContestedBy != "user-dave" ||
				rr.DecidedBy != "admin-1" || rr.DecidedAt == "" || got.Lead.Commission.Status != "VOID" {
				t.Fatalf("the lead as one party sees it: %+v", got.Lead)
			}
		}

		// The ledger keeps the commission's line and adds the reversal's.
		type line struct {
			Partner                          struct{ Name string }
			CommissionOwed, CommissionEarned string
			Currency                         string
			Reversal                         bool
		}
		var ledger struct{ Ledger []line }
		ok(t, s.do(t, dave, `query($b: ID!) { ledger(businessId: $b) { partner { name } commissionOwed commissionEarned currency reversal } }`,
			map[string]any{"b": bizID("daves-collision")}), &ledger)
		var andys []line
		for _, l := range ledger.Ledger {
			if l.Partner.Name == "Andy's Attorney Services" {
				andys = append(andys, l)
			}
		}
		if len(andys) != 2 || andys[0].CommissionEarned != "150.00" || andys[0].Reversal ||
			andys[1].CommissionEarned != "-150.00" || !andys[1].Reversal || andys[1].Currency != "USD" {
			t.Fatalf("Dave's ledger lines with Andy = %+v, want the commission's and the reversal's", andys)
		}

		// Admins see the referrer's return rate and the returns by state; members do not.
		statsQuery := `query($b: ID!) { node(id: $b) { ... on Business { returnStats { acceptedLeads returns returnsAccepted returnRate } } } }`
		var stats struct {
			Node struct {
				ReturnStats *struct {
					AcceptedLeads, Returns, ReturnsAccepted int
					ReturnRate                              float64
				}
			}
		}
		ok(t, s.do(t, admin, statsQuery, map[string]any{"b": bizID("daves-collision")}), &stats)
		if st := stats.Node.ReturnStats; st == nil || st.AcceptedLeads != 1 || st.Returns != 1 || st.ReturnsAccepted != 1 || st.ReturnRate != 1 {
			t.Fatalf("Dave's returnStats for an admin = %+v", st)
		}
		stats.Node.ReturnStats = nil
		ok(t, s.do(t, mike, statsQuery, map[string]any{"b": bizID("daves-collision")}), &stats)
		if stats.Node.ReturnStats != nil {
			t.Fatalf("Mike sees Dave's returnStats: %+v", stats.Node.ReturnStats)
		}
		listQuery := `query { returns(state: ACCEPTED) { edges { node { lead { id } state } } } }`
		var list struct {
			Returns struct {
				Edges []struct {
					Node struct {
						Lead  struct{ ID string }
						State string
					}
				}
			}
		}
		ok(t, s.do(t, admin, listQuery, nil), &list)
		if len(list.Returns.Edges) != 1 || list.Returns.Edges[0].Node.Lead.ID != leadID {
			t.Fatalf("returns(ACCEPTED) = %+v", list.Returns)
		}
		if res := s.do(t, dave, listQuery, nil); res.code() != "FORBIDDEN" {
			t.Fatalf("a member lists returns: %+v", res.Errors)
		}
	})
}

// TestUncontestedReturnAccepted: a return that the referrer does not contest within the
// window is accepted by the server's loop; the accepted lead, not closed yet, closes as LOST
// and can no longer be won.
func TestUncontestedReturnAccepted(t *testing.T) {
	forEachStore(t, testUncontestedReturnAccepted)
}

func testUncontestedReturnAccepted(t *testing.T, open storeOpener) {
	h := newHardServerOn(t, open, func(c *server.Config) {
		c.ExpiryInterval = 50 * time.Millisecond
		c.Returns = partnergraph.Windows{Contest: 500 * time.Millisecond}
	})
	s := h.testServer
	andy := s.token(t, "user-andy", auth.Member)
	leadID := leadToAndy(t, s, "return-uncontested-1", false)
	ok(t, s.do(t, andy, returnLeadMutation, map[string]any{"in": map[string]any{"leadId": leadID, "reason": "WRONG_SERVICE"}}), &struct{}{})

	deadline := time.Now().Add(15 * time.Second)
	for {
		var got struct {
			Lead struct {
				Status, Reason string
				Return         struct{ State, DecidedBy string }
			}
		}
		ok(t, s.do(t, andy, leadReturnQuery, map[string]any{"id": leadID}), &got)
		if got.Lead.Return.State == "ACCEPTED" {
			// The query reads the lead before its return, so the accept may have committed
			// between the two reads: read both again, now that the return is decided.
			ok(t, s.do(t, andy, leadReturnQuery, map[string]any{"id": leadID}), &got)
			if got.Lead.Return.DecidedBy != partnergraph.AutoDecider || got.Lead.Status != "LOST" || got.Lead.Reason == "" {
				t.Fatalf("the lead after its uncontested return = %+v", got.Lead)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the uncontested return was not accepted: %+v", got.Lead)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if r := s.do(t, andy, `mutation($l: ID!) { closeLead(input: {leadId: $l, outcome: WON, value: "10.00", currency: "USD"}) { lead { status } } }`,
		map[string]any{"l": leadID}); r.code() != "CONFLICT" {
		t.Fatalf("closing a returned lead: %+v", r.Errors)
	}
	text := h.metrics(t)
	for _, want := range []string{`partnergraph_lead_returns_total{reason="WRONG_SERVICE"} 1`, `partnergraph_lead_return_moves_total{state="ACCEPTED"} 1`} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
