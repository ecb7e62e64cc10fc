package matching

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph"
)

// Evaluation modes: which links are held out.
const (
	EvalRandom   = "random"   // a random share, drawn with the seed
	EvalTemporal = "temporal" // the newest share by creation time; the graph is cut at the oldest of them
)

// EvalOptions configure Evaluate. Zero fields take the defaults.
type EvalOptions struct {
	Mode       string  // EvalRandom (default) or EvalTemporal
	Seed       int64   // draws the held-out links (random mode) and the members asked
	K          int     // cut-off of precision, recall and hits; default 10
	HoldOut    float64 // share of the links held out; default 0.1
	MaxMembers int     // members asked, drawn with the seed; 0 asks every affected member

	// PerMember, if not nil, is called once per member asked and method, in member order, with
	// that member's scores; an error it returns ends the evaluation.
	PerMember func(MemberResult) error

	// Fit configures the fit of our ranker's weights on the training graph (the row
	// MethodFitted); its Seed is the split's.
	Fit FitOptions
}

// Metrics are the scores of one ranking, or their means over members. Ties in a ranking are
// broken uniformly at random and each metric is its expected value over those orders, so that
// no method gains or loses by the order of its ties (a baseline that scores nothing for most
// businesses ties them all), and the scores are exact, not drawn.
type Metrics struct {
	Precision float64 `json:"precision"` // precision@K: held-out partners in the top K, over K
	Recall    float64 `json:"recall"`    // recall@K: held-out partners in the top K, over the member's held-out partners
	Hit       float64 `json:"hit"`       // hits@K: 1 if at least one held-out partner is in the top K
	MRR       float64 `json:"rr"`        // reciprocal rank of the first held-out partner in the full ranking (no cut-off); its mean is the MRR
}

// MemberResult is one member's scores under one method, for EvalOptions.PerMember.
type MemberResult struct {
	Mode     string `json:"mode"`
	Seed     int64  `json:"seed"`
	Member   string `json:"member"`
	Cold     bool   `json:"cold"`     // no links in the training graph
	Relevant int    `json:"relevant"` // held-out partners of the member
	Method   string `json:"method"`
	Metrics
}

// EvalRow is one method's scores, averaged over a group of members.
type EvalRow struct {
	Method string
	Metrics
}

// PairedDiff is the mean over members of our ranker's score minus a baseline's on the same
// member, with its standard error (the standard deviation of the differences over √n).
type PairedDiff struct {
	Method   string // MethodRanker or MethodFitted
	Metric   string // "MRR", "R@K", "H@K" or "P@K"
	Baseline string // the baseline with the best mean on that metric in the same group
	Mean, SE float64
	N        int // members
}

// EvalGroup is the scores of one group of members: those with training links (warm) or those
// without (cold start).
type EvalGroup struct {
	Members int
	Rows    []EvalRow    // our ranker with the default weights, then with fitted weights, then the baselines
	Diffs   []PairedDiff // each of ours against the best baseline, one per metric (ours, then fitted)

	perMember [][]Metrics // by method, then member
}

// EvalReport is the outcome of Evaluate.
type EvalReport struct {
	Mode       string
	Seed       int64
	K          int
	Businesses int
	TrainLinks int                        // pairs linked by trust or a partnership in the training graph
	Target     string                     // what was held out: "partnerships", or "trust" for records without any
	Candidates int                        // pairs that could be held out
	Hidden     int                        // held out
	Affected   int                        // members with a held-out link
	Fit        partnergraph.FittedWeights // the weights of MethodFitted, fitted on the training graph
	Warm, Cold EvalGroup
}

// Method names of the report.
const (
	MethodRanker       = "partnergraph"
	MethodFitted       = "partnergraph (fitted)"
	MethodCommon       = "common neighbours"
	MethodAdamicAdar   = "adamic-adar"
	MethodResource     = "resource allocation"
	MethodPageRank     = "personalized pagerank"
	MethodPreferential = "preferential attachment"
	MethodRandom       = "random"
)

// nOurs counts our rows at the head of EvalMethods; the baselines follow.
const nOurs = 2

// EvalMethods are the methods of a report's rows, in order: our ranker (nOurs rows: with the
// default weights, then with weights fitted on the training graph), then the baselines.
var EvalMethods = []string{MethodRanker, MethodFitted, MethodCommon, MethodAdamicAdar, MethodResource, MethodPageRank, MethodPreferential, MethodRandom}

