package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Signal names one input of a suggestion's score.
type Signal string

// The signals of partner and network suggestions.
const (
	SignalComplement Signal = "COMPLEMENT" // the services complement each other (curated or learned weights)
	SignalSocial     Signal = "SOCIAL"     // common partners and trusted businesses (Adamic-Adar)
	SignalPageRank   Signal = "PAGERANK"   // personalized PageRank from the member over trust and partnerships
	SignalDistance   Signal = "DISTANCE"   // near the member, decaying with kilometres
	SignalNetworks   Signal = "NETWORKS"   // networks both belong to
	SignalQuality    Signal = "QUALITY"    // verified, trusted by many, accepts leads
	SignalPartners   Signal = "PARTNERS"   // the member's partners and trusted businesses are in the network
	SignalLocal      Signal = "LOCAL"      // the network is in the member's town or near it
	SignalSize       Signal = "SIZE"       // the network has members to meet

	// The classic link predictors, as signals of their own (weighted by a fit, see Fit).
	SignalCommonNeighbours   Signal = "COMMON_NEIGHBOURS"       // partners and trusted businesses in common
	SignalAdamicAdar         Signal = "ADAMIC_ADAR"             // the same, each 1/log(its links)
	SignalResourceAllocation Signal = "RESOURCE_ALLOCATION"     // the same, each 1/(its links)
	SignalPreferential       Signal = "PREFERENTIAL_ATTACHMENT" // the candidate's links
)

// Component is one signal's part in a score: Score is the sum of Value·Weight over the
// components, and the weights sum to 1.
type Component struct {
	Signal Signal
	Value  float64 // in [0,1]
	Weight float64 // in [0,1]
}

// Suggestion is a business the member should partner with.
type Suggestion struct {
	BusinessID string
	Name       string
	Score      float64 // in [0,1]
	DistanceKm float64
	Components []Component
	Reasons    []string // why, strongest first, naming the businesses and networks involved
	Fitted     bool     // the weights come from a fit of the network's history, not the defaults
}

// socialScale is the raw Adamic-Adar score at which the social signal reaches 1 - 1/e: several
// common neighbours that trust or partner both the member and the candidate. Tuned on the
// held-out evaluation.
const socialScale = 2

// candidate is a business being ranked for a member, with what its reasons need.
type candidate struct {
	v      int32
	score  float64
	values [nSignals]float64 // in the order of partnerSignals
	fit    fit
	dist   float64
	soc    float64 // raw Adamic-Adar
	shared int     // networks in common
	source uint8   // from* : what put it in the list
	tie    float64 // orders equal scores: the weighted links of a business suggested by fillIn
}

// nSignals counts the signals of partner suggestions.
const nSignals = 10

// Indexes of partnerSignals, for the signals the code reads by name.
const (
	iComplement = iota
	iSocial
	iPageRank
	iDistance
	iNetworks
	iQuality
	iCommon
	iAdamicAdar
	iResource
	iPreferential
)

var partnerSignals = [nSignals]Signal{SignalComplement, SignalSocial, SignalPageRank, SignalDistance, SignalNetworks, SignalQuality,
	SignalCommonNeighbours, SignalAdamicAdar, SignalResourceAllocation, SignalPreferential}

func (w Weights) normalized() [nSignals]float64 {
	a := w.array()
	sum := 0.0
	for _, v := range a {
		sum += v
	}
	for i := range a {
		// Rounded so that an API shows 0.2, not 0.19999999999999996.
		a[i] = math.Round(a[i]/sum*1e6) / 1e6
	}
	return a
}

