package seed

import (
	"fmt"
	"iter"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Plant is collusion planted into a network (the example or a synthetic one), for the tests of
// the suspicious-structure query (matching.SuspiciousGroups) and for trying it out: a ring of
// new, unverified businesses that trust each other both ways and send each other leads that
// are declined or left to expire, and a business whose trust all comes from one tight cluster
// of older businesses that trust each other both ways.
//
// Records yields the businesses and trust edges, to follow the network's own records into
// Store.Import or matching.BuildRecords. Leads are no part of the interchange format, so the
// ring's lead outcomes come separately from Outcomes, as matching.Graph.Learn takes them.
type Plant struct {
	// Prefix starts every id: Prefix+"-ring-01"…, Prefix+"-cluster-01"…, Prefix+"-boosted".
	Prefix string
	// At is when the ring registered; the cluster registered two years earlier, and the
	// boosted business sixty days earlier.
	At time.Time
	// Where the planted businesses are, a few hundred metres apart.
	Where partnergraph.Point
	// Ring is the number of businesses in the ring (0 for none).
	Ring int
	// LeadsPerPair is how many offers each ring member sent each other one, alternately
	// declined and expired.
	LeadsPerPair int
	// Cluster is the number of businesses trusting the boosted business (0 for none, and no
	// boosted business).
	Cluster int
}

// Outcome is one lead outcome, as matching.Graph.Learn takes it.
type Outcome struct {
	Offer   partnergraph.Offer
	Lead    partnergraph.Lead
	Outcome string
	At      time.Time
}

// plantServices are example services the planted businesses offer in turn.
var plantServices = []string{"collision-repair", "tyres", "towing", "car-rental", "insurance-broker", "personal-injury-attorney"}

// RingIDs are the ids of the ring's businesses.
func (p Plant) RingIDs() []string { return p.ids("ring", p.Ring) }

// ClusterIDs are the ids of the businesses of the cluster.
func (p Plant) ClusterIDs() []string { return p.ids("cluster", p.Cluster) }

// BoostedID is the id of the business that the cluster trusts ("" without a cluster).
func (p Plant) BoostedID() string {
	if p.Cluster == 0 {
		return ""
	}
	return p.Prefix + "-boosted"
}

func (p Plant) ids(kind string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%s-%02d", p.Prefix, kind, i+1)
	}
	return out
}

// Records yields the planted businesses, then their trust edges.
func (p Plant) Records() iter.Seq2[partnergraph.Record, error] {
	return func(yield func(partnergraph.Record, error) bool) {
		ring, cluster := p.RingIDs(), p.ClusterIDs()
		clusterAt := p.At.AddDate(-2, 0, 0)
		boostedAt := p.At.AddDate(0, 0, -60)
		n := 0
		business := func(id, name string, at time.Time) bool {
			n++
			b := &partnergraph.BusinessRecord{
				Business: partnergraph.Business{
					ID: id, Name: name, City: "Plantville", Country: "US", Status: partnergraph.BusinessActive,
					Location:  partnergraph.Point{Lat: p.Where.Lat + 0.003*float64(n%7), Lng: p.Where.Lng + 0.003*float64(n/7)},
					CreatedAt: at, ServiceRadiusKm: 25, DailyLeadCap: partnergraph.DefaultDailyLeadCap,
				},
				Services: []string{plantServices[n%len(plantServices)]},
			}
			return yield(partnergraph.Record{Business: b}, nil)
		}
		trust := func(from, to string, at time.Time) bool {
			return yield(partnergraph.Record{Trust: &partnergraph.Trust{From: from, To: to, Score: 0.95, Source: partnergraph.SourceMember, UpdatedAt: at}}, nil)
		}
		for i, id := range ring {
			if !business(id, fmt.Sprintf("Ring Member %d", i+1), p.At.Add(time.Duration(i)*time.Hour)) {
				return
			}
		}
		for i, id := range cluster {
			if !business(id, fmt.Sprintf("Cluster Member %d", i+1), clusterAt.Add(time.Duration(i)*time.Hour)) {
				return
			}
		}
		if p.Cluster > 0 && !business(p.BoostedID(), "Boosted Business", boostedAt) {
			return
		}
		all := func(ids []string, at time.Time) bool { // every member trusts every other
			for _, a := range ids {
				for _, b := range ids {
					if a != b && !trust(a, b, at) {
						return false
					}
				}
			}
			return true
		}
		if !all(ring, p.At.AddDate(0, 0, 1)) || !all(cluster, clusterAt.AddDate(0, 0, 30)) {
			return
		}
		for _, a := range cluster {
			if !trust(a, p.BoostedID(), boostedAt.AddDate(0, 0, 1)) {
				return
			}
		}
	}
}

// Outcomes are the ring's lead outcomes: LeadsPerPair offers from each member to each other
// member, every other one declined, the rest expired, a day apart from At.
func (p Plant) Outcomes() []Outcome {
	ring := p.RingIDs()
	var out []Outcome
	for i, a := range ring {
		for j, b := range ring {
			if a == b {
				continue
			}
			for k := range p.LeadsPerPair {
				id := fmt.Sprintf("%s-lead-%02d-%02d-%02d", p.Prefix, i+1, j+1, k+1)
				at := p.At.AddDate(0, 0, 2+k)
				outcome := partnergraph.OfferDeclined
				if (i+j+k)%2 == 1 {
					outcome = partnergraph.OfferExpired
				}
				out = append(out, Outcome{
					Offer:   partnergraph.Offer{ID: id + "-o1", LeadID: id, Path: []string{a, b}, Status: outcome, RespondedAt: &at},
					Lead:    partnergraph.Lead{ID: id, ReferrerID: a, ServiceID: plantServices[(j+1)%len(plantServices)]},
					Outcome: string(outcome),
					At:      at,
				})
			}
		}
	}
	return out
}
