package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph"
)

// NetworkSuggestion is a network the member should join.
type NetworkSuggestion struct {
	NetworkID  string
	Name       string
	Score      float64 // in [0,1]
	Members    int
	Components []Component
	Reasons    []string // why, strongest first
}

var networkSignals = [4]Signal{SignalPartners, SignalLocal, SignalComplement, SignalSize}

// networkWeights weigh the network signals: the member's own contacts in a network matter
// most, then members it could send leads to, then being local.
var networkWeights = [4]float64{0.35, 0.25, 0.30, 0.10}

// nearbyNetworkBusinesses is how many businesses around the member are read for the networks
// they belong to.
const nearbyNetworkBusinesses = 500

// SuggestNetworks returns up to first networks the member should join, best first: networks
// its partners and trusted businesses belong to, networks of its town, and networks whose
// members offer services that complement its own. Networks it belongs to and private networks
// (listed only to their members) are never suggested. Candidates are the networks of the
// member's neighbours and of the businesses around it, and those whose region is its town.
//
// Errors: EINVALID (field "first") unless 1 ≤ first ≤ 100; ENOTFOUND for an unknown business.
func (g *Graph) SuggestNetworks(businessID string, first int) ([]NetworkSuggestion, error) {
	if err := partnergraph.CheckPageSize(first); err != nil {
		return nil, err
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	u, err := g.node(businessID)
	if err != nil {
		return nil, err
	}
	type cand struct {
		n       int32
		via     []int32 // the member's neighbours in it
		partner bool    // all of them are active partners
		score   float64
		values  [4]float64
	}
	cands := map[int32]*cand{}
	get := func(n int32) *cand {
		c, ok := cands[n]
		if !ok {
			c = &cand{n: n, partner: true}
			cands[n] = c
		}
		return c
	}
	for _, l := range g.links.get(u) {
		if l.weight() == 0 {
			continue
		}
		for _, n := range g.nets.get(l.to) {
			c := get(n)
			c.via = append(c.via, l.to)
			c.partner = c.partner && l.st == pairActive
		}
	}
	all := make([]uint16, len(g.svcs))
	for i := range all {
		all[i] = uint16(i)
	}
	seen := map[int32]bool{}
	g.grid.rings(g.lat[u], g.lng[u], g.searchKm(u), all,
		func(float64) bool { return len(seen) < nearbyNetworkBusinesses },
		func(v int32) {
			if !seen[v] {
				seen[v] = true
				for _, n := range g.nets.get(v) {
					get(n)
				}
			}
		})
	city := g.cities[g.city[u]]
	for i, nw := range g.networks {
		if city != "" && strings.EqualFold(nw.region, city) {
			get(int32(i))
		}
	}

	mine := g.nets.get(u)
	want := g.wanted(g.services.get(u))
	var out []*cand
	for _, c := range cands {
		nw := &g.networks[c.n]
		if nw.private {
			continue
		}
		if _, in := slices.BinarySearch(mine, c.n); in {
			continue
		}
		c.values[0] = 1 - math.Pow(0.6, float64(len(c.via)))
		c.values[1] = g.localness(u, nw)
		c.values[2] = 1 - math.Exp(-complementMass(nw, want)/2)
		c.values[3] = 1 - math.Exp(-float64(nw.members)/20)
		if len(c.via) == 0 && c.values[1] < 0.3 && c.values[2] == 0 {
			continue // nothing relates it to the member
		}
		for j, x := range c.values {
			c.score += networkWeights[j] * x
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *cand) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(g.networks[a.n].name, g.networks[b.n].name))
	})
	out = out[:min(first, len(out))]
	res := make([]NetworkSuggestion, len(out))
	for i, c := range out {
		nw := &g.networks[c.n]
		ns := NetworkSuggestion{NetworkID: nw.id, Name: nw.name, Score: c.score, Members: int(nw.members)}
		ns.Components = make([]Component, len(networkSignals))
		for j, sig := range networkSignals {
			ns.Components[j] = Component{Signal: sig, Value: c.values[j], Weight: networkWeights[j]}
		}
		type reason struct {
			weight float64
			text   string
		}
		var rs []reason
		if len(c.via) > 0 {
			rs = append(rs, reason{networkWeights[0] * c.values[0], g.memberReason(c.via, c.partner)})
		}
		if t := g.localReason(u, nw); t != "" {
			rs = append(rs, reason{networkWeights[1] * c.values[1], t})
		}
		if t := g.complementReason(nw, want); t != "" {
			rs = append(rs, reason{networkWeights[2] * c.values[2], t})
		}
		rs = append(rs, reason{networkWeights[3] * c.values[3], fmt.Sprintf("%d members", nw.members)})
		slices.SortStableFunc(rs, func(a, b reason) int { return cmp.Compare(b.weight, a.weight) })
		for _, r := range rs {
			ns.Reasons = append(ns.Reasons, r.text)
		}
		res[i] = ns
	}
	return res, nil
}

