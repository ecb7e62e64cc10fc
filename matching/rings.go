package matching

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Suspicious structure (issue 17): groups of businesses whose trust and leads look like
// collusion, found on the projection for admins to look at. Each kind starts from a small set
// of candidates that a linear pass picks, so that the work stays bounded at a million
// businesses: the expensive steps (dense-subgraph peeling, strongly connected components) only
// ever see the few nodes that could be part of a group.

// GroupKind is the kind of structure a suspicious group shows.
type GroupKind string

// The kinds of suspicious groups.
const (
	// DenseClique is a near-clique of mutual trust among recently registered, unverified
	// businesses: every member trusts, and is trusted by, most of the others.
	DenseClique GroupKind = "DENSE_CLIQUE"
	// LeadLoop is a set of businesses that send each other leads round a loop, most of which
	// are declined or left to expire.
	LeadLoop GroupKind = "LEAD_LOOP"
	// OneClusterTrust is a business (the subject) whose received trust comes almost all from
	// one tightly knit group (the members) that it is not part of.
	OneClusterTrust GroupKind = "ONE_CLUSTER_TRUST"
)

// RingOptions are the thresholds of SuspiciousGroups. DefaultRingOptions holds the defaults
// and docs/DECISIONS.md says why.
type RingOptions struct {
	// Now is the time recency is measured from; zero means time.Now().
	Now time.Time
	// Recent is how long ago a business may have registered to count as recent.
	Recent time.Duration
	// Density is γ: each member of a dense group has mutual trust with at least γ of the
	// other members (a γ-quasi-clique), so the group's density is at least γ too.
	Density float64
	// MinSize is the fewest members of a dense clique.
	MinSize int
	// MinPairLeads is the fewest answered offers from one business to another for that
	// direction to count towards a lead loop.
	MinPairLeads int
	// MinLoopLeads is the fewest answered offers among a loop's members.
	MinLoopLeads int
	// MinBadRate is the least share of a loop's offers (and of each direction of it) that
	// were declined or expired.
	MinBadRate float64
	// MinTrusters and MaxTrusters bound the number of businesses trusting a subject of
	// OneClusterTrust; MinTrusters is also the fewest members of its cluster. Above
	// MaxTrusters a business is not examined: one cluster giving 90% of so much trust would
	// itself be a dense clique of that size.
	MinTrusters, MaxTrusters int
	// MinClusterShare is the least share of the subject's received trust (summed scores) that
	// comes from its one cluster.
	MinClusterShare float64
	// Kinds are the kinds to look for; nil for all. The others are not computed.
	Kinds []GroupKind
}

// DefaultRingOptions are the thresholds the API uses.
var DefaultRingOptions = RingOptions{
	Recent:          180 * 24 * time.Hour,
	Density:         0.8,
	MinSize:         4,
	MinPairLeads:    2,
	MinLoopLeads:    8,
	MinBadRate:      0.75,
	MinTrusters:     4,
	MaxTrusters:     64,
	MinClusterShare: 0.9,
}

func (o RingOptions) validate() error {
	switch {
	case o.Recent < 0:
		return partnergraph.Invalidf("recent", "must not be negative")
	case !(o.Density > 0 && o.Density <= 1):
		return partnergraph.Invalidf("density", "must be in (0,1]")
	case o.MinSize < 3:
		return partnergraph.Invalidf("minSize", "must be at least 3")
	case o.MinPairLeads < 1:
		return partnergraph.Invalidf("minPairLeads", "must be at least 1")
	case o.MinLoopLeads < 1:
		return partnergraph.Invalidf("minLoopLeads", "must be at least 1")
	case !(o.MinBadRate >= 0 && o.MinBadRate <= 1):
		return partnergraph.Invalidf("minBadRate", "must be in [0,1]")
	case o.MinTrusters < 3 || o.MaxTrusters < o.MinTrusters:
		return partnergraph.Invalidf("minTrusters", "must be at least 3 and at most maxTrusters")
	case !(o.MinClusterShare > 0 && o.MinClusterShare <= 1):
		return partnergraph.Invalidf("minClusterShare", "must be in (0,1]")
	}
	return nil
}

