package partnergraph_test

import (
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph"
)

// TestPartnershipMoves is the whole table of who may move a partnership from where to where.
func TestPartnershipMoves(t *testing.T) {
	const (
		proposed = partnergraph.PartnershipProposed
		active   = partnergraph.PartnershipActive
		declined = partnergraph.PartnershipDeclined
		ended    = partnergraph.PartnershipEnded
	)
	tests := []struct {
		name     string
		move     partnergraph.PartnershipMove
		by       partnergraph.PartnershipParty
		wantFrom []partnergraph.PartnershipStatus
		wantTo   partnergraph.PartnershipStatus
		wantCode partnergraph.Code
	}{
		{"partner accepts a proposal", partnergraph.MoveAccept, partnergraph.PartyPartner, []partnergraph.PartnershipStatus{proposed}, active, ""},
		{"partner declines a proposal", partnergraph.MoveDecline, partnergraph.PartyPartner, []partnergraph.PartnershipStatus{proposed}, declined, ""},
		{"proposer cannot accept its own proposal", partnergraph.MoveAccept, partnergraph.PartyProposer, nil, "", partnergraph.EFORBIDDEN},
		{"proposer cannot decline its own proposal", partnergraph.MoveDecline, partnergraph.PartyProposer, nil, "", partnergraph.EFORBIDDEN},
		{"proposer ends or withdraws", partnergraph.MoveEnd, partnergraph.PartyProposer, []partnergraph.PartnershipStatus{active, proposed}, ended, ""},
		{"partner ends an active one only", partnergraph.MoveEnd, partnergraph.PartyPartner, []partnergraph.PartnershipStatus{active}, ended, ""},
		{"unknown party", partnergraph.MoveEnd, "OUTSIDER", nil, "", partnergraph.EFORBIDDEN},
		{"unknown move", "RENEW", partnergraph.PartyPartner, nil, "", partnergraph.EFORBIDDEN},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, to, err := tc.move.Transition(tc.by)
			if got := partnergraph.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("error %v (code %q), want code %q", err, got, tc.wantCode)
			}
			if !slices.Equal(from, tc.wantFrom) || to != tc.wantTo {
				t.Fatalf("Transition = %v → %q, want %v → %q", from, to, tc.wantFrom, tc.wantTo)
			}
		})
	}
	// No move leads out of DECLINED or ENDED: they are final.
	for _, m := range []partnergraph.PartnershipMove{partnergraph.MoveAccept, partnergraph.MoveDecline, partnergraph.MoveEnd} {
		for _, by := range []partnergraph.PartnershipParty{partnergraph.PartyProposer, partnergraph.PartyPartner} {
			from, _, _ := m.Transition(by)
			if slices.Contains(from, declined) || slices.Contains(from, ended) {
				t.Errorf("%s by %s may start from %v", m, by, from)
			}
		}
	}
}

func TestCheckProposalTo(t *testing.T) {
	tests := []struct {
		status   partnergraph.BusinessStatus
		wantCode partnergraph.Code
	}{
		{partnergraph.BusinessActive, ""},
		{partnergraph.BusinessPending, ""},
		{partnergraph.BusinessSuspended, partnergraph.EINVALID},
	}
	for _, tc := range tests {
		t.Run(string(tc.status), func(t *testing.T) {
			err := partnergraph.CheckProposalTo(&partnergraph.Business{ID: "b", Status: tc.status})
			if got := partnergraph.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("error %v (code %q), want code %q", err, got, tc.wantCode)
			}
			if e, ok := err.(*partnergraph.Error); ok && e.Field != "partnerId" {
				t.Fatalf("error names %q, want partnerId", e.Field)
			}
		})
	}
}
