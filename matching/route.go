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
	// DefaultTrustRankInterval is how stale the global trust may grow, unless
	// RouteOptions.TrustRankInterval says otherwise, before a route recomputes it.
	DefaultTrustRankInterval = time.Minute
	// routeBeam bounds how many businesses each hop expands: the most trusted ones. Hubs
	// would otherwise make a 3-hop search touch much of a large graph.
	routeBeam = 256
)

// RouteOptions tune routing.
type RouteOptions struct {
	// FallbackVerified sends a lead with no trusted path to the best verified businesses that
	// offer the service nearby, instead of making it UNROUTABLE.
	FallbackVerified bool
	// TrustRankInterval is how stale the global trust may grow after writes before a route
	// recomputes it (default DefaultTrustRankInterval). Until then a business added or
	// trusted since the last computation is judged by one step of trust from the businesses
	// that computation ranked (see currentTrust): shorter brings the rest of the walk (trust
	// that reaches it in more steps) in sooner, at the cost of a recomputation (seconds at a
	// million businesses, off the request path) that often.
	TrustRankInterval time.Duration
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
// businesses in exclude. With none it returns the reason. With a trace it also accounts for the
// business t.BusinessID, from the very decisions that rank the candidates (see
// partnergraph.RouteTrace): the first rule that left it out, or its score and place. ENOTFOUND
// for an unknown referrer or traced business.
func (g *Graph) Route(l *partnergraph.Lead, exclude map[string]bool, n int, t *partnergraph.RouteTrace) ([]partnergraph.Candidate, string, error) {
	g.refreshTrustRank()
	g.mu.RLock()
	defer g.mu.RUnlock()
	u, err := g.node(l.ReferrerID)
	if err != nil {
		return nil, "", err
	}
	tv := int32(-1)
	if t != nil {
		if tv, err = g.node(t.BusinessID); err != nil {
			return nil, "", err
		}
		g.describe(t, tv, u, l)
	}
	svc, ok := g.svcIndex[l.ServiceID]
	if !ok {
		if t != nil && t.Rule == "" {
			t.Rule = partnergraph.RuleServiceNotOffered
		}
		return nil, fmt.Sprintf("no business offers %s", l.ServiceID), nil
	}
	best := g.trustedPaths(u)
	floor := trustFloorShare / float64(max(1, len(g.ids)))
	// Score every reachable business that could take the lead, and spell out paths and
	// reasons only for the n returned.
	var ranked []reached
	for v, h := range best {
		if v == u || exclude[g.ids[v]] || g.exclusion(v, svc, l.Location, true, floor) != ruleNone {
			continue
		}
		ranked = append(ranked, reached{v, routeScore(g.routeSignals(v, h, l.Location))})
	}
	if t != nil && t.Rule == "" {
		_, reachedTV := best[tv]
		t.Rule = g.exclusion(tv, svc, l.Location, reachedTV, floor).public()
	}
	var cands []partnergraph.Candidate
	if len(ranked) > 0 {
		slices.SortFunc(ranked, func(a, b reached) int {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(g.ids[a.v], g.ids[b.v]))
		})
		for _, r := range ranked[:min(n, len(ranked))] {
			cands = append(cands, g.candidate(r.v, r.score, best, l.Location))
		}
		if t != nil {
			g.traceRanked(t, tv, ranked, n, best, l.Location)
		}
		return cands, "", nil
	}
	if g.route.FallbackVerified {
		cands = g.verifiedNear(u, svc, l.Location, exclude)
	}
	if len(cands) == 0 {
		return nil, fmt.Sprintf("no trusted path from %s to a business that offers %s and serves the customer's place", g.names[u], g.svcs[svc].name), nil
	}
	slices.SortFunc(cands, func(a, b partnergraph.Candidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.BusinessID, b.BusinessID))
	})
	cands = cands[:min(n, len(cands))]
	if t != nil {
		// The fallback takes the nearest verified businesses that serve the place, whatever
		// their path and global trust.
		for i, c := range cands {
			if c.BusinessID == t.BusinessID {
				t.Rule, t.Self, t.Position, t.Ranked = partnergraph.RuleOffered, &cands[i], i+1, len(cands)
			}
		}
	}
	return cands, "", nil
}

// rule is a routing rule as the projection computes it; public names it for the API.
type rule uint8

// The rules that exclusion applies, in its order.
const (
	ruleNone rule = iota
	ruleNotActive
	ruleNoService
	ruleOutsideRadius
	ruleNoPath
	ruleBelowFloor
)

