package matching

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Bounds of a neighbourhood's size: what the console draws by default, and the most it may
// ask for (a few thousand nodes is what a browser draws fluently).
const (
	DefaultNeighbourhoodNodes = 500
	MaxNeighbourhoodNodes     = 5000
)

// NeighbourhoodOptions say how far a neighbourhood reaches and which businesses it keeps.
type NeighbourhoodOptions struct {
	// Depth is 1 or 2 hops.
	Depth int
	// MaxNodes caps the nodes, the centre included: 1..MaxNeighbourhoodNodes.
	MaxNodes int
	// Service (a slug), City (case does not matter) and Network (an id) keep only the
	// businesses that offer it, are in it, or are members of it; "" keeps all. The centre is
	// always kept.
	Service, City, Network string
}

// NeighbourNode is a business of a neighbourhood, with what the console draws.
type NeighbourNode struct {
	ID, Name string
	// Sector is the sector of the business's most specific service ("" without services).
	Sector   string
	Services []string
	City     string
	Verified bool
	// Suspended is the business's status.
	Suspended bool
	// TrustReceived sums the trust scores the business receives, from all businesses.
	TrustReceived float64
	// Hops from the centre.
	Hops int
}

// NeighbourTrust is a trust edge between two businesses of a neighbourhood.
type NeighbourTrust struct {
	From, To string
	// Score is the truster's score as the projection holds it (to 1/254); Weight adds the
	// lead outcomes' nudges, as routing reads the edge.
	Score, Weight float64
	// Overridden says an admin set the edge (source ADMIN).
	Overridden bool
}

// NeighbourPair is the newest partnership of two businesses of a neighbourhood, A < B.
type NeighbourPair struct {
	A, B   string
	Status partnergraph.PartnershipStatus
}

// Neighbourhood is a business's trust and partnership neighbourhood.
type Neighbourhood struct {
	// Nodes in the order they were reached, the centre first.
	Nodes        []NeighbourNode
	Trust        []NeighbourTrust
	Partnerships []NeighbourPair
	// Truncated says that MaxNodes left out businesses within Depth.
	Truncated bool
}

// Neighbourhood returns the businesses within o.Depth hops of center along trust (either
// direction) and partnerships (any status), that o's filter keeps: breadth-first, each
// business's links strongest first (link weight), until o.MaxNodes; then every trust edge and
// partnership between them. A business the filter leaves out is not passed through either.
// The work is bounded by the links of the businesses reached, never the whole graph; it holds
// the read lock while it runs. ENOTFOUND for an unknown business or network; EINVALID naming
// "depth", "maxNodes" or "filter.service" (an unknown service).
func (g *Graph) Neighbourhood(center string, o NeighbourhoodOptions) (Neighbourhood, error) {
	var out Neighbourhood
	if o.Depth < 1 || o.Depth > 2 {
		return out, partnergraph.Invalidf("depth", "must be 1 or 2")
	}
	if o.MaxNodes < 1 || o.MaxNodes > MaxNeighbourhoodNodes {
		return out, partnergraph.Invalidf("maxNodes", "must be 1..%d", MaxNeighbourhoodNodes)
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	c, ok := g.index[center]
	if !ok {
		return out, partnergraph.Errorf(partnergraph.ENOTFOUND, "business %q not found", center)
	}
	keep, err := g.neighbourFilter(o)
	if err != nil {
		return out, err
	}
	hops := map[int32]int{c: 0}
	order := []int32{c}
	var cand []link
	frontier := order
	for hop := 1; hop <= o.Depth && !out.Truncated; hop++ {
		next := len(order)
		for _, u := range frontier {
			cand = cand[:0]
			for _, l := range g.links.get(u) {
				if _, seen := hops[l.to]; !seen && keep(l.to) {
					cand = append(cand, l)
				}
			}
			slices.SortFunc(cand, func(a, b link) int { return cmp.Or(cmp.Compare(b.weight(), a.weight()), cmp.Compare(a.to, b.to)) })
			for _, l := range cand {
				if _, seen := hops[l.to]; seen {
					continue // reached from an earlier business of this hop
				}
				if len(order) == o.MaxNodes {
					out.Truncated = true
					break
				}
				hops[l.to] = hop
				order = append(order, l.to)
			}
			if out.Truncated {
				break
			}
		}
		frontier = order[next:]
	}
	now := time.Now()
	for _, u := range order {
		out.Nodes = append(out.Nodes, g.neighbourNode(u, hops[u]))
		for _, l := range g.links.get(u) {
			if _, in := hops[l.to]; !in {
				continue
			}
			if l.out != 0 {
				w := trustScore(l.out)
				if a, ok := g.outcomes[[2]int32{u, l.to}]; ok {
					w = math.Max(0, math.Min(1, w+a.now(now)))
				}
				out.Trust = append(out.Trust, NeighbourTrust{From: g.ids[u], To: g.ids[l.to], Score: trustScore(l.out), Weight: w, Overridden: l.fl&flagOutAdmin != 0})
			}
			if st := pairStatusOf(l.st); st != "" && g.ids[u] < g.ids[l.to] {
				out.Partnerships = append(out.Partnerships, NeighbourPair{A: g.ids[u], B: g.ids[l.to], Status: st})
			}
		}
	}
	return out, nil
}

// neighbourFilter returns whether a business passes o's filter.
func (g *Graph) neighbourFilter(o NeighbourhoodOptions) (func(int32) bool, error) {
	svc, city, net := -1, -1, int32(-1)
	if o.Service != "" {
		s, ok := g.svcIndex[o.Service]
		if !ok {
			return nil, partnergraph.Invalidf("filter.service", "no service %q", o.Service)
		}
		svc = int(s)
	}
	if o.City != "" {
		city = len(g.cities) // no business is there unless the name is known
		for i, name := range g.cities {
			if i > 0 && strings.EqualFold(name, o.City) {
				city = i
				break
			}
		}
	}
	if o.Network != "" {
		n, ok := g.netIndex[o.Network]
		if !ok {
			return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "network %q not found", o.Network)
		}
		net = n
	}
	return func(v int32) bool {
		return (svc < 0 || slices.Contains(g.services.get(v), uint16(svc))) &&
			(city < 0 || int(g.city[v]) == city) &&
			(net < 0 || slices.Contains(g.nets.get(v), net))
	}, nil
}

func (g *Graph) neighbourNode(v int32, hops int) NeighbourNode {
	n := NeighbourNode{
		ID: g.ids[v], Name: g.names[v], City: g.cities[g.city[v]], Verified: g.verified[v],
		Suspended: g.status[v] == statusSuspended, TrustReceived: float64(g.inTrust[v]), Hops: hops,
	}
	if p := g.primary(v); p >= 0 {
		n.Sector = g.svcs[p].sector
	}
	for _, s := range g.services.get(v) {
		n.Services = append(n.Services, g.svcs[s].id)
	}
	return n
}

// pairStatusOf is the partnership status a link's pair* byte stands for ("" for none).
func pairStatusOf(st uint8) partnergraph.PartnershipStatus {
	switch st {
	case pairProposed:
		return partnergraph.PartnershipProposed
	case pairActive:
		return partnergraph.PartnershipActive
	case pairDeclined:
		return partnergraph.PartnershipDeclined
	case pairEnded:
		return partnergraph.PartnershipEnded
	}
	return ""
}