// Evaluate measures how well suggestions predict partnerships, the way the link-prediction
// literature does: it reads the records into a graph, holds out a share of the active
// partnerships, ranks every business for every member that lost a partner (or MaxMembers of
// them) with our ranker and each baseline, and scores the rankings against the held-out
// partners (see Metrics). Members with no link left in the training graph (cold start) are
// scored apart: no baseline but preferential attachment and random can rank anything for
// them.
//
// Records with no active partnership but trust (a directed web of trust) are evaluated on the
// trust instead: a held-out pair loses the trust both ways, each end should find the other,
// and no method may suggest a business the member already has trust with (a training link is
// no prediction).
//
// A held-out pair loses its partnership records and the trust they gave each other from the
// partnership's creation on; trust given before stays, as the members would have seen it when
// they decided to partner. In temporal mode the newest links are held out and the graph is cut
// at the oldest of them: every partnership created and trust given from then on is dropped
// too, so nothing from the future leaks in, and businesses that joined later are members
// without links (cold start).
//
// The baselines are computed on the same training graph, with trust and partnerships as
// undirected, unweighted edges, and the ranker's exclusions that need no service data (the
// member, its open and declined partnerships, businesses that are not active): common
// neighbours, Adamic-Adar, resource allocation, personalized PageRank (forward push with the
// ranker's α, ε and work bound), preferential attachment, and a uniformly random order.
//
// Errors: EINVALID for an unknown mode, a K outside 1..100 or a HoldOut outside (0,1), records
// with no active partnership or trust between active businesses to hold out, or a temporal
// split of links that all share one time; the stream's first error; ENOTFOUND for a dangling
// reference; PerMember's error; the context's error if it ends.
func Evaluate(ctx context.Context, records iter.Seq2[partnergraph.Record, error], opts EvalOptions) (EvalReport, error) {
	if opts.Mode == "" {
		opts.Mode = EvalRandom
	}
	if opts.K == 0 {
		opts.K = 10
	}
	if opts.HoldOut == 0 {
		opts.HoldOut = 0.1
	}
	switch {
	case opts.Mode != EvalRandom && opts.Mode != EvalTemporal:
		return EvalReport{}, partnergraph.Invalidf("mode", "must be %q or %q", EvalRandom, EvalTemporal)
	case opts.K < 1 || opts.K > partnergraph.MaxPageSize:
		return EvalReport{}, partnergraph.Invalidf("k", "must be between 1 and %d", partnergraph.MaxPageSize)
	case !(opts.HoldOut > 0 && opts.HoldOut < 1):
		return EvalReport{}, partnergraph.Invalidf("holdOut", "must be between 0 and 1")
	}
	// The records are kept: the fit reads the training graph again for each of its splits.
	var recs []partnergraph.Record
	for r, err := range records {
		if err != nil {
			return EvalReport{}, err
		}
		recs = append(recs, r)
	}
	training := func() (*builder, *rand.Rand, error) {
		b := newBuilder()
		for _, r := range recs {
			if err := b.step(ctx, r, nil); err != nil {
				return nil, nil, err
			}
		}
		return b, rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed)), nil
	}
	b, rng, err := training()
	if err != nil {
		return EvalReport{}, err
	}
	sp, err := b.split(opts, rng)
	if err != nil {
		return EvalReport{}, err
	}
	g := sp.g
	// The fit sees the training graph only, the same held out as above (the split is
	// deterministic), and hides its own validation pairs inside it.
	fo := opts.Fit
	fo.Seed = opts.Seed
	fw, err := fitHistory(ctx, func() (*builder, error) {
		b, rng, err := training()
		if err != nil {
			return nil, err
		}
		_, _, _, err = b.holdOut(opts.Mode, opts.HoldOut, rng)
		return b, err
	}, fo)
	if err != nil {
		return EvalReport{}, err
	}
	fitted, err := WeightsFromNames(fw.Weights)
	if err != nil {
		return EvalReport{}, err
	}
	rep := EvalReport{
		Mode: opts.Mode, Seed: opts.Seed, K: opts.K, Businesses: len(g.ids), Target: sp.target,
		Candidates: sp.candidates, Hidden: sp.hidden, Affected: sp.affected, Fit: fw,
	}
	for v := range g.ids {
		rep.TrainLinks += int(g.deg[v])
	}
	rep.TrainLinks /= 2
	e := newEvaluator(g, sp.target == targetTrust)
	e.weights = [nOurs]Weights{g.weights, fitted}
	s := &scratch{}
	warm, cold := newGroupAcc(), newGroupAcc()
	for i, u := range sp.members {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return EvalReport{}, err
			}
		}
		rel := sp.relevant[u]
		isCold := g.deg[u] == 0
		acc := warm
		if isCold {
			acc = cold
		}
		row := make([]Metrics, len(EvalMethods))
		for m, name := range EvalMethods {
			row[m] = score(e.ranking(s, name, u), rel, e.universe(u), opts.K)
			if opts.PerMember != nil {
				r := MemberResult{Mode: opts.Mode, Seed: opts.Seed, Member: g.ids[u], Cold: isCold, Relevant: len(rel), Method: name, Metrics: row[m]}
				if err := opts.PerMember(r); err != nil {
					return EvalReport{}, err
				}
			}
		}
		acc.add(row)
	}
	rep.Warm, rep.Cold = warm.group(opts.K), cold.group(opts.K)
	return rep, nil
}