func (r rule) public() partnergraph.RoutingRule {
	return [...]partnergraph.RoutingRule{
		ruleNone: partnergraph.RuleOffered, ruleNotActive: partnergraph.RuleNotActive,
		ruleNoService: partnergraph.RuleServiceNotOffered, ruleOutsideRadius: partnergraph.RuleOutsideRadius,
		ruleNoPath: partnergraph.RuleNoTrustedPath, ruleBelowFloor: partnergraph.RuleBelowTrustFloor,
	}[r]
}

// exclusion is the first of routing's rules that leaves v out of a lead for svc at p, or
// ruleNone: not active, does not offer the service, does not serve the place, no trusted path
// from the referrer (reached is false), global trust below the floor. Route filters every
// business it reaches by it, and a trace asks it about one business, so that the explanation
// of a decision is the decision. The caller holds the read lock.
func (g *Graph) exclusion(v int32, svc uint16, p partnergraph.Point, reached bool, floor float64) rule {
	if r := g.serving(v, svc, p); r != ruleNone {
		return r
	}
	if !reached {
		return ruleNoPath
	}
	if g.currentTrust(v, floor) < floor {
		return ruleBelowFloor
	}
	return ruleNone
}

// serving is the first rule that keeps v from taking a lead for svc at p, whatever the path:
// not active, does not offer the service, the place is outside its radius.
func (g *Graph) serving(v int32, svc uint16, p partnergraph.Point) rule {
	switch {
	case g.status[v] != statusActive:
		return ruleNotActive
	case !slices.Contains(g.services.get(v), svc):
		return ruleNoService
	case partnergraph.DistanceKm(g.point(v), p) > float64(g.radius[v]):
		return ruleOutsideRadius
	}
	return ruleNone
}

// describe fills in what a trace says of the business v whatever routing decides, and the
// rules that come before the projection's own: the referrer is never a candidate, and a
// business already offered the lead (in exclude) is not offered it again.
func (g *Graph) describe(t *partnergraph.RouteTrace, v, u int32, l *partnergraph.Lead) {
	t.Status = [...]partnergraph.BusinessStatus{statusActive: partnergraph.BusinessActive, statusPending: partnergraph.BusinessPending, statusSuspended: partnergraph.BusinessSuspended}[g.status[v]]
	t.Verified = g.verified[v]
	t.DistanceKm = partnergraph.DistanceKm(g.point(v), l.Location)
	t.RadiusKm = float64(g.radius[v])
	t.Referrer, t.MaxHops = g.names[u], MaxHops
	t.ServiceName = l.ServiceID
	if s, ok := g.svcIndex[l.ServiceID]; ok {
		t.ServiceName = g.svcs[s].name
	}
	if v == u {
		t.Rule = partnergraph.RuleReferrer
	}
}

// traceRanked places the traced business tv among the ranked businesses, best first, of which
// Route returns the first n: beyond them it ranked below. It records the signals of the
// returned candidates and of tv, which the lead lifecycle compares to say what tv lacked.
func (g *Graph) traceRanked(t *partnergraph.RouteTrace, tv int32, ranked []reached, n int, best map[int32]hop, p partnergraph.Point) {
	t.Ranked = len(ranked)
	t.Signals = map[string]partnergraph.RouteSignals{}
	for _, r := range ranked[:min(n, len(ranked))] {
		t.Signals[g.ids[r.v]] = g.routeSignals(r.v, best[r.v], p)
	}
	if t.Rule != partnergraph.RuleOffered {
		return
	}
	i := slices.IndexFunc(ranked, func(r reached) bool { return r.v == tv })
	if i < 0 {
		// Excluded by the caller: offered the lead before.
		return
	}
	c := g.candidate(tv, ranked[i].score, best, p)
	t.Self, t.Position = &c, i+1
	t.Signals[g.ids[tv]] = g.routeSignals(tv, best[tv], p)
	if i >= n {
		t.Rule = partnergraph.RuleRankedBelow
	}
}

// reached is a business and a value to rank it by: the trust of the best path to it while
// the paths are searched, its score as a candidate after.
type reached struct {
	v     int32
	score float64
}

