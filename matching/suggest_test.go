package matching

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph"
)

// newTyreShop is the cold-start member of the issue: registered in Springfield a minute ago,
// with its service and location only.
func newTyreShop() *partnergraph.Business {
	return &partnergraph.Business{Name: "Brand New Tyres", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65}, City: "Springfield", Country: "US"}
}

func checkColdStart(t *testing.T, g *Graph, id string) {
	t.Helper()
	all := suggest(t, g, id, 100)
	if len(all) < 2 {
		t.Fatalf("%d suggestions; want at least 2", len(all))
	}
	top := []string{all[0].BusinessID, all[1].BusinessID}
	slices.Sort(top)
	if want := []string{"andys-attorney", "daves-collision"}; !slices.Equal(top, want) {
		t.Errorf("top 2 %v; want %v (any order)\n%s", top, want, describe(all))
	}
	for _, s := range all {
		if slices.Contains(g.services.get(g.index[s.BusinessID]), g.svcIndex["tyres"]) {
			t.Errorf("suggested tyre shop %s", s.BusinessID)
		}
	}
}

func TestColdStartNewTyreShop(t *testing.T) {
	ctx := context.Background()
	t.Run("built from the store", func(t *testing.T) {
		s := exampleStore(t)
		b := newTyreShop()
		must(t, s.CreateBusiness(ctx, b, "user-new"))
		must(t, s.SetBusinessServices(ctx, b.ID, []string{"tyres"}))
		g, err := Build(ctx, s, nil)
		must(t, err)
		checkColdStart(t, g, b.ID)
	})
	t.Run("registered after the build", func(t *testing.T) {
		s := exampleStore(t)
		g, err := Build(ctx, s, nil)
		must(t, err)
		b := newTyreShop()
		must(t, s.CreateBusiness(ctx, b, "user-new"))
		must(t, s.SetBusinessServices(ctx, b.ID, []string{"tyres"}))
		must(t, g.PutBusiness(*b, []string{}))
		must(t, g.SetServices(b.ID, []string{"tyres"}))
		checkColdStart(t, g, b.ID)
	})
}

func TestSuggestErrors(t *testing.T) {
	g := exampleGraph(t)
	for _, c := range []struct {
		name  string
		id    string
		first int
		want  partnergraph.Code
	}{
		{"unknown business", "no-such-business", 10, partnergraph.ENOTFOUND},
		{"first zero", "daves-collision", 0, partnergraph.EINVALID},
		{"first above 100", "daves-collision", 101, partnergraph.EINVALID},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := g.Suggest(c.id, c.first)
			if got := partnergraph.ErrorCode(err); got != c.want {
				t.Errorf("Suggest: %v (code %s); want %s", err, got, c.want)
			}
			_, err = g.SuggestNetworks(c.id, c.first)
			if got := partnergraph.ErrorCode(err); got != c.want {
				t.Errorf("SuggestNetworks: %v (code %s); want %s", err, got, c.want)
			}
		})
	}
}

func TestSuggestExclusions(t *testing.T) {
	g := exampleGraph(t)
	for _, c := range []struct {
		name, member string
		never        []string
	}{
		{"self", "daves-collision", []string{"daves-collision"}},
		{"active partners", "daves-collision", []string{"mikes-tyre", "andys-attorney", "springfield-towing", "prairie-car-rental", "lincoln-insurance"}},
		{"pending partners", "andys-attorney", []string{"align-chiropractic", "whitfield-injury-lawyers"}},
		{"pending partner, proposed to", "align-chiropractic", []string{"andys-attorney"}},
		{"declined partner", "daves-collision", []string{"harper-cole-law"}},
		{"suspended", "eastside-towing", []string{"budget-tyre-barn"}},
		{"competitor in the service radius", "mikes-tyre", []string{"quickspin-tyres"}},
		{"competitor of a collision shop", "daves-collision", []string{"shelbyville-auto-body"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ids(suggest(t, g, c.member, 100))
			for _, id := range c.never {
				if slices.Contains(got, id) {
					t.Errorf("%s got %s suggested: %v", c.member, id, got)
				}
			}
		})
	}
	t.Run("every member", func(t *testing.T) {
		for u, id := range g.ids {
			prim := g.primary(int32(u))
			for _, s := range suggest(t, g, id, 100) {
				v := g.index[s.BusinessID]
				l, _ := g.linkTo(int32(u), v)
				switch {
				case s.BusinessID == id:
					t.Errorf("%s: suggested itself", id)
				case l.st == pairActive || l.st == pairProposed || l.st == pairDeclined:
					t.Errorf("%s: suggested %s, partnership status %d", id, s.BusinessID, l.st)
				case g.status[v] != statusActive:
					t.Errorf("%s: suggested %s, which is not active", id, s.BusinessID)
				case prim >= 0 && g.primary(v) == prim && s.DistanceKm <= float64(g.radius[u]):
					t.Errorf("%s: suggested competitor %s %.1f km away", id, s.BusinessID, s.DistanceKm)
				}
			}
		}
	})
	t.Run("ended partnership may be suggested again", func(t *testing.T) {
		if !slices.Contains(ids(suggest(t, g, "daves-collision", 100)), "cornerstone-insurance") {
			t.Error("cornerstone-insurance, whose partnership with Dave's ended, is not suggested")
		}
	})
}