// SuspiciousGroup is one group that looks like collusion, with its evidence.
type SuspiciousGroup struct {
	Kind GroupKind
	// Members are the group's business ids, sorted; for OneClusterTrust, the cluster.
	Members []string
	// Subject is the business whose trust comes from the members (OneClusterTrust only).
	Subject string
	// Score in [0,1] orders groups of a kind by how sure the evidence is; see DECISIONS.
	Score    float64
	Evidence GroupEvidence
}

// Key identifies the group within one answer of SuspiciousGroups: groups of a kind never
// share their first member (dense cliques and loops are disjoint), nor subjects.
func (s SuspiciousGroup) Key() string {
	if s.Subject != "" {
		return s.Subject
	}
	return s.Members[0]
}

// GroupEvidence is what was counted among a group's members (and its subject, for lead and
// trust edges with it).
type GroupEvidence struct {
	Density     float64 // mutual-trust pairs among the members over all their pairs
	MutualTrust int     // pairs of members that trust each other both ways
	Trust       int     // trust edges among the members (and the subject), each direction once
	Recent      int     // members registered within RingOptions.Recent
	Unverified  int     // members not verified
	// Answered offers between the businesses, by outcome (Leads is their sum). Offers still
	// pending are not counted; lead outcomes are known for the last year (the replay at start).
	Leads, Accepted, Declined, Expired int
	Won                                int // leads among them won
	// Returned are accepted offers whose lead was returned, the return accepted: counted in
	// Accepted too, and as bad (the lead went nowhere, like a declined one).
	Returned     int
	Trusters     int // businesses trusting the subject (OneClusterTrust)
	ClusterShare float64
}

// DeclineRate is the share of the answered offers that were declined (0 without offers).
func (e GroupEvidence) DeclineRate() float64 { return rate(e.Declined, e.Leads) }

// ExpiryRate is the share of the answered offers left to expire.
func (e GroupEvidence) ExpiryRate() float64 { return rate(e.Expired, e.Leads) }

// ReturnRate is the share of the answered offers that were accepted and then returned.
func (e GroupEvidence) ReturnRate() float64 { return rate(e.Returned, e.Leads) }

// BadRate is the share of answered offers that did not lead anywhere: declined, expired, or
// accepted and then returned.
func (e GroupEvidence) BadRate() float64 {
	return rate(min(e.Leads, e.Declined+e.Expired+e.Returned), e.Leads)
}

func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// leadCounts are the answered offers from one business to another, by outcome. returned
// counts accepted offers whose lead was then returned (the return accepted; issue 16 §2):
// they went nowhere, so they are bad like declines and expiries.
type leadCounts struct {
	answered, accepted, declined, expired, won, returned int32
}

// bad is how many of the answered offers went nowhere. A return whose acceptance was learned
// before the projection's memory (a year at start) has no accepted offer counted, so the sum
// is bounded by the answers.
func (c leadCounts) bad() int32 { return min(c.answered, c.declined+c.expired+c.returned) }

// countLeadPair counts an outcome of an offer from the referrer to the recipient; called by
// Learn under the write lock, once per (offer, outcome).
func (g *Graph) countLeadPair(referrer, recipient int32, outcome string) {
	if referrer == recipient || referrer < 0 || recipient < 0 {
		return
	}
	if g.leadPairs == nil {
		g.leadPairs = map[[2]int32]leadCounts{}
	}
	k := [2]int32{referrer, recipient}
	c := g.leadPairs[k]
	switch outcome {
	case string(partnergraph.OfferAccepted):
		c.answered++
		c.accepted++
	case string(partnergraph.OfferDeclined):
		c.answered++
		c.declined++
	case string(partnergraph.OfferExpired):
		c.answered++
		c.expired++
	case string(partnergraph.LeadWon):
		c.won++
	case partnergraph.OutcomeReturned:
		c.returned++
	default:
		return
	}
	g.leadPairs[k] = c
}

// SuspiciousGroups finds the groups of every kind, ordered by score (highest first), then
// kind and key. It holds the graph's read lock while it runs (see DECISIONS for the time at
// scale). EINVALID for thresholds out of range, naming the option.
func (g *Graph) SuspiciousGroups(opts RingOptions) ([]SuspiciousGroup, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	want := func(k GroupKind) bool { return opts.Kinds == nil || slices.Contains(opts.Kinds, k) }
	var out []SuspiciousGroup
	if want(DenseClique) {
		out = g.denseCliques(opts)
	}
	if want(LeadLoop) {
		out = append(out, g.leadLoops(opts)...)
	}
	if want(OneClusterTrust) {
		out = append(out, g.oneClusterTrust(opts)...)
	}
	slices.SortFunc(out, func(a, b SuspiciousGroup) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Key(), b.Key()))
	})
	return out, nil
}