// groupAcc collects the per-member scores of one group of members.
type groupAcc struct{ perMember [][]Metrics }

func newGroupAcc() *groupAcc { return &groupAcc{perMember: make([][]Metrics, len(EvalMethods))} }

func (a *groupAcc) add(row []Metrics) {
	for m := range row {
		a.perMember[m] = append(a.perMember[m], row[m])
	}
}

func (a *groupAcc) group(k int) EvalGroup {
	g := EvalGroup{Members: len(a.perMember[0]), perMember: a.perMember}
	if g.Members == 0 {
		return g
	}
	for m, name := range EvalMethods {
		g.Rows = append(g.Rows, EvalRow{Method: name, Metrics: meanMetrics(a.perMember[m])})
	}
	g.Diffs = g.diffs(k)
	return g
}

// evalMetrics name the metrics of the paired differences, with a reader of each.
var evalMetrics = []struct {
	name string
	get  func(Metrics) float64
}{
	{"MRR", func(m Metrics) float64 { return m.MRR }},
	{"R@K", func(m Metrics) float64 { return m.Recall }},
	{"H@K", func(m Metrics) float64 { return m.Hit }},
	{"P@K", func(m Metrics) float64 { return m.Precision }},
}

// diffs pairs each of our rows with the baseline of the best mean on each metric, member by
// member.
func (g EvalGroup) diffs(k int) []PairedDiff {
	var out []PairedDiff
	for o := range nOurs {
		for _, em := range evalMetrics {
			best := bestBaseline(g.Rows, em.get)
			ours, theirs := make([]float64, g.Members), make([]float64, g.Members)
			for i := range g.Members {
				ours[i], theirs[i] = em.get(g.perMember[o][i]), em.get(g.perMember[best][i])
			}
			mean, se := pairedDiff(ours, theirs)
			name := strings.Replace(em.name, "K", fmt.Sprint(k), 1)
			out = append(out, PairedDiff{Method: EvalMethods[o], Metric: name, Baseline: EvalMethods[best], Mean: mean, SE: se, N: g.Members})
		}
	}
	return out
}

// bestBaseline returns the row of the baseline with the best mean on a metric.
func bestBaseline(rows []EvalRow, get func(Metrics) float64) int {
	best := nOurs
	for m := nOurs + 1; m < len(rows); m++ {
		if get(rows[m].Metrics) > get(rows[best].Metrics) {
			best = m
		}
	}
	return best
}

