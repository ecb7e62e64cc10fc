package matching

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

func TestBuildCounts(t *testing.T) {
	var progress []int
	g, err := Build(context.Background(), exampleStore(t), func(n int) { progress = append(progress, n) })
	must(t, err)
	got := g.Stats()
	want := Stats{Businesses: 50, Services: 28, Complements: 70, Networks: 5, Memberships: 53, Trust: 178, Partnerships: 36}
	got.Links = 0
	if got != want {
		t.Errorf("Stats %+v; want %+v", got, want)
	}
	if len(progress) != 1 || progress[0] < 400 {
		t.Errorf("progress calls %v; want one, at the end, with every record", progress)
	}
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		recs []partnergraph.Record
		want partnergraph.Code
	}{
		{"dangling trust", []partnergraph.Record{bizRecord("a", 0, "a"), {Trust: &partnergraph.Trust{From: "a", To: "zz", Score: 1}}}, partnergraph.ENOTFOUND},
		{"dangling membership", []partnergraph.Record{bizRecord("a", 0, "a"), {Membership: &partnergraph.Membership{BusinessID: "a", NetworkID: "zz"}}}, partnergraph.ENOTFOUND},
		{"empty record", []partnergraph.Record{{}}, partnergraph.EINVALID},
		{"bad score", []partnergraph.Record{bizRecord("a", 0), bizRecord("b", 0), {Trust: &partnergraph.Trust{From: "a", To: "b", Score: 2}}}, partnergraph.EINVALID},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := BuildRecords(ctx, records(c.recs...), nil)
			if got := partnergraph.ErrorCode(err); got != c.want {
				t.Errorf("BuildRecords: %v (%s); want %s", err, got, c.want)
			}
		})
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := BuildRecords(cancelled, seed.Synthetic(30000, 1), nil); err != context.Canceled {
		t.Errorf("BuildRecords with a cancelled context: %v; want context.Canceled", err)
	}
}

// TestBuildMatchesApply checks that the two ways to fill a graph, the bulk builder and the
// incremental updates, give the same suggestions.
func TestBuildMatchesApply(t *testing.T) {
	built := exampleGraph(t)
	applied := NewGraph()
	for r, err := range seed.Example() {
		must(t, err)
		must(t, applied.Apply(r))
	}
	a, b := built.Stats(), applied.Stats()
	a.OverlayNodes, b.OverlayNodes = 0, 0
	if a != b {
		t.Fatalf("stats differ: built %+v, applied %+v", a, b)
	}
	// Businesses are numbered in another order, so PageRank pushes in another order and
	// differs within its ε: compare scores with a tolerance, ranks up to near ties.
	const tol = 1e-3
	for _, id := range built.ids {
		a, b := suggest(t, built, id, 20), suggest(t, applied, id, 20)
		for i := range min(len(a), len(b), 10) {
			if math.Abs(a[i].Score-b[i].Score) > tol {
				t.Errorf("%s: rank %d scores %v built (%s), %v applied (%s)", id, i+1, a[i].Score, a[i].BusinessID, b[i].Score, b[i].BusinessID)
			}
		}
		for _, s := range a {
			if o, ok := find(b, s.BusinessID); ok && math.Abs(o.Score-s.Score) > tol {
				t.Errorf("%s → %s: score %v built, %v applied", id, s.BusinessID, s.Score, o.Score)
			}
		}
	}
}