func mutual(l link) bool { return l.out != 0 && l.in != 0 }

// need is how many of the other members a member of a γ-quasi-clique of size s must have
// mutual trust with.
func need(gamma float64, s int) int { return int(math.Ceil(gamma*float64(s-1) - 1e-9)) }

// denseCliques finds γ-quasi-cliques of mutual trust among the recent, unverified businesses
// that are not suspended.
func (g *Graph) denseCliques(opts RingOptions) []SuspiciousGroup {
	since := unixSeconds(opts.Now.Add(-opts.Recent))
	local := map[int32]int{}
	var nodes []int32
	for v := range int32(len(g.ids)) {
		if !g.verified[v] && g.status[v] != statusSuspended && g.created[v] != 0 && g.created[v] >= since {
			local[v] = len(nodes)
			nodes = append(nodes, v)
		}
	}
	adj := make([][]int, len(nodes))
	for i, v := range nodes {
		for _, l := range g.links.get(v) {
			if j, ok := local[l.to]; ok && mutual(l) {
				adj[i] = append(adj[i], j)
			}
		}
	}
	var out []SuspiciousGroup
	for _, grp := range denseGroups(adj, opts.Density, opts.MinSize) {
		members := make([]int32, len(grp))
		for i, j := range grp {
			members[i] = nodes[j]
		}
		s := g.suspicious(DenseClique, members, -1, opts)
		// Members with a lead to or from another member: the ring trades leads, not only trust.
		s.Score = s.Evidence.Density * (0.5 + 0.5*g.leadActive(members))
		out = append(out, s)
	}
	return out
}

// leadActive is the share of the members that sent or received an answered offer within the
// group.
func (g *Graph) leadActive(members []int32) float64 {
	n := 0
	for _, a := range members {
		for _, b := range members {
			if a != b && (g.leadPairs[[2]int32{a, b}].answered > 0 || g.leadPairs[[2]int32{b, a}].answered > 0) {
				n++
				break
			}
		}
	}
	return float64(n) / float64(len(members))
}