// Suggest returns up to first businesses the member should partner with, best first, each with
// its score, the signals behind it and the reasons to show.
//
// Candidates are the active businesses near the member that offer a complementary service
// (read from a spatial grid), those that share partners or trusted businesses with it, and
// those its personalized PageRank reaches; so the work depends on the neighbourhood, not on
// the size of the graph, and a member that has only just registered (services and a location)
// still gets complementary, near and well-trusted businesses. Never suggested: the member
// itself, businesses it has an open (proposed or active) or declined partnership with,
// businesses that are not active, and competitors (the same most specific service, within the
// member's service radius). A business with no complementary service and no link to the
// member's network comes only after those the signals relate, as a member of one of its
// networks, or, for a member the signals relate to no one (no links, nothing complementary
// near it), as one of the best trusted businesses near it or anywhere (see fillIn): no active
// member gets an empty answer.
//
// Errors: EINVALID (field "first") unless 1 ≤ first ≤ 100; ENOTFOUND for an unknown business.
func (g *Graph) Suggest(businessID string, first int) ([]Suggestion, error) {
	if err := partnergraph.CheckPageSize(first); err != nil {
		return nil, err
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	u, err := g.node(businessID)
	if err != nil {
		return nil, err
	}
	s := g.scratch.get()
	defer g.scratch.put(s)
	cs := g.rank(s, u, first)
	w := g.weights.normalized()
	out := make([]Suggestion, len(cs))
	for i, c := range cs {
		sg := Suggestion{BusinessID: g.ids[c.v], Name: g.names[c.v], Score: c.score, DistanceKm: c.dist, Fitted: g.fitted}
		sg.Components = make([]Component, len(partnerSignals))
		for j, sig := range partnerSignals {
			sg.Components[j] = Component{Signal: sig, Value: c.values[j], Weight: w[j]}
		}
		sg.Reasons = g.reasons(u, c, w)
		out[i] = sg
	}
	return out, nil
}

// rank scores the member's candidates and returns the best k: first those the signals relate
// to the member, then, if they are fewer than k, those fillIn adds.
func (g *Graph) rank(s *scratch, u int32, k int) []candidate {
	r, kept := g.gather(s, u)
	for i := range kept {
		r.score(&kept[i])
		s.flags[kept[i].v] |= fKept
	}
	sortCandidates(kept)
	if len(kept) < k {
		kept = g.fillIn(s, r, kept, k)
	}
	return kept[:min(k, len(kept))]
}

// gather finds the candidates the signals relate to the member, with their signals normalized
// and not yet weighed: the businesses near it that complement it, those two links away, and
// those its personalized PageRank reaches (the pprTop best of those reached by PageRank
// alone). A fit (Fit) reads them once per member and weighs them many times.
func (g *Graph) gather(s *scratch, u int32) (*ranking, []candidate) {
	s.reset(len(g.ids))
	g.social(s, u)
	g.pagerank(s, u)
	g.spatial(s, u, g.weights)

	// Businesses reached by PageRank alone are kept only among the pprTop best.
	top := topK{k: pprTop}
	for _, v := range s.touched {
		if v != u && s.p[v] > 0 {
			top.offer(v, float64(s.p[v]))
		}
	}
	pprMin := math.Inf(1)
	if top.full() {
		pprMin = top.min()
	}

	r := g.newRanking(u)
	var cs []candidate
	for _, v := range s.touched {
		f, p := s.flags[v], float64(s.p[v])
		if v == u || !(f&(fNear|fNeighbour) != 0 || s.nb[v].soc > 0 || (p > 0 && (p >= pprMin || !top.full()))) {
			continue
		}
		if c, ok := r.candidate(s, v); ok {
			r.observe(&c)
			cs = append(cs, c)
		}
	}
	kept := cs[:0]
	for _, c := range cs {
		r.normalize(&c)
		if c.fit.value == 0 && c.soc == 0 && c.values[iPageRank] < 0.01 {
			continue // nothing relates it to the member
		}
		kept = append(kept, c)
	}
	return r, kept
}

func sortCandidates(cs []candidate) {
	slices.SortFunc(cs, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(b.tie, a.tie), cmp.Compare(a.v, b.v))
	})
}

