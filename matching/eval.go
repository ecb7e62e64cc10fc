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

// Evaluation modes: which active partnerships are held out.
const (
	EvalRandom   = "random"   // a random share, drawn with the seed
	EvalTemporal = "temporal" // the newest share by CreatedAt; the graph is cut at the oldest of them
)

// EvalOptions configure Evaluate. Zero fields take the defaults.
type EvalOptions struct {
	Mode       string  // EvalRandom (default) or EvalTemporal
	Seed       int64   // draws the held-out partnerships (random mode) and the members asked
	K          int     // cut-off of precision and recall; default 10
	HoldOut    float64 // share of active partnerships held out; default 0.1
	MaxMembers int     // members asked, drawn with the seed; 0 asks every affected member
}

// EvalRow is one method's scores, averaged over the members asked.
type EvalRow struct {
	Method    string
	Precision float64 // precision@K
	Recall    float64 // recall@K
	MRR       float64 // mean reciprocal rank of the first held-out partner in the top 100
}

// EvalReport is the outcome of Evaluate: our ranker first, then the baselines.
type EvalReport struct {
	Mode         string
	Seed         int64
	K            int
	Businesses   int
	TrainLinks   int // pairs linked by trust or a partnership in the training graph
	Partnerships int // active partnerships that could be held out
	Hidden       int // held out
	Members      int // members asked
	Affected     int // members with a held-out partnership
	Rows         []EvalRow
}

// Method names of the report.
const (
	MethodRanker       = "partnergraph"
	MethodCommon       = "common neighbours"
	MethodAdamicAdar   = "adamic-adar"
	MethodResource     = "resource allocation"
	MethodPreferential = "preferential attachment"
	MethodPageRank     = "personalized pagerank"
)

// evalDepth is how deep each ranking is read: the MRR counts a first hit up to this rank, as
// deep as a member can page through suggestions.
const evalDepth = partnergraph.MaxPageSize

// Evaluate measures how well suggestions predict partnerships, the way the link-prediction
// literature does: it reads the records into a graph, holds out a share of the active
// partnerships, asks for suggestions for every member that lost a partner (or MaxMembers of
// them), and scores the rankings by precision@K, recall@K and MRR against the held-out
// partners.
//
// A held-out pair loses its partnership records and the trust they gave each other from the
// partnership's creation on; trust given before stays, as the members would have seen it when
// they decided to partner. In temporal mode the newest partnerships are held out and the graph
// is cut at the oldest of them: every partnership created and trust given from then on is
// dropped too, so nothing from the future leaks in, and businesses that joined later are
// members without links (cold start).
//
// The baselines are computed on the same training graph, with trust and partnerships as
// undirected, unweighted edges, and the ranker's exclusions that need no service data (the
// member, its open and declined partnerships, businesses that are not active): common
// neighbours, Adamic-Adar, resource allocation, preferential attachment and personalized
// PageRank (forward push with the ranker's α, ε and work bound).
//
// Errors: EINVALID for an unknown mode, a K outside 1..100 or a HoldOut outside (0,1), or
// records with no active partnership between active businesses to hold out; the stream's
// first error; ENOTFOUND for a dangling reference; the context's error if it ends.
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
	case opts.K < 1 || opts.K > evalDepth:
		return EvalReport{}, partnergraph.Invalidf("k", "must be between 1 and %d", evalDepth)
	case !(opts.HoldOut > 0 && opts.HoldOut < 1):
		return EvalReport{}, partnergraph.Invalidf("holdOut", "must be between 0 and 1")
	}
	sp, err := newSplit(ctx, records, opts)
	if err != nil {
		return EvalReport{}, err
	}
	g := sp.g
	rep := EvalReport{
		Mode: opts.Mode, Seed: opts.Seed, K: opts.K, Businesses: len(g.ids), Partnerships: sp.positives,
		Hidden: sp.hidden, Members: len(sp.members), Affected: sp.affected,
	}
	for v := range g.ids {
		rep.TrainLinks += int(g.deg[v])
	}
	rep.TrainLinks /= 2
	e := newEvaluator(g)
	methods := []string{MethodRanker, MethodCommon, MethodAdamicAdar, MethodResource, MethodPreferential, MethodPageRank}
	sums := make([][3]float64, len(methods))
	s := &scratch{}
	for i, u := range sp.members {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return EvalReport{}, err
			}
		}
		rel := sp.relevant[u]
		for m, name := range methods {
			p, r, rr := metrics(e.ranking(s, name, u), rel, opts.K)
			sums[m][0] += p
			sums[m][1] += r
			sums[m][2] += rr
		}
	}
	for m, name := range methods {
		n := float64(len(sp.members))
		rep.Rows = append(rep.Rows, EvalRow{Method: name, Precision: sums[m][0] / n, Recall: sums[m][1] / n, MRR: sums[m][2] / n})
	}
	return rep, nil
}

// split is a training graph with the held-out partners of the members to ask.
type split struct {
	g         *Graph
	members   []int32
	relevant  map[int32][]int32
	positives int // pairs that could have been held out
	hidden    int
	affected  int
}

