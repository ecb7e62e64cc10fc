package graph_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

// countingStore counts the store calls that resolvers make for a page of businesses.
type countingStore struct {
	partnergraph.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingStore) count(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[name]++
}

func (c *countingStore) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.calls {
		n += v
	}
	return n
}

func (c *countingStore) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = map[string]int{}
}

func (c *countingStore) Businesses(ctx context.Context, f partnergraph.BusinessFilter, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
	c.count("Businesses")
	return c.Store.Businesses(ctx, f, p)
}

func (c *countingStore) BusinessesByID(ctx context.Context, ids []string) (map[string]*partnergraph.Business, error) {
	c.count("BusinessesByID")
	return c.Store.BusinessesByID(ctx, ids)
}

func (c *countingStore) ServicesOf(ctx context.Context, ids []string) (map[string][]string, error) {
	c.count("ServicesOf")
	return c.Store.ServicesOf(ctx, ids)
}

func (c *countingStore) Services(ctx context.Context) ([]partnergraph.Service, error) {
	c.count("Services")
	return c.Store.Services(ctx)
}

func (c *countingStore) MembershipsOf(ctx context.Context, ids []string) (map[string][]partnergraph.Membership, error) {
	c.count("MembershipsOf")
	return c.Store.MembershipsOf(ctx, ids)
}

func (c *countingStore) NetworksByID(ctx context.Context, ids []string) (map[string]*partnergraph.Network, error) {
	c.count("NetworksByID")
	return c.Store.NetworksByID(ctx, ids)
}

func (c *countingStore) TrustCounts(ctx context.Context, ids []string) (map[string]partnergraph.TrustCount, error) {
	c.count("TrustCounts")
	return c.Store.TrustCounts(ctx, ids)
}

// TestPageCostIsBounded checks that a page of businesses with their services, networks and
// trust counts costs the same number of store calls for 10 businesses as for 100.
func TestPageCostIsBounded(t *testing.T) {
	var cs *countingStore
	s := newHardServer(t, nil, func(st partnergraph.Store) partnergraph.Store {
		cs = &countingStore{Store: st, calls: map[string]int{}}
		return cs
	})
	ctx := context.Background()
	for i := range 60 {
		b := &partnergraph.Business{Name: fmt.Sprintf("Extra %02d", i), Location: partnergraph.Point{Lat: 39.8, Lng: -89.6}}
		if err := s.store.CreateBusiness(ctx, b, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.store.SetBusinessServices(ctx, b.ID, []string{"tyres"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.store.Join(ctx, partnergraph.Membership{BusinessID: b.ID, NetworkID: "springfield-chamber"}); err != nil {
			t.Fatal(err)
		}
	}
	// The server's follower re-reads what these writes changed, through the counting store:
	// done before the counting starts (a read of the feed that finds nothing counts nothing).
	if err := s.pg.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	query := `query($n: Int!) { businesses(first: $n) { edges { node {
		name services { slug name } memberships { role network { name } } trustCounts { trusts trustedBy }
	} } } }`
	calls := map[int]int{}
	for _, n := range []int{10, 100} {
		cs.reset()
		var got struct {
			Businesses struct {
				Edges []struct{ Node struct{ Name string } }
			}
		}
		ok(t, s.do(t, "", query, map[string]any{"n": n}), &got)
		if len(got.Businesses.Edges) != n {
			t.Fatalf("got %d businesses, want %d", len(got.Businesses.Edges), n)
		}
		calls[n] = cs.total()
		t.Logf("page of %d: %d store calls %v", n, calls[n], cs.calls)
	}
	if calls[100] != calls[10] || calls[100] > 6 {
		t.Fatalf("store calls: %d for 10 businesses, %d for 100; want the same, at most 6", calls[10], calls[100])
	}
}

func (c *countingStore) LeadReturn(ctx context.Context, leadID string) (*partnergraph.LeadReturn, error) {
	c.count("LeadReturn")
	return c.Store.LeadReturn(ctx, leadID)
}

func (c *countingStore) LeadReturnsOf(ctx context.Context, leadIDs []string) (map[string]*partnergraph.LeadReturn, error) {
	c.count("LeadReturnsOf")
	return c.Store.LeadReturnsOf(ctx, leadIDs)
}

// TestLeadReturnsBatched checks that the returns of a page of leads (an inbox's offers, each
// with its lead's return) are read in one store call, whatever the page size, and that each
// lead gets its own return.
func TestLeadReturnsBatched(t *testing.T) {
	var cs *countingStore
	s := newHardServer(t, nil, func(st partnergraph.Store) partnergraph.Store {
		cs = &countingStore{Store: st, calls: map[string]int{}}
		return cs
	})
	ctx := context.Background()
	var returned string
	for i := range 20 {
		l := &partnergraph.Lead{IdempotencyKey: fmt.Sprintf("batched-%04d", i), ReferrerID: "daves-collision", ServiceID: "personal-injury-attorney",
			Location: partnergraph.Point{Lat: 39.8, Lng: -89.65}, Customer: partnergraph.Customer{Name: "Pat Doe", Email: "pat@example.com"},
			Consent: partnergraph.Consent{Text: "Pat agreed to be referred.", GivenAt: time.Now().Add(-time.Hour)}}
		offers := []partnergraph.Offer{{ID: partnergraph.NewID(), BusinessID: "andys-attorney", Rank: 1, ExpiresAt: time.Now().Add(time.Hour)}}
		if _, _, err := s.store.SubmitLead(ctx, l, offers, nil); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			continue
		}
		// The first lead is accepted and returned.
		if err := s.store.Apply(ctx, partnergraph.Transition{LeadID: l.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered},
			LeadTo: partnergraph.LeadAccepted, Answer: []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferAccepted}}}); err != nil {
			t.Fatal(err)
		}
		accepted, err := s.store.Lead(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.store.Offer(ctx, offers[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		r, err := partnergraph.NewReturn(accepted, o, partnergraph.ReturnUnreachable, "no answer", "user-andy", time.Now(), partnergraph.Windows{})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.store.RequestReturn(ctx, r); err != nil {
			t.Fatal(err)
		}
		returned = base64.RawURLEncoding.EncodeToString([]byte("Lead:" + l.ID))
	}
	if err := s.pg.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	admin := s.token(t, "admin", auth.Admin)
	query := `query($b: ID!, $n: Int!) { inbox(businessId: $b, first: $n) { edges { node { lead { id return { state } } } } } }`
	calls := map[int]int{}
	for _, n := range []int{5, 20} {
		cs.reset()
		var got struct {
			Inbox struct {
				Edges []struct {
					Node struct {
						Lead struct {
							ID     string
							Return *struct{ State string }
						}
					}
				}
			}
		}
		ok(t, s.do(t, admin, query, map[string]any{"b": bizID("andys-attorney"), "n": n}), &got)
		if len(got.Inbox.Edges) != n {
			t.Fatalf("got %d offers, want %d", len(got.Inbox.Edges), n)
		}
		for _, e := range got.Inbox.Edges {
			if l := e.Node.Lead; (l.Return != nil) != (l.ID == returned) || (l.Return != nil && l.Return.State != "REQUESTED") {
				t.Fatalf("lead %s has return %+v; only %s is returned", l.ID, l.Return, returned)
			}
		}
		calls[n] = cs.calls["LeadReturn"] + cs.calls["LeadReturnsOf"]
		t.Logf("inbox of %d: %v", n, cs.calls)
	}
	if calls[5] != 1 || calls[20] != 1 {
		t.Fatalf("return reads: %d for 5 leads, %d for 20; want one each", calls[5], calls[20])
	}
}