// leadLoops finds the strongly connected components of the directed graph of "bad" lead
// directions: those with at least MinPairLeads answered offers, MinBadRate of them declined or
// expired. Every member of a component is on a loop of such directions, so a pair that sends
// each other leads that go nowhere is the smallest.
func (g *Graph) leadLoops(opts RingOptions) []SuspiciousGroup {
	local := map[int32]int{}
	var nodes []int32
	var edges [][2]int32
	for k, c := range g.leadPairs {
		if c.answered < int32(opts.MinPairLeads) || float64(c.bad()) < opts.MinBadRate*float64(c.answered) ||
			g.status[k[0]] == statusSuspended || g.status[k[1]] == statusSuspended {
			continue
		}
		edges = append(edges, k)
		for _, v := range k {
			if _, ok := local[v]; !ok {
				local[v] = 0
				nodes = append(nodes, v)
			}
		}
	}
	// The map's order is random: number the nodes and sort the edges so the answer is not.
	slices.Sort(nodes)
	for i, v := range nodes {
		local[v] = i
	}
	slices.SortFunc(edges, func(a, b [2]int32) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	adj := make([][]int, len(nodes))
	for _, e := range edges {
		adj[local[e[0]]] = append(adj[local[e[0]]], local[e[1]])
	}
	var out []SuspiciousGroup
	for _, comp := range components(adj) {
		if len(comp) < 2 {
			continue
		}
		members := make([]int32, len(comp))
		for i, j := range comp {
			members[i] = nodes[j]
		}
		s := g.suspicious(LeadLoop, members, -1, opts)
		e := s.Evidence
		if e.Leads < opts.MinLoopLeads || e.BadRate() < opts.MinBadRate {
			continue
		}
		s.Score = e.BadRate() * math.Min(1, float64(e.Leads)/float64(2*opts.MinLoopLeads))
		out = append(out, s)
	}
	return out
}

// oneClusterTrust finds businesses, not suspended, whose trusters are mostly one γ-quasi-clique
// of mutual trust that the business itself is not part of.
//
// Most businesses of an honest network have trusters with mutual trust of their own, so
// cheap necessary conditions rule out almost all of them before the trusters' links are
// paired up: the cluster gives MinClusterShare of the trust, so at most the lowest scores
// that sum to the rest lie outside it, which bounds the cluster's size from below, and with it
// the mutual-trust links each member needs (first counted over all its links, then, for the
// few trusters of which one must be in the cluster, over the other trusters).
func (g *Graph) oneClusterTrust(opts RingOptions) []SuspiciousGroup {
	mdeg := make([]int32, len(g.ids))
	for v := range int32(len(g.ids)) {
		for _, l := range g.links.get(v) {
			if mutual(l) {
				mdeg[v]++
			}
		}
	}
	var out []SuspiciousGroup
	var all, trusters []int32
	var allScores, scores, sorted []float64
	for v := range int32(len(g.ids)) {
		if g.status[v] == statusSuspended {
			continue
		}
		all, allScores = all[:0], allScores[:0]
		total := 0.0
		for _, l := range g.links.get(v) {
			if l.in != 0 {
				all = append(all, l.to)
				allScores = append(allScores, trustScore(l.in))
				total += trustScore(l.in)
			}
		}
		n := len(all)
		if n < opts.MinTrusters || n > opts.MaxTrusters || total == 0 {
			continue
		}
		budget := (1 - opts.MinClusterShare) * total // trust that may come from outside
		minK := max(n-outsiders(&sorted, allScores, budget), opts.MinTrusters)
		k := int32(need(opts.Density, minK))
		trusters, scores = trusters[:0], scores[:0]
		able := 0.0
		for i, u := range all {
			if mdeg[u] >= k && g.status[u] != statusSuspended {
				trusters = append(trusters, u)
				scores = append(scores, allScores[i])
				able += allScores[i]
			}
		}
		if able < opts.MinClusterShare*total || !g.clusterWitness(trusters, outsiders(&sorted, scores, budget-(total-able)), int(k)) {
			continue
		}
		if s, ok := g.clusterOf(v, trusters, scores, total, n, opts); ok {
			out = append(out, s)
		}
	}
	return out
}

// outsiders is the most trusters that can lie outside a cluster: how many of the lowest scores
// fit in the budget. It picks the lowest one at a time, as the answer is mostly 0 to 2.
// scratch is working space.
func outsiders(scratch *[]float64, scores []float64, budget float64) int {
	rest := append((*scratch)[:0], scores...)
	*scratch = rest
	o := 0
	for len(rest) > 0 {
		lo := 0
		for i, s := range rest {
			if s < rest[lo] {
				lo = i
			}
		}
		if rest[lo] > budget+1e-9 {
			break
		}
		budget -= rest[lo]
		rest[lo] = rest[len(rest)-1]
		rest = rest[:len(rest)-1]
		o++
	}
	return o
}

// clusterWitness reports whether one of the o+1 trusters with the fewest links (of which one
// must be in the cluster if at most o lie outside it) has k mutual-trust links to other
// trusters. trusters is sorted, so each is a merge of two sorted lists.
func (g *Graph) clusterWitness(trusters []int32, o, k int) bool {
	if o >= len(trusters) {
		return true // no bound: leave it to clusterOf
	}
	picked := make([]int32, 0, o+1)
	for _, u := range trusters {
		if len(picked) <= o {
			picked = append(picked, u)
			continue
		}
		// Replace the picked truster with the most links, if u has fewer.
		w := 0
		for i := range picked {
			if len(g.links.get(picked[i])) > len(g.links.get(picked[w])) {
				w = i
			}
		}
		if len(g.links.get(u)) < len(g.links.get(picked[w])) {
			picked[w] = u
		}
	}
	for _, u := range picked {
		m, i := 0, 0
		for _, l := range g.links.get(u) {
			for i < len(trusters) && trusters[i] < l.to {
				i++
			}
			if i == len(trusters) {
				break
			}
			if trusters[i] == l.to && mutual(l) {
				m++
			}
		}
		if m >= k {
			return true
		}
	}
	return false
}

// clusterOf finds the densest cluster among v's trusters (sorted by index, with the scores of
// their trust in v) and reports v if the cluster gives MinClusterShare of its trust.
func (g *Graph) clusterOf(v int32, trusters []int32, scores []float64, total float64, n int, opts RingOptions) (SuspiciousGroup, bool) {
	// Pair by pair, each a binary search in the links of the first: a truster may be a hub
	// with thousands of links, which a scan of its links would read for every business it
	// trusts.
	adj := make([][]int, len(trusters))
	for i, a := range trusters {
		ls := g.links.get(a)
		for j := i + 1; j < len(trusters) && len(ls) > 0; j++ {
			x, ok := findLink(ls, trusters[j])
			if ok && mutual(ls[x]) {
				adj[i] = append(adj[i], j)
				adj[j] = append(adj[j], i)
			}
			ls = ls[x:] // the trusters are sorted, so the next is further on
		}
	}
	var best []int
	bestShare := 0.0
	for _, grp := range denseGroups(adj, opts.Density, opts.MinTrusters) {
		share := 0.0
		for _, j := range grp {
			share += scores[j]
		}
		if share /= total; share > bestShare {
			best, bestShare = grp, share
		}
	}
	if best == nil || bestShare < opts.MinClusterShare {
		return SuspiciousGroup{}, false
	}
	members := make([]int32, len(best))
	for i, j := range best {
		members[i] = trusters[j]
	}
	// A business with mutual trust to most of the cluster belongs to it: that is a dense
	// group (a clique if its members are new), not trust bought from outside.
	back := 0
	for _, l := range g.links.get(v) {
		if _, ok := slices.BinarySearch(members, l.to); ok && mutual(l) {
			back++
		}
	}
	if back >= need(opts.Density, len(members)+1) {
		return SuspiciousGroup{}, false
	}
	s := g.suspicious(OneClusterTrust, members, v, opts)
	s.Evidence.Trusters, s.Evidence.ClusterShare = n, bestShare
	s.Score = bestShare * s.Evidence.Density
	return s, true
}

// suspicious counts the evidence of a group: trust and density among the members, lead
// outcomes and trust edges among the members and the subject (if not -1).
func (g *Graph) suspicious(kind GroupKind, members []int32, subject int32, opts RingOptions) SuspiciousGroup {
	slices.Sort(members)
	since := unixSeconds(opts.Now.Add(-opts.Recent))
	s := SuspiciousGroup{Kind: kind, Members: make([]string, len(members))}
	all := members
	if subject >= 0 {
		s.Subject = g.ids[subject]
		all = append(slices.Clone(members), subject)
		slices.Sort(all)
	}
	e := &s.Evidence
	for i, a := range members {
		s.Members[i] = g.ids[a]
		if g.created[a] != 0 && g.created[a] >= since {
			e.Recent++
		}
		if !g.verified[a] {
			e.Unverified++
		}
	}
	slices.Sort(s.Members)
	for _, a := range all {
		for _, l := range g.links.get(a) {
			if _, ok := slices.BinarySearch(all, l.to); !ok {
				continue
			}
			if l.out != 0 {
				e.Trust++
			}
			_, am := slices.BinarySearch(members, a)
			_, bm := slices.BinarySearch(members, l.to)
			if am && bm && mutual(l) && a < l.to {
				e.MutualTrust++
			}
		}
		for _, b := range all {
			c := g.leadPairs[[2]int32{a, b}]
			e.Leads += int(c.answered)
			e.Accepted += int(c.accepted)
			e.Declined += int(c.declined)
			e.Expired += int(c.expired)
			e.Won += int(c.won)
			e.Returned += int(c.returned)
		}
	}
	if m := len(members); m > 1 {
		e.Density = float64(e.MutualTrust) / float64(m*(m-1)/2)
	}
	return s
}

// denseGroups finds disjoint γ-quasi-cliques of at least minSize nodes in an undirected graph
// given by adjacency lists of local indices: groups in which each node is adjacent to at
// least need(γ, size) of the others. Finding the largest is NP-hard, so it peels greedily,
// as in Charikar's densest-subgraph approximation: first to the k-core that any such group
// lies in (k = need(γ, minSize)), then, in each connected component, the node of least degree
// until the rest is a quasi-clique. The nodes peeled off a component that held a group get
// another round, as a second group may hang off the first. The time is about linear in the
// edges per round; a round that finds nothing ends.
func denseGroups(adj [][]int, gamma float64, minSize int) [][]int {
	n := len(adj)
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	deg := make([]int, n)
	comp := make([]int, n)
	var groups [][]int
	for {
		for i := range n {
			deg[i] = 0
			if alive[i] {
				for _, j := range adj[i] {
					if alive[j] {
						deg[i]++
					}
				}
			}
		}
		peelBelow(adj, alive, deg, need(gamma, minSize))
		// Components of what is left, by a breadth-first search from each unlabelled node.
		for i := range comp {
			comp[i] = -1
		}
		var comps [][]int
		for i := range n {
			if !alive[i] || comp[i] >= 0 {
				continue
			}
			c := []int{i}
			comp[i] = len(comps)
			for h := 0; h < len(c); h++ {
				for _, j := range adj[c[h]] {
					if alive[j] && comp[j] < 0 {
						comp[j] = len(comps)
						c = append(c, j)
					}
				}
			}
			comps = append(comps, c)
		}
		found := false
		for _, c := range comps {
			peeled := peelToQuasiClique(adj, alive, deg, c, gamma, minSize)
			var g []int
			for _, i := range c {
				if alive[i] {
					g = append(g, i)
				}
			}
			if len(g) < minSize {
				continue
			}
			slices.Sort(g)
			groups = append(groups, g)
			found = true
			for _, i := range g {
				alive[i] = false
			}
			for _, i := range peeled {
				alive[i] = true
			}
		}
		if !found {
			return groups
		}
	}
}

// peelBelow removes every alive node of degree below k, and those whose degree falls below k
// by the removals: what is left is the k-core.
func peelBelow(adj [][]int, alive []bool, deg []int, k int) {
	var stack []int
	for i := range adj {
		if alive[i] && deg[i] < k {
			stack = append(stack, i)
			alive[i] = false
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, j := range adj[i] {
			if alive[j] {
				if deg[j]--; deg[j] < k {
					alive[j] = false
					stack = append(stack, j)
				}
			}
		}
	}
}

// peelToQuasiClique removes the node of least degree from component c (its alive nodes, with
// their degrees in deg) until every node left has need(γ, size) neighbours left, or fewer than
// minSize remain. It returns the nodes it removed. A bucket queue by degree keeps it linear in
// the component's edges: degrees only fall, so the lowest bucket moves down by one at most.
func peelToQuasiClique(adj [][]int, alive []bool, deg []int, c []int, gamma float64, minSize int) []int {
	maxDeg := 0
	for _, i := range c {
		maxDeg = max(maxDeg, deg[i])
	}
	buckets := make([][]int, maxDeg+1)
	for _, i := range c {
		buckets[deg[i]] = append(buckets[deg[i]], i)
	}
	size, lo := len(c), 0
	var removed []int
	for size >= minSize {
		// The lowest bucket's entries may be stale: a node whose degree fell was added again
		// lower down, and removed nodes stay behind.
		i := -1
		for lo <= maxDeg && i < 0 {
			b := buckets[lo]
			for len(b) > 0 && i < 0 {
				j := b[len(b)-1]
				b = b[:len(b)-1]
				if alive[j] && deg[j] == lo {
					i = j
					b = append(b, j) // still the minimum until removed below
				}
			}
			buckets[lo] = b
			if i < 0 {
				lo++
			}
		}
		if i < 0 || deg[i] >= need(gamma, size) {
			return removed
		}
		buckets[lo] = buckets[lo][:len(buckets[lo])-1]
		alive[i] = false
		removed = append(removed, i)
		size--
		for _, j := range adj[i] {
			if alive[j] {
				deg[j]--
				buckets[deg[j]] = append(buckets[deg[j]], j)
				lo = min(lo, deg[j])
			}
		}
	}
	// Too few left for a group: the rest goes too, so no member of c stays alive.
	for _, i := range c {
		if alive[i] {
			alive[i] = false
			removed = append(removed, i)
		}
	}
	return removed
}

// components returns the strongly connected components of a directed graph given by
// adjacency lists of local indices (Tarjan's algorithm), each sorted.
func components(adj [][]int) [][]int {
	n := len(adj)
	index, low := make([]int, n), make([]int, n)
	on := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	var out [][]int
	next := 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		on[v] = true
		for _, w := range adj[v] {
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var c []int
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			on[w] = false
			c = append(c, w)
			if w == v {
				break
			}
		}
		slices.Sort(c)
		out = append(out, c)
	}
	for v := range n {
		if index[v] < 0 {
			visit(v)
		}
	}
	return out
}