// ranking is what scoring a candidate for one member needs.
type ranking struct {
	g         *Graph
	u         int32
	w         [nSignals]float64
	mine      []uint16
	nets      []int32
	prim      int
	radius, h float64
	max       [nSignals]float64 // the highest raw value of each signal among the candidates (gather), to normalize by
}

// rawSignals are the signals that candidate leaves raw and normalize divides by the strongest
// candidate's value.
var rawSignals = [...]int{iPageRank, iCommon, iAdamicAdar, iResource, iPreferential}

func (g *Graph) newRanking(u int32) *ranking {
	return &ranking{g: g, u: u, w: g.weights.normalized(), mine: g.services.get(u), nets: g.nets.get(u),
		prim: g.primary(u), radius: float64(g.radius[u]), h: g.decayKm(u)}
}

// candidate computes v's signals for the member, unless v may not be suggested: not active,
// partnered with the member (or declined), or a competitor. The PageRank value is raw until
// score normalizes it.
func (r *ranking) candidate(s *scratch, v int32) (candidate, bool) {
	g, u := r.g, r.u
	if v == u || g.status[v] != statusActive {
		return candidate{}, false
	}
	l, linked := g.linkTo(u, v)
	if linked && l.partnered() {
		return candidate{}, false
	}
	d := g.distanceKm(u, v)
	if r.prim >= 0 && d <= r.radius && g.primary(v) == r.prim {
		return candidate{}, false // a competitor
	}
	c := candidate{v: v, dist: d, fit: g.fitOf(r.mine, g.services.get(v))}
	if s.seen(v) {
		nb := s.nb[v]
		c.soc = float64(nb.soc)
		c.values[iPageRank] = float64(s.p[v])
		c.values[iCommon] = float64(nb.cn)
		c.values[iAdamicAdar] = float64(nb.aa)
		c.values[iResource] = float64(nb.ra)
	}
	c.values[iPreferential] = float64(g.deg[v])
	c.shared = countCommon(r.nets, g.nets.get(v))
	c.values[0] = c.fit.value
	c.values[1] = 1 - math.Exp(-c.soc/socialScale)
	if linked {
		c.values[1] = math.Max(c.values[1], directTrust(l))
	}
	c.values[3] = math.Exp(-d / r.h)
	c.values[4] = 1 - math.Pow(0.5, float64(c.shared))
	c.values[5] = g.quality(v)
	return c, true
}

// observe notes the candidate's raw values for normalize.
func (r *ranking) observe(c *candidate) {
	for _, j := range rawSignals {
		r.max[j] = math.Max(r.max[j], c.values[j])
	}
}

// normalize divides each raw signal by the strongest candidate's value, so that it lies in
// [0,1] and keeps its proportions: unlike a saturating transform (1 − e^(−x/s)), it does not
// squeeze the differences between the strongest candidates, which decide the top of the list
// (docs/DECISIONS.md, "Fitted weights"). A candidate fillIn adds after gather is measured
// against the same maxima, capped at 1.
func (r *ranking) normalize(c *candidate) {
	for _, j := range rawSignals {
		if r.max[j] > 0 {
			c.values[j] = math.Min(1, c.values[j]/r.max[j])
		}
	}
}

// score weighs the candidate's normalized signals.
func (r *ranking) score(c *candidate) {
	c.score = 0
	for j, x := range c.values {
		c.score += r.w[j] * x
	}
}

// Where a suggestion that no signal relates to the member comes from (candidate.source).
const (
	fromSignals  uint8 = iota // complement, trust and partnerships, PageRank
	fromNetwork               // a member of one of the member's networks
	fromNearby                // well trusted, within the member's search radius
	fromAnywhere              // well trusted, anywhere: none was near enough
)

// Bounds of fillIn's work.
const (
	fillNetworkScan = 4096 // network members read
	fillNearbyScan  = 4096 // businesses read from the map
	leadersKept     = 256  // best trusted businesses kept for members with nothing near
	leadersEvery    = time.Minute
)

