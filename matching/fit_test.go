package matching

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph"
)

// hubNetwork is a network built to favour one signal, preferential attachment: 400 businesses
// with no services at one place each partner with 4 of 20 hubs, one partnership a day,
// drawn by the hubs' fixed popularity (the 1/(1+i/2) of hub i). Members are in two camps, and
// each partners with the hubs of its own camp first (the first three rounds): so common
// neighbours reach no hub at all (a member's two-link neighbourhood is other members),
// personalized PageRank favours the hubs of the member's camp, and only the hubs' links
// (preferential attachment) tell the popular hubs of the other camp, where the last round
// goes as often as not.
func hubNetwork() []partnergraph.Record {
	rng := rand.New(rand.NewPCG(7, 7))
	var recs []partnergraph.Record
	const hubs, members = 20, 400
	pop := make([]float64, hubs)
	for i := range pop {
		pop[i] = 1 / (1 + float64(i/2))
	}
	for i := range hubs {
		recs = append(recs, bizRecord(fmt.Sprintf("h%02d", i), 0))
	}
	for i := range members {
		recs = append(recs, bizRecord(fmt.Sprintf("m%03d", i), 0))
	}
	// Each member adds one partnership per round, so the newest are the last round's, of
	// members with three partners already.
	chosen := make([]map[int]bool, members)
	day := 0
	for round := range 4 {
		for i := range members {
			if chosen[i] == nil {
				chosen[i] = map[int]bool{}
			}
			for {
				h := draw(rng, pop, func(h int) bool { return round == 3 || h%2 == i%2 })
				if chosen[i][h] {
					continue
				}
				chosen[i][h] = true
				day++
				recs = append(recs, partnershipRecord(fmt.Sprintf("p%d", day), fmt.Sprintf("m%03d", i), fmt.Sprintf("h%02d", h), day))
				break
			}
		}
	}
	return recs
}

// draw picks an index with probability proportional to its weight, among those allowed.
func draw(rng *rand.Rand, weights []float64, allowed func(int) bool) int {
	total := 0.0
	for i, w := range weights {
		if allowed(i) {
			total += w
		}
	}
	x := rng.Float64() * total
	last := 0
	for i, w := range weights {
		if !allowed(i) {
			continue
		}
		if last = i; x < w {
			return i
		}
		x -= w
	}
	return last
}

func history(recs []partnergraph.Record) func() iter.Seq2[partnergraph.Record, error] {
	return func() iter.Seq2[partnergraph.Record, error] { return records(recs...) }
}

// TestFitRecoversPreferential: on a network whose partnerships follow preferential attachment,
// the fit gives that signal the largest weight, beats the defaults on validation, and does at
// least as well as the best single signal (the guard).
func TestFitRecoversPreferential(t *testing.T) {
	fw, err := Fit(context.Background(), history(hubNetwork()), FitOptions{Seed: 1})
	must(t, err)
	t.Logf("%s: %s", FormatWeights(fw.Weights), fw.Reason)
	if !fw.Fitted || fw.Mode != EvalTemporal || fw.Pairs == 0 || fw.Members == 0 {
		t.Fatalf("fit %+v; want fitted on a temporal split", fw)
	}
	top, topW := "", 0.0
	for sig, w := range fw.Weights {
		if w > topW {
			top, topW = sig, w
		}
	}
	if top != string(SignalPreferential) || fw.BestSingle != string(SignalPreferential) {
		t.Errorf("heaviest weight %s (%.3f), best single %s; want %s", top, topW, fw.BestSingle, SignalPreferential)
	}
	if fw.MRR < fw.BestSingleMRR || fw.MRR <= fw.DefaultMRR {
		t.Errorf("validation MRR %.4f; best single %.4f, defaults %.4f", fw.MRR, fw.BestSingleMRR, fw.DefaultMRR)
	}

	// Adopted, the weights rank the popular hubs first for a member, and say so.
	g, err := BuildRecords(context.Background(), records(hubNetwork()...), nil)
	must(t, err)
	must(t, g.AdoptFit(fw))
	if _, fitted := g.Weights(); !fitted {
		t.Error("Weights after AdoptFit: not fitted")
	}
	ss := suggest(t, g, "m000", 3)
	if len(ss) == 0 || !ss[0].Fitted || !strings.HasPrefix(ss[0].BusinessID, "h") {
		t.Fatalf("suggestions after the fit:\n%s", describe(ss))
	}
	if component(ss[0], SignalPreferential) == 0 || !strings.Contains(strings.Join(ss[0].Reasons, "; "), "works with") {
		t.Errorf("the first suggestion does not show its preferential attachment: %+v", ss[0])
	}
}

// TestFitGuard: the search's weights are refused when they do worse on validation than the
// best signal alone, which stands.
func TestFitGuard(t *testing.T) {
	single := Weights{AdamicAdar: 1}
	for _, c := range []struct {
		name        string
		fittedMRR   float64
		want        Weights
		wantGuarded bool
	}{
		{"worse than the best single signal", 0.29, single, true},
		{"as good", 0.30, DefaultWeights, false},
		{"better", 0.31, DefaultWeights, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, mrr, guarded := guard(DefaultWeights, c.fittedMRR, single, 0.30)
			if w != c.want || guarded != c.wantGuarded || mrr < 0.30 {
				t.Errorf("guard = %+v, %v, %v; want %+v, guarded %v", w, mrr, guarded, c.want, c.wantGuarded)
			}
		})
	}
}

// TestFitSmallHistory: with too few partnerships to hide, the defaults stand, the result says
// why, and suggestions say they use the defaults.
func TestFitSmallHistory(t *testing.T) {
	recs := hubNetwork()[:420+60] // the businesses and 60 partnerships
	fw, err := Fit(context.Background(), history(recs), FitOptions{Seed: 1})
	must(t, err)
	if fw.Fitted || !strings.Contains(fw.Reason, "history too small") {
		t.Errorf("fit %+v; want the defaults, history too small", fw)
	}
	w, err := WeightsFromNames(fw.Weights)
	must(t, err)
	if w != weightsOf(DefaultWeights.normalized()) {
		t.Errorf("weights %+v; want the defaults", w)
	}
	g, err := BuildRecords(context.Background(), records(recs...), nil)
	must(t, err)
	must(t, g.AdoptFit(fw))
	if got, fitted := g.Weights(); fitted || got != DefaultWeights {
		t.Errorf("Weights = %+v, %v; want the defaults, not fitted", got, fitted)
	}
	if ss := suggest(t, g, "m000", 3); len(ss) == 0 || ss[0].Fitted {
		t.Errorf("suggestions %+v; want some, not fitted", ss)
	}

	// No partnership at all: the defaults too, not an error.
	fw, err = Fit(context.Background(), history(recs[:420]), FitOptions{})
	must(t, err)
	if fw.Fitted || !strings.Contains(fw.Reason, "history too small") {
		t.Errorf("fit without partnerships %+v; want the defaults", fw)
	}
}
