package matching

import (
	"math"
)

// Bounds of the work one suggestion may do, so that a member linked to the largest hubs of a
// million-business graph still gets an answer in milliseconds.
const (
	pprAlpha   = 0.2     // restart probability of the personalized PageRank walk
	pprEpsilon = 1e-5    // push a node's residual while it exceeds ε per link
	pprMaxWork = 1 << 18 // link visits of one push, after which the estimate stands as is
	hubDegree  = 5000    // neighbours with more links do not spread social proof (see social)
	socialWork = 1 << 18 // link visits of the social expansion
	spatialTop = 256     // complementary businesses kept from the map
	pprTop     = 200     // businesses kept for their PageRank alone
)

// social adds to s.nb's soc the weighted Adamic-Adar score of every business two links away
// from u (and to its cn, aa and ra the classic, unweighted common neighbours, Adamic-Adar and
// resource allocation, over the same links):
// for each common neighbour z, w(u,z)·w(z,v) / log(2 + links of z), link weights halved to
// [0,1]. A neighbour with many links vouches for each of them less. It also flags u's
// neighbours. Hubs with more than hubDegree links are not expanded: their share would be below
// 1/log(hubDegree) per candidate anyway, they would cost most of the work, and PageRank still
// sees them.
func (g *Graph) social(s *scratch, u int32) {
	work := 0
	for _, l := range g.links.get(u) {
		wz := l.weight()
		if wz == 0 {
			continue
		}
		z := l.to
		s.touch(z)
		s.flags[z] |= fNeighbour
		dz := g.deg[z]
		if dz > hubDegree || work > socialWork {
			continue
		}
		f := float32(wz / 2 / math.Log(2+float64(dz)))
		// z has a link to u and one to the candidate, so dz ≥ 2 and log(dz) > 0.
		aa, ra := float32(1/math.Log(float64(dz))), 1/float32(dz)
		ls := g.links.get(z)
		work += len(ls)
		for _, m := range ls {
			if m.to == u {
				continue
			}
			if wm := m.weight(); wm > 0 {
				s.touch(m.to)
				nb := &s.nb[m.to]
				nb.soc += f * float32(wm/2)
				nb.cn++
				nb.aa += aa
				nb.ra += ra
			}
		}
	}
}

// pagerank estimates the personalized PageRank of the businesses around u by forward push
// (Andersen, Chung and Lang 2006) over the link weights: a node pushes while its residual is at
// least ε per link, so the work depends on the neighbourhood, not on the size of the graph,
// and it is capped at pprMaxWork link visits. A business without links keeps its mass.
func (g *Graph) pagerank(s *scratch, u int32) {
	s.touch(u)
	s.r[u] = 1
	s.queue = append(s.queue, u)
	s.flags[u] |= fQueued
	work := 0
	for head := 0; head < len(s.queue) && work < pprMaxWork; head++ {
		v := s.queue[head]
		s.flags[v] &^= fQueued
		rv := s.r[v]
		if g.deg[v] == 0 {
			s.p[v] += rv
			s.r[v] = 0
			continue
		}
		if float64(rv) < pprEpsilon*float64(g.deg[v]) {
			continue
		}
		s.p[v] += pprAlpha * rv
		s.r[v] = 0
		spread := (1 - pprAlpha) * rv / g.wdeg[v]
		ls := g.links.get(v)
		work += len(ls)
		for _, l := range ls {
			w := l.weight()
			if w == 0 {
				continue
			}
			x := l.to
			s.touch(x)
			s.r[x] += spread * float32(w)
			if s.flags[x]&fQueued == 0 && float64(s.r[x]) >= pprEpsilon*float64(g.deg[x]) {
				s.flags[x] |= fQueued
				s.queue = append(s.queue, x)
			}
		}
	}
}

// scored is a business with a score, for top-k selection and the evaluation's rankings.
type scored struct {
	v     int32
	score float64
	tie   float64 // the evaluation's second key: equal scores with different ties are not tied
}

// topK keeps the k highest scores seen, in a min-heap, so the lowest kept is at the root.
type topK struct {
	k     int
	items []scored
}

func (t *topK) full() bool { return len(t.items) >= t.k }

// min is the lowest score kept; only meaningful when the heap is full.
func (t *topK) min() float64 { return t.items[0].score }

func (t *topK) offer(v int32, score float64) {
	if len(t.items) < t.k {
		t.items = append(t.items, scored{v: v, score: score})
		for i := len(t.items) - 1; i > 0; {
			p := (i - 1) / 2
			if t.items[p].score <= t.items[i].score {
				break
			}
			t.items[p], t.items[i] = t.items[i], t.items[p]
			i = p
		}
		return
	}
	if score <= t.items[0].score {
		return
	}
	t.items[0] = scored{v: v, score: score}
	for i := 0; ; {
		c := 2*i + 1
		if c >= len(t.items) {
			break
		}
		if c+1 < len(t.items) && t.items[c+1].score < t.items[c].score {
			c++
		}
		if t.items[i].score <= t.items[c].score {
			break
		}
		t.items[i], t.items[c] = t.items[c], t.items[i]
		i = c
	}
}

// searchKm is how far from u the map is searched: its service radius, within limits, since
// a partner beyond it could not serve the same customers, and a search of a whole continent
// would read most of the grid.
func (g *Graph) searchKm(u int32) float64 {
	return math.Max(5, math.Min(100, float64(g.radius[u])))
}

// decayKm is the distance at which the distance signal has fallen to 1/e: half the search
// radius.
func (g *Graph) decayKm(u int32) float64 { return g.searchKm(u) / 2 }

// spatial finds the active businesses near u that offer a service complementing u's, and
// keeps the spatialTop best by complement and distance, flagging them. Rings of grid cells are
// read outwards until no business farther out could beat the ones kept.
func (g *Graph) spatial(s *scratch, u int32, w Weights) {
	mine := g.services.get(u)
	want := g.wanted(mine)
	if len(want) == 0 {
		return
	}
	svcs := make([]uint16, 0, len(want))
	best := 0.0
	for t, f := range want {
		svcs = append(svcs, t)
		best = math.Max(best, f)
	}
	maxKm, h := g.searchKm(u), g.decayKm(u)
	top := topK{k: spatialTop}
	more := func(minKm float64) bool {
		return !top.full() || w.Complement*best+w.Distance*math.Exp(-minKm/h) > top.min()
	}
	visit := func(v int32) {
		if v == u || g.status[v] != statusActive || (s.seen(v) && s.flags[v]&fScanned != 0) {
			return
		}
		s.touch(v)
		s.flags[v] |= fScanned
		d := g.distanceKm(u, v)
		if d > maxKm {
			return
		}
		f := g.fitOf(mine, g.services.get(v))
		top.offer(v, w.Complement*f.value+w.Distance*math.Exp(-d/h))
	}
	g.grid.rings(g.lat[u], g.lng[u], maxKm, svcs, more, visit)
	for _, it := range top.items {
		s.flags[it.v] |= fNear
	}
}