// selectTop moves the k highest-ranked of rs (by value, then node) to its front, in no
// particular order, in linear expected time: the beam needs the best routeBeam of thousands
// reached, not all of them sorted.
func selectTop(rs []reached, k int) {
	less := func(a, b reached) bool { return a.score > b.score || a.score == b.score && a.v < b.v }
	lo, hi := 0, len(rs)-1
	for lo < hi {
		// The median of three as the pivot, moved to hi; Lomuto partition.
		mid := int(uint(lo+hi) >> 1)
		if less(rs[mid], rs[lo]) {
			rs[mid], rs[lo] = rs[lo], rs[mid]
		}
		if less(rs[hi], rs[lo]) {
			rs[hi], rs[lo] = rs[lo], rs[hi]
		}
		if less(rs[mid], rs[hi]) {
			rs[mid], rs[hi] = rs[hi], rs[mid]
		}
		pivot, store := rs[hi], lo
		for i := lo; i < hi; i++ {
			if less(rs[i], pivot) {
				rs[i], rs[store] = rs[store], rs[i]
				store++
			}
		}
		rs[store], rs[hi] = rs[hi], rs[store]
		switch {
		case store == k-1 || store == k:
			return
		case store < k:
			lo = store + 1
		default:
			hi = store - 1
		}
	}
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
					if !ok || h.hops != depth { // once per hop, however often it improves
						next = append(next, lk.to)
					}
					best[lk.to] = hop{trust: p, prev: x, hops: depth}
				}
			}
		}
		if len(next) > routeBeam {
			// Select on the trusts read once: sorting the nodes with map lookups in the
			// comparison was two thirds of a route at 300,000 businesses.
			ranked := make([]reached, len(next))
			for i, v := range next {
				ranked[i] = reached{v, best[v].trust}
			}
			selectTop(ranked, routeBeam)
			next = next[:routeBeam]
			for i := range next {
				next[i] = ranked[i].v
			}
		}
		frontier = next
	}
	return best
}

// serves reports whether v is active, offers the service and takes customers at p.
func (g *Graph) serves(v int32, svc uint16, p partnergraph.Point) bool {
	return g.serving(v, svc, p) == ruleNone
}

// routeSignals are the signals of a reachable business's routing score: the trust of its path,
// its closeness to the customer, its acceptance of past leads and its quality.
func (g *Graph) routeSignals(v int32, h hop, p partnergraph.Point) partnergraph.RouteSignals {
	accept := 0.5 // unknown until the business has answered leads
	if a := g.accept[v]; !math.IsNaN(float64(a)) {
		accept = float64(a)
	}
	return partnergraph.RouteSignals{
		PathTrust: h.trust, Closeness: math.Exp(-partnergraph.DistanceKm(g.point(v), p) / 15),
		Acceptance: accept, Quality: g.quality(v),
	}
}

// routeScore weighs the signals: path trust first, then closeness, acceptance and quality.
func routeScore(s partnergraph.RouteSignals) float64 {
	return 0.55*s.PathTrust + 0.15*s.Closeness + 0.15*s.Acceptance + 0.15*s.Quality
}

// candidate spells out a scored business: the path to it and the reasons.
func (g *Graph) candidate(v int32, score float64, best map[int32]hop, p partnergraph.Point) partnergraph.Candidate {
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
	reasons := []string{"via " + strings.Join(steps, " → "), partnergraph.CustomerDistanceReason(km)}
	if g.verified[v] {
		reasons = append(reasons, "verified")
	}
	return partnergraph.Candidate{BusinessID: g.ids[v], Path: ids, PathTrust: best[v].trust, Score: score, Reasons: reasons}
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
			Reasons: []string{"no trusted path: the nearest verified business", partnergraph.CustomerDistanceReason(km)},
		})
	})
	return out
}

