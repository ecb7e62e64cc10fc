package neo4jstore

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// stored is what the server hands back for properties written from params: a null parameter
// leaves the property absent, and lists come back as []any.
func stored(params map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range params {
		switch x := v.(type) {
		case nil:
		case []string:
			l := make([]any, len(x))
			for i, s := range x {
				l[i] = s
			}
			out[k] = l
		default:
			out[k] = v
		}
	}
	return out
}

// node is a record holding, under key, a node with the properties that params store.
func node(key string, params map[string]any) *neo4j.Record {
	return record(map[string]any{key: neo4j.Node{Props: stored(params)}})
}

// wantDriverTypes fails unless every value of params is of a type the store means to send:
// the driver refuses structs, and integers must be int64 to come back as what was sent.
func wantDriverTypes(t *testing.T, what string, params map[string]any) {
	t.Helper()
	var check func(path string, v any)
	check = func(path string, v any) {
		switch x := v.(type) {
		case nil, string, bool, int64, float64, neo4j.Point2D, []string:
		case time.Time:
			if x.Location() != time.UTC {
				t.Errorf("%s: %s is a time in %v, want UTC", what, path, x.Location())
			}
		case []any:
			for i, e := range x {
				check(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case map[string]any:
			for k, e := range x {
				check(path+"."+k, e)
			}
		default:
			t.Errorf("%s: %s is %T, which the store should not send", what, path, v)
		}
	}
	for k, v := range params {
		check(k, v)
	}
}

func testLead() *partnergraph.Lead {
	closed := time.Date(2026, 3, 2, 10, 0, 0, 5, time.UTC)
	return &partnergraph.Lead{
		ID: "lead-1", IdempotencyKey: "key-00000001", InputHash: "abc123", ReferrerID: "ref",
		ServiceID: "tyres", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65},
		Customer: partnergraph.Customer{Name: "Pat Doe", Email: "pat@example.com", Phone: "+1 217 555 0199"},
		Consent:  partnergraph.Consent{Text: "I agree that my details go to one partner", GivenAt: time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)},
		Notes:    "rear bumper", Mode: partnergraph.Shared, MaxOffers: 3, Status: partnergraph.LeadWon,
		Reason: "", ValueMinor: 250000, Currency: "USD", CreatedAt: time.Date(2026, 3, 1, 9, 5, 0, 42, time.UTC),
		ClosedAt: &closed,
	}
}

func TestLeadMapping(t *testing.T) {
	open := testLead()
	open.Status, open.ClosedAt, open.ValueMinor, open.Currency = partnergraph.LeadOffered, nil, 0, ""
	purged := testLead()
	purged.IdempotencyKey = ""
	for name, l := range map[string]*partnergraph.Lead{"won": testLead(), "open": open, "purged key": purged} {
		t.Run(name, func(t *testing.T) {
			params := leadParams(l)
			wantDriverTypes(t, "lead", params)
			if p, ok := params["location"].(neo4j.Point2D); !ok || p.X != l.Location.Lng || p.Y != l.Location.Lat || p.SpatialRefId != wgs84 {
				t.Fatalf("location parameter = %#v, want a WGS-84 point with x = longitude", params["location"])
			}
			if (params["idempotencyKey"] == nil) != (l.IdempotencyKey == "") {
				t.Fatalf("idempotencyKey parameter = %#v for key %q: an empty key must be null (absent)", params["idempotencyKey"], l.IdempotencyKey)
			}
			got, err := leadOf(node("l", params))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, l) {
				t.Fatalf("lead round trip:\n got %+v\nwant %+v", got, l)
			}
			// The stored lead hashes as the submitted one did: a retry compares InputHash.
			if got.Hash() != l.Hash() {
				t.Fatal("the stored lead hashes differently")
			}
		})
	}

	// Times in other zones are stored in UTC, and come back as the same instants.
	l := testLead()
	l.Consent.GivenAt = l.Consent.GivenAt.In(time.FixedZone("CET", 3600))
	params := leadParams(l)
	wantDriverTypes(t, "lead", params)
	got, err := leadOf(node("l", params))
	if err != nil || !got.Consent.GivenAt.Equal(l.Consent.GivenAt) || got.Hash() != l.Hash() {
		t.Fatalf("lead with a zoned consent time = %+v, %v", got, err)
	}

	props := stored(leadParams(testLead()))
	props["maxOffers"] = "three"
	if _, err := leadOf(record(map[string]any{"l": neo4j.Node{Props: props}})); err == nil || !strings.Contains(err.Error(), "maxOffers") {
		t.Fatalf("a property of the wrong type: %v", err)
	}
}

