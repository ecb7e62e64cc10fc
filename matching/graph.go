// Package matching keeps an in-memory projection of the PartnerGraph graph and answers partner
// and network suggestions from it, without a store round trip.
//
// The projection (Graph) is built once from Store.Export and then kept in step with every
// committed write through its update methods. It is laid out for a million businesses and
// tens of millions of edges: one array per business attribute (about 180 bytes per business
// with its id, name and index entry), and all trust and partnership edges between two
// businesses folded into one 8-byte link stored at both ends, in a CSR array with a small
// copy-on-write overlay for the businesses changed since the last compaction. A million
// businesses with 20 million trust and partnership edges (10 million linked pairs) take about
// 350 MB of heap.
package matching

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Business statuses as the projection stores them.
const (
	statusActive uint8 = iota
	statusPending
	statusSuspended
)

// Partnership statuses of a link. A pair has at most one open partnership, and the projection
// keeps the status of the newest one, so one byte per link is enough.
const (
	pairNone uint8 = iota
	pairProposed
	pairActive
	pairDeclined
	pairEnded
)

// link is everything between a business and one neighbour, seen from the business: the trust
// it gives, the trust it receives (each 0 for none, else 1 + score·254), the status of
// their partnership, and which of the two trust edges an admin set. Eight bytes, so 20M edges
// take ~170 MB counting both directions.
type link struct {
	to  int32
	out uint8 // trust this business gives the neighbour
	in  uint8 // trust the neighbour gives this business
	st  uint8 // partnership status (pair*)
	fl  uint8 // flag* bits
}

// Link flags: the trust edge out of (or into) the business is an admin's override (source
// ADMIN), for the console's drawing of the graph. They fill what was the link's padding.
const (
	flagOutAdmin uint8 = 1 << iota
	flagInAdmin
)

// quantize stores a trust score in [0,1] as 1..255; 0 means no trust edge. The step of 1/254
// is below the two decimals members give scores with.
func quantize(score float64) uint8 {
	return 1 + uint8(math.Round(math.Max(0, math.Min(1, score))*254))
}

func trustScore(q uint8) float64 {
	if q == 0 {
		return 0
	}
	return float64(q-1) / 254
}

// partnered reports whether the pair already has a partnership, or had one declined: such a
// pair is never suggested, by the ranker or by the evaluation's baselines.
func (l link) partnered() bool {
	return l.st == pairActive || l.st == pairProposed || l.st == pairDeclined
}

// weight is the strength of a link for the graph signals: half of each direction's trust plus
// an open partnership (1 when active, 0.5 when proposed), so it lies in [0,2] and is the same
// seen from either end. Closed partnerships carry no weight: they are kept only so that a
// declined pair is not suggested again.
func (l link) weight() float64 {
	w := 0.5*trustScore(l.out) + 0.5*trustScore(l.in)
	switch l.st {
	case pairActive:
		w++
	case pairProposed:
		w += 0.5
	}
	return w
}

// Graph is the in-memory projection of businesses, services, complements, networks,
// memberships, trust and partnerships that suggestions read.
//
// It is safe for concurrent use: suggestions take a read lock, updates a write lock for the
// few microseconds a change takes. Updates must be applied in the order the store committed
// them (for a pair, the last partnership applied sets its status).
type Graph struct {
	mu  sync.RWMutex
	wmu sync.Mutex // serialises writers, so that a compaction builds its arrays while readers go on

	weights Weights
	fitted  bool                       // weights come from a fit of the network's history (AdoptFit)
	fit     partnergraph.FittedWeights // the fit adopted last (AdoptFit), for Fit
	joined  atomic.Uint64              // partnerships that became active, for a fit's schedule

	// services and complements
	svcIndex map[string]uint16
	svcs     []serviceInfo
	comp     [][]complement // by from-service
	blend    float64        // share of a LEARNED weight when the pair also has a CURATED one

	// businesses, one entry per node in each array
	index    map[string]int32
	ids      []string
	names    []string
	lat, lng []float32
	radius   []float32
	status   []uint8
	verified []bool
	created  []uint32 // registration time, Unix seconds (0 unknown), for the suspicious groups
	city     []uint32
	accept   []float32 // lead acceptance rate, NaN while unknown
	deg      []int32   // links with weight > 0
	wdeg     []float32 // sum of link weights
	inTrust  []float32 // sum of trust scores received
	services lists[uint16]
	nets     lists[int32]
	links    lists[link]

	cities    []string
	cityIndex map[string]uint32

	networks []networkInfo
	netIndex map[string]int32

	grid grid

	scratch scratchPool
	leaders leaders // the best trusted businesses anywhere, for members with nothing near (see fillIn)

	// routing
	route          RouteOptions
	trustRank      []float32 // global trust from verified businesses (TrustRank), by node
	trustRankAt    time.Time
	trustEdits     uint64                  // changes to what the global trust reads: businesses and links
	trustRankEdits uint64                  // the value of trustEdits that trustRank was computed at
	trustRanking   atomic.Bool             // a background recomputation is running
	outcomes       map[[2]int32]adjustment // lead-outcome nudges of directed edges
	answered       map[int32]int           // offers answered (or left to expire), by business
	acceptedN      map[int32]int           // offers accepted, by business
	pairTried      map[[2]uint16]int       // leads accepted, by (referrer\'s service, lead\'s service)
	pairWon        map[[2]uint16]int       // leads won, by the same pair
	learned        map[learnKey]time.Time  // outcomes learned recently, each once (see learnedBefore)
	learnedPruned  int                     // len(learned) after it was last pruned
	leadPairs      map[[2]int32]leadCounts // answered offers by (referrer, recipient), for lead loops
	outcomeMemory  time.Duration           // how long learned remembers (SetOutcomeMemory)
}

