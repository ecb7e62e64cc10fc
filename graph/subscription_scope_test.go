package graph_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/auth"
)

// TestSubscriptionEventsReadNow: each event of a subscription is resolved against the store as
// it is when the event is sent, not as the subscription's first event found it. The referrer's
// leadUpdates shows the lead's offer PENDING in the OFFERED event and ACCEPTED in the ACCEPTED
// one (the console shows these as the lead's live status); the per-operation loaders once
// served the second event the offers the first had read.
func TestSubscriptionEventsReadNow(t *testing.T) {
	s := newHardServer(t, nil)
	dave := s.token(t, "user-dave", auth.Member)
	andy := s.token(t, "user-andy", auth.Member)
	events := s.openSSE(t, dave, `subscription($b: ID!) { leadUpdates(businessId: $b) { status lead { status offers { id status business { name } } } } }`,
		map[string]any{"b": bizID("daves-collision")})
	var sub struct {
		SubmitLead struct {
			Lead struct{ Offers []struct{ ID string } }
		}
	}
	ok(t, s.do(t, dave, submitLead, leadInput("fresh-events-0001")), &sub)
	if len(sub.SubmitLead.Lead.Offers) != 1 {
		t.Fatalf("the lead has %d offers, want 1", len(sub.SubmitLead.Lead.Offers))
	}
	next := func(want string) string {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case ev, open := <-events:
				if !open {
					t.Fatalf("the stream ended before a %s event", want)
				}
				var m struct {
					Data struct {
						LeadUpdates struct {
							Status string
							Lead   struct {
								Status string
								Offers []struct{ Status string }
							}
						}
					}
				}
				if ev.name != "next" || json.Unmarshal([]byte(ev.data), &m) != nil || m.Data.LeadUpdates.Status != want {
					continue
				}
				u := m.Data.LeadUpdates
				if u.Lead.Status != want || len(u.Lead.Offers) != 1 {
					t.Fatalf("the %s event carries %s", want, ev.data)
				}
				return u.Lead.Offers[0].Status
			case <-timeout:
				t.Fatalf("no %s event", want)
			}
		}
	}
	if got := next("OFFERED"); got != "PENDING" {
		t.Fatalf("the OFFERED event's offer is %s, want PENDING", got)
	}
	ok(t, s.do(t, andy, `mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { status } } }`,
		map[string]any{"id": sub.SubmitLead.Lead.Offers[0].ID}), &struct{}{})
	if got := next("ACCEPTED"); got != "ACCEPTED" {
		t.Fatalf("the ACCEPTED event's offer is %s, want ACCEPTED (what the first event read)", got)
	}
}