func testOffer() partnergraph.Offer {
	responded := time.Date(2026, 3, 1, 10, 0, 0, 7, time.UTC)
	return partnergraph.Offer{
		ID: "offer-1", LeadID: "lead-1", BusinessID: "b-1", Seq: 42, Rank: 2, Path: []string{"ref", "x", "b-1"},
		PathTrust: 0.72, Score: 0.65, Reasons: []string{"close by", "trusted"}, Status: partnergraph.OfferDeclined,
		DeclineReason: "fully booked", CreatedAt: time.Date(2026, 3, 1, 9, 0, 0, 1, time.UTC),
		ExpiresAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), RespondedAt: &responded,
	}
}

func TestOfferMapping(t *testing.T) {
	pending := testOffer()
	pending.Status, pending.DeclineReason, pending.RespondedAt = partnergraph.OfferPending, "", nil
	for name, o := range map[string]partnergraph.Offer{"declined": testOffer(), "pending": pending} {
		t.Run(name, func(t *testing.T) {
			row := offerRow(&o)
			wantDriverTypes(t, "offer", row)
			got, err := offerOf(node("o", row))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, o) {
				t.Fatalf("offer round trip:\n got %+v\nwant %+v", got, o)
			}
		})
	}

	// A nil list is stored as an empty list, never as null (which would remove the property).
	bare := testOffer()
	bare.Path, bare.Reasons = nil, nil
	row := offerRow(&bare)
	if p, ok := row["path"].([]string); !ok || p == nil {
		t.Fatalf("path parameter of a nil path = %#v, want an empty list", row["path"])
	}
	got, err := offerOf(node("o", row))
	if err != nil || len(got.Path) != 0 || got.Path == nil || len(got.Reasons) != 0 {
		t.Fatalf("offer without path = %+v, %v", got, err)
	}

	// Scores stored as whole numbers by another tool come back as integers.
	props := stored(offerRow(&pending))
	props["pathTrust"], props["score"] = int64(1), int64(0)
	if got, err := offerFrom(&values{m: props}); err != nil || got.PathTrust != 1 || got.Score != 0 {
		t.Fatalf("integer scores = %+v, %v", got, err)
	}
	props["reasons"] = []any{"ok", int64(3)}
	if _, err := offerFrom(&values{m: props}); err == nil || !strings.Contains(err.Error(), "reasons") {
		t.Fatalf("a list holding a number: %v", err)
	}
	props["reasons"] = "close by"
	if _, err := offerFrom(&values{m: props}); err == nil {
		t.Fatal("a string where a list belongs was accepted")
	}
}

