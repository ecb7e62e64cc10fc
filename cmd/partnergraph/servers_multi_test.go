package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/auth"
)

// These tests run three server processes (A, B, C) on one store, as operators run several
// behind a load balancer (issue 14 §3, §4): on SQLite (one file in WAL mode, several
// processes) always, and on the Neo4j database of NEO4J_URI (wiped first) when it is set.

// attorneys are the example network's businesses that offer personal-injury-attorney, the
// service of the leads that submit (leadbench.go) refers from Dave's Collision.
var attorneys = []string{"andys-attorney", "harper-cole-law", "marlow-injury-law", "whitfield-injury-lawyers"}

// servers are the names of the three servers of each test.
var servers = []string{"A", "B", "C"}

// TestServersDeliverEveryOfferOnce submits leads one at a time, round-robin to A, B and C,
// while a subscriber on C follows the inbox of every business they may be offered to, and
// kills B with SIGKILL halfway, with a submission in flight to it. A submission that was not
// acknowledged is sent again, with the same idempotency key, to the next server alive. Every
// acknowledged lead's offer reaches the subscriber once, each inbox in the order the leads
// were acknowledged (one at a time, so in the order they committed), and nothing else does.
// Offers written by A and B reach C's subscribers through the store, so C polls often.
func TestServersDeliverEveryOfferOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		st.prepare(t, nil)
		srv := startServers(t, st, servers, "--subscription-poll", "100ms")
		admin := st.token(t, "root", auth.Admin)
		dave := st.token(t, "user-dave", auth.Member)
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		received := make(chan offerReceived, 1000)
		for _, b := range attorneys {
			if err := subscribeOffers(ctx, srv[2].base+"/graphql", admin, b, received); err != nil {
				t.Fatal(err)
			}
		}

		const total = 40 // within the attorneys' daily caps together (90)
		alive := []bool{true, true, true}
		acked := map[string]int{} // key → its place in the order of acknowledgements
		var order []string
		killed := false
		for i := range total {
			key := fmt.Sprintf("round-robin-%03d", i)
			target := i % len(srv)
			var id, status string
			var err error
			if !killed && i >= total/2 && target == 1 {
				// Kill B while it handles this submission: a few milliseconds in, when it may
				// have committed the lead, or not yet, but has not answered.
				done := make(chan struct{})
				go func() {
					defer close(done)
					id, status, err = submit(http.DefaultClient, srv[1].base+"/graphql", dave, key)
				}()
				time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
				srv[1].kill()
				<-done
				killed, alive[1] = true, false
				t.Logf("B killed at lead %d (its submission: %v)", i, err)
			} else if alive[target] {
				id, status, err = submit(http.DefaultClient, srv[target].base+"/graphql", dave, key)
			} else {
				err = fmt.Errorf("server %s is dead", servers[target])
			}
			for next := target + 1; err != nil; next++ {
				// Not acknowledged: the same key again, to the next server alive.
				if alive[next%len(srv)] {
					id, status, err = submit(http.DefaultClient, srv[next%len(srv)].base+"/graphql", dave, key)
					if err != nil {
						t.Fatalf("lead %s on server %s: %v", key, servers[next%len(srv)], err)
					}
				}
			}
			if id == "" || status != "OFFERED" {
				t.Fatalf("lead %s: id %q, status %s, want OFFERED", key, id, status)
			}
			acked[key] = len(order)
			order = append(order, key)
		}

		// Every lead's offer, then a moment more (ten polls) for any offer sent twice.
		deadline := 20 * time.Second
		if st.name == "neo4j" {
			// A writer killed between reserving its seqs and releasing them holds every feed
			// back until its reservation's deadline (store/neo4jstore/seqs.go), up to 70 s with
			// the default 30 s transaction timeout.
			deadline = 90 * time.Second
		}
		start := time.Now()
		got := map[string][]string{} // business → keys, in the order received
		count := map[string]int{}
		for len(count) < total {
			select {
			case o := <-received:
				got[o.BusinessID] = append(got[o.BusinessID], o.Notes)
				count[o.Notes]++
			case <-time.After(time.Until(start.Add(deadline))):
				var missing []string
				for _, k := range order {
					if count[k] == 0 {
						missing = append(missing, k)
					}
				}
				t.Fatalf("after %v the subscriber on C still misses the offers of %d acknowledged leads: %v", deadline, len(missing), missing)
			}
		}
		t.Logf("every offer reached C's subscriber %v after the last acknowledgement", time.Since(start).Round(time.Millisecond))
		settle := time.After(time.Second)
	drain:
		for {
			select {
			case o := <-received:
				got[o.BusinessID] = append(got[o.BusinessID], o.Notes)
				count[o.Notes]++
			case <-settle:
				break drain
			}
		}
		for k, n := range count {
			if _, ok := acked[k]; !ok {
				t.Errorf("the subscriber received an offer of lead %q, which no one submitted", k)
			} else if n != 1 {
				t.Errorf("the offer of lead %s reached the subscriber %d times", k, n)
			}
		}
		for b, keys := range got {
			if !slices.IsSortedFunc(keys, func(x, y string) int { return acked[x] - acked[y] }) {
				t.Errorf("%s's inbox arrived out of order: %v", b, keys)
			}
		}
	})
}

// TestServersShareIdempotencyKeys sends each of twenty idempotency keys to A, B and C at the
// same moment: all three answers name one lead, and only one offer is made for it.
func TestServersShareIdempotencyKeys(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		st.prepare(t, nil)
		srv := startServers(t, st, servers)
		dave := st.token(t, "user-dave", auth.Member)
		const keys = 20
		for k := range keys {
			key := fmt.Sprintf("same-key-%02d", k)
			ids := make([]string, len(srv))
			errs := make([]error, len(srv))
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, s := range srv {
				wg.Go(func() {
					<-start
					ids[i], _, errs[i] = submit(http.DefaultClient, s.base+"/graphql", dave, key)
				})
			}
			close(start)
			wg.Wait()
			for i := range srv {
				if errs[i] != nil {
					t.Fatalf("key %s on server %s: %v", key, servers[i], errs[i])
				}
				if ids[i] != ids[0] {
					t.Fatalf("key %s: server A answered lead %s, server %s lead %s", key, ids[0], servers[i], ids[i])
				}
			}
		}
		s := st.read(t)
		offers := 0
		for _, b := range attorneys {
			inbox, err := s.Inbox(context.Background(), b, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			offers += len(inbox)
		}
		if offers != keys {
			t.Fatalf("%d offers were made for %d leads", offers, keys)
		}
	})
}
