package metrics_test

import (
	"testing"

	"github.com/partnergraph/partnergraph/store/storetest"
)

// TestTimedStoreTimesEveryMethod fails when a method is added to partnergraph.Store that the
// metrics' timed store neither times nor lists here: embedding would pass it through untimed.
func TestTimedStoreTimesEveryMethod(t *testing.T) {
	storetest.Decorates(t, "timedStore", map[string]string{
		"Export":   "streams every record through yield: its time is the caller's writing",
		"Outcomes": "calls fn for every outcome: its time is the caller's replay",
		"Close":    "releases the store once, at shutdown",
		"Origin":   "returns a name held in memory",
	})
}