func TestEventAndCommissionMapping(t *testing.T) {
	e := partnergraph.LeadEvent{Seq: 7, Kind: partnergraph.EventStatus, LeadID: "lead-1", ReferrerID: "ref", Status: partnergraph.LeadAccepted,
		Message: "accepted", At: time.Date(2026, 3, 1, 9, 0, 0, 9, time.UTC)}
	row := eventRow(&e)
	wantDriverTypes(t, "event", row)
	if got, err := eventOf(node("e", row)); err != nil || got != e {
		t.Errorf("event round trip = %+v, %v; want %+v", got, err, e)
	}
	notice := partnergraph.LeadEvent{Seq: 8, Kind: partnergraph.EventWebhookDisabled, ReferrerID: "ref", WebhookID: "w-1",
		Message: "disabled", At: time.Date(2026, 3, 1, 9, 0, 0, 10, time.UTC)}
	if got, err := eventOf(node("e", eventRow(&notice))); err != nil || got != notice {
		t.Errorf("notice round trip = %+v, %v; want %+v", got, err, notice)
	}
	// An event written before kinds existed has none: it reads as a status change.
	delete(row, "kind")
	delete(row, "webhookId")
	if got, err := eventOf(node("e", row)); err != nil || got != e {
		t.Errorf("an event without a kind reads as %+v, %v; want %+v", got, err, e)
	}

	c := partnergraph.Commission{ID: "c-1", LeadID: "lead-1", PartnershipID: "p-1", PayerID: "b-1", PayeeID: "ref",
		AmountMinor: 15000, Currency: "USD", Status: partnergraph.CommissionOwed, CreatedAt: time.Date(2026, 3, 2, 0, 0, 0, 3, time.UTC)}
	params := commissionParams(&c)
	wantDriverTypes(t, "commission", params)
	if got, err := commissionOf(node("c", params)); err != nil || got != c {
		t.Errorf("commission round trip = %+v, %v; want %+v", got, err, c)
	}
	props := stored(params)
	props["amountMinor"] = 1.5
	if _, err := commissionOf(record(map[string]any{"c": neo4j.Node{Props: props}})); err == nil {
		t.Error("a fractional amount was accepted")
	}
}

// The rows of an OPTIONAL MATCH that found nothing hold null, which optNode reads as no node.
func TestOptNode(t *testing.T) {
	v, err := optNode(record(map[string]any{"o": nil}), "o")
	if v != nil || err != nil {
		t.Fatalf("optNode(null) = %v, %v", v, err)
	}
	v, err = optNode(node("o", offerRow(&partnergraph.Offer{ID: "x"})), "o")
	if v == nil || err != nil || v.str("id") != "x" {
		t.Fatalf("optNode(node) = %v, %v", v, err)
	}
	if _, err := optNode(record(map[string]any{"o": "not a node"}), "o"); err == nil {
		t.Fatal("optNode accepted a string")
	}
}

func TestAssignSeqs(t *testing.T) {
	offers := make([]partnergraph.Offer, 2)
	events := make([]partnergraph.LeadEvent, 3)
	assignSeqs(10, offers, events)
	got := []int64{offers[0].Seq, offers[1].Seq, events[0].Seq, events[1].Seq, events[2].Seq}
	if want := []int64{10, 11, 12, 13, 14}; !slices.Equal(got, want) {
		t.Fatalf("seqs = %v, want %v", got, want)
	}
}

func wantErr(t *testing.T, err error, code partnergraph.Code, field string) {
	t.Helper()
	e, ok := err.(*partnergraph.Error)
	if !ok || e.Code != code || (field != "" && e.Field != field) {
		t.Fatalf("error = %v (%T), want %s naming %q", err, err, code, field)
	}
}

func TestCheckAnswers(t *testing.T) {
	found := map[string]partnergraph.Offer{
		"p1":    {ID: "p1", LeadID: "L", Status: partnergraph.OfferPending},
		"p2":    {ID: "p2", LeadID: "L", Status: partnergraph.OfferPending},
		"done":  {ID: "done", LeadID: "L", Status: partnergraph.OfferAccepted},
		"other": {ID: "other", LeadID: "M", Status: partnergraph.OfferPending},
	}
	answer := func(ids ...string) []partnergraph.OfferAnswer {
		var out []partnergraph.OfferAnswer
		for _, id := range ids {
			out = append(out, partnergraph.OfferAnswer{OfferID: id, Status: partnergraph.OfferWithdrawn})
		}
		return out
	}
	if err := checkAnswers("L", answer("p1", "p2"), found); err != nil {
		t.Fatalf("pending offers of the lead: %v", err)
	}
	for name, c := range map[string]struct {
		ids  []string
		code partnergraph.Code
	}{
		"unknown offer":       {[]string{"p1", "nope"}, partnergraph.ENOTFOUND},
		"offer of other lead": {[]string{"other"}, partnergraph.ECONFLICT},
		"not pending":         {[]string{"p1", "done"}, partnergraph.ECONFLICT},
		"answered twice":      {[]string{"p1", "p1"}, partnergraph.ECONFLICT},
	} {
		t.Run(name, func(t *testing.T) {
			wantErr(t, checkAnswers("L", answer(c.ids...), found), c.code, "")
		})
	}
}

