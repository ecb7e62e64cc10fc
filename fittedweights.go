package partnergraph

import (
	"context"
	"time"
)

// FittedWeights are the weights of the partner-suggestion signals that a fit chose on the
// network's own history (matching.Fit), with what the choice was measured on. The store keeps
// the newest, so that a restarted server and the other servers on the store use them too.
type FittedWeights struct {
	Weights map[string]float64 // by signal name (COMPLEMENT, SOCIAL, …, ADAMIC_ADAR, …); they sum to 1
	Fitted  bool               // false: the defaults, kept for Reason (too little history)
	Reason  string             // why these weights: what won the fit, or why the defaults stand
	Mode    string             // how validation pairs were hidden: "temporal" (the newest), or "random" without times
	Splits  int                // validation splits
	Pairs   int                // partnerships (or trust pairs) hidden for validation, over the splits
	Members int                // members whose rankings were scored, over the splits

	MRR           float64 // validation mean reciprocal rank of Weights
	DefaultMRR    float64 // the same of the default weights
	BestSingle    string  // the signal that ranks best alone
	BestSingleMRR float64 // its validation MRR: Weights never do worse (the fit's guard)
	At            time.Time
}

// FittedWeightStore keeps the newest FittedWeights.
type FittedWeightStore interface {
	// SaveFittedWeights stores w as the newest fit, replacing the one before, and appends a
	// ChangeWeights in the same transaction so that other servers adopt it. EINVALID for
	// weights that are negative, not finite or all zero.
	SaveFittedWeights(ctx context.Context, w FittedWeights) error
	// FittedWeights returns the newest fit saved; ENOTFOUND when none was.
	FittedWeights(ctx context.Context) (FittedWeights, error)
}

// CheckFittedWeights returns EINVALID (field "weights") for weights that are negative, not
// finite or all zero.
func CheckFittedWeights(w FittedWeights) error {
	sum := 0.0
	for _, v := range w.Weights {
		if v != v || v < 0 || v > 1e300 {
			return Invalidf("weights", "must be finite and not negative")
		}
		sum += v
	}
	if sum == 0 {
		return Invalidf("weights", "must not all be zero")
	}
	return nil
}