// pairedDiff returns the mean of a[i]−b[i] and its standard error, s/√n with the sample
// standard deviation s (0 for fewer than two pairs).
func pairedDiff(a, b []float64) (mean, se float64) {
	n := len(a)
	if n == 0 {
		return 0, 0
	}
	for i := range a {
		mean += a[i] - b[i]
	}
	mean /= float64(n)
	if n < 2 {
		return mean, 0
	}
	ss := 0.0
	for i := range a {
		d := a[i] - b[i] - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
}

func meanMetrics(ms []Metrics) Metrics {
	var s Metrics
	for _, m := range ms {
		s.Precision += m.Precision
		s.Recall += m.Recall
		s.Hit += m.Hit
		s.MRR += m.MRR
	}
	n := float64(len(ms))
	return Metrics{s.Precision / n, s.Recall / n, s.Hit / n, s.MRR / n}
}

// What an evaluation holds out (EvalReport.Target).
const (
	targetPartnerships = "partnerships"
	targetTrust        = "trust"
)

// split is a training graph with the held-out partners of the members to ask. A weight fit
// reuses it: a temporal split of the training history is its validation set.
type split struct {
	g          *Graph
	members    []int32
	relevant   map[int32][]int32
	target     string
	candidates int // pairs that could have been held out
	hidden     int
	affected   int
}

// split holds out links as opts say and finishes the builder's graph as the training graph.
// rng (if not nil; else one seeded with opts.Seed) draws the links and the members. A split
// that fails leaves the builder as it was.
func (b *builder) split(opts EvalOptions, rng *rand.Rand) (*split, error) {
	if rng == nil {
		rng = rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed))
	}
	hidden, candidates, target, err := b.holdOut(opts.Mode, opts.HoldOut, rng)
	if err != nil {
		return nil, err
	}
	sp := &split{g: b.finish(nil), relevant: map[int32][]int32{}, target: target, candidates: candidates, hidden: len(hidden)}
	for _, p := range hidden {
		sp.relevant[p[0]] = append(sp.relevant[p[0]], p[1])
		sp.relevant[p[1]] = append(sp.relevant[p[1]], p[0])
	}
	for v := range sp.relevant {
		sp.members = append(sp.members, v)
	}
	slices.Sort(sp.members)
	sp.affected = len(sp.members)
	if opts.MaxMembers > 0 && len(sp.members) > opts.MaxMembers {
		rng.Shuffle(len(sp.members), func(i, j int) { sp.members[i], sp.members[j] = sp.members[j], sp.members[i] })
		sp.members = sp.members[:opts.MaxMembers]
		slices.Sort(sp.members)
	}
	return sp, nil
}

// holdOut picks the pairs to hold out among the pairs whose newest partnership is active and
// whose businesses are active (or, when there are none, the pairs of active businesses linked
// by trust), and removes everything between them (and, in temporal mode, every edge from the
// cut-off on) from the builder's edge lists. It returns the held-out pairs, how many pairs
// could have been, and what was held out.
func (b *builder) holdOut(mode string, share float64, rng *rand.Rand) ([][2]int32, int, string, error) {
	type pairInfo struct {
		st uint8
		t  uint32
	}
	key := func(a, c int32) [2]int32 { return [2]int32{min(a, c), max(a, c)} }
	active := func(k [2]int32) bool {
		return b.g.status[k[0]] == statusActive && b.g.status[k[1]] == statusActive
	}
	slices.SortStableFunc(b.pairs, func(x, y pairRec) int { return cmp.Compare(x.t, y.t) })
	last := map[[2]int32]pairInfo{}
	for _, p := range b.pairs {
		last[key(p.a, p.b)] = pairInfo{p.st, p.t}
	}
	type cand struct {
		pair [2]int32
		t    uint32
	}
	var cands []cand
	for k, p := range last {
		if p.st == pairActive && active(k) {
			cands = append(cands, cand{k, p.t})
		}
	}
	target := targetPartnerships
	if len(cands) == 0 {
		// A web of trust: the pair's link dates from its first trust edge.
		target = targetTrust
		first := map[[2]int32]uint32{}
		for t := range b.trust.all {
			k := key(t.from, t.to)
			if f, ok := first[k]; !ok || t.t < f {
				first[k] = t.t
			}
		}
		for k, t := range first {
			if _, partnered := last[k]; !partnered && active(k) {
				cands = append(cands, cand{k, t})
			}
		}
		for k, t := range first {
			last[k] = pairInfo{pairNone, t}
		}
	}
	// Map order is random: fix an order before drawing.
	slices.SortFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(x.t, y.t), cmp.Compare(x.pair[0], y.pair[0]), cmp.Compare(x.pair[1], y.pair[1]))
	})
	n := int(math.Ceil(share * float64(len(cands))))
	if len(cands) == 0 || n == 0 {
		return nil, len(cands), target, partnergraph.Errorf(partnergraph.EINVALID, "no active partnership or trust between active businesses to hold out")
	}
	var out [][2]int32
	cutoff := uint32(math.MaxUint32)
	if mode == EvalTemporal {
		cutoff = cands[len(cands)-n].t
		if cutoff <= cands[0].t {
			return nil, len(cands), target, partnergraph.Errorf(partnergraph.EINVALID,
				"a temporal split needs %s created at different times: the newest %d share their time with the oldest", target, n)
		}
		for _, c := range cands[len(cands)-n:] {
			out = append(out, c.pair)
		}
	} else {
		rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		for _, c := range cands[:n] {
			out = append(out, c.pair)
		}
		slices.SortFunc(out, func(x, y [2]int32) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) })
	}
	// The trust a held-out pair gave each other before they partnered stays, as the members
	// would have seen it then; trust from the partnership on goes with it, and a temporal split
	// also drops everything from the cut on.
	since := make(map[[2]int32]uint32, len(out))
	for _, p := range out {
		since[p] = last[p].t
	}
	b.pairs = slices.DeleteFunc(b.pairs, func(p pairRec) bool {
		_, hidden := since[key(p.a, p.b)]
		return hidden || p.t >= cutoff
	})
	b.trust.deleteFunc(func(t trustRec) bool {
		s, hidden := since[key(t.from, t.to)]
		return (hidden && t.t >= s) || t.t >= cutoff
	})
	return out, len(cands), target, nil
}

