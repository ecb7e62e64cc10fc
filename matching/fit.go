package matching

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph"
)

// FitOptions configure Fit. Zero fields take the defaults.
type FitOptions struct {
	Seed            int64   // draws random validation splits and the members scored
	HoldOut         float64 // share of the partnerships hidden for validation; default 0.1
	MaxMembers      int     // members scored per split, drawn with the seed; default 1000
	MinPartnerships int     // fewer partnerships (or trust pairs) that could be hidden: the defaults stand; default 200
}

// Bounds of a fit.
const (
	fitPairsTarget = 300     // random splits are added (up to fitMaxSplits) until this many pairs are hidden
	fitMaxSplits   = 5       // random validation splits at most
	fitPasses      = 2       // passes of the coordinate search over the signals
	fitCacheRows   = 1 << 21 // candidates whose signals are kept between passes (~80 MB); others are gathered again
)

// fitGrid are the values the coordinate search tries for one signal's weight, the other
// weights summing to 1: from nothing to three times all the others together.
var fitGrid = []float64{0, 0.01, 0.03, 0.1, 0.3, 1, 3}

// Fit chooses the weights of the suggestion signals on the network's own history, so that
// they predict the partnerships this network makes rather than those of the synthetic
// generator the defaults were tuned on. history returns a fresh stream of the records (as
// Store.Export or a JSON Lines file give them) each time it is called.
//
// It hides the newest partnerships (Evaluate's temporal split, its share HoldOut), or random
// ones when the history has no times to split on (then up to five random splits, until about
// 300 pairs are hidden), ranks each affected member's candidates with candidate weights, and
// keeps the weights of the highest mean reciprocal rank of a hidden partner: the defaults and
// each signal alone first, then a coordinate search over the signals (fitGrid, fitPasses
// passes), which changes a weight only when the MRR rises. MRR reads the whole ranking, not
// a cut-off, so it moves with small changes of weights where R@10 is flat, and it rewards the
// top of the list, where members look. The guard: weights that do worse than the best signal
// alone are never adopted (guard). With fewer than MinPartnerships pairs to hide, or when no
// split can be made, the defaults stand, Fitted is false and Reason says why.
//
// The search reads each member's candidates once (gather) and weighs them many times, so a
// fit costs a few passes of suggestions for MaxMembers members per split, plus reading the
// history once per split. It never touches a serving graph: AdoptFit swaps the result in.
//
// Errors: the stream's; ENOTFOUND for a dangling reference; the context's.
func Fit(ctx context.Context, history func() iter.Seq2[partnergraph.Record, error], opts FitOptions) (partnergraph.FittedWeights, error) {
	return fitHistory(ctx, func() (*builder, error) {
		b := newBuilder()
		return b, b.addAll(ctx, history(), nil)
	}, opts)
}