// localness is 1 for a network of the member's town, else how near its members' centre is.
func (g *Graph) localness(u int32, nw *networkInfo) float64 {
	if city := g.cities[g.city[u]]; city != "" && strings.EqualFold(nw.region, city) {
		return 1
	}
	if nw.members == 0 {
		return 0
	}
	return math.Exp(-g.centreKm(u, nw) / g.decayKm(u))
}

func (g *Graph) centreKm(u int32, nw *networkInfo) float64 {
	c := partnergraph.Point{Lat: nw.sumLat / float64(nw.members), Lng: nw.sumLng / float64(nw.members)}
	return partnergraph.DistanceKm(g.point(u), c)
}

func (g *Graph) localReason(u int32, nw *networkInfo) string {
	if city := g.cities[g.city[u]]; city != "" && strings.EqualFold(nw.region, city) {
		return "in your town (" + city + ")"
	}
	if nw.members > 0 {
		if d := g.centreKm(u, nw); d <= g.searchKm(u) {
			return "its members are around " + fmtKm(d) + " from you"
		}
	}
	return ""
}

// complementMass counts the network's members that offer services the member's customers
// need, weighted by the complement, at most five per service so that a big network does not
// win on size alone.
func complementMass(nw *networkInfo, want map[uint16]float64) float64 {
	x := 0.0
	for t, f := range want {
		x += f * float64(min(nw.svcCount[t], 5))
	}
	return x
}

func (g *Graph) complementReason(nw *networkInfo, want map[uint16]float64) string {
	type svc struct {
		t    uint16
		mass float64
	}
	var ss []svc
	for t, f := range want {
		if n := nw.svcCount[t]; n > 0 {
			ss = append(ss, svc{t, f * float64(min(n, 5))})
		}
	}
	if len(ss) == 0 {
		return ""
	}
	slices.SortFunc(ss, func(a, b svc) int {
		return cmp.Or(cmp.Compare(b.mass, a.mass), cmp.Compare(g.svcs[a.t].name, g.svcs[b.t].name))
	})
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = fmt.Sprintf("%s (%d)", g.svcs[s.t].name, nw.svcCount[s.t])
	}
	return "members offer services that complement yours: " + listNames(names, 3)
}

func (g *Graph) memberReason(via []int32, partners bool) string {
	slices.SortFunc(via, func(a, b int32) int { return cmp.Compare(g.names[a], g.names[b]) })
	names := make([]string, len(via))
	for i, v := range via {
		names[i] = g.names[v]
	}
	switch {
	case len(via) == 1 && partners:
		return "your partner " + names[0] + " is a member"
	case len(via) == 1:
		return names[0] + ", a business you work with, is a member"
	case partners:
		return fmt.Sprintf("%d of your partners are members: %s", len(via), listNames(names, 3))
	}
	return fmt.Sprintf("%d businesses you work with are members: %s", len(via), listNames(names, 3))
}