func TestSuggestScores(t *testing.T) {
	g := exampleGraph(t)
	for _, id := range g.ids {
		for _, s := range suggest(t, g, id, 100) {
			sum, wsum := 0.0, 0.0
			for _, c := range s.Components {
				if c.Value < 0 || c.Value > 1 || c.Weight < 0 || c.Weight > 1 {
					t.Fatalf("%s → %s: component %+v outside [0,1]", id, s.BusinessID, c)
				}
				sum += c.Value * c.Weight
				wsum += c.Weight
			}
			if s.Score < 0 || s.Score > 1 || math.Abs(sum-s.Score) > 1e-5 || math.Abs(wsum-1) > 1e-5 {
				t.Fatalf("%s → %s: score %v, components sum to %v, weights to %v", id, s.BusinessID, s.Score, sum, wsum)
			}
			if len(s.Reasons) == 0 || s.Name == "" {
				t.Fatalf("%s → %s: no reasons or name", id, s.BusinessID)
			}
		}
	}
}

func TestSuggestReasonsNameBusinesses(t *testing.T) {
	g := exampleGraph(t)
	ss := suggest(t, g, "mikes-tyre", 10)
	joined := ""
	for _, s := range ss {
		joined += strings.Join(s.Reasons, "\n") + "\n"
	}
	for _, want := range []string{"Dave's Collision", "Andy's Attorney Services", "km away", "you trust each other"} {
		if !strings.Contains(joined, want) {
			t.Errorf("reasons do not mention %q:\n%s", want, describe(ss))
		}
	}
	towing, ok := find(ss, "springfield-towing")
	if !ok {
		t.Fatalf("springfield-towing not suggested to Mike's Tyre:\n%s", describe(ss))
	}
	want := []string{
		"you trust each other",
		"trusted by 3 businesses you trust: Dave's Collision, Andy's Attorney Services and Lincoln Insurance Brokers",
		"offers Towing, which complements your Tyres (0.45)",
		"1.8 km away",
		"both in Springfield Chamber of Commerce and Tri-County Auto Guild",
		"verified, trusted by 6 businesses",
	}
	for _, w := range want {
		if !slices.Contains(towing.Reasons, w) {
			t.Errorf("Springfield Towing reasons %q lack %q", towing.Reasons, w)
		}
	}
}

