package matching

import (
	"cmp"
	"context"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/partnergraph/partnergraph"
)

// ProgressEvery is how many records Build and BuildRecords read between two calls of their
// progress callback.
const ProgressEvery = 100_000

// Build reads the store's export into a new graph, calling progress (if not nil) every
// ProgressEvery records and once at the end with the number of records read. The export is
// streamed: businesses and their attributes go straight into the graph's arrays, edges into
// compact lists that are folded into the link arrays at the end, so the export is never held
// in memory. Errors: those of Store.Export; ENOTFOUND for an edge or membership that refers to
// a business or network not exported before it; the context's error if it ends.
func Build(ctx context.Context, s partnergraph.Store, progress func(records int)) (*Graph, error) {
	return BuildRecords(ctx, Exported(ctx, s), progress)
}

// exportBatch is how many records Exported hands over at a time.
const exportBatch = 4096

// Exported streams the store's export as records. The store is read on a goroutine of its
// own, a few batches ahead of the caller: reading and decoding rows is most of a build, so
// the build then keeps two cores busy instead of one.
func Exported(ctx context.Context, s partnergraph.Store) iter.Seq2[partnergraph.Record, error] {
	return func(yield func(partnergraph.Record, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		batches := make(chan []partnergraph.Record, 4)
		var exportErr error // written before batches is closed
		go func() {
			defer close(batches)
			send := func(batch []partnergraph.Record) error {
				select {
				case batches <- batch:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			batch := make([]partnergraph.Record, 0, exportBatch)
			exportErr = s.Export(ctx, func(r partnergraph.Record) error {
				batch = append(batch, r)
				if len(batch) < exportBatch {
					return nil
				}
				err := send(batch)
				batch = make([]partnergraph.Record, 0, exportBatch)
				return err
			})
			if len(batch) > 0 { // the records before an error, too, as the store gave them
				if err := send(batch); exportErr == nil {
					exportErr = err
				}
			}
		}()
		for batch := range batches {
			for _, r := range batch {
				if !yield(r, nil) {
					cancel()
					for range batches { // let the reader see the cancellation and end
					}
					return
				}
			}
		}
		if exportErr != nil {
			yield(partnergraph.Record{}, exportErr)
		}
	}
}

// BuildRecords is Build for a stream of records, such as a JSON Lines file or the synthetic
// generator: references must come after what they refer to, as for Store.Import. Errors: the
// first error of the stream; ENOTFOUND for a dangling reference; EINVALID for a record that
// holds no object; the context's error if it ends.
func BuildRecords(ctx context.Context, records iter.Seq2[partnergraph.Record, error], progress func(records int)) (*Graph, error) {
	b := newBuilder()
	if err := b.addAll(ctx, records, progress); err != nil {
		return nil, err
	}
	return b.finish(progress), nil
}

// builder fills a graph that no reader sees yet: nodes go straight to the base arrays, edges to
// coordinate lists with the times the evaluation splits on.
type builder struct {
	g       *Graph
	records int
	trust   chunked[trustRec]
	pairs   []pairRec
	members [][2]int32 // business, network
}

type trustRec struct {
	from, to int32
	t        uint32 // UpdatedAt, Unix seconds
	q        uint8
	admin    bool // source ADMIN
}

type pairRec struct {
	a, b int32
	t    uint32 // CreatedAt, Unix seconds
	st   uint8
}

func newBuilder() *builder { return &builder{g: NewGraph()} }

func unixSeconds(t time.Time) uint32 {
	s := t.Unix()
	if s < 0 {
		return 0
	}
	return uint32(min(s, math.MaxUint32))
}

func (b *builder) addAll(ctx context.Context, records iter.Seq2[partnergraph.Record, error], progress func(int)) error {
	for r, err := range records {
		if err != nil {
			return err
		}
		if err := b.step(ctx, r, progress); err != nil {
			return err
		}
	}
	return nil
}

// step adds one record and reports progress.
func (b *builder) step(ctx context.Context, r partnergraph.Record, progress func(int)) error {
	if err := b.add(r); err != nil {
		if r.Line > 0 {
			return partnergraph.AtLine(r.Line, err)
		}
		return err
	}
	b.records++
	if b.records%ProgressEvery == 0 {
		if progress != nil {
			progress(b.records)
		}
		return ctx.Err()
	}
	return nil
}

func (b *builder) add(r partnergraph.Record) error {
	g := b.g
	switch {
	case r.Service != nil:
		g.putService(*r.Service)
	case r.Complement != nil:
		if err := partnergraph.CheckUnit("complement.weight", r.Complement.Weight); err != nil {
			return err
		}
		g.setComplement(*r.Complement)
	case r.Business != nil:
		if r.Business.ID == "" {
			return partnergraph.Invalidf("business.id", "must not be empty")
		}
		g.putBusiness(r.Business.Business, r.Business.Services)
	case r.Network != nil:
		if r.Network.ID == "" {
			return partnergraph.Invalidf("network.id", "must not be empty")
		}
		g.putNetwork(*r.Network)
	case r.Membership != nil:
		v, n, err := g.membership(r.Membership.BusinessID, r.Membership.NetworkID)
		if err != nil {
			return err
		}
		b.members = append(b.members, [2]int32{v, n})
	case r.Trust != nil:
		t := r.Trust
		if err := partnergraph.CheckUnit("trust.score", t.Score); err != nil {
			return err
		}
		u, v, err := g.pair(t.From, t.To)
		if err != nil {
			return err
		}
		b.trust.add(trustRec{from: u, to: v, t: unixSeconds(t.UpdatedAt), q: quantize(t.Score), admin: t.Source == partnergraph.SourceAdmin})
	case r.Partnership != nil:
		p := r.Partnership
		st, ok := pairStatus(p.Status)
		if !ok {
			return p.Status.Check("partnership.status")
		}
		u, v, err := g.pair(p.ProposerID, p.PartnerID)
		if err != nil {
			return err
		}
		b.pairs = append(b.pairs, pairRec{a: u, b: v, t: unixSeconds(p.CreatedAt), st: st})
	default:
		return partnergraph.Errorf(partnergraph.EINVALID, "record holds no object")
	}
	return nil
}

// finish folds the edge lists into the graph's link and membership arrays and returns the
// graph, ready for readers.
func (b *builder) finish(progress func(int)) *Graph {
	g := b.g
	n := len(g.ids)
	if g.services.overlayNodes() > 0 {
		g.services = g.services.compacted(n)
	}
	b.buildLinks(n)
	b.buildMembers(n)
	if progress != nil {
		progress(b.records)
	}
	return g
}

// buildLinks turns the trust and partnership lists into one sorted link list per business.
// Each edge is first scattered to both ends as a raw link holding one fact; a business's raw
// links are then sorted by neighbour and merged, later facts overriding earlier ones. So that
// the newest partnership of a pair sets its status, partnerships are scattered oldest first.
func (b *builder) buildLinks(n int) {
	g := b.g
	slices.SortStableFunc(b.pairs, func(x, y pairRec) int { return cmp.Compare(x.t, y.t) })
	off := make([]uint32, n+1)
	for t := range b.trust.all {
		off[t.from+1]++
		off[t.to+1]++
	}
	for _, p := range b.pairs {
		off[p.a+1]++
		off[p.b+1]++
	}
	for v := range n {
		off[v+1] += off[v]
	}
	raw := make([]link, off[n])
	pos := slices.Clone(off[:n])
	put := func(v int32, l link) {
		raw[pos[v]] = l
		pos[v]++
	}
	for t := range b.trust.drain {
		put(t.from, link{to: t.to, out: t.q, fl: setFlag(0, flagOutAdmin, t.admin)})
		put(t.to, link{to: t.from, in: t.q, fl: setFlag(0, flagInAdmin, t.admin)})
	}
	for _, p := range b.pairs {
		put(p.a, link{to: p.b, st: p.st})
		put(p.b, link{to: p.a, st: p.st})
	}
	b.pairs = nil
	// Merge each business's raw links in place; the merged list starts where the raw one did.
	w := uint32(0)
	for v := range n {
		seg := raw[off[v]:off[v+1]]
		slices.SortStableFunc(seg, func(x, y link) int { return cmp.Compare(x.to, y.to) })
		off[v] = w
		for i := 0; i < len(seg); {
			m := link{to: seg[i].to}
			for ; i < len(seg) && seg[i].to == m.to; i++ {
				if seg[i].out != 0 {
					m.out, m.fl = seg[i].out, setFlag(m.fl, flagOutAdmin, seg[i].fl&flagOutAdmin != 0)
				}
				if seg[i].in != 0 {
					m.in, m.fl = seg[i].in, setFlag(m.fl, flagInAdmin, seg[i].fl&flagInAdmin != 0)
				}
				if seg[i].st != pairNone {
					m.st = seg[i].st
				}
			}
			raw[w] = m
			w++
		}
	}
	off[n] = w
	g.links = lists[link]{off: off, base: slices.Clip(slices.Clone(raw[:w])), over: map[int32][]link{}}
	for v := range n {
		for _, l := range g.links.get(int32(v)) {
			if wt := l.weight(); wt > 0 {
				g.deg[v]++
				g.wdeg[v] += float32(wt)
			}
			g.inTrust[v] += float32(trustScore(l.in))
		}
	}
}

// buildMembers turns the membership list into one sorted network list per business and counts
// each network's members.
func (b *builder) buildMembers(n int) {
	g := b.g
	slices.SortFunc(b.members, func(x, y [2]int32) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})
	b.members = slices.Compact(b.members)
	nets := lists[int32]{off: make([]uint32, 1, n+1), base: make([]int32, 0, len(b.members)), over: map[int32][]int32{}}
	i := 0
	for v := range int32(n) {
		for ; i < len(b.members) && b.members[i][0] == v; i++ {
			nets.base = append(nets.base, b.members[i][1])
		}
		nets.off = append(nets.off, uint32(len(nets.base)))
	}
	g.nets = nets
	b.members = nil
	for v := range int32(n) {
		for _, nw := range g.nets.get(v) {
			g.countMember(v, nw, 1)
		}
	}
}