// fitHistory is Fit over a maker of builders that hold the training history.
func fitHistory(ctx context.Context, history func() (*builder, error), opts FitOptions) (partnergraph.FittedWeights, error) {
	if opts.HoldOut == 0 {
		opts.HoldOut = 0.1
	}
	if opts.MaxMembers == 0 {
		opts.MaxMembers = 1000
	}
	if opts.MinPartnerships == 0 {
		opts.MinPartnerships = 200
	}
	out := partnergraph.FittedWeights{Weights: DefaultWeights.named(), At: time.Now().UTC()}
	defaults := func(reason string) (partnergraph.FittedWeights, error) {
		out.Reason = "default weights: " + reason
		return out, nil
	}
	b, err := history()
	if err != nil {
		return out, err
	}
	so := EvalOptions{Mode: EvalTemporal, Seed: opts.Seed, HoldOut: opts.HoldOut, MaxMembers: opts.MaxMembers}
	sp, err := b.split(so, nil)
	if err != nil {
		// No times to split on (or all the same): random splits. A failed split leaves the
		// builder as it was.
		so.Mode = EvalRandom
		if sp, err = b.split(so, nil); err != nil {
			if partnergraph.ErrorCode(err) == partnergraph.EINVALID {
				return defaults(fmt.Sprintf("history too small to fit (%v)", err))
			}
			return out, err
		}
	}
	out.Mode = so.Mode
	if sp.candidates < opts.MinPartnerships {
		return defaults(fmt.Sprintf("history too small to fit: %d %s, need %d", sp.candidates, sp.target, opts.MinPartnerships))
	}
	f := &fitter{}
	f.add(sp)
	for so.Mode == EvalRandom && f.pairs < fitPairsTarget && len(f.splits) < fitMaxSplits {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		so.Seed++
		if b, err = history(); err != nil {
			return out, err
		}
		if sp, err = b.split(so, nil); err != nil {
			return out, err
		}
		f.add(sp)
	}
	out.Splits, out.Pairs, out.Members = len(f.splits), f.pairs, f.members()
	if out.Members == 0 {
		return defaults("no member lost a partner in the validation split")
	}

	// The defaults and each signal alone, then the coordinate search from the best of them.
	starts := []Weights{DefaultWeights}
	for j := range nSignals {
		var a [nSignals]float64
		a[j] = 1
		starts = append(starts, weightsOf(a))
	}
	mrr, err := f.mrr(ctx, starts)
	if err != nil {
		return out, err
	}
	out.DefaultMRR = mrr[0]
	single := 1
	for j := 2; j < len(starts); j++ {
		if mrr[j] > mrr[single] {
			single = j
		}
	}
	out.BestSingle, out.BestSingleMRR = string(partnerSignals[single-1]), mrr[single]
	best, bestMRR := starts[0], mrr[0]
	if mrr[single] > bestMRR {
		best, bestMRR = starts[single], mrr[single]
	}
	for range fitPasses {
		improved := false
		for j := range nSignals {
			base := weightsOf(best.normalized())
			var trials []Weights
			for _, x := range fitGrid {
				a := base.array()
				if a[j] == x {
					continue
				}
				a[j] = x
				if w := weightsOf(a); w.Check() == nil {
					trials = append(trials, weightsOf(w.normalized()))
				}
			}
			got, err := f.mrr(ctx, trials)
			if err != nil {
				return out, err
			}
			for i, m := range got {
				if m > bestMRR+1e-9 {
					best, bestMRR, improved = trials[i], m, true
				}
			}
		}
		if !improved {
			break
		}
	}
	w, m, guarded := guard(best, bestMRR, starts[single], mrr[single])
	out.Weights, out.MRR, out.Fitted = weightsOf(w.normalized()).named(), m, true
	out.Reason = fmt.Sprintf("fitted on %d %s hidden from %d members (%s split): MRR %.4f, defaults %.4f, best single signal %s %.4f",
		out.Pairs, sp.target, out.Members, out.Mode, m, out.DefaultMRR, out.BestSingle, out.BestSingleMRR)
	if guarded {
		out.Reason += "; the search did worse than the best single signal, which stands"
	}
	return out, nil
}

// guard returns the weights to adopt: the fit's, unless they do worse on validation than the
// best signal alone, which then stands (and guarded is true).
func guard(fitted Weights, fittedMRR float64, single Weights, singleMRR float64) (w Weights, mrr float64, guarded bool) {
	if fittedMRR < singleMRR {
		return single, singleMRR, true
	}
	return fitted, fittedMRR, false
}

// named keys the weights by signal name, normalized to sum to 1.
func (w Weights) named() map[string]float64 {
	a := w.normalized()
	m := make(map[string]float64, nSignals)
	for j, sig := range partnerSignals {
		m[string(sig)] = a[j]
	}
	return m
}

// WeightsFromNames reads weights keyed by signal name (FittedWeights.Weights); names it does
// not know are ignored, so that a server reads the fits of a newer one. EINVALID if the
// weights are negative, not finite or all zero.
func WeightsFromNames(m map[string]float64) (Weights, error) {
	var a [nSignals]float64
	for j, sig := range partnerSignals {
		a[j] = m[string(sig)]
	}
	w := weightsOf(a)
	return w, w.Check()
}

// AdoptFit makes the fit's weights those of the next suggestions, in one swap under the
// graph's lock (a suggestion under way finishes with the weights it started with). Weights
// that a fit did not choose (Fitted false) restore the defaults. EINVALID for invalid weights.
func (g *Graph) AdoptFit(fw partnergraph.FittedWeights) error {
	w := DefaultWeights
	if fw.Fitted {
		var err error
		if w, err = WeightsFromNames(fw.Weights); err != nil {
			return err
		}
	}
	fw.Weights = w.named()
	g.mu.Lock()
	g.weights, g.fitted, g.fit = w, fw.Fitted, fw
	g.mu.Unlock()
	return nil
}

// Fit returns the fit the graph adopted last (AdoptFit), its weights those in use; before
// any, the weights in use, not fitted, and a Reason that says so.
func (g *Graph) Fit() partnergraph.FittedWeights {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.fit.Weights == nil {
		return partnergraph.FittedWeights{Weights: g.weights.named(), Fitted: g.fitted, Reason: "default weights: no fit yet"}
	}
	return g.fit
}

// PartnershipsJoined counts the partnerships that became active in the graph since it was
// built (or replaced): a server fits again after enough of them.
func (g *Graph) PartnershipsJoined() uint64 { return g.joined.Load() }

