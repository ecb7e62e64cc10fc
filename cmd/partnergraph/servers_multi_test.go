package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
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
// Offers written by A and B reach C's subscribers when C's change-feed follower wakes them:
// the subscriptions' own poll (30 s) is longer than the test waits on SQLite.
func TestServersDeliverEveryOfferOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		st.prepare(t, nil)
		srv := startServers(t, st, servers)
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

// TestServersKeepDailyCaps gives each attorney a daily cap of 3 and submits 30 leads at once,
// ten through each of A, B and C: together the servers offer no attorney more leads in a day
// than its cap, and every lead they did not offer is UNROUTABLE.
func TestServersKeepDailyCaps(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		const dailyCap, total = 3, 30
		st.prepare(t, func(ctx context.Context, s partnergraph.Store) error {
			c := dailyCap
			for _, b := range attorneys {
				if _, err := s.UpdateBusiness(ctx, b, partnergraph.BusinessPatch{DailyLeadCap: &c}); err != nil {
					return err
				}
			}
			return nil
		})
		srv := startServers(t, st, servers)
		dave := st.token(t, "user-dave", auth.Member)
		statuses := make([]string, total)
		errs := make([]error, total)
		var wg sync.WaitGroup
		for i := range total {
			wg.Go(func() {
				_, statuses[i], errs[i] = submit(http.DefaultClient, srv[i%3].base+"/graphql", dave, fmt.Sprintf("capped-lead-%02d", i))
			})
		}
		wg.Wait()
		offered := 0
		for i, err := range errs {
			if err != nil {
				t.Fatalf("lead %d: %v", i, err)
			}
			switch statuses[i] {
			case "OFFERED":
				offered++
			case "UNROUTABLE":
			default:
				t.Errorf("lead %d is %s", i, statuses[i])
			}
		}
		s := st.read(t)
		offers := 0
		for _, b := range attorneys {
			inbox, err := s.Inbox(context.Background(), b, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			perDay := map[time.Time]int{} // a test that runs over midnight (UTC) counts two days
			for _, o := range inbox {
				perDay[o.CreatedAt.UTC().Truncate(24*time.Hour)]++
			}
			for day, n := range perDay {
				if n > dailyCap {
					t.Errorf("%s was offered %d leads on %s, over its daily cap of %d", b, n, day.Format(time.DateOnly), dailyCap)
				}
			}
			offers += len(inbox)
		}
		if offers != offered {
			t.Errorf("%d leads are OFFERED, with %d offers", offered, offers)
		}
		t.Logf("%d of %d leads offered, the rest UNROUTABLE", offered, total)
	})
}