func TestSignals(t *testing.T) {
	t.Run("complement", func(t *testing.T) {
		tn := newTiny(t)
		tn.business("m", 0, false, "a")
		tn.business("b1", 1, false, "b")
		tn.business("c1", 1, false, "c")
		tn.business("d1", 1, false, "d")
		got := tn.order("m", Weights{Complement: 1})
		if !before(got, "b1", "c1") || slices.Contains(got, "d1") {
			t.Errorf("order %v; want b1 (0.9) before c1 (0.5), and d1 (no complement, no link) absent", got)
		}
		ss := suggest(t, tn.g, "m", 10)
		if b1, _ := find(ss, "b1"); component(b1, SignalComplement) != 0.9 || !slices.Contains(b1.Reasons, "offers B service, which complements your A service (0.9)") {
			t.Errorf("b1: %v %q", b1.Components, b1.Reasons)
		}
	})
	t.Run("complement the other way", func(t *testing.T) {
		tn := newTiny(t)
		tn.complement("d", "a", 0.8)
		tn.business("m", 0, false, "a")
		tn.business("d1", 1, false, "d")
		ss := suggest(t, tn.g, "m", 10)
		d1, ok := find(ss, "d1")
		if !ok || math.Abs(component(d1, SignalComplement)-reverseShare*0.8) > 1e-9 || !slices.Contains(d1.Reasons, "D service customers often need your A service (0.8)") {
			t.Errorf("d1: %v %q; want complement %v from the other direction", d1.Components, d1.Reasons, reverseShare*0.8)
		}
	})
	t.Run("learned weights blend with curated ones", func(t *testing.T) {
		tn := newTiny(t)
		must(t, tn.g.SetComplement(partnergraph.Complement{From: "a", To: "b", Weight: 0.5, Source: partnergraph.SourceLearned}))
		tn.business("m", 0, false, "a")
		tn.business("b1", 1, false, "b")
		b1, _ := find(suggest(t, tn.g, "m", 10), "b1")
		if got, want := component(b1, SignalComplement), DefaultLearnedBlend*0.5+(1-DefaultLearnedBlend)*0.9; math.Abs(got-want) > 1e-9 {
			t.Errorf("complement %v; want %v", got, want)
		}
	})
	t.Run("social proof", func(t *testing.T) {
		tn := newTiny(t)
		tn.business("m", 0, false, "a")
		for _, id := range []string{"z1", "z2", "x", "y", "w"} {
			tn.business(id, 50, false, "d")
		}
		tn.partner("m", "z1", partnergraph.PartnershipActive)
		tn.partner("m", "z2", partnergraph.PartnershipActive)
		tn.trust("z1", "x", 0.9)
		tn.trust("z2", "x", 0.9)
		tn.trust("z1", "y", 0.9)
		tn.trust("m", "w", 0.9)
		got := tn.order("m", Weights{Social: 1})
		if !before(got, "x", "y") {
			t.Errorf("order %v; want x (trusted by two partners) before y (one)", got)
		}
		ss := suggest(t, tn.g, "m", 10)
		x, _ := find(ss, "x")
		if !slices.Contains(x.Reasons, "trusted by 2 of your partners: Business Z1 and Business Z2") {
			t.Errorf("x reasons %q", x.Reasons)
		}
		w, _ := find(ss, "w")
		if got := component(w, SignalSocial); math.Abs(got-0.9*0.9) > 0.01 || !slices.Contains(w.Reasons, "you trust them (0.9)") {
			t.Errorf("w: social %v, reasons %q; want 0.81 from the member's own trust", got, w.Reasons)
		}
	})
	t.Run("personalized pagerank", func(t *testing.T) {
		tn := newTiny(t)
		tn.business("m", 0, false, "a")
		for _, id := range []string{"p", "q", "r"} {
			tn.business(id, 50, false, "d")
		}
		tn.partner("m", "p", partnergraph.PartnershipActive)
		tn.trust("p", "q", 1)
		tn.trust("q", "p", 1)
		tn.trust("q", "r", 1)
		tn.trust("r", "q", 1)
		got := tn.order("m", Weights{PageRank: 1})
		if !before(got, "q", "r") {
			t.Errorf("order %v; want q (two steps) before r (three)", got)
		}
	})
	t.Run("distance", func(t *testing.T) {
		tn := newTiny(t)
		tn.business("m", 0, false, "a")
		tn.business("far", 20, false, "b")
		tn.business("near", 1, false, "b")
		ss := suggest(t, tn.g, "m", 10)
		if got := tn.order("m", Weights{Distance: 1}); !before(got, "near", "far") {
			t.Errorf("order %v; want near before far", got)
		}
		near, _ := find(ss, "near")
		if !slices.Contains(near.Reasons, "1.0 km away") || math.Abs(near.DistanceKm-1) > 0.05 {
			t.Errorf("near: %.2f km, reasons %q", near.DistanceKm, near.Reasons)
		}
	})
	t.Run("shared networks", func(t *testing.T) {
		tn := newTiny(t)
		tn.business("m", 0, false, "a")
		tn.business("two", 1, false, "b")
		tn.business("one", 1, false, "b")
		tn.business("none", 1, false, "b")
		tn.network("n1", "m", "two", "one")
		tn.network("n2", "m", "two")
		got := tn.order("m", Weights{Networks: 1})
		if !before(got, "two", "one") || !before(got, "one", "none") {
			t.Errorf("order %v; want two, one, none", got)
		}
		two, _ := find(suggest(t, tn.g, "m", 10), "two")
		if !slices.Contains(two.Reasons, "both in Network n1 and Network n2") {
			t.Errorf("two: reasons %q", two.Reasons)
		}
	})
	t.Run("quality", func(t *testing.T) {
		tn := newTiny(t)
		tn.business("m", 0, false, "a")
		tn.business("good", 1, true, "b")
		tn.business("plain", 1, false, "b")
		tn.business("fan", 30, false, "d")
		tn.trust("fan", "good", 0.9)
		got := tn.order("m", Weights{Quality: 1})
		if !before(got, "good", "plain") {
			t.Errorf("order %v; want the verified, trusted business first", got)
		}
		plain := func() float64 {
			p, _ := find(suggest(t, tn.g, "m", 10), "plain")
			return component(p, SignalQuality)
		}
		q0 := plain()
		must(t, tn.g.SetAcceptance("plain", 1))
		if q1 := plain(); math.Abs(q1-q0-0.1) > 1e-6 {
			t.Errorf("quality %v → %v after accepting every lead; want +0.1", q0, q1)
		}
		good, _ := find(suggest(t, tn.g, "m", 10), "good")
		if !slices.Contains(good.Reasons, "verified, trusted by 1 business") {
			t.Errorf("good: reasons %q", good.Reasons)
		}
		if err := tn.g.SetAcceptance("plain", 2); partnergraph.ErrorCode(err) != partnergraph.EINVALID {
			t.Errorf("SetAcceptance(2): %v; want EINVALID", err)
		}
	})
	t.Run("weights", func(t *testing.T) {
		g := NewGraph()
		for _, w := range []Weights{{}, {Social: -1, Complement: 1}, {Distance: math.NaN()}} {
			if err := g.SetWeights(w); partnergraph.ErrorCode(err) != partnergraph.EINVALID {
				t.Errorf("SetWeights(%+v): %v; want EINVALID", w, err)
			}
		}
	})
}

