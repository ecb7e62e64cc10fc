package server

import (
	"context"
	"iter"
	"log/slog"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/matching"
)

// Defaults of the weight fit's schedule (Config.FitInterval, Config.FitAfter).
const (
	DefaultFitInterval = 24 * time.Hour
	DefaultFitAfter    = 1000
	fitCheck           = time.Minute // how often the schedule is looked at
)

// fitter fits the suggestion weights on the store's history in the background, so that no
// query waits for it: the projection keeps serving with the weights it has, and swaps the new
// ones in at once (matching.Graph.AdoptFit, through the projected store's SaveFittedWeights,
// which also tells the other servers through the change feed).
type fitter struct {
	store    partnergraph.Store // the metrics' timed store: the fit reads its export
	save     partnergraph.Store // the projected store: saving adopts the fit here
	g        *matching.Graph
	log      *slog.Logger
	interval time.Duration // fit when the fit in use is older; < 0 never
	after    int           // fit after this many partnerships became active since this server's last fit; < 0 never
	joined   uint64        // g.PartnershipsJoined() at this server's last fit
	tried    time.Time     // this server's last fit, saved or not
}

// due reports whether the fit in use is older than the interval (or there is none), or enough
// partnerships were made since this server last fitted, and why.
func (f *fitter) due() (bool, string) {
	at := f.g.Fit().At
	if f.tried.After(at) {
		at = f.tried
	}
	switch {
	case f.interval >= 0 && at.IsZero():
		return true, "no fit yet"
	case f.interval >= 0 && time.Since(at) >= f.interval:
		return true, "the fit in use is older than " + f.interval.String()
	case f.after >= 0 && f.g.PartnershipsJoined()-f.joined >= uint64(f.after):
		return true, "new partnerships since the last fit"
	}
	return false, ""
}

// run fits at once if due (at start: unless the store held a fit young enough, which New
// adopted), then looks at the schedule every fitCheck until ctx ends.
func (f *fitter) run(ctx context.Context) {
	t := time.NewTicker(fitCheck)
	defer t.Stop()
	for {
		if ok, why := f.due(); ok {
			f.fit(ctx, why)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// fit fits once, saves the result (the projection adopts it) and logs what it chose. A fit
// that fails leaves the weights as they are: the next is tried at the next interval.
func (f *fitter) fit(ctx context.Context, why string) {
	start := time.Now()
	f.joined, f.tried = f.g.PartnershipsJoined(), start
	f.log.Info("fitting the suggestion weights on the network's history", "why", why)
	fw, err := matching.Fit(ctx, func() iter.Seq2[partnergraph.Record, error] { return matching.Exported(ctx, f.store) }, matching.FitOptions{})
	switch {
	case err != nil:
	case fw.Fitted || f.g.Fit().Fitted:
		err = f.save.SaveFittedWeights(ctx, fw)
	default:
		// The defaults in place of the defaults: no write, and no change for the other
		// servers to apply; this server's projection still says why (matching.Graph.Fit).
		err = f.g.AdoptFit(fw)
	}
	if err != nil {
		if ctx.Err() == nil {
			f.log.Error("fit the suggestion weights", "err", err)
		}
		return
	}
	attrs := []any{"weights", matching.FormatWeights(fw.Weights), "reason", fw.Reason, "took", time.Since(start).Round(time.Millisecond)}
	if !fw.Fitted {
		f.log.Warn("keeping the default suggestion weights", attrs...)
		return
	}
	f.log.Info("fitted the suggestion weights", append(attrs, "mrr", fw.MRR, "defaults_mrr", fw.DefaultMRR, "best_single", fw.BestSingle)...)
}