// TestServersDeclineAndExpireOnce submits 50 leads across A, B and C, half of them SHARED
// (offered to three attorneys at once), with offers that expire after 1.5 s and an expiry
// loop on every server every 100 ms. Then, all at once, the three offers of each SHARED lead
// are declined through three different servers, and the offer of each EXCLUSIVE lead is
// declined through one of them around the moment it expires, racing the expiry loops. The
// leads move on to the attorneys left until none is: at the end every lead is UNROUTABLE with
// no offer pending (none stuck in OFFERED), no lead was offered twice to one business, and
// each offer was answered once (one event per step that moved its lead on).
func TestServersDeclineAndExpireOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		const ttl = 1500 * time.Millisecond
		st.prepare(t, func(ctx context.Context, s partnergraph.Store) error {
			lift := 10000 // each lead may go to every attorney: caps must not end it sooner
			for _, b := range attorneys {
				if _, err := s.UpdateBusiness(ctx, b, partnergraph.BusinessPatch{DailyLeadCap: &lift}); err != nil {
					return err
				}
			}
			return nil
		})
		srv := startServers(t, st, servers, "--offer-ttl", ttl.String(), "--expiry-interval", "100ms")
		admin := st.token(t, "root", auth.Admin)
		dave := st.token(t, "user-dave", auth.Member)

		const total = 50
		type lead struct {
			id     string // the API id
			shared bool
		}
		leadsOf := make([]lead, total)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		fail := func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			failures = append(failures, fmt.Sprintf(format, args...))
		}
		for i := range total {
			wg.Go(func() {
				in := leadInput(fmt.Sprintf("decline-expire-%02d", i))
				if i%2 == 0 {
					in["mode"], in["maxOffers"] = "SHARED", 3
				}
				var out struct {
					SubmitLead struct{ Lead struct{ ID, Status string } }
				}
				err := callGraphQL(srv[i%3].base, dave, `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { lead { id status } } }`,
					map[string]any{"in": in}, &out)
				if err != nil || out.SubmitLead.Lead.Status != "OFFERED" {
					fail("submit lead %d: %v %+v", i, err, out)
					return
				}
				leadsOf[i] = lead{out.SubmitLead.Lead.ID, i%2 == 0}
			})
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatal(strings.Join(failures, "\n"))
		}

		// The declines: one goroutine per offer, through servers in turn.
		var declined, lost int // lost: the offer had expired first (CONFLICT)
		for i, l := range leadsOf {
			var out struct {
				Lead struct {
					Offers []struct {
						ID, Status string
						ExpiresAt  time.Time
					}
				}
			}
			if err := callGraphQL(srv[i%3].base, admin, `query($id: ID!) { lead(id: $id) { offers { id status expiresAt } } }`, map[string]any{"id": l.id}, &out); err != nil {
				t.Fatal(err)
			}
			for j, o := range out.Lead.Offers {
				if o.Status != "PENDING" {
					continue
				}
				at := time.Now() // SHARED: at once
				if !l.shared {
					// EXCLUSIVE: from 100 ms before its expiry to 200 ms after, when the
					// expiry loops of the three servers (every 100 ms) may be expiring it.
					at = o.ExpiresAt.Add(time.Duration(rand.IntN(300)-100) * time.Millisecond)
				}
				s := srv[(i+j)%3]
				wg.Go(func() {
					time.Sleep(time.Until(at))
					var d struct {
						DeclineLead struct{ Offer struct{ Status string } }
					}
					err := callGraphQL(s.base, admin, `mutation($o: ID!) { declineLead(input: {offerId: $o, reason: "busy"}) { offer { status } } }`,
						map[string]any{"o": o.ID}, &d)
					mu.Lock()
					defer mu.Unlock()
					var gerr *graphqlError
					switch {
					case err == nil && d.DeclineLead.Offer.Status == "DECLINED":
						declined++
					case errors.As(err, &gerr) && gerr.Extensions.Code == "CONFLICT":
						lost++
					default:
						failures = append(failures, fmt.Sprintf("decline offer %s through %s: %v %+v", o.ID, s.name, err, d))
					}
				})
			}
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatal(strings.Join(failures, "\n"))
		}
		t.Logf("%d offers declined, %d declines came after the expiry", declined, lost)

		// The rest expire, attorney after attorney, until no lead has anyone left.
		s := st.read(t)
		ctx := context.Background()
		deadline := time.Now().Add(60 * time.Second)
		for {
			open := 0
			for _, l := range leadsOf {
				got, err := s.Lead(ctx, storeID(t, l.id))
				if err != nil {
					t.Fatal(err)
				}
				if got.Status == partnergraph.LeadOffered {
					open++
				}
			}
			if open == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%d leads are still OFFERED after 60 s", open)
				break
			}
			time.Sleep(200 * time.Millisecond)
		}

		events := map[string][]partnergraph.LeadEvent{}
		for after := int64(0); ; {
			page, err := s.LeadEvents(ctx, "daves-collision", after, 500)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, e := range page {
				events[e.LeadID] = append(events[e.LeadID], e)
			}
			after = page[len(page)-1].Seq
		}
		expired := 0
		for _, l := range leadsOf {
			id := storeID(t, l.id)
			got, err := s.Lead(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			offers, err := s.OffersOfLead(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			to, ranks := map[string]bool{}, map[int]bool{}
			pending := 0
			for _, o := range offers {
				if to[o.BusinessID] {
					t.Errorf("lead %s was offered twice to %s", id, o.BusinessID)
				}
				if ranks[o.Rank] {
					t.Errorf("lead %s has two offers of rank %d (moved on twice from one step)", id, o.Rank)
				}
				to[o.BusinessID], ranks[o.Rank] = true, true
				switch o.Status {
				case partnergraph.OfferPending:
					pending++
				case partnergraph.OfferExpired:
					expired++
					if o.RespondedAt == nil || o.RespondedAt.Before(o.ExpiresAt) {
						t.Errorf("offer %s of lead %s expired at %v, before its time %v", o.ID, id, o.RespondedAt, o.ExpiresAt)
					}
				case partnergraph.OfferDeclined:
				default:
					t.Errorf("offer %s of lead %s is %s", o.ID, id, o.Status)
				}
			}
			if got.Status == partnergraph.LeadOffered && pending == 0 {
				t.Errorf("lead %s is stuck: OFFERED with no offer pending (%d offers)", id, len(offers))
			}
			if got.Status != partnergraph.LeadUnroutable {
				t.Errorf("lead %s is %s with %d offers pending, want UNROUTABLE once every attorney said no", id, got.Status, pending)
			}
			// One event when the lead was offered, then one for each step that moved it on:
			// an answer that left nothing pending, each once.
			unroutable, steps := 0, map[string]int{}
			for _, e := range events[id][1:] {
				switch e.Status {
				case partnergraph.LeadUnroutable:
					unroutable++
				case partnergraph.LeadOffered:
					steps[strings.SplitN(e.Message, ";", 2)[0]]++
				}
			}
			if unroutable != 1 {
				t.Errorf("lead %s became UNROUTABLE %d times: %v", id, unroutable, events[id])
			}
			for step, n := range steps {
				if n != 1 {
					t.Errorf("lead %s moved on %d times after %q: %v", id, n, step, events[id])
				}
			}
		}
		t.Logf("%d offers expired", expired)
		// Every server ran its expiry loop: each read the due offers itself.
		for _, p := range srv {
			b, err := http.Get(p.base + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			m, _ := io.ReadAll(b.Body)
			b.Body.Close()
			if !strings.Contains(string(m), `partnergraph_store_duration_seconds_count{method="DueOffers"}`) {
				t.Errorf("server %s never looked for due offers", p.name)
			}
		}
	})
}

