package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Routing finds where a lead should go: businesses that offer the service and serve the
// customer's place, reached from the referrer along trusted edges, ranked by the most
// reliable path (the product of edge trust over at most MaxHops hops), then by distance,
// acceptance and quality.
const (
	// MaxHops bounds a trusted path: trust does not carry far.
	MaxHops = 3
	// partnershipTrust is the trust an active partnership stands for when no higher trust
	// edge exists: partners signed terms with each other.
	partnershipTrust = 0.8
	// minPathTrust drops paths too weak to mean anything.
	minPathTrust = 0.05
	// trustFloorShare is the least global trust (TrustRank from verified businesses), as a
	// share of the average, that a candidate needs: a cluster of businesses that only trust
	// each other, and that no verified business reaches, gets no leads.
	trustFloorShare = 0.01
	// trustRankTTL is how stale the global trust may grow before a route recomputes it.
	trustRankTTL = time.Minute
	// routeBeam bounds how many businesses each hop expands: the most trusted ones. Hubs
	// would otherwise make a 3-hop search touch much of a large graph.
	routeBeam = 256
)

// RouteOptions tune routing.
type RouteOptions struct {
	// FallbackVerified sends a lead with no trusted path to the best verified businesses that
	// offer the service nearby, instead of making it UNROUTABLE.
	FallbackVerified bool
}

// SetRouteOptions changes the routing options.
func (g *Graph) SetRouteOptions(o RouteOptions) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.route = o
}

type hop struct {
	trust float64 // product of trust from the referrer
	prev  int32   // previous node on the best path, -1 at the referrer
	hops  int8
}

// Route returns up to n candidates for the lead, best first, leaving out the referrer and the
// businesses in exclude. With none it returns the reason. ENOTFOUND for an unknown referrer.
func (g *Graph) Route(l *partnergraph.Lead, exclude map[string]bool, n int) ([]partnergraph.Candidate, string, error) {
	g.refreshTrustRank()
	g.mu.RLock()
	defer g.mu.RUnlock()
	u, err := g.node(l.ReferrerID)
	if err != nil {
		return nil, "", err
	}
	svc, ok := g.svcIndex[l.ServiceID]
	if !ok {
		return nil, fmt.Sprintf("no business offers %s", l.ServiceID), nil
	}
	best := g.trustedPaths(u)
	floor := trustFloorShare / float64(max(1, len(g.ids)))
	var cands []partnergraph.Candidate
	for v, h := range best {
		if v == u || exclude[g.ids[v]] || !g.serves(v, svc, l.Location) || g.globalTrust(v) < floor {
			continue
		}
		cands = append(cands, g.candidate(v, h, best, l.Location))
	}
	if len(cands) == 0 && g.route.FallbackVerified {
		cands = g.verifiedNear(u, svc, l.Location, exclude)
	}
	if len(cands) == 0 {
		return nil, fmt.Sprintf("no trusted path from %s to a business that offers %s and serves the customer's place", g.names[u], g.svcs[svc].name), nil
	}
	slices.SortFunc(cands, func(a, b partnergraph.Candidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.BusinessID, b.BusinessID)
	})
	return cands[:min(n, len(cands))], "", nil
}

// trustedPaths finds, for every business within MaxHops of u along trust edges (and active
// partnerships), the most reliable path to it: hop-bounded relaxation of the product of trust,
// expanding at each hop only the routeBeam most trusted businesses reached.
func (g *Graph) trustedPaths(u int32) map[int32]hop {
	best := map[int32]hop{u: {trust: 1, prev: -1}}
	frontier := []int32{u}
	for depth := int8(1); depth <= MaxHops && len(frontier) > 0; depth++ {
		var next []int32
		for _, x := range frontier {
			hx := best[x]
			for _, lk := range g.links.get(x) {
				w := g.routeTrust(x, lk)
				if w == 0 || g.status[lk.to] == statusSuspended {
					continue
				}
				p := hx.trust * w
				if p < minPathTrust {
					continue
				}
				if h, ok := best[lk.to]; !ok || p > h.trust {
					best[lk.to] = hop{trust: p, prev: x, hops: depth}
					next = append(next, lk.to)
				}
			}
		}
		if len(next) > routeBeam {
			slices.SortFunc(next, func(a, b int32) int { return cmp.Compare(best[b].trust, best[a].trust) })
			next = next[:routeBeam]
		}
		frontier = next
	}
	return best
}

// serves reports whether v is active, offers the service and takes customers at p.
func (g *Graph) serves(v int32, svc uint16, p partnergraph.Point) bool {
	if g.status[v] != statusActive || !slices.Contains(g.services.get(v), svc) {
		return false
	}
	return partnergraph.DistanceKm(g.point(v), p) <= float64(g.radius[v])
}

