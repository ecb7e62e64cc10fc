package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// syntheticCluster is a cluster whose store holds a synthetic network with enough
// partnerships, created at different times, to fit weights on.
func syntheticCluster(t *testing.T) *cluster {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pg.db")
	s, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, seed.Synthetic(1500, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return &cluster{v: testVerifier(t), open: func(tb testing.TB) partnergraph.Store {
		tb.Helper()
		s, err := sqlitestore.Open(context.Background(), path)
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}}
}

func noFit(cfg *server.Config) { cfg.FitInterval, cfg.FitAfter = -1, -1 }

// TestServersFitWeights: a server fits the suggestion weights at start, in the background,
// saves them and shows them in its metrics; another server that does not fit adopts them from
// the change feed, and a server started afterwards adopts them from the store at start.
func TestServersFitWeights(t *testing.T) {
	ctx := context.Background()
	c := syntheticCluster(t)
	follower := c.start(t, func(cfg *server.Config) { noFit(cfg); unfollowed(cfg) })
	if follower.pg.Matching.Fit().Fitted {
		t.Fatal("a server that does not fit has fitted weights before any fit")
	}
	fitting := c.start(t, nil)

	deadline := time.Now().Add(2 * time.Minute)
	for !fitting.pg.Matching.Fit().Fitted {
		if time.Now().After(deadline) {
			t.Fatalf("no fit adopted after 2 minutes; logs:\n%s", fitting.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	fw := fitting.pg.Matching.Fit()
	saved, err := fitting.store.FittedWeights(ctx)
	if err != nil || !saved.Fitted || saved.MRR != fw.MRR || saved.MRR < saved.BestSingleMRR {
		t.Fatalf("saved fit %+v, %v; the server's %+v", saved, err, fw)
	}
	if !strings.Contains(fitting.logs.String(), "fitted the suggestion weights") {
		t.Errorf("the fit is not in the log:\n%s", fitting.logs.String())
	}
	resp, err := http.Get(fitting.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"partnergraph_suggestion_weights_fitted 1", `partnergraph_suggestion_weight{signal="ADAMIC_ADAR"}`, `partnergraph_suggestion_fit_mrr{weights="adopted"}`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	// The API shows the fit to admins, and every suggestion says its weights were fitted.
	admin := c.token(t, "admin", auth.Admin)
	var got struct {
		SuggestionWeights struct {
			Fitted           bool
			Reason           string
			ValidationMRR    float64
			BestSingleSignal string
			Weights          []struct {
				Signal string
				Weight float64
			}
		}
		PartnerSuggestions []struct {
			WeightsFitted bool
			Components    []struct{ Signal string }
		}
	}
	fitting.ok(t, admin, `query($id: ID!) { suggestionWeights { fitted reason validationMRR bestSingleSignal weights { signal weight } }
		partnerSuggestions(businessId: $id, first: 3) { weightsFitted components { signal } } }`, map[string]any{"id": apiID("syn-0000001")}, &got)
	if w := got.SuggestionWeights; !w.Fitted || w.ValidationMRR != fw.MRR || w.BestSingleSignal != fw.BestSingle || len(w.Weights) != 10 || !strings.HasPrefix(w.Reason, "fitted on") {
		t.Errorf("suggestionWeights %+v; the server's fit %+v", w, fw)
	}
	if len(got.PartnerSuggestions) == 0 || !got.PartnerSuggestions[0].WeightsFitted || len(got.PartnerSuggestions[0].Components) != 10 {
		t.Errorf("partnerSuggestions %+v; want fitted weights and 10 components", got.PartnerSuggestions)
	}

	if err := follower.pg.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if got := follower.pg.Matching.Fit(); !got.Fitted || got.MRR != fw.MRR || matchingWeights(got) != matchingWeights(fw) {
		t.Errorf("the follower's fit %+v; want %+v", got, fw)
	}
	restarted := c.start(t, noFit)
	if got := restarted.pg.Matching.Fit(); !got.Fitted || matchingWeights(got) != matchingWeights(fw) {
		t.Errorf("a server started after the fit has %+v; want %+v", got, fw)
	}
}

// matchingWeights prints a fit's weights in a fixed order, to compare them.
func matchingWeights(fw partnergraph.FittedWeights) string {
	var sb strings.Builder
	for _, sig := range []string{"COMPLEMENT", "SOCIAL", "PAGERANK", "DISTANCE", "NETWORKS", "QUALITY", "COMMON_NEIGHBOURS", "ADAMIC_ADAR", "RESOURCE_ALLOCATION", "PREFERENTIAL_ATTACHMENT"} {
		fmt.Fprintf(&sb, "%s=%.6f ", sig, fw.Weights[sig])
	}
	return sb.String()
}