// refreshTrustRank keeps the global trust of every business (TrustRank, a PageRank over trust
// edges and active partnerships whose random jumps land only on verified businesses) current.
// The first route computes it; after writes, a route older than the TrustRankInterval starts a
// recomputation in the background and goes on with the previous values, so that no lead waits
// for it. Only reading the graph for it holds the read lock (see trustWalk and the bench).
func (g *Graph) refreshTrustRank() {
	g.mu.RLock()
	have := len(g.trustRank) > 0
	every := g.route.TrustRankInterval
	if every <= 0 {
		every = DefaultTrustRankInterval
	}
	stale := g.trustEdits != g.trustRankEdits && time.Since(g.trustRankAt) >= every
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
// and after bulk changes. Until the next one, businesses added or trusted since the last
// computation get only one step of trust from the businesses it ranked (see currentTrust).
func (g *Graph) RefreshTrust() { g.recomputeTrustRank() }

func (g *Graph) recomputeTrustRank() {
	g.mu.RLock()
	walk, edits := g.readTrustWalk(), g.trustEdits
	g.mu.RUnlock()
	rank := walk.rank()
	g.mu.Lock()
	defer g.mu.Unlock()
	// Writes made while it was computed keep it stale, to be computed again.
	g.trustRank, g.trustRankAt, g.trustRankEdits = rank, time.Now(), edits
}

// globalTrust is v's global trust; 0 for a business newer than the last computation.
func (g *Graph) globalTrust(v int32) float64 {
	if int(v) < len(g.trustRank) {
		return float64(g.trustRank[v])
	}
	return 0
}

// currentTrust is v's global trust for the floor. TrustRank is recomputed at most every
// TrustRankInterval after writes, so a business added since, or one the last computation left
// below the floor that has just been trusted, would get no lead for up to that long on every
// server: a new member's first experience would be that nothing happens. Such a business is
// judged by one more step of the walk from the ranks that computation gave: the damped share
// of each truster's rank that its current trust sends to v, as readTrustWalk splits it. That is
// the equation TrustRank solves, evaluated with the last ranks, so it gives v about what the
// next computation will. Only rank that verified businesses reach flows in: a ring that only
// trusts itself, or that only businesses TrustRank left below the floor trust, stays below it
// (the anti-collusion floor holds). Only candidates below the floor pay for this, so the common path
// costs nothing more. The caller holds the read lock.
func (g *Graph) currentTrust(v int32, floor float64) float64 {
	stored := g.globalTrust(v)
	if stored >= floor || len(g.trustRank) == 0 {
		return stored
	}
	const damping = 0.85 // as in rank
	est := 0.0
	for _, lk := range g.links.get(v) {
		u := lk.to
		if int(u) >= len(g.trustRank) || g.trustRank[u] == 0 {
			continue
		}
		// lk seen from u: u's trust to v is lk.in, and the partnership is the pair's.
		t := g.edgeTrustOf(link{to: v, out: lk.in, st: lk.st})
		if t <= 0 {
			continue
		}
		total := 0.0
		for _, ul := range g.links.get(u) {
			total += g.edgeTrustOf(ul)
		}
		est += damping * float64(g.trustRank[u]) * t / total
	}
	return max(stored, est)
}

// trustWalk is TrustRank's random walk read from the graph in one pass: for each business,
// where its trust flows and the share of it each step gets. TrustRank is computed on it with
// no lock held. Computing on the graph itself held the read lock for the whole computation
// (11 s at 1M businesses), and a writer waiting for that lock makes every new reader wait
// too, so suggestions and routes stalled once a minute.
type trustWalk struct {
	off   []uint32 // the steps from x are to[off[x]:off[x+1]]
	to    []int32
	share []float32 // of x's rank that flows to to[i]
	jump  []float32 // where the random jump lands: the verified active businesses; nil if none
}

// readTrustWalk reads the walk. The caller holds the read lock.
func (g *Graph) readTrustWalk() trustWalk {
	n := len(g.ids)
	w := trustWalk{off: make([]uint32, n+1)}
	seeds := 0
	for v := range n {
		if g.verified[v] && g.status[v] == statusActive {
			seeds++
		}
	}
	if seeds == 0 {
		return w
	}
	w.jump = make([]float32, n)
	for v := range n {
		if g.verified[v] && g.status[v] == statusActive {
			w.jump[v] = 1 / float32(seeds)
		}
	}
	for x := range int32(n) {
		ls := g.links.get(x)
		total := 0.0
		for _, lk := range ls {
			total += g.edgeTrustOf(lk)
		}
		if total > 0 {
			for _, lk := range ls {
				if t := g.edgeTrustOf(lk); t > 0 {
					w.to = append(w.to, lk.to)
					w.share = append(w.share, float32(t/total))
				}
			}
		}
		w.off[x+1] = uint32(len(w.to))
	}
	return w
}

// rank computes TrustRank: a PageRank whose random jumps land only on verified businesses, by
// power iteration. With nothing verified yet (a new network) every business gets 1: no floor.
func (w trustWalk) rank() []float32 {
	n := len(w.off) - 1
	rank := make([]float32, n)
	if w.jump == nil {
		for v := range rank {
			rank[v] = 1
		}
		return rank
	}
	const damping, iterations = 0.85, 20
	copy(rank, w.jump)
	next := make([]float32, n)
	for range iterations {
		for v := range next {
			next[v] = (1 - damping) * w.jump[v]
		}
		for x := range n {
			r := rank[x]
			if r == 0 {
				continue
			}
			for i := w.off[x]; i < w.off[x+1]; i++ {
				next[w.to[i]] += damping * r * w.share[i]
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
