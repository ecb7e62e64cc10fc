package server_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/server"
)

// TestRetentionErasesClosedLeads: two servers with --erase-closed-after 1 day on one store
// erase, in the background, the customer data of the leads closed more than a day ago, and
// only theirs; between them they erase each lead once (their counts, in the metric, add up to
// the leads erased), and log what they did.
func TestRetentionErasesClosedLeads(t *testing.T) {
	forEachCluster(t, testRetentionErasesClosedLeads)
}

func testRetentionErasesClosedLeads(t *testing.T, c *cluster) {
	ctx := context.Background()
	s := c.open(t)
	defer s.Close()
	now := time.Now().UTC()
	lead := func(i int, outcome partnergraph.LeadStatus, closedAt time.Time) string {
		t.Helper()
		l := &partnergraph.Lead{IdempotencyKey: fmt.Sprintf("retention-%04d", i), ReferrerID: "daves-collision",
			ServiceID: "personal-injury-attorney", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65},
			Customer: partnergraph.Customer{Name: "Retained Customer", Phone: "+1 217 555 0177"},
			Consent:  partnergraph.Consent{Text: "The customer agreed to be referred.", GivenAt: closedAt.Add(-time.Hour)},
			Notes:    "call after five", CreatedAt: closedAt.Add(-time.Hour)}
		offers := []partnergraph.Offer{{BusinessID: "andys-attorney", Rank: 1, ExpiresAt: closedAt.Add(time.Hour)}}
		if _, _, err := s.SubmitLead(ctx, l, offers, nil); err != nil {
			t.Fatal(err)
		}
		steps := []partnergraph.Transition{{LeadID: l.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered},
			LeadTo: partnergraph.LeadAccepted, At: closedAt.Add(-time.Minute),
			Answer: []partnergraph.OfferAnswer{{OfferID: offers[0].ID, Status: partnergraph.OfferAccepted}}}}
		if outcome != partnergraph.LeadAccepted {
			steps = append(steps, partnergraph.Transition{LeadID: l.ID, LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadAccepted},
				LeadTo: outcome, At: closedAt})
		}
		for _, st := range steps {
			if err := s.Apply(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		return l.ID
	}
	var due []string
	for i := range 5 {
		outcome := []partnergraph.LeadStatus{partnergraph.LeadWon, partnergraph.LeadLost}[i%2]
		due = append(due, lead(i, outcome, now.Add(-time.Duration(10+i)*24*time.Hour)))
	}
	recent := lead(10, partnergraph.LeadWon, now.Add(-time.Hour))
	open := lead(11, partnergraph.LeadAccepted, now.Add(-30*24*time.Hour))

	retain := func(cfg *server.Config) {
		cfg.EraseClosedAfter = 24 * time.Hour
		cfg.EraseInterval = 20 * time.Millisecond
	}
	nodes := []*node{c.start(t, retain), c.start(t, retain)}

	// Wait for the loops (bounded: they run every 20 ms).
	deadline := time.Now().Add(30 * time.Second)
	for _, id := range due {
		for {
			l, err := s.Lead(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if l.Erased != nil {
				if l.Erased.By != partnergraph.ErasedByRetention || l.Customer != (partnergraph.Customer{}) || l.Notes != "" {
					t.Fatalf("lead erased by retention = %+v", l)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("lead %s, closed %s, was not erased", id, l.ClosedAt)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	for _, id := range []string{recent, open} {
		if l, err := s.Lead(ctx, id); err != nil || l.Erased != nil || l.Customer.Name != "Retained Customer" {
			t.Fatalf("retention erased a lead it must keep: %+v, %v", l, err)
		}
	}

	// The API shows the tombstone.
	var got struct {
		Lead struct {
			ErasedBy string
			Customer *struct{ Name string }
			Status   string
		}
	}
	nodes[0].ok(t, c.token(t, "admin", auth.Admin), `query($id: ID!) { lead(id: $id) { erasedBy customer { name } status } }`,
		map[string]any{"id": base64.RawURLEncoding.EncodeToString([]byte("Lead:" + due[0]))}, &got)
	if got.Lead.ErasedBy != partnergraph.ErasedByRetention || got.Lead.Customer != nil || got.Lead.Status != "WON" {
		t.Fatalf("the API shows the erased lead as %+v", got.Lead)
	}

	// Each lead was erased once: the servers' counts add up to the leads.
	erased := 0
	for i, n := range nodes {
		count := retentionErasures(t, n.url)
		erased += count
		if count > 0 && !strings.Contains(n.logs.String(), "erased the customer data of closed leads") {
			t.Errorf("server %d erased %d leads and did not log it: %s", i, count, n.logs)
		}
	}
	if erased != len(due) {
		t.Fatalf("the servers' metrics count %d erasures, want %d", erased, len(due))
	}
}

var erasedMetric = regexp.MustCompile(`(?m)^partnergraph_leads_erased_total\{by="retention"\} (\d+)$`)

// retentionErasures reads partnergraph_leads_erased_total{by="retention"} from the server's
// /metrics.
func retentionErasures(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := erasedMetric.FindSubmatch(b)
	if m == nil {
		return 0 // not counted yet
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