func newSplit(ctx context.Context, records iter.Seq2[partnergraph.Record, error], opts EvalOptions) (*split, error) {
	b := newBuilder()
	if err := b.addAll(ctx, records, nil); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed))
	hidden, positives := b.holdOut(opts.Mode, opts.HoldOut, rng)
	if len(hidden) == 0 {
		return nil, partnergraph.Errorf(partnergraph.EINVALID, "no active partnership between active businesses to hold out")
	}
	sp := &split{g: b.finish(nil), relevant: map[int32][]int32{}, positives: positives, hidden: len(hidden)}
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
// whose businesses are active, and removes everything between them (and, in temporal mode,
// every edge from the cut-off on) from the builder's edge lists. It returns the held-out pairs
// and how many pairs could have been.
func (b *builder) holdOut(mode string, share float64, rng *rand.Rand) ([][2]int32, int) {
	type pairInfo struct {
		st uint8
		t  uint32
	}
	key := func(a, c int32) [2]int32 { return [2]int32{min(a, c), max(a, c)} }
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
		if p.st == pairActive && b.g.status[k[0]] == statusActive && b.g.status[k[1]] == statusActive {
			cands = append(cands, cand{k, p.t})
		}
	}
	// Map order is random: fix an order before drawing.
	slices.SortFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(x.t, y.t), cmp.Compare(x.pair[0], y.pair[0]), cmp.Compare(x.pair[1], y.pair[1]))
	})
	n := int(math.Ceil(share * float64(len(cands))))
	if len(cands) == 0 || n == 0 {
		return nil, len(cands)
	}
	var out [][2]int32
	cutoff := uint32(math.MaxUint32)
	if mode == EvalTemporal {
		for _, c := range cands[len(cands)-n:] {
			out = append(out, c.pair)
		}
		cutoff = cands[len(cands)-n].t
	} else {
		rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		for _, c := range cands[:n] {
			out = append(out, c.pair)
		}
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
	return out, len(cands)
}

// metrics scores one ranking against the relevant businesses: precision and recall at k, and
// the reciprocal rank of the first relevant one (0 if none is ranked).
func metrics(ranked []int32, relevant []int32, k int) (precision, recall, rr float64) {
	hits := 0
	for i, v := range ranked {
		if !slices.Contains(relevant, v) {
			continue
		}
		if rr == 0 {
			rr = 1 / float64(i+1)
		}
		if i < k {
			hits++
		}
	}
	return float64(hits) / float64(k), float64(hits) / float64(len(relevant)), rr
}

// evaluator ranks with our ranker and with the baselines on one training graph.
type evaluator struct {
	g      *Graph
	byDeg  []int32 // businesses by degree, highest first, for preferential attachment
	scores []scored
}

func newEvaluator(g *Graph) *evaluator {
	e := &evaluator{g: g, byDeg: make([]int32, len(g.ids))}
	for v := range e.byDeg {
		e.byDeg[v] = int32(v)
	}
	slices.SortStableFunc(e.byDeg, func(a, b int32) int { return cmp.Compare(g.deg[b], g.deg[a]) })
	return e
}

// excluded reports whether v may not be suggested to u by any method.
func (e *evaluator) excluded(u, v int32) bool {
	if v == u || e.g.status[v] != statusActive {
		return true
	}
	l, ok := e.g.linkTo(u, v)
	return ok && l.partnered()
}

// ranking returns the top evalDepth businesses for u by the method.
func (e *evaluator) ranking(s *scratch, method string, u int32) []int32 {
	g := e.g
	if method == MethodRanker {
		cs := g.rank(s, u, evalDepth)
		out := make([]int32, len(cs))
		for i, c := range cs {
			out[i] = c.v
		}
		return out
	}
	if method == MethodPreferential {
		var out []int32
		for _, v := range e.byDeg {
			if len(out) == evalDepth || g.deg[v] == 0 {
				break
			}
			if !e.excluded(u, v) {
				out = append(out, v)
			}
		}
		return out
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
	e.scores = e.scores[:0]
	for _, v := range s.touched {
		if s.p[v] > 0 && !e.excluded(u, v) {
			e.scores = append(e.scores, scored{v, float64(s.p[v])})
		}
	}
	slices.SortFunc(e.scores, func(a, b scored) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.v, b.v)) })
	out := make([]int32, min(evalDepth, len(e.scores)))
	for i := range out {
		out[i] = e.scores[i].v
	}
	return out
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

// String prints the report as a table.
func (r EvalReport) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "held-out evaluation: mode %s, seed %d, %d businesses, %d training links\n", r.Mode, r.Seed, r.Businesses, r.TrainLinks)
	fmt.Fprintf(&sb, "held out %d of %d active partnerships; asked %d of %d affected members\n", r.Hidden, r.Partnerships, r.Members, r.Affected)
	fmt.Fprintf(&sb, "%-24s %8s %8s %8s\n", "method", fmt.Sprintf("P@%d", r.K), fmt.Sprintf("R@%d", r.K), "MRR")
	for _, row := range r.Rows {
		fmt.Fprintf(&sb, "%-24s %8.4f %8.4f %8.4f\n", row.Method, row.Precision, row.Recall, row.MRR)
	}
	return sb.String()
}