// FormatWeights prints weights keyed by signal name in the order of the signals, for logs.
func FormatWeights(m map[string]float64) string {
	var parts []string
	for _, sig := range partnerSignals {
		if x := m[string(sig)]; x != 0 {
			parts = append(parts, fmt.Sprintf("%s=%.3g", sig, x))
		}
	}
	return strings.Join(parts, " ")
}

// fitter holds the validation splits of a fit and the members' candidates.
type fitter struct {
	splits []*fitSplit
	pairs  int // hidden, over the splits
	rows   int // candidate rows cached
	s      scratch
}

type fitSplit struct {
	g       *Graph
	e       *evaluator
	members []fitMember
}

// fitMember is one validation member: its hidden partners and, once gathered (and while the
// cache has room), its candidates' signals.
type fitMember struct {
	u        int32
	relevant []int32
	universe int
	cached   bool
	values   [][nSignals]float32
	isRel    []bool
	missRR   float64 // the reciprocal rank when no hidden partner is a candidate, the same under any weights
}

func (f *fitter) add(sp *split) {
	fs := &fitSplit{g: sp.g, e: newEvaluator(sp.g, sp.target == targetTrust)}
	// Members without links too: their order rests on the weights of complement, distance,
	// networks and quality, which the fit must not neglect for them.
	for _, u := range sp.members {
		fs.members = append(fs.members, fitMember{u: u, relevant: sp.relevant[u], universe: fs.e.universe(u)})
	}
	f.splits = append(f.splits, fs)
	f.pairs += sp.hidden
}

func (f *fitter) members() int {
	n := 0
	for _, fs := range f.splits {
		n += len(fs.members)
	}
	return n
}

// gather reads the member's candidates and their signals, keeping them if the cache has room.
func (f *fitter) gather(fs *fitSplit, m *fitMember) ([][nSignals]float32, []bool) {
	if m.cached {
		return m.values, m.isRel
	}
	_, cs := fs.g.gather(&f.s, m.u)
	values, isRel := make([][nSignals]float32, 0, len(cs)), make([]bool, 0, len(cs))
	for _, c := range cs {
		if fs.e.excluded(m.u, c.v) {
			continue
		}
		var x [nSignals]float32
		for j := range x {
			x[j] = float32(c.values[j])
		}
		rel := false
		for _, r := range m.relevant {
			rel = rel || r == c.v
		}
		values, isRel = append(values, x), append(isRel, rel)
	}
	found := slices.Contains(isRel, true)
	if m.missRR = 0; !found {
		m.missRR = expectedRR(len(values), m.universe-len(values), min(len(m.relevant), m.universe-len(values)))
	}
	if f.rows+len(values) <= fitCacheRows {
		f.rows += len(values)
		m.values, m.isRel, m.cached = values, isRel, true
	}
	return values, isRel
}

// mrr returns the validation MRR of each of the weights, over every member of every split.
func (f *fitter) mrr(ctx context.Context, ws []Weights) ([]float64, error) {
	out := make([]float64, len(ws))
	norm := make([][nSignals]float64, len(ws))
	for i, w := range ws {
		norm[i] = w.normalized()
	}
	n := 0
	for _, fs := range f.splits {
		for i := range fs.members {
			if i%64 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			m := &fs.members[i]
			values, isRel := f.gather(fs, m)
			for k := range ws {
				out[k] += m.missRR
				if m.missRR == 0 {
					out[k] += reciprocalRank(values, isRel, norm[k])
				}
			}
			n++
		}
	}
	for k := range out {
		out[k] /= float64(n)
	}
	return out, nil
}

// reciprocalRank is the expected reciprocal rank of the first hidden partner, one of the
// candidates, when they are ranked by their weighted signals, equal scores in a random order,
// as Evaluate scores a ranking.
func reciprocalRank(values [][nSignals]float32, isRel []bool, w [nSignals]float64) float64 {
	dot := func(x *[nSignals]float32) float64 {
		s := 0.0
		for j, v := range x {
			s += w[j] * float64(v)
		}
		return s
	}
	best := math.Inf(-1)
	for i := range values {
		if isRel[i] {
			best = math.Max(best, dot(&values[i]))
		}
	}
	gt, eq, req := 0, 0, 0
	for i := range values {
		switch s := dot(&values[i]); {
		case s > best:
			gt++
		case s == best:
			eq++
			if isRel[i] {
				req++
			}
		}
	}
	return expectedRR(gt, eq, req)
}

// PartnerSignals lists the signals of partner suggestions, in the order of their components.
func PartnerSignals() []Signal { return slices.Clone(partnerSignals[:]) }