// score scores one member's ranking: ranked holds the businesses a method scored, best first
// (neighbours with equal score and tie are ties), and every other business of the universe (the universe counts the
// businesses that may be suggested to the member) ties after them. Each metric is its
// expectation over the orders of the ties. The relevant businesses are assumed to be in the
// universe.
func score(ranked []scored, relevant []int32, universe, k int) Metrics {
	var m Metrics
	if len(relevant) == 0 {
		return m
	}
	hits, pNone, found, pos := 0.0, 1.0, 0, 0
	group := func(size, r int) {
		if size <= 0 {
			return
		}
		r = min(r, size)
		if r > 0 && found == 0 {
			m.MRR = expectedRR(pos, size, r)
		}
		found += r
		switch {
		case pos+size <= k:
			hits += float64(r)
			if r > 0 {
				pNone = 0
			}
		case pos < k:
			slots := k - pos
			hits += float64(r) * float64(slots) / float64(size)
			pNone *= noneDrawn(size, r, slots)
		}
		pos += size
	}
	for i := 0; i < len(ranked); {
		j, r := i, 0
		for ; j < len(ranked) && ranked[j].score == ranked[i].score && ranked[j].tie == ranked[i].tie; j++ {
			if slices.Contains(relevant, ranked[j].v) {
				r++
			}
		}
		group(j-i, r)
		i = j
	}
	group(universe-len(ranked), len(relevant)-found)
	m.Precision = hits / float64(k)
	m.Recall = hits / float64(len(relevant))
	m.Hit = 1 - pNone
	return m
}

// expectedRR is E[1/(before+X)] where X is the position of the first of r relevant businesses
// in a uniformly random order of a tie of size businesses: P(X > x) = C(size−x, r)/C(size, r).
func expectedRR(before, size, r int) float64 {
	e, gt := 0.0, 1.0 // gt = P(X > x), from x = 0
	for x := 0; x <= size-r; x++ {
		next := gt * float64(size-x-r) / float64(size-x) // P(X > x+1)
		e += (gt - next) / float64(before+x+1)
		gt = next
	}
	return e
}

// noneDrawn is the probability that none of r relevant businesses among size tied ones is in
// the first slots of a uniformly random order of them: C(size−r, slots)/C(size, slots).
func noneDrawn(size, r, slots int) float64 {
	p := 1.0
	for i := range slots {
		if size-r-i <= 0 {
			return 0
		}
		p *= float64(size-r-i) / float64(size-i)
	}
	return p
}

// evaluator ranks with our ranker and with the baselines on one training graph.
type evaluator struct {
	g           *Graph
	weights     [nOurs]Weights // of our rows: the defaults, and the fit's
	trustTarget bool           // trust pairs were held out, not partnerships
	active      int            // active businesses
	scores      []scored
}

func newEvaluator(g *Graph, trustTarget bool) *evaluator {
	e := &evaluator{g: g, trustTarget: trustTarget}
	for v := range g.ids {
		if g.status[v] == statusActive {
			e.active++
		}
	}
	return e
}

// excluded reports whether v may not be suggested to u by any method: u itself, a business
// that is not active, one it has an open or declined partnership with, and, when trust is
// what was held out, one it already has trust with either way (a link the training graph
// holds is no prediction).
func (e *evaluator) excluded(u, v int32) bool {
	if v == u || e.g.status[v] != statusActive {
		return true
	}
	l, ok := e.g.linkTo(u, v)
	return ok && e.linked(l)
}

