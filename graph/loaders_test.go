package graph_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/partnergraph/partnergraph"
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
