package graph

import (
	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/graph/model"
)

// page reads the first and after arguments of a connection field.
func page(first *int, after *string) partnergraph.Page {
	p := partnergraph.Page{}
	if first != nil {
		p.First = *first
		if p.First == 0 {
			p.First = -1 // explicit 0 is out of range, not "the default"
		}
	}
	if after != nil {
		p.After = *after
	}
	return p
}

// edges turns a store slice into Relay edges with edge(cursor, item), and its page info.
func edges[T, E any](s partnergraph.Slice[T], p partnergraph.Page, edge func(cursor string, item T) E) ([]E, *model.PageInfo) {
	out := make([]E, len(s.Items))
	for i, item := range s.Items {
		out[i] = edge(s.Cursors[i], item)
	}
	info := &model.PageInfo{HasNextPage: s.HasNext, HasPreviousPage: p.After != ""}
	if n := len(s.Cursors); n > 0 {
		info.StartCursor, info.EndCursor = &s.Cursors[0], &s.Cursors[n-1]
	}
	return out, info
}

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