func TestUpdatesVisibleToNextSuggest(t *testing.T) {
	g := exampleGraph(t)
	shop := newTyreShop()
	shop.ID = "new-tyres"
	must(t, g.PutBusiness(*shop, []string{"tyres"}))
	has := func(id string) (Suggestion, bool) { return find(suggest(t, g, "new-tyres", 100), id) }

	must(t, g.SetTrust(partnergraph.Trust{From: "new-tyres", To: "springfield-towing", Score: 0.95}))
	if ss := suggest(t, g, "new-tyres", 1); ss[0].BusinessID != "springfield-towing" || !slices.Contains(ss[0].Reasons, "you trust them (0.95)") {
		t.Errorf("after trusting the towing company: %s", describe(ss))
	}
	must(t, g.RemoveTrust("new-tyres", "springfield-towing"))
	if s, _ := has("springfield-towing"); component(s, SignalSocial) != 0 {
		t.Errorf("after removing the trust: social %v", component(s, SignalSocial))
	}

	must(t, g.PutPartnership(partnergraph.Partnership{ProposerID: "new-tyres", PartnerID: "daves-collision", Status: partnergraph.PartnershipProposed}))
	if _, ok := has("daves-collision"); ok {
		t.Error("a proposed partner is still suggested")
	}
	must(t, g.PutPartnership(partnergraph.Partnership{ProposerID: "new-tyres", PartnerID: "daves-collision", Status: partnergraph.PartnershipEnded}))
	if _, ok := has("daves-collision"); !ok {
		t.Error("a withdrawn proposal still hides Dave's Collision")
	}

	must(t, g.Join(partnergraph.Membership{BusinessID: "new-tyres", NetworkID: "springfield-chamber"}))
	if s, _ := has("andys-attorney"); component(s, SignalNetworks) != 0.5 || !slices.Contains(s.Reasons, "both in Springfield Chamber of Commerce") {
		t.Errorf("after joining the chamber: %v %q", s.Components, s.Reasons)
	}
	must(t, g.Leave("new-tyres", "springfield-chamber"))
	if s, _ := has("andys-attorney"); component(s, SignalNetworks) != 0 {
		t.Errorf("after leaving the chamber: networks %v", component(s, SignalNetworks))
	}

	andys := partnergraph.Business{ID: "andys-attorney", Name: "Andy's Attorney Services", Location: partnergraph.Point{Lat: 39.8025, Lng: -89.6498}, Status: partnergraph.BusinessSuspended}
	must(t, g.PutBusiness(andys, nil))
	if _, ok := has("andys-attorney"); ok {
		t.Error("a suspended business is still suggested")
	}
	andys.Status = partnergraph.BusinessActive
	must(t, g.PutBusiness(andys, nil))

	must(t, g.SetServices("new-tyres", []string{"collision-repair"}))
	if _, ok := has("daves-collision"); ok {
		t.Error("Dave's Collision is suggested to a collision shop next door")
	}
	if _, ok := has("mikes-tyre"); !ok {
		t.Error("Mike's Tyre is not suggested to a collision shop")
	}

	must(t, g.RemoveComplement("collision-repair", "tyres"))
	if s, _ := has("mikes-tyre"); math.Abs(component(s, SignalComplement)-reverseShare*0.6) > 1e-9 {
		t.Errorf("after removing collision-repair → tyres: complement %v; want only the reverse, %v", component(s, SignalComplement), reverseShare*0.6)
	}
}

func TestUpdateErrors(t *testing.T) {
	g := exampleGraph(t)
	for _, c := range []struct {
		name string
		err  error
		want partnergraph.Code
	}{
		{"trust unknown business", g.SetTrust(partnergraph.Trust{From: "daves-collision", To: "nobody", Score: 0.5}), partnergraph.ENOTFOUND},
		{"trust itself", g.SetTrust(partnergraph.Trust{From: "daves-collision", To: "daves-collision", Score: 0.5}), partnergraph.EINVALID},
		{"trust score", g.SetTrust(partnergraph.Trust{From: "daves-collision", To: "mikes-tyre", Score: 1.5}), partnergraph.EINVALID},
		{"remove missing trust", g.RemoveTrust("quickspin-tyres", "daves-collision"), partnergraph.ENOTFOUND},
		{"partnership status", g.PutPartnership(partnergraph.Partnership{ProposerID: "daves-collision", PartnerID: "mikes-tyre", Status: "MAYBE"}), partnergraph.EINVALID},
		{"partnership unknown business", g.PutPartnership(partnergraph.Partnership{ProposerID: "nobody", PartnerID: "mikes-tyre", Status: partnergraph.PartnershipActive}), partnergraph.ENOTFOUND},
		{"join unknown network", g.Join(partnergraph.Membership{BusinessID: "daves-collision", NetworkID: "nowhere"}), partnergraph.ENOTFOUND},
		{"leave a network not joined", g.Leave("quickspin-tyres", "tri-county-auto-guild"), partnergraph.ENOTFOUND},
		{"services of unknown business", g.SetServices("nobody", []string{"tyres"}), partnergraph.ENOTFOUND},
		{"remove missing complement", g.RemoveComplement("tyres", "florist"), partnergraph.ENOTFOUND},
		{"complement weight", g.SetComplement(partnergraph.Complement{From: "tyres", To: "florist", Weight: -1}), partnergraph.EINVALID},
		{"business without id", g.PutBusiness(partnergraph.Business{Name: "x"}, nil), partnergraph.EINVALID},
		{"network without id", g.PutNetwork(partnergraph.Network{Name: "x"}), partnergraph.EINVALID},
		{"empty record", g.Apply(partnergraph.Record{}), partnergraph.EINVALID},
	} {
		if got := partnergraph.ErrorCode(c.err); got != c.want {
			t.Errorf("%s: %v (%s); want %s", c.name, c.err, got, c.want)
		}
	}
}