// fillIn adds candidates after kept (those the signals relate to the member) up to k, so that
// no active member goes without suggestions, whatever it lacks: first the members of its
// networks; then, only if the signals related no one to it (no links, and no complementary
// business near it), the best trusted businesses that accept leads near it (read from the
// map, so those that offer a service), then the best trusted anywhere. Each group comes after
// the one before it and is ordered by score within itself (equal scores by the links of the
// business), so a business the signals relate to the member always comes first, and the
// reasons of the others say where they come from. The work is bounded by fillNetworkScan and
// fillNearbyScan; the businesses trusted anywhere come from a list shared by every member.
func (g *Graph) fillIn(s *scratch, r *ranking, kept []candidate, k int) []candidate {
	related := len(kept) > 0
	add := func(from []candidate) {
		sortCandidates(from)
		kept = append(kept, from...)
	}
	take := func(v int32, source uint8, into []candidate) []candidate {
		s.touch(v)
		if s.flags[v]&fKept != 0 {
			return into
		}
		c, ok := r.candidate(s, v)
		if !ok {
			return into
		}
		r.normalize(&c)
		r.score(&c)
		// Between equal scores (as where nothing but trust tells businesses apart), the one
		// with more partners and trust received comes first.
		c.source, c.tie = source, float64(g.wdeg[v])
		s.flags[v] |= fKept
		return append(into, c)
	}
	var group []candidate
	scanned := 0
	for _, n := range r.nets {
		for _, v := range g.networks[n].list {
			if scanned++; scanned > fillNetworkScan {
				break
			}
			group = take(v, fromNetwork, group)
		}
	}
	add(group)
	if len(kept) >= k || related {
		return kept
	}

	u, w := r.u, g.weights
	maxKm := g.searchKm(u)
	top := topK{k: min(k-len(kept), spatialTop)}
	scanned = 0
	g.grid.rings(g.lat[u], g.lng[u], maxKm, g.allServices(),
		func(float64) bool { return scanned < fillNearbyScan },
		func(v int32) {
			scanned++
			if v == u || g.status[v] != statusActive || (s.seen(v) && s.flags[v]&(fKept|fScanned) != 0) {
				return
			}
			s.touch(v)
			s.flags[v] |= fScanned
			if d := g.distanceKm(u, v); d <= maxKm {
				top.offer(v, w.Quality*g.quality(v)+w.Distance*math.Exp(-d/r.h))
			}
		})
	group = group[:0:0]
	for _, it := range top.items {
		group = take(it.v, fromNearby, group)
	}
	add(group)
	if len(kept) >= k {
		return kept
	}

	group = group[:0:0]
	for _, v := range g.leaders.get(g) {
		if len(kept)+len(group) >= k {
			break
		}
		group = take(v, fromAnywhere, group)
	}
	add(group)
	return kept
}

// allServices lists every service, for map searches that are not about complements.
func (g *Graph) allServices() []uint16 {
	all := make([]uint16, len(g.svcs))
	for i := range all {
		all[i] = uint16(i)
	}
	return all
}

// leaders keeps the leadersKept best trusted active businesses of the whole graph, by quality,
// then by links: recomputed (one pass over the businesses) when the graph has changed and
// leadersEvery has passed, by the first suggestion that needs it.
type leaders struct {
	mu    sync.Mutex
	at    time.Time
	edits uint64
	list  []int32
}

// drop forgets the list, for a graph whose node numbers change (Replace).
func (l *leaders) drop() {
	l.mu.Lock()
	l.list = nil
	l.mu.Unlock()
}

