package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// testFittedWeights: the newest fit is kept whole (a restart reads it back), a new one replaces
// it, each save appends a WEIGHTS change, and invalid weights are refused with nothing saved.
func testFittedWeights(t *testing.T, s partnergraph.Store) {
	_, err := s.FittedWeights(ctx)
	wantCode(t, err, partnergraph.ENOTFOUND, "")

	r := newFeedReader(t, s)
	first := partnergraph.FittedWeights{
		Weights: map[string]float64{"SOCIAL": 0.25, "ADAMIC_ADAR": 0.75}, Fitted: true,
		Reason: "fitted on 300 partnerships", Mode: "temporal", Splits: 1, Pairs: 300, Members: 412,
		MRR: 0.31, DefaultMRR: 0.22, BestSingle: "ADAMIC_ADAR", BestSingleMRR: 0.3,
		At: time.Date(2026, 12, 6, 3, 0, 0, 123_000_000, time.UTC),
	}
	before := time.Now()
	must(t, s.SaveFittedWeights(ctx, first))
	r.wantChanges(t, "SaveFittedWeights", before, changeKey{Kind: partnergraph.ChangeWeights})
	got, err := s.FittedWeights(ctx)
	must(t, err)
	if !sameFit(got, first) {
		t.Fatalf("FittedWeights = %+v, want %+v", got, first)
	}

	second := first
	second.Weights = map[string]float64{"COMPLEMENT": 1}
	second.Fitted, second.Reason, second.At = false, "default weights: history too small", first.At.Add(24*time.Hour)
	before = time.Now()
	must(t, s.SaveFittedWeights(ctx, second))
	r.wantChanges(t, "SaveFittedWeights again", before, changeKey{Kind: partnergraph.ChangeWeights})
	if got, err = s.FittedWeights(ctx); err != nil || !sameFit(got, second) {
		t.Fatalf("after a second save: %+v, %v; want %+v", got, err, second)
	}

	for name, w := range map[string]map[string]float64{
		"negative": {"SOCIAL": -1, "COMPLEMENT": 1}, "all zero": {"SOCIAL": 0}, "none": nil,
	} {
		bad := second
		bad.Weights = w
		wantCode(t, s.SaveFittedWeights(ctx, bad), partnergraph.EINVALID, "weights")
		if r.next(t) != nil {
			t.Errorf("%s: a refused save appended changes", name)
		}
	}
	if got, _ = s.FittedWeights(ctx); !sameFit(got, second) {
		t.Errorf("refused saves changed the fit: %+v", got)
	}
}

// sameFit compares two fits, their times as instants (the one read must be in UTC).
func sameFit(got, want partnergraph.FittedWeights) bool {
	if !got.At.Equal(want.At) || got.At.Location() != time.UTC {
		return false
	}
	got.At, want.At = time.Time{}, time.Time{}
	return reflect.DeepEqual(got, want)
}