type serviceInfo struct {
	id, name, sector string
	count            int32 // businesses offering it, to find the most specific service of a business
}

// complement is one directed complement weight; a layer is NaN when the graph has not seen it.
type complement struct {
	to               uint16
	curated, learned float64
}

type networkInfo struct {
	id, name, region string
	private          bool
	members          int32
	sumLat, sumLng   float64 // of the members, for the network's centre
	svcCount         []int32 // members offering each service
	list             []int32 // the members, in no order, for the suggestions of members with little else (see fillIn)
}

// Weights are the weights of the signals in a suggestion's score. They must not be negative
// and must not all be zero; the score divides by their sum, so it stays in [0,1].
type Weights struct {
	Complement float64 // service complementarity
	Social     float64 // trust between the two, or from common neighbours (Adamic-Adar)
	PageRank   float64 // personalized PageRank from the member
	Distance   float64 // closeness on the map
	Networks   float64 // networks both belong to
	Quality    float64 // verified, trusted, accepts leads

	// The classic link predictors, each over the member's candidates, divided by the
	// strongest candidate's value (see candidate). Zero in DefaultWeights: a fit (Fit) gives
	// them weight where a network's own history says they predict its partnerships.
	CommonNeighbours   float64 // partners and trusted businesses in common, counted
	AdamicAdar         float64 // the same, each weighted 1/log(its links)
	ResourceAllocation float64 // the same, each weighted 1/(its links)
	Preferential       float64 // the candidate's links (preferential attachment)
}

// array lists the weights in the order of partnerSignals.
func (w Weights) array() [nSignals]float64 {
	return [nSignals]float64{w.Complement, w.Social, w.PageRank, w.Distance, w.Networks, w.Quality,
		w.CommonNeighbours, w.AdamicAdar, w.ResourceAllocation, w.Preferential}
}

// weightsOf is the inverse of array.
func weightsOf(a [nSignals]float64) Weights {
	return Weights{Complement: a[0], Social: a[1], PageRank: a[2], Distance: a[3], Networks: a[4], Quality: a[5],
		CommonNeighbours: a[6], AdamicAdar: a[7], ResourceAllocation: a[8], Preferential: a[9]}
}

// Check returns EINVALID (field "weights") if a weight is negative or not finite, or all are
// zero.
func (w Weights) Check() error {
	sum := 0.0
	for _, v := range w.array() {
		if math.IsNaN(v) || v < 0 || math.IsInf(v, 0) {
			return partnergraph.Invalidf("weights", "must be finite and not negative")
		}
		sum += v
	}
	if sum == 0 {
		return partnergraph.Invalidf("weights", "must not all be zero")
	}
	return nil
}

// DefaultWeights are the weights tuned on the held-out evaluation of synthetic networks (see
// Evaluate; seed 1 to tune, seeds 2 and 3 to check). Trust between the member and a business,
// or from their common contacts, predicts a partnership best; for a member without links
// (cold start) that signal is zero, and complementarity, distance and quality decide alone.
var DefaultWeights = Weights{Complement: 0.20, Social: 0.45, PageRank: 0.05, Distance: 0.18, Networks: 0.04, Quality: 0.08}

// DefaultLearnedBlend is the share a LEARNED complement weight takes when the same pair also has
// a CURATED one: lead outcomes are noisy, so the curated prior keeps half the say.
const DefaultLearnedBlend = 0.5

// NewGraph returns an empty graph with the default weights, to be filled with Apply or the
// update methods. Build fills one from a store.
func NewGraph() *Graph {
	return &Graph{
		weights:   DefaultWeights,
		blend:     DefaultLearnedBlend,
		svcIndex:  map[string]uint16{},
		index:     map[string]int32{},
		services:  newLists[uint16](),
		nets:      newLists[int32](),
		links:     newLists[link](),
		cityIndex: map[string]uint32{"": 0},
		cities:    []string{""},
		netIndex:  map[string]int32{},
		grid:      newGrid(),
	}
}