// TestServersFollowEachOthersWrites registers a business through A, Tina's Tyres, which
// trusts Andy's Attorney Services and which Dave's Collision trusts, all through A. Within
// seconds B and C, which only read the store, answer as A does: the same suggestions for
// Tina, and Tina among Andy's; Tina refers a lead through B and one through C, each offered to
// Andy along her trust; Dave refers tyre leads through B and C that are offered to Tina, and
// she accepts each through the other server. This needs every server to follow the others'
// writes (issue 14 §2): a server that knows only the graph it built at start answers
// NOT_FOUND for Tina, or leaves her out.
func TestServersFollowEachOthersWrites(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		st.prepare(t, nil)
		srv := startServers(t, st, servers)
		tinaToken := st.token(t, "user-tina", auth.Member)
		daveToken := st.token(t, "user-dave", auth.Member)
		andyToken := st.token(t, "user-andy", auth.Member)
		a := srv[0]
		andy, dave := base64ID("Business", "andys-attorney"), base64ID("Business", "daves-collision")

		var reg struct {
			RegisterBusiness struct{ Business struct{ ID string } }
		}
		mustCallGraphQL(t, a.base, tinaToken, `mutation { registerBusiness(input: {name: "Tina's Tyres", city: "Springfield", country: "US",
			location: {lat: 39.80, lng: -89.65}, services: ["tyres"]}) { business { id } } }`, nil, &reg)
		tina := reg.RegisterBusiness.Business.ID
		tinaID := strings.TrimPrefix(mustDecode(t, tina), "Business:")
		var trust any
		mustCallGraphQL(t, a.base, tinaToken, `mutation($from: ID!, $to: ID!) { setTrust(input: {fromId: $from, toId: $to, score: 0.9}) { trust { score } } }`,
			map[string]any{"from": tina, "to": andy}, &trust)
		mustCallGraphQL(t, a.base, daveToken, `mutation($from: ID!, $to: ID!) { setTrust(input: {fromId: $from, toId: $to, score: 0.95}) { trust { score } } }`,
			map[string]any{"from": dave, "to": tina}, &trust)

		// Suggestions: B and C come to answer what A answers.
		suggestions := func(p *serverProc, token, business string) ([]string, error) {
			var out struct {
				PartnerSuggestions []struct{ Business struct{ ID string } }
			}
			err := callGraphQL(p.base, token, `query($b: ID!) { partnerSuggestions(businessId: $b, first: 20) { business { id } } }`,
				map[string]any{"b": business}, &out)
			var ids []string // the store's ids, which a failure message names
			for _, s := range out.PartnerSuggestions {
				ids = append(ids, strings.TrimPrefix(mustDecode(t, s.Business.ID), "Business:"))
			}
			return ids, err
		}
		forTina, err := suggestions(a, tinaToken, tina)
		if err != nil || len(forTina) == 0 {
			t.Fatalf("A suggests %v for Tina: %v", forTina, err)
		}
		forAndy, err := suggestions(a, andyToken, andy)
		if err != nil || !slices.Contains(forAndy, tinaID) {
			t.Fatalf("A does not suggest Tina to Andy (%v): %v", forAndy, err)
		}
		for _, p := range srv[1:] {
			eventually(t, 10*time.Second, func() error {
				got, err := suggestions(p, tinaToken, tina)
				if err != nil || !slices.Equal(got, forTina) {
					return fmt.Errorf("server %s suggests %v for Tina, A %v: %v", p.name, got, forTina, err)
				}
				got, err = suggestions(p, andyToken, andy)
				if err != nil || !slices.Contains(got, tinaID) {
					return fmt.Errorf("server %s does not suggest Tina to Andy (%v): %v", p.name, got, err)
				}
				return nil
			})
		}

		type submitted struct {
			SubmitLead struct {
				Lead struct {
					ID, Status string
					Offers     []struct {
						ID       string
						Business struct{ ID string }
					}
				}
			}
		}
		const submitLead = `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { lead { id status offers { id business { id } } } } }`
		for i, p := range srv[1:] {
			// Tina refers: along her trust to Andy.
			in := leadInput("tina-refers-" + p.name)
			in["referrerId"] = tina
			var out submitted
			mustCallGraphQL(t, p.base, tinaToken, submitLead, map[string]any{"in": in}, &out)
			if l := out.SubmitLead.Lead; l.Status != "OFFERED" || len(l.Offers) != 1 || l.Offers[0].Business.ID != andy {
				t.Errorf("Tina's lead through %s: %+v, want OFFERED to Andy", p.name, l)
			}

			// Tina receives: a tyre lead of Dave's, offered to every tyre shop he reaches
			// (five at most, and there are five), and she accepts it through the other server.
			// She is newer than each server's last TrustRank (recomputed at most once a minute
			// by default), so this needs routing to judge her by Dave's trust in her at once;
			// retries only wait for the server to have read Dave's trust from the feed.
			offer, attempt := "", 0
			eventually(t, 15*time.Second, func() error {
				attempt++
				in = leadInput(fmt.Sprintf("dave-tyres-%s-%02d", p.name, attempt))
				in["service"], in["mode"], in["maxOffers"] = "tyres", "SHARED", 5
				if err := callGraphQL(p.base, daveToken, submitLead, map[string]any{"in": in}, &out); err != nil {
					return err
				}
				for _, o := range out.SubmitLead.Lead.Offers {
					if o.Business.ID == tina {
						offer = o.ID
						t.Logf("Dave's tyre lead through %s reached Tina at the attempt %d", p.name, attempt)
						return nil
					}
				}
				return fmt.Errorf("Dave's tyre lead through %s was not offered to Tina: %+v", p.name, out.SubmitLead.Lead)
			})
			other := srv[2-i]
			var accepted struct {
				AcceptLead struct{ Offer struct{ Status string } }
			}
			mustCallGraphQL(t, other.base, tinaToken, `mutation($o: ID!) { acceptLead(input: {offerId: $o}) { offer { status } } }`,
				map[string]any{"o": offer}, &accepted)
			if accepted.AcceptLead.Offer.Status != "ACCEPTED" {
				t.Errorf("Tina accepted through %s: %+v", other.name, accepted)
			}
		}
	})
}

// mustDecode decodes an API id (base64url).
func mustDecode(t *testing.T, id string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		t.Fatalf("%q is not an API id: %v", id, err)
	}
	return string(b)
}

// eventually calls f until it returns nil, and fails the test with its last error if that
// takes longer than d.
func eventually(t *testing.T, d time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", d, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