// get returns the list; the caller holds g's read lock.
func (l *leaders) get(g *Graph) []int32 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.list != nil && (l.edits == g.trustEdits || time.Since(l.at) < leadersEvery) {
		return l.list
	}
	type lead struct {
		v    int32
		q    float64
		wdeg float32
	}
	better := func(a, b lead) int {
		return cmp.Or(cmp.Compare(b.q, a.q), cmp.Compare(b.wdeg, a.wdeg), cmp.Compare(a.v, b.v))
	}
	var best []lead
	for v := range g.ids {
		if g.status[v] != statusActive {
			continue
		}
		c := lead{int32(v), g.quality(int32(v)), g.wdeg[v]}
		if len(best) == leadersKept && better(c, best[len(best)-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(best, c, better)
		best = slices.Insert(best, i, c)
		if len(best) > leadersKept {
			best = best[:leadersKept]
		}
	}
	l.list = make([]int32, len(best))
	for i, b := range best {
		l.list[i] = b.v
	}
	l.at, l.edits = time.Now(), g.trustEdits
	return l.list
}

// quality is what the candidate brings by itself: verification, the trust others give it, and
// the share of leads it accepts (an even chance while unknown).
func (g *Graph) quality(v int32) float64 {
	q := 0.5 * (1 - math.Exp(-float64(g.inTrust[v])/2))
	if g.verified[v] {
		q += 0.3
	}
	a := float64(g.accept[v])
	if math.IsNaN(a) {
		a = 0.5
	}
	return q + 0.2*a
}

// directTrust is how much the member and the candidate trust each other: the mean of the
// scores they gave, a tenth less when only one of them gave one. The member's own word about
// a business outweighs what common contacts say, so it stands in for the social signal when
// it is stronger.
func directTrust(l link) float64 {
	switch {
	case l.out != 0 && l.in != 0:
		return (trustScore(l.out) + trustScore(l.in)) / 2
	case l.out != 0:
		return 0.9 * trustScore(l.out)
	case l.in != 0:
		return 0.9 * trustScore(l.in)
	}
	return 0
}

// countCommon counts the values two sorted lists share.
func countCommon(a, b []int32) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// reasons explains a candidate, the reason of the strongest signal first.
func (g *Graph) reasons(u int32, c candidate, w [nSignals]float64) []string {
	type reason struct {
		weight float64
		text   string
	}
	var rs []reason
	add := func(signal int, text string) {
		if text != "" {
			rs = append(rs, reason{w[signal] * c.values[signal], text})
		}
	}
	if f := c.fit; f.value > 0 {
		if f.reversed {
			add(0, fmt.Sprintf("%s customers often need your %s (%s)", g.svcs[f.theirs].name, g.svcs[f.mine].name,
				fmtWeight(g.compWeight(f.theirs, f.mine))))
		} else {
			add(0, fmt.Sprintf("offers %s, which complements your %s (%s)", g.svcs[f.theirs].name, g.svcs[f.mine].name,
				fmtWeight(f.value)))
		}
	}
	l, linked := g.linkTo(u, c.v)
	if linked && (l.out != 0 || l.in != 0) {
		add(1, directReason(l))
	}
	if c.soc > 0 {
		// The common contacts are what the social signal and the classic ones count alike.
		weight := 0.0
		for _, j := range []int{iSocial, iCommon, iAdamicAdar, iResource} {
			weight += w[j] * c.values[j]
		}
		if text := g.socialReason(u, c.v); text != "" {
			rs = append(rs, reason{weight, text})
		}
	}
	if w[iPreferential] > 0 {
		add(iPreferential, fmt.Sprintf("works with %d businesses", g.deg[c.v]))
	}
	if !linked && c.soc == 0 && c.values[2] >= 0.2 {
		add(2, "close to your network of trust and partnerships")
	}
	add(3, fmtKm(c.dist)+" away")
	if c.shared > 0 && c.source != fromNetwork {
		add(4, "both in "+g.sharedNames(u, c.v))
	}
	add(5, g.qualityReason(c.v))
	slices.SortStableFunc(rs, func(a, b reason) int { return cmp.Compare(b.weight, a.weight) })
	var out []string
	// What put a business no signal relates to the member in the list comes first.
	switch c.source {
	case fromNetwork:
		out = append(out, "both in "+g.sharedNames(u, c.v))
	case fromNearby:
		out = append(out, "well trusted near you: suggested while your services, partners and networks point to no one")
	case fromAnywhere:
		out = append(out, "well trusted (none near you): suggested while your services, partners and networks point to no one")
	}
	for _, r := range rs {
		out = append(out, r.text)
	}
	return out
}

func directReason(l link) string {
	switch {
	case l.out != 0 && l.in != 0:
		return "you trust each other"
	case l.out != 0:
		return "you trust them (" + fmtWeight(trustScore(l.out)) + ")"
	}
	return "they trust you (" + fmtWeight(trustScore(l.in)) + ")"
}

// socialReason names the businesses the member and the candidate both have links to, the
// strongest first: "trusted by 3 of your partners: Mike's Tyre, …".
func (g *Graph) socialReason(u, v int32) string {
	type via struct {
		z      int32
		weight float64
	}
	var zs []via
	allTrust, allPartners, allTrusted := true, true, true
	for _, l := range g.links.get(u) {
		wz := l.weight()
		if wz == 0 || l.to == v {
			continue
		}
		m, ok := g.linkTo(l.to, v)
		if !ok || m.weight() == 0 {
			continue
		}
		zs = append(zs, via{l.to, wz * m.weight()})
		allTrust = allTrust && m.out != 0
		allPartners = allPartners && l.st == pairActive
		allTrusted = allTrusted && l.out != 0
	}
	if len(zs) == 0 {
		return ""
	}
	slices.SortFunc(zs, func(a, b via) int {
		return cmp.Or(cmp.Compare(b.weight, a.weight), cmp.Compare(g.names[a.z], g.names[b.z]))
	})
	verb := "connected to"
	if allTrust {
		verb = "trusted by"
	}
	one, many := "a business you work with:", "businesses you work with"
	switch {
	case allPartners:
		one, many = "your partner", "of your partners"
	case allTrusted:
		one, many = "a business you trust:", "businesses you trust"
	}
	if len(zs) == 1 {
		return fmt.Sprintf("%s %s %s", verb, one, g.names[zs[0].z])
	}
	names := make([]string, len(zs))
	for i, z := range zs {
		names[i] = g.names[z.z]
	}
	return fmt.Sprintf("%s %d %s: %s", verb, len(zs), many, listNames(names, 3))
}

func (g *Graph) sharedNames(u, v int32) string {
	var names []string
	a, b := g.nets.get(u), g.nets.get(v)
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			names = append(names, g.networks[a[i]].name)
			i++
			j++
		}
	}
	slices.Sort(names)
	return listNames(names, 3)
}