func TestCheckNewOffersAndCommission(t *testing.T) {
	found := refsFound{
		businesses:          map[string]bool{"a": true, "b": true},
		partnerships:        map[string]bool{"p": true},
		offersTaken:         map[string]bool{"taken": true},
		commissionsTaken:    map[string]bool{"c-taken": true},
		leadsWithCommission: map[string]bool{"won-lead": true},
	}
	if err := checkNewOffers([]partnergraph.Offer{{ID: "o1", BusinessID: "a"}, {ID: "o2", BusinessID: "b"}}, found); err != nil {
		t.Fatal(err)
	}
	wantErr(t, checkNewOffers([]partnergraph.Offer{{ID: "o1", BusinessID: "a"}, {ID: "o2", BusinessID: "zz"}}, found), partnergraph.ENOTFOUND, "businessId")
	wantErr(t, checkNewOffers([]partnergraph.Offer{{ID: "taken", BusinessID: "a"}}, found), partnergraph.ECONFLICT, "")
	wantErr(t, checkNewOffers([]partnergraph.Offer{{ID: "o1", BusinessID: "a"}, {ID: "o1", BusinessID: "b"}}, found), partnergraph.ECONFLICT, "")

	ok := partnergraph.Commission{ID: "c1", LeadID: "L", PartnershipID: "p", PayerID: "a", PayeeID: "b"}
	if err := checkCommission(&ok, found); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		edit  func(c *partnergraph.Commission)
		code  partnergraph.Code
		field string
	}{
		"partnership":  {func(c *partnergraph.Commission) { c.PartnershipID = "nope" }, partnergraph.ENOTFOUND, "commission.partnershipId"},
		"payer":        {func(c *partnergraph.Commission) { c.PayerID = "nope" }, partnergraph.ENOTFOUND, "commission.payerId"},
		"payee":        {func(c *partnergraph.Commission) { c.PayeeID = "nope" }, partnergraph.ENOTFOUND, "commission.payeeId"},
		"id taken":     {func(c *partnergraph.Commission) { c.ID = "c-taken" }, partnergraph.ECONFLICT, ""},
		"lead has one": {func(c *partnergraph.Commission) { c.LeadID = "won-lead" }, partnergraph.ECONFLICT, ""},
	} {
		t.Run(name, func(t *testing.T) {
			cc := ok
			c.edit(&cc)
			wantErr(t, checkCommission(&cc, found), c.code, c.field)
		})
	}
}

func TestNextLead(t *testing.T) {
	at := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	l := partnergraph.Lead{ID: "L", Status: partnergraph.LeadAccepted}
	won := nextLead(l, &partnergraph.Transition{LeadTo: partnergraph.LeadWon, ValueMinor: 100, Currency: "USD"}, at)
	if won.Status != partnergraph.LeadWon || won.ClosedAt == nil || !won.ClosedAt.Equal(at) || won.ValueMinor != 100 || won.Currency != "USD" {
		t.Fatalf("won = %+v", won)
	}
	same := nextLead(l, &partnergraph.Transition{}, at)
	if same.Status != partnergraph.LeadAccepted || same.ClosedAt != nil || same.Currency != "" {
		t.Fatalf("a transition without changes gave %+v", same)
	}
	unroutable := nextLead(partnergraph.Lead{Status: partnergraph.LeadOffered}, &partnergraph.Transition{LeadTo: partnergraph.LeadUnroutable, Reason: "none"}, at)
	if unroutable.Status != partnergraph.LeadUnroutable || unroutable.Reason != "none" || unroutable.ClosedAt != nil {
		t.Fatalf("unroutable = %+v", unroutable)
	}
}

