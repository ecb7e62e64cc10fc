package matching

// lists holds one list of items per node: an immutable CSR base (offsets into one shared
// array) and a copy-on-write overlay for the nodes whose list changed since the last
// compaction. The base keeps 1M nodes' adjacency in two allocations, which the garbage
// collector does not have to walk item by item; the overlay makes a change cost a copy of one
// node's list instead of a rebuild of the whole array.
//
// Readers call get under the graph's read lock; writers call own and put under the write lock.
type lists[E any] struct {
	off       []uint32 // base: node v's items are base[off[v]:off[v+1]], for v < len(off)-1
	base      []E
	over      map[int32][]E
	has       []uint64 // bit v is set when over holds node v's list
	overItems int      // items held in over, to tell when a compaction pays off
}

func newLists[E any]() lists[E] {
	return lists[E]{off: []uint32{0}, over: map[int32][]E{}}
}

// get returns node v's items. The slice's capacity ends at its length, so that a caller that
// appends to it can never write into the next node's items.
func (l *lists[E]) get(v int32) []E {
	if w := int(v >> 6); w < len(l.has) && l.has[w]&(1<<(v&63)) != 0 {
		return l.over[v]
	}
	if int(v)+1 < len(l.off) {
		a, b := l.off[v], l.off[v+1]
		return l.base[a:b:b]
	}
	return nil
}

// own returns a copy of node v's items that the caller may change and then store with put.
// The copy is taken once per node between compactions: later calls return the overlay's own
// slice.
func (l *lists[E]) own(v int32) []E {
	if w := int(v >> 6); w < len(l.has) && l.has[w]&(1<<(v&63)) != 0 {
		return l.over[v]
	}
	cur := l.get(v)
	s := make([]E, len(cur), len(cur)+1)
	copy(s, cur)
	return s
}

// put makes s node v's list.
func (l *lists[E]) put(v int32, s []E) {
	w := int(v >> 6)
	for w >= len(l.has) {
		l.has = append(l.has, 0)
	}
	if l.has[w]&(1<<(v&63)) != 0 {
		l.overItems -= len(l.over[v])
	}
	l.has[w] |= 1 << (v & 63)
	l.over[v] = s
	l.overItems += len(s)
}

// appendBase adds the next node's items straight to the base. Builders use it while no reader
// can see the graph; afterwards new nodes go to the overlay, since growing the base array
// would copy all of it.
func (l *lists[E]) appendBase(items []E) {
	l.base = append(l.base, items...)
	l.off = append(l.off, uint32(len(l.base)))
}

// baseNodes is the number of nodes whose list lives in the base.
func (l *lists[E]) baseNodes() int { return len(l.off) - 1 }

// overlayNodes is the number of nodes whose list lives in the overlay.
func (l *lists[E]) overlayNodes() int { return len(l.over) }

// compacted returns a copy of l for n nodes with every list in a new base and an empty
// overlay. It only reads l, so readers may go on using l while it runs.
func (l *lists[E]) compacted(n int) lists[E] {
	total := 0
	for v := range n {
		total += len(l.get(int32(v)))
	}
	c := lists[E]{off: make([]uint32, 1, n+1), base: make([]E, 0, total), over: map[int32][]E{}}
	for v := range n {
		c.appendBase(l.get(int32(v)))
	}
	return c
}

// chunkLen is the length of one chunk of a chunked list: 64K items, so that a list of 15M
// trust edges grows without ever copying itself, and frees itself chunk by chunk as it is read.
const chunkLen = 1 << 16

// chunked is an append-only list kept in fixed-size chunks. A builder collects the edges of
// an export in it: a plain slice would double its capacity as it grows, holding twice the
// edges (three times while copying) at the worst moment of a build.
type chunked[T any] struct {
	cs [][]T
}

func (c *chunked[T]) add(x T) {
	if n := len(c.cs); n == 0 || len(c.cs[n-1]) == chunkLen {
		c.cs = append(c.cs, make([]T, 0, chunkLen))
	}
	last := &c.cs[len(c.cs)-1]
	*last = append(*last, x)
}

// all yields the items in order.
func (c *chunked[T]) all(yield func(T) bool) {
	for _, ch := range c.cs {
		for _, x := range ch {
			if !yield(x) {
				return
			}
		}
	}
}

// drain yields the items in order and lets go of each chunk once it has been read.
func (c *chunked[T]) drain(yield func(T) bool) {
	for i, ch := range c.cs {
		c.cs[i] = nil
		for _, x := range ch {
			if !yield(x) {
				return
			}
		}
	}
	c.cs = nil
}

// deleteFunc removes the items for which del is true, keeping the order.
func (c *chunked[T]) deleteFunc(del func(T) bool) {
	var out chunked[T]
	for x := range c.drain {
		if !del(x) {
			out.add(x)
		}
	}
	*c = out
}
