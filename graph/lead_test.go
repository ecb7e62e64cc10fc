package graph_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket/wsjson"

	"github.com/partnergraph/partnergraph/auth"
)

const submitLead = `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { created lead { id status reason offers { id business { name } } } } }`

func leadInput(key string) map[string]any {
	return map[string]any{"in": map[string]any{
		"referrerId": bizID("daves-collision"), "service": "personal-injury-attorney",
		"location": map[string]any{"lat": 39.80, "lng": -89.65},
		"customer": map[string]any{"name": "Pat Driver", "phone": "+1 217 555 0142", "email": "pat@example.com"},
		"consent":  map[string]any{"text": "Pat agreed that Dave's Collision shares these details with one attorney.", "givenAt": "2026-11-20T10:00:00Z"},
		"notes":    "rear-ended at a light, neck pain", "idempotencyKey": key,
	}}
}

// TestLeadJourney is the marketplace's promise on the example network: a lead that Dave's
// Collision submits for a personal-injury attorney reaches Andy's Attorney Services through
// its subscription with the trust path, is accepted, closed as won, and the commission shows
// in both ledgers; the customer's details reach Andy only once he accepts.
func TestLeadJourney(t *testing.T) {
	s := newTestServer(t)
	dave, andy := s.token(t, "user-dave", auth.Member), s.token(t, "user-andy", auth.Member)

	// Andy subscribes to his inbox over graphql-transport-ws.
	c, err := s.dialWS(t, "")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := initWS(t, c, map[string]any{"Authorization": "Bearer " + andy}); err != nil || m.Type != "connection_ack" {
		t.Fatalf("init: %+v %v", m, err)
	}
	wsjson.Write(context.Background(), c, map[string]any{"id": "inbox", "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($b: ID!) { leadOffers(businessId: $b) { id cursor rank pathTrust reasons path { name } status lead { notes customer { name } } } }`,
		"variables": map[string]any{"b": bizID("andys-attorney")},
	}})

	var sub struct {
		SubmitLead struct {
			Created bool
			Lead    struct {
				ID, Status string
				Offers     []struct{ ID string }
			}
		}
	}
	ok(t, s.do(t, dave, submitLead, leadInput("dave-lead-0001")), &sub)
	if !sub.SubmitLead.Created || sub.SubmitLead.Lead.Status != "OFFERED" {
		t.Fatalf("submit: %+v", sub)
	}
	// The same key again: the same lead, not a new one.
	var again struct {
		SubmitLead struct {
			Created bool
			Lead    struct{ ID string }
		}
	}
	ok(t, s.do(t, dave, submitLead, leadInput("dave-lead-0001")), &again)
	if again.SubmitLead.Created || again.SubmitLead.Lead.ID != sub.SubmitLead.Lead.ID {
		t.Fatalf("retry: %+v", again)
	}

	m, err := readMsg(t, c)
	if err != nil || m.Type != "next" {
		t.Fatalf("subscription: %+v %v", m, err)
	}
	var next struct {
		Data struct {
			LeadOffers struct {
				ID, Cursor, Status string
				PathTrust          float64
				Reasons            []string
				Path               []struct{ Name string }
				Lead               struct {
					Notes    string
					Customer *struct{ Name string }
				}
			}
		}
	}
	json.Unmarshal(m.Payload, &next)
	offer := next.Data.LeadOffers
	if offer.Status != "PENDING" || offer.PathTrust <= 0 || len(offer.Path) < 2 || offer.Path[0].Name != "Dave's Collision" ||
		offer.Path[len(offer.Path)-1].Name != "Andy's Attorney Services" || !strings.HasPrefix(offer.Reasons[0], "via ") {
		t.Fatalf("offer = %+v", offer)
	}
	if offer.Lead.Customer != nil {
		t.Fatal("the customer's details reach the recipient before it accepts")
	}

	customerQ := `query($id: ID!) { lead(id: $id) { status customer { name phone } } }`
	leadID := map[string]any{"id": sub.SubmitLead.Lead.ID}
	if r := s.do(t, s.token(t, "user-harper-cole-law", auth.Member), customerQ, leadID); r.code() != "NOT_FOUND" {
		t.Fatalf("an outsider reads the lead: %+v", r.Errors)
	}

	var acc struct {
		AcceptLead struct{ Offer struct{ Status string } }
	}
	ok(t, s.do(t, andy, `mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { status } } }`, map[string]any{"id": offer.ID}), &acc)
	if acc.AcceptLead.Offer.Status != "ACCEPTED" {
		t.Fatalf("accept: %+v", acc)
	}
	var seen struct {
		Lead struct {
			Status   string
			Customer *struct{ Name, Phone string }
		}
	}
	ok(t, s.do(t, andy, customerQ, leadID), &seen)
	if seen.Lead.Customer == nil || seen.Lead.Customer.Phone != "+1 217 555 0142" {
		t.Fatalf("Andy, having accepted, sees %+v", seen)
	}

	var closed struct {
		CloseLead struct {
			Lead       struct{ Status, Value string }
			Commission struct {
				Amount, Currency string
				Payee            struct{ Name string }
			}
		}
	}
	ok(t, s.do(t, andy, `mutation($id: ID!) { closeLead(input: {leadId: $id, outcome: WON, value: "12000.00", currency: "USD"}) {
		lead { status value } commission { amount currency payee { name } } } }`, leadID), &closed)
	if closed.CloseLead.Lead.Status != "WON" || closed.CloseLead.Commission.Amount != "150.00" || closed.CloseLead.Commission.Payee.Name != "Dave's Collision" {
		t.Fatalf("close: %+v", closed)
	}

	ledger := `query($id: ID!) { ledger(businessId: $id) { partner { name } leadsGiven leadsReceived acceptedGiven acceptedReceived wonGiven wonReceived commissionOwed commissionEarned currency } }`
	type line struct {
		Partner                                          struct{ Name string }
		LeadsGiven, LeadsReceived, WonGiven, WonReceived int
		AcceptedGiven, AcceptedReceived                  int
		CommissionOwed, CommissionEarned, Currency       string
	}
	var daveLedger, andyLedger struct{ Ledger []line }
	ok(t, s.do(t, dave, ledger, map[string]any{"id": bizID("daves-collision")}), &daveLedger)
	ok(t, s.do(t, andy, ledger, map[string]any{"id": bizID("andys-attorney")}), &andyLedger)
	if len(daveLedger.Ledger) != 1 || daveLedger.Ledger[0].CommissionEarned != "150.00" || daveLedger.Ledger[0].WonGiven != 1 || daveLedger.Ledger[0].AcceptedGiven != 1 {
		t.Fatalf("Dave's ledger = %+v", daveLedger)
	}
	if len(andyLedger.Ledger) != 1 || andyLedger.Ledger[0].CommissionOwed != "150.00" || andyLedger.Ledger[0].WonReceived != 1 || andyLedger.Ledger[0].AcceptedReceived != 1 {
		t.Fatalf("Andy's ledger = %+v", andyLedger)
	}
}

