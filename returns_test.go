package partnergraph

import (
	"slices"
	"testing"
	"time"
)

func TestReturnMoves(t *testing.T) {
	all := []ReturnState{ReturnRequested, ReturnContested, ReturnAccepted, ReturnRejected}
	allowed := map[[2]ReturnState]bool{
		{ReturnRequested, ReturnContested}: true,
		{ReturnRequested, ReturnAccepted}:  true,
		{ReturnRequested, ReturnRejected}:  true,
		{ReturnContested, ReturnAccepted}:  true,
		{ReturnContested, ReturnRejected}:  true,
	}
	for _, from := range all {
		for _, to := range all {
			if got, want := from.CanMove(to), allowed[[2]ReturnState{from, to}]; got != want {
				t.Errorf("%s → %s allowed = %v, want %v", from, to, got, want)
			}
		}
	}
}

func TestNewReturn(t *testing.T) {
	acceptedAt := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	w := Windows{Return: 7 * 24 * time.Hour, Contest: 48 * time.Hour}
	offer := func() *Offer {
		return &Offer{ID: "o1", LeadID: "l1", BusinessID: "rec", Status: OfferAccepted, RespondedAt: &acceptedAt}
	}
	for _, tc := range []struct {
		name   string
		status LeadStatus
		offer  func() *Offer
		reason ReturnReason
		note   string
		at     time.Time
		code   Code
		field  string
	}{
		{"accepted lead", LeadAccepted, offer, ReturnUnreachable, "no answer", acceptedAt.Add(time.Hour), "", ""},
		{"won lead", LeadWon, offer, ReturnDuplicate, "", acceptedAt.Add(6 * 24 * time.Hour), "", ""},
		{"lost lead", LeadLost, offer, ReturnSuspectedFraud, "", acceptedAt, "", ""},
		{"last instant of the window", LeadWon, offer, ReturnDuplicate, "", acceptedAt.Add(7 * 24 * time.Hour), "", ""},
		{"window over", LeadWon, offer, ReturnDuplicate, "", acceptedAt.Add(7*24*time.Hour + time.Second), ECONFLICT, ""},
		{"offered lead", LeadOffered, offer, ReturnDuplicate, "", acceptedAt, ECONFLICT, ""},
		{"unroutable lead", LeadUnroutable, offer, ReturnDuplicate, "", acceptedAt, ECONFLICT, ""},
		{"no accepted offer", LeadAccepted, func() *Offer { o := offer(); o.Status = OfferDeclined; return o }, ReturnDuplicate, "", acceptedAt, ECONFLICT, ""},
		{"unknown reason", LeadWon, offer, "BORED", "", acceptedAt, EINVALID, "reason"},
		{"long note", LeadWon, offer, ReturnDuplicate, string(make([]byte, 2001)), acceptedAt, EINVALID, "note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &Lead{ID: "l1", ReferrerID: "ref", Status: tc.status}
			r, err := NewReturn(l, tc.offer(), tc.reason, tc.note, "user-1", tc.at, w)
			if got := ErrorCode(err); got != tc.code {
				t.Fatalf("NewReturn error = %v (%s), want %q", err, got, tc.code)
			}
			if tc.field != "" {
				if e, _ := err.(*Error); e == nil || e.Field != tc.field {
					t.Fatalf("error %v names the wrong field, want %q", err, tc.field)
				}
			}
			if err != nil {
				return
			}
			want := LeadReturn{LeadID: "l1", OfferID: "o1", RecipientID: "rec", ReferrerID: "ref", Reason: tc.reason, Note: tc.note,
				State: ReturnRequested, RequestedBy: "user-1", RequestedAt: tc.at, ContestBy: tc.at.Add(48 * time.Hour)}
			if r != want {
				t.Fatalf("NewReturn = %+v, want %+v", r, want)
			}
			if err := r.CheckReturnWrite(); err != nil {
				t.Fatalf("a new return does not pass CheckReturnWrite: %v", err)
			}
		})
	}
}

