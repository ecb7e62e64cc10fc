package graph_test

import (
	"context"
	"sync"
	"testing"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

// leadReadCounter counts the lead reads made through the store beneath everything (the API's
// store and the lead service's), so that no path that reads around a loader goes uncounted.
type leadReadCounter struct {
	partnergraph.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *leadReadCounter) count(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[name]++
}

// take returns the counts so far and starts counting again.
func (c *leadReadCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.calls
	c.calls = map[string]int{}
	return got
}

func (c *leadReadCounter) OffersOfLead(ctx context.Context, leadID string) ([]partnergraph.Offer, error) {
	c.count("OffersOfLead")
	return c.Store.OffersOfLead(ctx, leadID)
}

func (c *leadReadCounter) Commissions(ctx context.Context, businessID string, p partnergraph.Page) (partnergraph.Slice[partnergraph.Commission], error) {
	c.count("Commissions")
	return c.Store.Commissions(ctx, businessID, p)
}

// TestLeadFieldsReadOnce: a lead's customer, consent, offers and commission, asked for
// together, cost one read of its offers and one direct read of its commission, not a read of
// the offers per field and a walk through the referrer's commissions.
func TestLeadFieldsReadOnce(t *testing.T) {
	var cs *leadReadCounter
	s := newTestServerOn(t, func(t *testing.T) partnergraph.Store {
		cs = &leadReadCounter{Store: openSQLite(t), calls: map[string]int{}}
		return cs
	})
	dave, andy := s.token(t, "user-dave", auth.Member), s.token(t, "user-andy", auth.Member)
	var sub struct {
		SubmitLead struct {
			Lead struct {
				ID     string
				Offers []struct{ ID string }
			}
		}
	}
	ok(t, s.do(t, dave, submitLead, leadInput("read-once-0001")), &sub)
	lead := sub.SubmitLead.Lead
	if len(lead.Offers) != 1 {
		t.Fatalf("submit made %d offers, want 1", len(lead.Offers))
	}
	ok(t, s.do(t, andy, `mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { status } } }`, map[string]any{"id": lead.Offers[0].ID}), &struct{}{})
	ok(t, s.do(t, andy, `mutation($id: ID!) { closeLead(input: {leadId: $id, outcome: WON, value: "12000.00", currency: "USD"}) { lead { status } } }`,
		map[string]any{"id": lead.ID}), &struct{}{})

	cs.take()
	var got struct {
		Lead struct {
			Customer   *struct{ Name string }
			Consent    *struct{ Text string }
			Offers     []struct{ Status string }
			Commission *struct{ Amount string }
		}
	}
	ok(t, s.do(t, dave, `query($id: ID!) { lead(id: $id) { customer { name } consent { text } offers { status } commission { amount } } }`,
		map[string]any{"id": lead.ID}), &got)
	if got.Lead.Customer == nil || got.Lead.Consent == nil || len(got.Lead.Offers) != 1 || got.Lead.Offers[0].Status != "ACCEPTED" ||
		got.Lead.Commission == nil || got.Lead.Commission.Amount != "150.00" {
		t.Fatalf("lead = %+v", got.Lead)
	}
	calls := cs.take()
	t.Logf("store calls: %v", calls)
	if calls["OffersOfLead"] != 1 || calls["Commissions"] != 0 {
		t.Fatalf("reading the lead read its offers %d times and listed commissions %d times; want 1 and 0",
			calls["OffersOfLead"], calls["Commissions"])
	}
}

// TestMutationPayloadAfterCachedRead: a mutation shows what it wrote even when an earlier
// mutation of the same operation read the lead's offers into the request's loaders.
func TestMutationPayloadAfterCachedRead(t *testing.T) {
	s := newTestServer(t)
	admin := s.token(t, "admin-1", auth.Admin)
	in := leadInput("cached-read-0001")
	in["in"].(map[string]any)["mode"] = "SHARED"
	in["in"].(map[string]any)["maxOffers"] = 2
	var sub struct {
		SubmitLead struct {
			Lead struct{ Offers []struct{ ID string } }
		}
	}
	ok(t, s.do(t, s.token(t, "user-dave", auth.Member), submitLead, in), &sub)
	offers := sub.SubmitLead.Lead.Offers
	if len(offers) != 2 {
		t.Fatalf("a shared lead made %d offers, want 2", len(offers))
	}
	var got struct {
		D, A struct {
			Offer struct {
				ID   string
				Lead struct{ Offers []struct{ ID, Status string } }
			}
		}
	}
	ok(t, s.do(t, admin, `mutation($d: ID!, $a: ID!) {
		d: declineLead(input: {offerId: $d}) { offer { id lead { offers { id status } } } }
		a: acceptLead(input: {offerId: $a}) { offer { id lead { offers { id status } } } } }`,
		map[string]any{"d": offers[0].ID, "a": offers[1].ID}), &got)
	status := map[string]string{}
	for _, o := range got.A.Offer.Lead.Offers {
		status[o.ID] = o.Status
	}
	if status[offers[0].ID] != "DECLINED" || status[offers[1].ID] != "ACCEPTED" {
		t.Fatalf("after decline then accept, the accept's payload shows the lead's offers as %v", status)
	}
}
