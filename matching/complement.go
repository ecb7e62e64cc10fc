package matching

import (
	"cmp"
	"math"
	"slices"

	"github.com/partnergraph/partnergraph"
)

// reverseShare is how much a complement in the other direction counts: a partnership is worth
// most when the member's customers need the candidate's service (the member can send leads),
// and still much when only the candidate's customers need the member's (leads come back).
// Tuned on the held-out evaluation.
const reverseShare = 0.75

// serviceIdx returns the index of the service, adding it (named by its slug) if unknown, so
// that a business may be projected before, or without, its service record.
func (g *Graph) serviceIdx(id string) uint16 {
	if s, ok := g.svcIndex[id]; ok {
		return s
	}
	s := uint16(len(g.svcs))
	g.svcIndex[id] = s
	g.svcs = append(g.svcs, serviceInfo{id: id, name: id})
	g.comp = append(g.comp, nil)
	for i := range g.networks {
		g.networks[i].svcCount = append(g.networks[i].svcCount, 0)
	}
	return s
}

// effective is the weight of a complement: the curated one, the learned one, or both blended.
func (g *Graph) effective(c complement) float64 {
	cur, learned := c.curated, c.learned
	switch {
	case math.IsNaN(learned):
		return cur
	case math.IsNaN(cur):
		return learned
	}
	return g.blend*learned + (1-g.blend)*cur
}

// compWeight is the effective weight of the complement from → to, 0 if there is none.
func (g *Graph) compWeight(from, to uint16) float64 {
	for _, c := range g.comp[from] {
		if c.to == to {
			return g.effective(c)
		}
	}
	return 0
}

// pairFit is how well a business offering t fits one offering s, and whether the reverse
// direction (t's customers need s) gave it.
func (g *Graph) pairFit(s, t uint16) (float64, bool) {
	fwd, rev := g.compWeight(s, t), reverseShare*g.compWeight(t, s)
	if rev > fwd+1e-9 { // on a tie the member's own need reads better
		return rev, true
	}
	return fwd, false
}

// fit is the best complement between the services of two businesses: its value and the pair
// of services that gave it, for the reason shown.
type fit struct {
	value    float64
	mine     uint16 // the member's service
	theirs   uint16 // the candidate's service
	reversed bool   // the candidate's customers need the member's service, not the other way
}

func (g *Graph) fitOf(mine, theirs []uint16) fit {
	var best fit
	for _, s := range mine {
		for _, t := range theirs {
			if s == t {
				continue
			}
			if v, rev := g.pairFit(s, t); v > best.value {
				best = fit{value: v, mine: s, theirs: t, reversed: rev}
			}
		}
	}
	return best
}

// wanted returns, for the member's services, each service that complements one of them with
// the best fit: the services whose providers are worth looking for on the map.
func (g *Graph) wanted(mine []uint16) map[uint16]float64 {
	out := map[uint16]float64{}
	for _, s := range mine {
		for t := range g.svcs {
			if uint16(t) == s {
				continue
			}
			if v, _ := g.pairFit(s, uint16(t)); v > out[uint16(t)] {
				out[uint16(t)] = v
			}
		}
	}
	return out
}

// putService records a service's name.
func (g *Graph) putService(s partnergraph.Service) {
	i := g.serviceIdx(s.ID)
	g.svcs[i].name, g.svcs[i].sector = s.Name, s.Sector
}

// setComplement sets one layer of the complement from → to, by its source.
func (g *Graph) setComplement(c partnergraph.Complement) {
	from, to := g.serviceIdx(c.From), g.serviceIdx(c.To)
	nan := math.NaN()
	for i := range g.comp[from] {
		e := &g.comp[from][i]
		if e.to != to {
			continue
		}
		if c.Source == partnergraph.SourceLearned {
			e.learned = c.Weight
		} else {
			e.curated = c.Weight
		}
		return
	}
	e := complement{to: to, curated: nan, learned: nan}
	if c.Source == partnergraph.SourceLearned {
		e.learned = c.Weight
	} else {
		e.curated = c.Weight
	}
	g.comp[from] = append(g.comp[from], e)
}

// removeComplement deletes both layers of from → to; ENOTFOUND if there is none.
func (g *Graph) removeComplement(from, to string) error {
	f, ok1 := g.svcIndex[from]
	t, ok2 := g.svcIndex[to]
	if ok1 && ok2 {
		for i, e := range g.comp[f] {
			if e.to == t {
				g.comp[f] = append(g.comp[f][:i], g.comp[f][i+1:]...)
				return nil
			}
		}
	}
	return partnergraph.Errorf(partnergraph.ENOTFOUND, "complement %s → %s not found", from, to)
}

// ComplementWeights are the two layers of one directed complement: Curated (by admins) and
// Learned (from lead outcomes), each NaN when the pair has none, and Effective, the weight
// matching uses.
type ComplementWeights struct {
	From, To                    string
	Curated, Learned, Effective float64
}

// Complements returns every directed complement with a weight in either layer, by from then to
// (service slugs), for the console's matrix. The catalogue of services is curated and small,
// so the answer is too.
func (g *Graph) Complements() []ComplementWeights {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var out []ComplementWeights
	for from, cs := range g.comp {
		for _, c := range cs {
			out = append(out, ComplementWeights{From: g.svcs[from].id, To: g.svcs[c.to].id, Curated: c.curated, Learned: c.learned, Effective: g.effective(c)})
		}
	}
	slices.SortFunc(out, func(a, b ComplementWeights) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
	return out
}
