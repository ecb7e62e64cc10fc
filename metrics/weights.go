package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/partnergraph/partnergraph"
)

// WatchWeights exports the weights that partner suggestions use now, as fit reports them (the
// matching projection's Fit): one gauge per signal, whether a fit chose them, and what the
// fit measured. They are read at each scrape, so a fit adopted from the change feed shows as
// soon as it is in use.
func (m *Metrics) WatchWeights(fit func() partnergraph.FittedWeights) {
	m.reg.MustRegister(weightsCollector{fit})
}

var (
	weightDesc = prometheus.NewDesc("partnergraph_suggestion_weight",
		"Weight of each signal in partner suggestions' scores now (they sum to 1).", []string{"signal"}, nil)
	fittedDesc = prometheus.NewDesc("partnergraph_suggestion_weights_fitted",
		"1 if a fit on the network's own history chose the weights, 0 for the defaults.", nil, nil)
	fitMRRDesc = prometheus.NewDesc("partnergraph_suggestion_fit_mrr",
		"Validation MRR the last fit measured: of the weights adopted, the defaults, and the best single signal.", []string{"weights"}, nil)
	fitTimeDesc = prometheus.NewDesc("partnergraph_suggestion_fit_timestamp_seconds",
		"When the fit in use ended (Unix time); 0 before any.", nil, nil)
)

type weightsCollector struct {
	fit func() partnergraph.FittedWeights
}

func (c weightsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{weightDesc, fittedDesc, fitMRRDesc, fitTimeDesc} {
		ch <- d
	}
}

func (c weightsCollector) Collect(ch chan<- prometheus.Metric) {
	fw := c.fit()
	for sig, w := range fw.Weights {
		ch <- prometheus.MustNewConstMetric(weightDesc, prometheus.GaugeValue, w, sig)
	}
	fitted := 0.0
	if fw.Fitted {
		fitted = 1
	}
	ch <- prometheus.MustNewConstMetric(fittedDesc, prometheus.GaugeValue, fitted)
	for name, v := range map[string]float64{"adopted": fw.MRR, "defaults": fw.DefaultMRR, "best_single": fw.BestSingleMRR} {
		ch <- prometheus.MustNewConstMetric(fitMRRDesc, prometheus.GaugeValue, v, name)
	}
	at := 0.0
	if !fw.At.IsZero() {
		at = float64(fw.At.UnixNano()) / 1e9
	}
	ch <- prometheus.MustNewConstMetric(fitTimeDesc, prometheus.GaugeValue, at)
}
