package neo4jstore

import (
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// TestHealthPlans: every statement of NetworkHealth reads its leads or offers by a range seek
// of the creation-time index, never by scanning the label (every lead or offer ever written).
func TestHealthPlans(t *testing.T) {
	s := contractStores(t)(t)
	from := time.Now().UTC()
	params := map[string]any{
		"from": from, "to": from.Add(time.Hour), "bucketMillis": int64(3600000), "top": int64(5),
		"kinds": []any{map[string]any{"kind": "K", "contains": "x"}}, "other": string(partnergraph.UnroutableOther),
	}
	for name, st := range map[string]statement{
		"health_leads": healthLeads, "health_unroutable": healthUnroutable, "health_offers": healthOffers,
		"health_referrers": healthReferrers, "health_recipients": healthRecipients,
	} {
		ops := strings.Join(planOperators(t, s, st, params), " ")
		if !strings.Contains(ops, "NodeIndexSeekByRange") || strings.Contains(ops, "LabelScan") || strings.Contains(ops, "AllNodesScan") {
			t.Errorf("%s: plan %s, want a range seek of the creation-time index and no scan", name, ops)
		}
	}
}
