package neo4jstore

import (
	"fmt"
	"iter"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph"
)

func records(rs ...partnergraph.Record) iter.Seq2[partnergraph.Record, error] {
	return func(yield func(partnergraph.Record, error) bool) {
		for i, r := range rs {
			r.Line = i + 1
			if !yield(r, nil) {
				return
			}
		}
	}
}

func service(id string) partnergraph.Record {
	return partnergraph.Record{Service: &partnergraph.Service{ID: id, Name: id, Sector: "auto"}}
}

func trust(from, to string) partnergraph.Record {
	return partnergraph.Record{Trust: &partnergraph.Trust{From: from, To: to, Score: 0.5}}
}

// describe renders batches as "kind:lines" for comparing.
func describe(batches []*importBatch) string {
	var parts []string
	for _, b := range batches {
		var lines []string
		for _, r := range b.records {
			lines = append(lines, fmt.Sprint(r.Line))
		}
		parts = append(parts, b.kind+":"+strings.Join(lines, ","))
	}
	return strings.Join(parts, " ")
}

func TestBatchRecords(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []partnergraph.Record
		size int
		want string
	}{
		{"one kind", []partnergraph.Record{service("a"), service("b"), service("c")}, 500, "service:1,2,3"},
		{"size limit", []partnergraph.Record{service("a"), service("b"), service("c")}, 2, "service:1,2 service:3"},
		{"kind change keeps order", []partnergraph.Record{service("a"), trust("x", "y"), service("b")}, 500, "service:1 trust:2 service:3"},
		{"a key twice starts a batch", []partnergraph.Record{service("a"), service("b"), service("a")}, 500, "service:1,2 service:3"},
		{"edges by both ends", []partnergraph.Record{trust("x", "y"), trust("y", "x"), trust("x", "y")}, 500, "trust:1,2 trust:3"},
		{"nothing", nil, 500, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			batches, err := batchRecords(records(c.in...), c.size)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(batches); got != c.want {
				t.Fatalf("batches = %q, want %q", got, c.want)
			}
		})
	}
}

func TestBatchRecordsErrors(t *testing.T) {
	// An invalid record fails with its line and the field.
	_, err := batchRecords(records(service("a"), service("Not A Slug")), 500)
	if partnergraph.ErrorCode(err) != partnergraph.EINVALID || !strings.HasPrefix(err.Error(), "line 2: ") || !strings.Contains(err.Error(), "service.id") {
		t.Errorf("invalid record: %v", err)
	}
	owner := partnergraph.Record{Business: &partnergraph.BusinessRecord{
		Business: partnergraph.Business{ID: "b", Name: "B"}, Owners: []string{""},
	}}
	_, err = batchRecords(records(owner), 500)
	if partnergraph.ErrorCode(err) != partnergraph.EINVALID || !strings.HasPrefix(err.Error(), "line 1: ") {
		t.Errorf("empty owner: %v", err)
	}
	// A reader's error comes back as it is.
	broken := partnergraph.Errorf(partnergraph.EINVALID, "line 9: broken")
	_, err = batchRecords(func(yield func(partnergraph.Record, error) bool) {
		if yield(service("a"), nil) {
			yield(partnergraph.Record{}, broken)
		}
	}, 500)
	if err != broken {
		t.Errorf("reader error = %v, want %v", err, broken)
	}
}