func TestSuggestNetworks(t *testing.T) {
	ctx := context.Background()
	s := exampleStore(t)
	b := newTyreShop()
	must(t, s.CreateBusiness(ctx, b, ""))
	must(t, s.SetBusinessServices(ctx, b.ID, []string{"tyres"}))
	g, err := Build(ctx, s, nil)
	must(t, err)

	ns, err := g.SuggestNetworks(b.ID, 10)
	must(t, err)
	if len(ns) == 0 || ns[0].NetworkID != "springfield-chamber" || !slices.Contains(ns[0].Reasons, "in your town (Springfield)") {
		t.Fatalf("new tyre shop: %+v; want Springfield Chamber of Commerce first, in its town", ns)
	}
	for _, n := range ns {
		if n.NetworkID == "main-street-referral-club" {
			t.Error("suggested a private network")
		}
	}

	ns, err = g.SuggestNetworks("summit-realty", 10)
	must(t, err)
	var chamber NetworkSuggestion
	for _, n := range ns {
		if n.NetworkID == "capital-city-home-alliance" {
			t.Error("suggested a network summit-realty belongs to")
		}
		if n.NetworkID == "springfield-chamber" {
			chamber = n
		}
	}
	if !slices.Contains(chamber.Reasons, "3 businesses you work with are members: First Prairie Mortgage, Keystone Realty and Lincoln Insurance Brokers") {
		t.Errorf("springfield-chamber for summit-realty: %q", chamber.Reasons)
	}
	if chamber.Members != 19 {
		t.Errorf("springfield-chamber members %d; want 19", chamber.Members)
	}
	must(t, g.Join(partnergraph.Membership{BusinessID: "summit-realty", NetworkID: "springfield-chamber"}))
	ns, err = g.SuggestNetworks("summit-realty", 10)
	must(t, err)
	for _, n := range ns {
		if n.NetworkID == "springfield-chamber" {
			t.Error("still suggested after joining")
		}
	}
}