// TestCompaction checks that folding the overlay into the base changes no answer, whether
// called or triggered by enough updates.
func TestCompaction(t *testing.T) {
	g, err := BuildRecords(context.Background(), seed.Synthetic(2000, 5), nil)
	must(t, err)
	for i := range 3000 {
		a, b := g.ids[(i*7)%2000], g.ids[(i*13+1)%2000]
		if a != b {
			must(t, g.SetTrust(partnergraph.Trust{From: a, To: b, Score: float64(i%10) / 10}))
		}
	}
	if g.Stats().OverlayNodes == 0 {
		t.Fatal("no node in the overlay after 3000 updates")
	}
	// Nearly every business took part in an update; 50 of them, spread over the graph, are a
	// sample that a wrong compaction would show in (200 took ten seconds under -race).
	before := map[string][]Suggestion{}
	for i := 0; i < len(g.ids); i += len(g.ids) / 50 {
		before[g.ids[i]] = suggest(t, g, g.ids[i], 20)
	}
	statsBefore := g.Stats()
	g.Compact()
	statsAfter := g.Stats()
	if statsAfter.OverlayNodes != 0 {
		t.Errorf("%d overlay nodes after Compact", statsAfter.OverlayNodes)
	}
	statsBefore.OverlayNodes = 0
	if statsBefore != statsAfter {
		t.Errorf("stats %+v before, %+v after", statsBefore, statsAfter)
	}
	for id, want := range before {
		if got := suggest(t, g, id, 20); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: suggestions changed by compaction:\n%s\nwant\n%s", id, describe(got), describe(want))
		}
	}

	// Enough updates trigger a compaction by themselves.
	small := NewGraph()
	for i := range 400 {
		must(t, small.PutBusiness(partnergraph.Business{ID: fmt.Sprint("b", i), Name: "b"}, []string{"tyres"}))
	}
	for i := range 400 {
		for j := range 200 {
			if k := (i + j + 1) % 400; k != i {
				must(t, small.SetTrust(partnergraph.Trust{From: fmt.Sprint("b", i), To: fmt.Sprint("b", k), Score: 0.5}))
			}
		}
	}
	if n := small.Stats().OverlayNodes; n == 400 {
		t.Errorf("%d nodes still in the overlay after %d link changes; want a compaction", n, 2*400*200)
	}
}

func TestLists(t *testing.T) {
	l := newLists[int32]()
	l.appendBase([]int32{1, 2})
	l.appendBase(nil)
	l.appendBase([]int32{3})
	own := l.own(0)
	own = append(own, 9)
	if got := l.get(0); !slices.Equal(got, []int32{1, 2}) {
		t.Errorf("base changed by editing a copy: %v", got)
	}
	l.put(0, own)
	l.put(5, []int32{7})
	if got := l.get(1); len(got) != 0 {
		t.Errorf("get(1) = %v", got)
	}
	if got := append(l.get(2), 4); !slices.Equal(l.get(2), []int32{3}) || len(got) != 2 {
		t.Errorf("appending to get(2) wrote into the base")
	}
	c := l.compacted(6)
	for v, want := range [][]int32{{1, 2, 9}, nil, {3}, nil, nil, {7}} {
		if got := c.get(int32(v)); !slices.Equal(got, want) {
			t.Errorf("compacted get(%d) = %v; want %v", v, got, want)
		}
	}
	if c.overlayNodes() != 0 || l.overlayNodes() != 2 {
		t.Errorf("overlay nodes %d after compaction, %d before", c.overlayNodes(), l.overlayNodes())
	}
	var ch chunked[int]
	for i := range 3*chunkLen + 5 {
		ch.add(i)
	}
	ch.deleteFunc(func(x int) bool { return x%2 == 1 })
	n := 0
	for x := range ch.all {
		if x != 2*n {
			t.Fatalf("chunked item %d is %d", n, x)
		}
		n++
	}
	if n != (3*chunkLen+5+1)/2 {
		t.Errorf("%d items left", n)
	}
}

// TestConcurrentReadsDuringWrites runs suggestions while every kind of update goes on; run it
// with -race.
func TestConcurrentReadsDuringWrites(t *testing.T) {
	g := exampleGraph(t)
	members := slices.Clone(g.ids)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := r; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := members[i%len(members)]
				if _, err := g.Suggest(id, 20); err != nil {
					t.Error(err)
					return
				}
				if _, err := g.SuggestNetworks(id, 5); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	// 150 rounds of every kind of update, three compactions among them: enough for -race to see
	// readers and writers meet (400 rounds took nine seconds under it).
	for i := range 150 {
		a, b := members[i%len(members)], members[(i*7+3)%len(members)]
		id := fmt.Sprint("new-", i)
		must(t, g.PutBusiness(partnergraph.Business{ID: id, Name: "New", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65}}, []string{"towing"}))
		if a != b {
			must(t, g.SetTrust(partnergraph.Trust{From: a, To: b, Score: 0.7}))
			must(t, g.RemoveTrust(a, b))
		}
		must(t, g.SetTrust(partnergraph.Trust{From: id, To: a, Score: 0.8}))
		must(t, g.PutPartnership(partnergraph.Partnership{ProposerID: id, PartnerID: a, Status: partnergraph.PartnershipActive}))
		must(t, g.Join(partnergraph.Membership{BusinessID: id, NetworkID: "springfield-chamber"}))
		must(t, g.SetServices(id, []string{"car-rental"}))
		if i%3 == 0 {
			must(t, g.Leave(id, "springfield-chamber"))
		}
		if i%50 == 0 {
			g.Compact()
		}
	}
	close(stop)
	wg.Wait()
	if got := g.Stats().Businesses; got != 200 {
		t.Errorf("%d businesses; want 200", got)
	}
}