func TestReturnSteps(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	requested := LeadReturn{LeadID: "l1", State: ReturnRequested, RequestedAt: at, ContestBy: at.Add(time.Hour)}
	contested := requested
	contested.State = ReturnContested
	accepted := requested
	accepted.State = ReturnAccepted
	for _, tc := range []struct {
		name string
		step func() (LeadReturn, error)
		want ReturnState
		code Code
	}{
		{"contest in time", func() (LeadReturn, error) {
			return requested.Contest("ref-user", "it was fine", at.Add(59*time.Minute))
		}, ReturnContested, ""},
		{"contest too late", func() (LeadReturn, error) { return requested.Contest("ref-user", "", at.Add(time.Hour)) }, ReturnRequested, ECONFLICT},
		{"contest twice", func() (LeadReturn, error) { return contested.Contest("ref-user", "", at) }, ReturnContested, ECONFLICT},
		{"contest a decided return", func() (LeadReturn, error) { return accepted.Contest("ref-user", "", at) }, ReturnAccepted, ECONFLICT},
		{"admin accepts a requested return", func() (LeadReturn, error) { return requested.Decide(ReturnAccepted, "admin", "", at) }, ReturnAccepted, ""},
		{"admin rejects a contested return", func() (LeadReturn, error) { return contested.Decide(ReturnRejected, "admin", "", at) }, ReturnRejected, ""},
		{"decide a decided return", func() (LeadReturn, error) { return accepted.Decide(ReturnRejected, "admin", "", at) }, ReturnAccepted, ECONFLICT},
		{"decide to contested", func() (LeadReturn, error) { return requested.Decide(ReturnContested, "admin", "", at) }, ReturnRequested, EINVALID},
		{"auto-accept before the window ends", func() (LeadReturn, error) { return requested.AutoAccept(at.Add(59 * time.Minute)) }, ReturnRequested, ECONFLICT},
		{"auto-accept when it ends", func() (LeadReturn, error) { return requested.AutoAccept(at.Add(time.Hour)) }, ReturnAccepted, ""},
		{"auto-accept a contested return", func() (LeadReturn, error) { return contested.AutoAccept(at.Add(2 * time.Hour)) }, ReturnContested, ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.step()
			if code := ErrorCode(err); code != tc.code {
				t.Fatalf("error = %v (%s), want %q", err, code, tc.code)
			}
			if got.State != tc.want {
				t.Fatalf("state = %s, want %s", got.State, tc.want)
			}
			if err == nil && got.State == ReturnAccepted && (got.DecidedAt == nil || got.DecidedBy == "") {
				t.Fatalf("an accepted return does not say who decided it and when: %+v", got)
			}
		})
	}
	if got, _ := requested.AutoAccept(at.Add(time.Hour)); got.DecidedBy != AutoDecider {
		t.Fatalf("auto-accepted by %q, want %q", got.DecidedBy, AutoDecider)
	}
}

func TestLedgerLinesReversal(t *testing.T) {
	got := LedgerLines([]LedgerFact{
		{PartnerID: "p", Given: true, Leads: 2, Accepted: 2, Won: 2},
		{PartnerID: "p", Currency: "USD", Earned: 1500},
		{PartnerID: "p", Currency: "USD", Earned: 1000, Reversal: true},
		{PartnerID: "q", Currency: "EUR", Owed: 300, Reversal: true},
		{PartnerID: "q", Currency: "EUR", Owed: 300},
	})
	want := []LedgerLine{
		{PartnerID: "p", LeadsGiven: 2, AcceptedGiven: 2, WonGiven: 2, Currency: "USD", CommissionEarned: 1500},
		{PartnerID: "p", Currency: "USD", CommissionEarned: -1000, Reversal: true},
		{PartnerID: "q", Currency: "EUR", CommissionOwed: 300},
		{PartnerID: "q", Currency: "EUR", CommissionOwed: -300, Reversal: true},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("LedgerLines =\n%+v\nwant\n%+v", got, want)
	}
}

func TestReturnRate(t *testing.T) {
	for _, tc := range []struct {
		s    ReturnStats
		want float64
	}{{ReturnStats{}, 0}, {ReturnStats{AcceptedLeads: 4, Returns: 3, ReturnsAccepted: 1}, 0.25}} {
		if got := tc.s.ReturnRate(); got != tc.want {
			t.Errorf("%+v.ReturnRate() = %v, want %v", tc.s, got, tc.want)
		}
	}
}