// SetWeights changes the weights of the signals for the next suggestions. EINVALID if a weight
// is negative or not a number, or all are zero.
func (g *Graph) SetWeights(w Weights) error {
	return g.setWeights(w, false)
}

func (g *Graph) setWeights(w Weights, fitted bool) error {
	if err := w.Check(); err != nil {
		return err
	}
	g.mu.Lock()
	g.weights, g.fitted, g.fit = w, fitted, partnergraph.FittedWeights{}
	g.mu.Unlock()
	return nil
}

// Weights returns the weights suggestions use now, and whether a fit (Fit, AdoptFit) chose
// them rather than the defaults or SetWeights.
func (g *Graph) Weights() (Weights, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.weights, g.fitted
}

// Stats counts what the graph holds.
type Stats struct {
	Businesses   int
	Services     int
	Complements  int
	Networks     int
	Memberships  int
	Links        int // business pairs with trust or a partnership between them
	Trust        int // directed trust edges
	Partnerships int // pairs whose newest partnership is open (proposed or active)
	OverlayNodes int // businesses whose links changed since the last compaction
}

// Stats returns the graph's counts. It walks every link, so it is for reports, not hot paths.
func (g *Graph) Stats() Stats {
	g.mu.RLock()
	defer g.mu.RUnlock()
	s := Stats{Businesses: len(g.ids), Services: len(g.svcs), Networks: len(g.networks), OverlayNodes: g.links.overlayNodes()}
	for _, cs := range g.comp {
		s.Complements += len(cs)
	}
	for v := range len(g.ids) {
		s.Memberships += len(g.nets.get(int32(v)))
		for _, l := range g.links.get(int32(v)) {
			s.Links++
			if l.out != 0 {
				s.Trust++
			}
			if l.st == pairActive || l.st == pairProposed {
				s.Partnerships++
			}
		}
	}
	s.Links /= 2
	s.Partnerships /= 2
	return s
}

// Compact folds the overlay of changed nodes into new base arrays. Updates call it themselves
// when the overlay has grown to an eighth of the base; readers are blocked only for the swap.
func (g *Graph) Compact() {
	g.wmu.Lock()
	defer g.wmu.Unlock()
	g.compactLocked()
}

// compactLocked runs with wmu held: no writer can change the graph, so it may read it without
// the read lock while building, and takes the write lock only to swap the arrays in.
func (g *Graph) compactLocked() {
	n := len(g.ids)
	links, services, nets := g.links.compacted(n), g.services.compacted(n), g.nets.compacted(n)
	g.mu.Lock()
	g.links, g.services, g.nets = links, services, nets
	g.mu.Unlock()
}

// maybeCompact compacts when the overlay holds more than an eighth of the links (at least
// 64K), so that reads stay on the fast base path and the overlay's maps stay small.
func (g *Graph) maybeCompact() {
	if g.links.overItems > 1<<16 && g.links.overItems > len(g.links.base)/8 {
		g.compactLocked()
	}
}

// node returns the index of the business, or ENOTFOUND.
func (g *Graph) node(id string) (int32, error) {
	v, ok := g.index[id]
	if !ok {
		return 0, partnergraph.Errorf(partnergraph.ENOTFOUND, "business %q not found", id)
	}
	return v, nil
}

func (g *Graph) point(v int32) partnergraph.Point {
	return partnergraph.Point{Lat: float64(g.lat[v]), Lng: float64(g.lng[v])}
}

// distanceKm is the great-circle distance between two businesses.
func (g *Graph) distanceKm(u, v int32) float64 {
	return partnergraph.DistanceKm(g.point(u), g.point(v))
}

// findLink returns the index of the link to v in the sorted list ls, or where it would go.
func findLink(ls []link, v int32) (int, bool) {
	lo, hi := 0, len(ls)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ls[m].to < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(ls) && ls[lo].to == v
}

// linkTo returns u's link to v, if any.
func (g *Graph) linkTo(u, v int32) (link, bool) {
	ls := g.links.get(u)
	i, ok := findLink(ls, v)
	if !ok {
		return link{}, false
	}
	return ls[i], true
}

// primary is the business's most specific service: the one fewest businesses offer (ties to
// the smaller slug), so that a ballroom that also caters counts as a venue, and the answer does
// not depend on the order services were listed in. It is -1 for a business without services.
func (g *Graph) primary(v int32) int {
	best := -1
	for _, s := range g.services.get(v) {
		if best < 0 {
			best = int(s)
			continue
		}
		a, b := g.svcs[s], g.svcs[best]
		if a.count < b.count || (a.count == b.count && a.id < b.id) {
			best = int(s)
		}
	}
	return best
}