func (e *evaluator) linked(l link) bool {
	return l.partnered() || (e.trustTarget && (l.out != 0 || l.in != 0))
}

// universe counts the businesses that may be suggested to u (see excluded).
func (e *evaluator) universe(u int32) int {
	n := e.active
	if e.g.status[u] == statusActive {
		n--
	}
	for _, l := range e.g.links.get(u) {
		if e.linked(l) && e.g.status[l.to] == statusActive {
			n--
		}
	}
	return n
}

// ranking returns the businesses the method scores above zero for u, best first; the others
// tie below them. Our ranker's own exclusions (competitors) and cut-offs (businesses that
// nothing relates to the member) are left to tie at the bottom like any unscored business.
func (e *evaluator) ranking(s *scratch, method string, u int32) []scored {
	g := e.g
	e.scores = e.scores[:0]
	switch method {
	case MethodRandom:
		return nil
	case MethodRanker, MethodFitted:
		// The ranker orders by its groups (see fillIn), then score, then tie.
		g.weights = e.weights[0]
		if method == MethodFitted {
			g.weights = e.weights[1]
		}
		for _, c := range g.rank(s, u, len(g.ids)) {
			if !e.excluded(u, c.v) {
				e.scores = append(e.scores, scored{c.v, c.score - float64(c.source), c.tie})
			}
		}
		return e.scores
	case MethodPreferential:
		for v := range g.ids {
			if d := g.deg[v]; d > 0 && !e.excluded(u, int32(v)) {
				e.scores = append(e.scores, scored{v: int32(v), score: float64(d)})
			}
		}
		e.sort()
		return e.scores
	}
	s.reset(len(g.ids))
	if method == MethodPageRank {
		g.plainPageRank(s, u)
	} else {
		for _, l := range g.links.get(u) {
			if l.weight() == 0 {
				continue
			}
			z := l.to
			dz := float64(g.deg[z])
			for _, m := range g.links.get(z) {
				if m.to == u || m.weight() == 0 {
					continue
				}
				s.touch(m.to)
				switch method {
				case MethodCommon:
					s.p[m.to]++
				case MethodAdamicAdar:
					s.p[m.to] += float32(1 / math.Log(dz))
				case MethodResource:
					s.p[m.to] += float32(1 / dz)
				}
			}
		}
	}
	for _, v := range s.touched {
		if s.p[v] > 0 && !e.excluded(u, v) {
			e.scores = append(e.scores, scored{v: v, score: float64(s.p[v])})
		}
	}
	e.sort()
	return e.scores
}

func (e *evaluator) sort() {
	slices.SortFunc(e.scores, func(a, b scored) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.v, b.v)) })
}

// plainPageRank is the classic baseline: personalized PageRank by forward push with the same
// restart probability, ε and work bound as the ranker's, over unweighted links.
func (g *Graph) plainPageRank(s *scratch, u int32) {
	s.touch(u)
	s.r[u] = 1
	s.queue = append(s.queue, u)
	work := 0
	for head := 0; head < len(s.queue) && work < pprMaxWork; head++ {
		v := s.queue[head]
		s.flags[v] &^= fQueued
		d := float64(g.deg[v])
		rv := s.r[v]
		if d == 0 || float64(rv) < pprEpsilon*d {
			continue
		}
		s.p[v] += pprAlpha * rv
		s.r[v] = 0
		spread := (1 - pprAlpha) * rv / float32(d)
		ls := g.links.get(v)
		work += len(ls)
		for _, l := range ls {
			if l.weight() == 0 {
				continue
			}
			x := l.to
			s.touch(x)
			s.r[x] += spread
			if s.flags[x]&fQueued == 0 && float64(s.r[x]) >= pprEpsilon*float64(g.deg[x]) {
				s.flags[x] |= fQueued
				s.queue = append(s.queue, x)
			}
		}
	}
	s.p[u] = 0 // the member itself is excluded anyway; keep it out of the ranking
}

// String prints the report as tables: the members with training links, then the cold start.
func (r EvalReport) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "held-out evaluation: mode %s, seed %d, %d businesses, %d training links\n", r.Mode, r.Seed, r.Businesses, r.TrainLinks)
	fmt.Fprintf(&sb, "held out %d of %d %s; %d affected members, asked %d with training links and %d without (cold start)\n",
		r.Hidden, r.Candidates, r.Target, r.Affected, r.Warm.Members, r.Cold.Members)
	fmt.Fprintf(&sb, "fitted weights (on the training graph): %s\n  %s\n", FormatWeights(r.Fit.Weights), r.Fit.Reason)
	r.Warm.write(&sb, "members with training links", r.K)
	r.Cold.write(&sb, "cold start (no training links)", r.K)
	return sb.String()
}

