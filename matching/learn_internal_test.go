package matching

import (
	"math"
	"testing"
	"time"
)

func TestOutcomeNudgeFades(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := adjustment{delta: 0.2, at: at}
	for _, c := range []struct {
		after time.Duration
		want  float64
	}{{0, 0.2}, {outcomeHalfLife, 0.1}, {2 * outcomeHalfLife, 0.05}} {
		if got := a.now(at.Add(c.after)); math.Abs(got-c.want) > 1e-9 {
			t.Fatalf("after %s: %.4f, want %.4f", c.after, got, c.want)
		}
	}
}