// candidate scores a reachable business: path trust first, then closeness to the customer,
// acceptance of past leads and quality.
func (g *Graph) candidate(v int32, h hop, best map[int32]hop, p partnergraph.Point) partnergraph.Candidate {
	var path []int32
	for x := v; x >= 0; x = best[x].prev {
		path = append(path, x)
	}
	slices.Reverse(path)
	ids := make([]string, len(path))
	steps := make([]string, 0, len(path)-1)
	for i, x := range path {
		ids[i] = g.ids[x]
		if i > 0 {
			steps = append(steps, fmt.Sprintf("%s (%.2f)", g.names[x], g.edgeTrust(path[i-1], x)))
		}
	}
	km := partnergraph.DistanceKm(g.point(v), p)
	closeness := math.Exp(-km / 15)
	accept := 0.5 // unknown until the business has answered leads
	if a := g.accept[v]; !math.IsNaN(float64(a)) {
		accept = float64(a)
	}
	score := 0.55*h.trust + 0.15*closeness + 0.15*accept + 0.15*g.quality(v)
	reasons := []string{"via " + strings.Join(steps, " → "), fmt.Sprintf("%.1f km from the customer", km)}
	if g.verified[v] {
		reasons = append(reasons, "verified")
	}
	return partnergraph.Candidate{BusinessID: g.ids[v], Path: ids, PathTrust: h.trust, Score: score, Reasons: reasons}
}

// edgeTrust is the trust of the step from a to b as routing counts it.
func (g *Graph) edgeTrust(a, b int32) float64 {
	lk, _ := g.linkTo(a, b)
	return g.routeTrust(a, lk)
}

// verifiedNear is the fallback without a trusted path: verified businesses that offer the
// service and serve the place, nearest first.
func (g *Graph) verifiedNear(u int32, svc uint16, p partnergraph.Point, exclude map[string]bool) []partnergraph.Candidate {
	var out []partnergraph.Candidate
	seen := map[int32]bool{}
	g.grid.rings(float32(p.Lat), float32(p.Lng), 200, []uint16{svc}, func(float64) bool { return len(out) < 10 }, func(v int32) {
		if seen[v] || v == u || !g.verified[v] || exclude[g.ids[v]] || !g.serves(v, svc, p) {
			return
		}
		seen[v] = true
		km := partnergraph.DistanceKm(g.point(v), p)
		out = append(out, partnergraph.Candidate{
			BusinessID: g.ids[v], Path: []string{g.ids[u], g.ids[v]}, Score: 0.5 * math.Exp(-km/15),
			Reasons: []string{"no trusted path: the nearest verified business", fmt.Sprintf("%.1f km from the customer", km)},
		})
	})
	return out
}

// refreshTrustRank keeps the global trust of every business (TrustRank, a PageRank over trust
// edges and active partnerships whose random jumps land only on verified businesses) current.
// The first route computes it; after writes, a route older than trustRankTTL starts a
// recomputation in the background and goes on with the previous values, so that no lead waits
// for it. The computation holds the read lock, so writers wait for it (see the bench figures).
func (g *Graph) refreshTrustRank() {
	g.mu.RLock()
	have := len(g.trustRank) > 0
	stale := g.trustDirty && time.Since(g.trustRankAt) >= trustRankTTL
	g.mu.RUnlock()
	switch {
	case !have:
		g.recomputeTrustRank()
	case stale && g.trustRanking.CompareAndSwap(false, true):
		go func() {
			defer g.trustRanking.Store(false)
			g.recomputeTrustRank()
		}()
	}
}

// RefreshTrust recomputes the global trust now, rather than at most once a minute: for tests,
// and after bulk changes. Businesses added since the last computation count as untrusted
// until the next one.
func (g *Graph) RefreshTrust() { g.recomputeTrustRank() }

func (g *Graph) recomputeTrustRank() {
	g.mu.RLock()
	rank := g.computeTrustRank()
	g.mu.RUnlock()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.trustRank, g.trustRankAt, g.trustDirty = rank, time.Now(), false
}

// globalTrust is v's global trust; 0 for a business newer than the last computation.
func (g *Graph) globalTrust(v int32) float64 {
	if int(v) < len(g.trustRank) {
		return float64(g.trustRank[v])
	}
	return 0
}

func (g *Graph) computeTrustRank() []float32 {
	n := len(g.ids)
	seeds := 0
	for v := range n {
		if g.verified[v] && g.status[v] == statusActive {
			seeds++
		}
	}
	rank := make([]float32, n)
	if seeds == 0 {
		// Nothing is verified yet (a new network): no floor at all.
		for v := range rank {
			rank[v] = 1
		}
		return rank
	}
	const damping, iterations = 0.85, 20
	jump := make([]float32, n)
	for v := range n {
		if g.verified[v] && g.status[v] == statusActive {
			jump[v] = 1 / float32(seeds)
		}
	}
	copy(rank, jump)
	next := make([]float32, n)
	for range iterations {
		for v := range next {
			next[v] = (1 - damping) * jump[v]
		}
		for x := int32(0); x < int32(n); x++ {
			if rank[x] == 0 {
				continue
			}
			ls := g.links.get(x)
			total := 0.0
			for _, lk := range ls {
				total += g.edgeTrustOf(lk)
			}
			if total == 0 {
				continue
			}
			for _, lk := range ls {
				if w := g.edgeTrustOf(lk); w > 0 {
					next[lk.to] += damping * rank[x] * float32(w/total)
				}
			}
		}
		rank, next = next, rank
	}
	return rank
}

func (g *Graph) edgeTrustOf(lk link) float64 {
	w := trustScore(lk.out)
	if lk.st == pairActive {
		w = math.Max(w, partnershipTrust)
	}
	return w
}