func (g EvalGroup) write(sb *strings.Builder, title string, k int) {
	fmt.Fprintf(sb, "\n%s: %d members\n", title, g.Members)
	if g.Members == 0 {
		return
	}
	fmt.Fprintf(sb, "%-24s %8s %8s %8s %8s\n", "method", "MRR", fmt.Sprintf("R@%d", k), fmt.Sprintf("H@%d", k), fmt.Sprintf("P@%d", k))
	for _, row := range g.Rows {
		fmt.Fprintf(sb, "%-24s %8.4f %8.4f %8.4f %8.4f\n", row.Method, row.MRR, row.Recall, row.Hit, row.Precision)
	}
	for _, d := range g.Diffs {
		ours := "ours"
		if d.Method == MethodFitted {
			ours = "ours (fitted)"
		}
		fmt.Fprintf(sb, "%s − %-22s %-5s %+.4f ± %.4f (paired, %d members)\n", ours, d.Baseline, d.Metric, d.Mean, d.SE, d.N)
	}
}

// EvalSummary sums up the reports of several seeds on the same records and mode: each
// method's scores are their means over the seeds, and each paired difference is the mean of
// the seeds' mean differences against the baseline that was best over all seeds, with the
// root mean square of their standard errors: the standard error of one split, not divided
// again by the number of seeds, since the splits share most of their members and links.
type EvalSummary struct {
	Mode       string
	Seeds      []int64
	K          int
	Warm, Cold EvalGroup // Members is the mean over the seeds, rounded
}

// Summarize sums up reports of one mode and K over several seeds (see EvalSummary).
func Summarize(reps []EvalReport) EvalSummary {
	var s EvalSummary
	if len(reps) == 0 {
		return s
	}
	s.Mode, s.K = reps[0].Mode, reps[0].K
	for _, r := range reps {
		s.Seeds = append(s.Seeds, r.Seed)
	}
	pick := func(r EvalReport, cold bool) EvalGroup {
		if cold {
			return r.Cold
		}
		return r.Warm
	}
	for _, cold := range []bool{false, true} {
		var gs []EvalGroup
		members := 0
		for _, r := range reps {
			if g := pick(r, cold); g.Members > 0 {
				gs = append(gs, g)
				members += g.Members
			}
		}
		if len(gs) == 0 {
			continue
		}
		out := EvalGroup{Members: int(math.Round(float64(members) / float64(len(reps))))}
		for m, name := range EvalMethods {
			ms := make([]Metrics, len(gs))
			for i, g := range gs {
				ms[i] = g.Rows[m].Metrics
			}
			out.Rows = append(out.Rows, EvalRow{Method: name, Metrics: meanMetrics(ms)})
		}
		for o := range nOurs {
			for _, em := range evalMetrics {
				best := bestBaseline(out.Rows, em.get)
				d := PairedDiff{Method: EvalMethods[o], Metric: strings.Replace(em.name, "K", fmt.Sprint(s.K), 1), Baseline: EvalMethods[best]}
				ss := 0.0
				for _, g := range gs {
					ours, theirs := make([]float64, g.Members), make([]float64, g.Members)
					for i := range g.Members {
						ours[i], theirs[i] = em.get(g.perMember[o][i]), em.get(g.perMember[best][i])
					}
					mean, se := pairedDiff(ours, theirs)
					d.Mean += mean / float64(len(gs))
					ss += se * se
					d.N += g.Members
				}
				d.SE = math.Sqrt(ss / float64(len(gs)))
				out.Diffs = append(out.Diffs, d)
			}
		}
		if cold {
			s.Cold = out
		} else {
			s.Warm = out
		}
	}
	return s
}

// String prints the summary as tables, as EvalReport does.
func (s EvalSummary) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "summary of %d seeds %v: mode %s, means over the seeds; paired differences ± the RMS of the seeds' standard errors\n", len(s.Seeds), s.Seeds, s.Mode)
	s.Warm.write(&sb, "members with training links", s.K)
	s.Cold.write(&sb, "cold start (no training links)", s.K)
	return sb.String()
}