func TestLeadErrorsAndIntake(t *testing.T) {
	s := newTestServer(t)
	intake := s.token(t, "web-form", auth.Intake, "daves-collision")
	var sub struct {
		SubmitLead struct{ Created bool }
	}
	ok(t, s.do(t, intake, submitLead, leadInput("web-form-0001")), &sub)
	if !sub.SubmitLead.Created {
		t.Fatal("the intake token could not submit for its business")
	}
	otherIntake := s.token(t, "web-form", auth.Intake, "mikes-tyre")
	if r := s.do(t, otherIntake, submitLead, leadInput("web-form-0002")); r.code() != "FORBIDDEN" {
		t.Fatalf("intake for another business: %+v", r.Errors)
	}
	dave := s.token(t, "user-dave", auth.Member)
	changed := leadInput("web-form-0001")
	changed["in"].(map[string]any)["notes"] = "something else"
	// The conflict names the field as every other error of the mutation does (DESIGN.md, API
	// conventions): by its path from the argument, input.idempotencyKey.
	if r := s.do(t, dave, submitLead, changed); r.code() != "CONFLICT" || r.field() != "input.idempotencyKey" {
		t.Fatalf("same key, other input: want CONFLICT on input.idempotencyKey, got %q %q %+v", r.code(), r.field(), r.Errors)
	}
	bad := []struct {
		edit  func(in map[string]any)
		field string
	}{
		{func(in map[string]any) { in["customer"] = map[string]any{"name": "Pat"} }, "input.customer.email"},
		{func(in map[string]any) { in["customer"] = map[string]any{"name": "Pat", "email": "nope"} }, "input.customer.email"},
		{func(in map[string]any) {
			in["consent"] = map[string]any{"text": "ok", "givenAt": "2026-11-20T10:00:00Z"}
		}, "input.consent.text"},
		{func(in map[string]any) { in["idempotencyKey"] = "short" }, "input.idempotencyKey"},
		{func(in map[string]any) { in["service"] = "unicorns" }, "input.service"},
		{func(in map[string]any) { in["mode"] = "SHARED"; in["maxOffers"] = 9 }, "input.maxOffers"},
		{func(in map[string]any) {
			in["consent"] = map[string]any{"text": "Pat agreed to be referred.", "givenAt": "yesterday"}
		}, "input.consent.givenAt"},
	}
	for _, b := range bad {
		in := leadInput("bad-input-0001")
		b.edit(in["in"].(map[string]any))
		if r := s.do(t, dave, submitLead, in); r.code() != "BAD_USER_INPUT" || r.field() != b.field {
			t.Fatalf("want BAD_USER_INPUT on %s, got %q %q %+v", b.field, r.code(), r.field(), r.Errors)
		}
	}
}

