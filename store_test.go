package partnergraph_test

import (
	"testing"

	"github.com/partnergraph/partnergraph"
)

func TestSliceOf(t *testing.T) {
	got := partnergraph.SliceOf([]int{1, 2, 3}, []string{"a", "b", "c"}, 2)
	if len(got.Items) != 2 || len(got.Cursors) != 2 || !got.HasNext {
		t.Errorf("page of 3 with first 2 = %+v", got)
	}
	got = partnergraph.SliceOf([]int{1, 2}, []string{"a", "b"}, 2)
	if len(got.Items) != 2 || got.HasNext {
		t.Errorf("page of 2 with first 2 = %+v", got)
	}
	got = partnergraph.SliceOf[int](nil, nil, 2)
	if got.Items == nil || got.Cursors == nil || got.HasNext {
		t.Errorf("empty page = %+v, want empty (not nil) slices", got)
	}
}