func (g *Graph) qualityReason(v int32) string {
	var parts []string
	if g.verified[v] {
		parts = append(parts, "verified")
	}
	n := 0
	for _, l := range g.links.get(v) {
		if l.in != 0 {
			n++
		}
	}
	switch {
	case n == 1:
		parts = append(parts, "trusted by 1 business")
	case n > 1:
		parts = append(parts, fmt.Sprintf("trusted by %d businesses", n))
	}
	if a := g.accept[v]; !math.IsNaN(float64(a)) {
		parts = append(parts, fmt.Sprintf("accepts %d%% of leads", int(math.Round(float64(a)*100))))
	}
	return strings.Join(parts, ", ")
}

// listNames joins names as "A, B and C", or "A, B, C and 2 more" beyond max.
func listNames(names []string, max int) string {
	if len(names) > max {
		return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", len(names)-max)
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// fmtWeight shows a weight with at most two decimals: 0.8, 0.85.
func fmtWeight(w float64) string {
	return strconv.FormatFloat(math.Round(w*100)/100, 'f', -1, 64)
}

// fmtKm shows a distance as "0.4 km", "4.2 km" or "42 km".
func fmtKm(d float64) string {
	if d < 10 {
		return strconv.FormatFloat(d, 'f', 1, 64) + " km"
	}
	return strconv.FormatFloat(d, 'f', 0, 64) + " km"
}