// TestLeadUpdatesOverSSE follows a referrer's lead events with graphql-sse's distinct
// connections mode (text/event-stream).
func TestLeadUpdatesOverSSE(t *testing.T) {
	s := newTestServer(t)
	dave := s.token(t, "user-dave", auth.Member)
	body := `{"query":"subscription($b: ID!) { leadUpdates(businessId: $b) { cursor status message } }","variables":{"b":"` + bizID("daves-collision") + `"}}`
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+dave)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	ok(t, s.do(t, dave, submitLead, leadInput("sse-lead-0001")), &struct{}{})
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "data:") && strings.Contains(line, `"status":"OFFERED"`) {
			return
		}
	}
	t.Fatalf("no OFFERED event over SSE: %v", sc.Err())
}

// TestIntakeSubmitAnswer: an intake token does not see a lead's offers (they name the
// recipients), but its submitLead still says how many businesses the lead went to, so a web
// form can tell "sent" from "no recipient"; a retry under the key says the same.
func TestIntakeSubmitAnswer(t *testing.T) {
	s := newTestServer(t)
	intake := s.token(t, "web-form", auth.Intake, "daves-collision")
	const q = `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { created offeredTo lead { id status offers { id } } } }`
	in := leadInput("web-form-shared-0001")
	in["in"].(map[string]any)["mode"] = "SHARED"
	in["in"].(map[string]any)["maxOffers"] = 2
	var got struct {
		SubmitLead struct {
			Created   bool
			OfferedTo int
			Lead      struct {
				ID, Status string
				Offers     []struct{ ID string }
			}
		}
	}
	ok(t, s.do(t, intake, q, in), &got)
	sub := got.SubmitLead
	if sub.Lead.Status != "OFFERED" || len(sub.Lead.Offers) != 0 {
		t.Fatalf("intake sees status %s and %d offers, want OFFERED and none", sub.Lead.Status, len(sub.Lead.Offers))
	}
	// The referrer's owner sees the offers themselves: the count must match them.
	var lead struct {
		Lead struct{ Offers []struct{ ID string } }
	}
	ok(t, s.do(t, s.token(t, "user-dave", auth.Member), `query($id: ID!) { lead(id: $id) { offers { id } } }`,
		map[string]any{"id": sub.Lead.ID}), &lead)
	if n := len(lead.Lead.Offers); n == 0 || sub.OfferedTo != n {
		t.Fatalf("offeredTo = %d, the referrer sees %d offers", sub.OfferedTo, n)
	}
	ok(t, s.do(t, intake, q, in), &got)
	if got.SubmitLead.Created || got.SubmitLead.OfferedTo != sub.OfferedTo {
		t.Fatalf("retry: created %v, offeredTo %d, want false, %d", got.SubmitLead.Created, got.SubmitLead.OfferedTo, sub.OfferedTo)
	}

	// A lead nobody can take is offered to nobody, and the answer says so.
	in = leadInput("web-form-nowhere-0001")
	in["in"].(map[string]any)["location"] = map[string]any{"lat": -45.0, "lng": 170.0}
	ok(t, s.do(t, intake, q, in), &got)
	if got.SubmitLead.Lead.Status != "UNROUTABLE" || got.SubmitLead.OfferedTo != 0 {
		t.Fatalf("unroutable lead: status %s, offeredTo %d", got.SubmitLead.Lead.Status, got.SubmitLead.OfferedTo)
	}
}

// TestIdempotencyKeyPerReferrer: an idempotency key is its referrer's own. Mike's owner who
// happens to use (or guesses) the key of a lead Dave referred gets a lead of his own, not
// CONFLICT, and learns nothing of Dave's lead; each retry still finds its own lead.
func TestIdempotencyKeyPerReferrer(t *testing.T) {
	s := newTestServer(t)
	dave, mike := s.token(t, "user-dave", auth.Member), s.token(t, "user-mike", auth.Member)
	const q = `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { created lead { id referrer { name } } } }`
	type answer struct {
		SubmitLead struct {
			Created bool
			Lead    struct {
				ID       string
				Referrer struct{ Name string }
			}
		}
	}
	var daves, mikes answer
	ok(t, s.do(t, dave, q, leadInput("shared-key-0001")), &daves)
	in := leadInput("shared-key-0001")
	in["in"].(map[string]any)["referrerId"] = bizID("mikes-tyre")
	in["in"].(map[string]any)["notes"] = "a different customer story"
	ok(t, s.do(t, mike, q, in), &mikes)
	if !mikes.SubmitLead.Created || mikes.SubmitLead.Lead.ID == daves.SubmitLead.Lead.ID || mikes.SubmitLead.Lead.Referrer.Name != "Mike's Tyre" {
		t.Fatalf("Mike under Dave's key: %+v, Dave's lead %s", mikes.SubmitLead, daves.SubmitLead.Lead.ID)
	}
	for _, c := range []struct {
		who, token string
		in         map[string]any
		want       answer
	}{{"Dave", dave, leadInput("shared-key-0001"), daves}, {"Mike", mike, in, mikes}} {
		var again answer
		ok(t, s.do(t, c.token, q, c.in), &again)
		if again.SubmitLead.Created || again.SubmitLead.Lead.ID != c.want.SubmitLead.Lead.ID {
			t.Fatalf("%s's retry = %+v, want his lead %s", c.who, again.SubmitLead, c.want.SubmitLead.Lead.ID)
		}
	}
}
