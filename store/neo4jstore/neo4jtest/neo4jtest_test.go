package neo4jtest

import "testing"

// recordingTB records how a test ended, to check Skip without ending the real test.
type recordingTB struct {
	testing.TB
	fatal, skipped bool
}

func (r *recordingTB) Helper()           {}
func (r *recordingTB) Fatal(args ...any) { r.fatal = true }
func (r *recordingTB) Skip(args ...any)  { r.skipped = true }

// TestSkipFailsInCI checks that with CI=true a Neo4j test that would skip fails instead, and
// that Require without NEO4J_URI goes through Skip.
func TestSkipFailsInCI(t *testing.T) {
	t.Setenv("NEO4J_URI", "")
	for _, c := range []struct {
		ci          string
		fatal, skip bool
	}{{"true", true, false}, {"", false, true}, {"1", false, true}} {
		t.Setenv("CI", c.ci)
		for name, call := range map[string]func(testing.TB){
			"Skip":    func(tb testing.TB) { Skip(tb, "no server") },
			"Require": func(tb testing.TB) { Require(tb) },
		} {
			r := &recordingTB{TB: t}
			call(r)
			if r.fatal != c.fatal || r.skipped != c.skip {
				t.Errorf("%s with CI=%q: fatal %v, skipped %v; want fatal %v, skipped %v", name, c.ci, r.fatal, r.skipped, c.fatal, c.skip)
			}
		}
	}
}