// The ledger of X in the contract suite's scenario (storetest.testLeadLedger), as the rows
// ledger_rows returns for it.
func TestLedgerLines(t *testing.T) {
	rows := []ledgerRow{
		{kind: "given", partnerID: "p", leads: 2, accepted: 1, won: 1},
		{kind: "given", partnerID: "q", leads: 1, accepted: 1},
		{kind: "received", partnerID: "p", leads: 1, accepted: 1, won: 1},
		{kind: "received", partnerID: "q", leads: 1},
		{kind: "received", partnerID: "r", leads: 2, accepted: 2, won: 2},
		{kind: "owed", partnerID: "p", currency: "USD", amountMinor: 2000},
		{kind: "earned", partnerID: "p", currency: "USD", amountMinor: 5000},
		{kind: "owed", partnerID: "r", currency: "USD", amountMinor: 1000},
		{kind: "owed", partnerID: "r", currency: "EUR", amountMinor: 300},
	}
	want := []partnergraph.LedgerLine{
		{PartnerID: "p", LeadsGiven: 2, LeadsReceived: 1, AcceptedGiven: 1, AcceptedReceived: 1, WonGiven: 1, WonReceived: 1, Currency: "USD", CommissionOwed: 2000, CommissionEarned: 5000},
		{PartnerID: "q", LeadsGiven: 1, LeadsReceived: 1, AcceptedGiven: 1},
		{PartnerID: "r", LeadsReceived: 2, AcceptedReceived: 2, WonReceived: 2, Currency: "EUR", CommissionOwed: 300},
		{PartnerID: "r", Currency: "USD", CommissionOwed: 1000},
	}
	// The server may send the rows in any order.
	for _, order := range [][]ledgerRow{rows, reversed(rows)} {
		if got := ledgerLines(order); !slices.Equal(got, want) {
			t.Fatalf("ledgerLines =\n%+v\nwant\n%+v", got, want)
		}
	}
	if got := ledgerLines(nil); got == nil || len(got) != 0 {
		t.Fatalf("ledgerLines(nil) = %#v, want empty", got)
	}

	r, err := ledgerRowOf(record(map[string]any{"kind": "owed", "partnerId": "p", "currency": "USD",
		"leads": int64(0), "accepted": int64(0), "won": int64(0), "amountMinor": int64(2000)}))
	if err != nil || r != (ledgerRow{kind: "owed", partnerID: "p", currency: "USD", amountMinor: 2000}) {
		t.Fatalf("ledgerRowOf = %+v, %v", r, err)
	}
	if _, err := ledgerRowOf(record(map[string]any{"kind": "given", "leads": 1.0})); err == nil {
		t.Fatal("a float count was accepted")
	}
}

func reversed[T any](xs []T) []T {
	out := slices.Clone(xs)
	slices.Reverse(out)
	return out
}

// Commission cursors round-trip and are refused by the partnership listing, and the reverse.
func TestCommissionCursor(t *testing.T) {
	created := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	c := commissionCursor(created.In(time.FixedZone("x", -3600)), "c1")
	got, ok, err := decodeCursor(c.encode(), byCommission)
	if err != nil || !ok || got != c || !got.time().Equal(created) {
		t.Fatalf("decode(encode(%+v)) = %+v, %v, %v", c, got, ok, err)
	}
	if _, _, err := decodeCursor(c.encode(), byNewest); err == nil {
		t.Error("the partnership listing accepted a commission cursor")
	}
	if _, _, err := decodeCursor(newestCursor(created, "p1").encode(), byCommission); err == nil {
		t.Error("the commission listing accepted a partnership cursor")
	}
	bad := cursor{Kind: byCommission, S: "yesterday", ID: "c1"}.encode()
	if _, _, err := decodeCursor(bad, byCommission); err == nil {
		t.Error("a commission cursor without a time was accepted")
	}
}
