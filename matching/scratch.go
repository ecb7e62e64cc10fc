package matching

import (
	"runtime"
	"sync"
)

// scratch is the working memory of one suggestion: per-node values in dense arrays, valid
// only for the nodes stamped with the current epoch and listed in touched, so that a query
// costs what it touches, not the size of the graph, and allocates nothing in steady state.
type scratch struct {
	epoch   uint32
	stamp   []uint32
	p, r    []float32 // personalized PageRank estimate and residual
	nb      []twoHop  // what the member's neighbours say of each business
	flags   []uint8
	touched []int32
	queue   []int32
}

// twoHop is what social adds up for a business two links from the member, kept together so
// that one cache line holds all four (the walk over the neighbourhood is random access).
type twoHop struct {
	soc    float32 // social proof (weighted Adamic-Adar)
	cn     float32 // common neighbours, counted
	aa, ra float32 // Adamic-Adar and resource allocation, unweighted as in the literature
}

// Flags of a node in a query.
const (
	fQueued    uint8 = 1 << iota // waiting in the push queue
	fNeighbour                   // linked to the member
	fScanned                     // read from the map
	fNear                        // kept from the map as a near complementary business
	fKept                        // already a candidate of this query
)

// reset starts a query on a graph of n nodes.
func (s *scratch) reset(n int) {
	if len(s.stamp) < n {
		c := n + n/8
		s.stamp = make([]uint32, c)
		s.p = make([]float32, c)
		s.r = make([]float32, c)
		s.nb = make([]twoHop, c)
		s.flags = make([]uint8, c)
		s.epoch = 0
	}
	s.epoch++
	if s.epoch == 0 { // wrapped: old stamps could look current
		clear(s.stamp)
		s.epoch = 1
	}
	s.touched = s.touched[:0]
	s.queue = s.queue[:0]
}

// touch makes v's values valid (zero) in this query.
func (s *scratch) touch(v int32) {
	if s.stamp[v] == s.epoch {
		return
	}
	s.stamp[v] = s.epoch
	s.p[v], s.r[v], s.nb[v], s.flags[v] = 0, 0, twoHop{}, 0
	s.touched = append(s.touched, v)
}

func (s *scratch) seen(v int32) bool { return s.stamp[v] == s.epoch }

// scratchPool keeps at most one scratch per processor: each is ~29 bytes per business, so
// an unbounded pool (or sync.Pool, which the collector empties) would cost memory or
// reallocation at a million businesses.
type scratchPool struct {
	mu   sync.Mutex
	free []*scratch
}

func (p *scratchPool) get() *scratch {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		s := p.free[n-1]
		p.free = p.free[:n-1]
		return s
	}
	return &scratch{}
}

func (p *scratchPool) put(s *scratch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < runtime.GOMAXPROCS(0) {
		p.free = append(p.free, s)
	}
}
