package partnergraph_test

import (
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

func wantErr(t *testing.T, err error, code partnergraph.Code, field string) {
	t.Helper()
	e, ok := err.(*partnergraph.Error)
	if !ok || e.Code != code || e.Field != field {
		t.Fatalf("error %v, want %s on %q", err, code, field)
	}
}

func TestPrepare(t *testing.T) {
	at := time.Date(2026, 3, 3, 0, 0, 0, 0, time.FixedZone("x", 7200))
	o := partnergraph.Offer{BusinessID: "b", Seq: 99, ExpiresAt: at.Add(time.Hour)}
	if err := o.Prepare("L", at); err != nil {
		t.Fatal(err)
	}
	if o.ID == "" || o.LeadID != "L" || o.Status != partnergraph.OfferPending || o.Seq != 0 ||
		!o.CreatedAt.Equal(at) || o.CreatedAt.Location() != time.UTC || o.ExpiresAt.Location() != time.UTC {
		t.Fatalf("prepared offer = %+v", o)
	}
	wantErr(t, (&partnergraph.Offer{BusinessID: "b"}).Prepare("L", at), partnergraph.EINVALID, "offer.expiresAt")
	wantErr(t, (&partnergraph.Offer{BusinessID: "b", LeadID: "M", ExpiresAt: at}).Prepare("L", at), partnergraph.EINVALID, "offer.leadId")

	l := &partnergraph.Lead{ID: "L", ReferrerID: "ref", Status: partnergraph.LeadAccepted}
	e := partnergraph.LeadEvent{Message: "m", Seq: 5}
	if err := e.Prepare(l, at); err != nil {
		t.Fatal(err)
	}
	if e.LeadID != "L" || e.ReferrerID != "ref" || e.Status != partnergraph.LeadAccepted || e.Seq != 0 || !e.At.Equal(at) {
		t.Fatalf("prepared event = %+v", e)
	}
	wantErr(t, (&partnergraph.LeadEvent{ReferrerID: "someone-else"}).Prepare(l, at), partnergraph.EINVALID, "event.referrerId")

	c := partnergraph.Commission{PartnershipID: "p", PayerID: "a", PayeeID: "b", AmountMinor: 1, Currency: "USD"}
	if err := c.Prepare("L", at); err != nil {
		t.Fatal(err)
	}
	if c.ID == "" || c.LeadID != "L" || c.Status != partnergraph.CommissionOwed || !c.CreatedAt.Equal(at) {
		t.Fatalf("prepared commission = %+v", c)
	}
	c.AmountMinor = -1
	wantErr(t, c.Prepare("L", at), partnergraph.EINVALID, "commission.amountMinor")
}

func TestComparePending(t *testing.T) {
	cases := []struct {
		name   string
		t      partnergraph.Transition
		stored []string
		want   partnergraph.Code
	}{
		{"not asked", partnergraph.Transition{Pending: []string{"a"}}, []string{"b"}, ""},
		{"same, other order", partnergraph.Transition{CheckPending: true, Pending: []string{"b", "a"}}, []string{"a", "b"}, ""},
		{"none and none", partnergraph.Transition{CheckPending: true}, nil, ""},
		{"one answered meanwhile", partnergraph.Transition{CheckPending: true, Pending: []string{"a", "b"}}, []string{"b"}, partnergraph.ECONFLICT},
		{"one added meanwhile", partnergraph.Transition{CheckPending: true, Pending: []string{"a"}}, []string{"a", "c"}, partnergraph.ECONFLICT},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := partnergraph.ErrorCode(c.t.ComparePending(c.stored)); got != c.want {
				t.Fatalf("ComparePending(%v) with %v = %q, want %q", c.stored, c.t.Pending, got, c.want)
			}
		})
	}
}

func TestCheckDailyCap(t *testing.T) {
	if err := partnergraph.CheckDailyCap("b", 3, 2); err != nil {
		t.Fatalf("the third offer of a cap of 3: %v", err)
	}
	err := partnergraph.CheckDailyCap("b", 3, 3)
	if !partnergraph.CapReached(err) || partnergraph.ErrorCode(err) != partnergraph.ECONFLICT {
		t.Fatalf("the fourth offer of a cap of 3: %v", err)
	}
	if partnergraph.CapReached(partnergraph.Errorf(partnergraph.ECONFLICT, "offer taken")) {
		t.Fatal("CapReached holds for another conflict")
	}
	at := time.Date(2026, 12, 5, 23, 59, 0, 0, time.FixedZone("X", -3600))
	if got, want := partnergraph.CapDay(at), time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("CapDay(%v) = %v, want %v (the UTC day)", at, got, want)
	}
}
