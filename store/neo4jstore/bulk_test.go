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

func partnership(id, from, to string) partnergraph.Record {
	return partnergraph.Record{Partnership: &partnergraph.Partnership{ID: id, ProposerID: from, PartnerID: to,
		Status: partnergraph.PartnershipProposed, Terms: partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 100, Currency: "USD"}}}
}

// describe renders batches for comparing: each batch as the lines of each of its kinds, in
// the order the batch applies them ("kind:lines+kind:lines"), batches separated by spaces.
func describe(batches []*importBatch) string {
	var parts []string
	for _, b := range batches {
		var kinds []string
		for _, kind := range importKinds {
			var lines []string
			for _, r := range b.byKind[kind] {
				lines = append(lines, fmt.Sprint(r.Line))
			}
			if len(lines) > 0 {
				kinds = append(kinds, kind+":"+strings.Join(lines, ","))
			}
		}
		parts = append(parts, strings.Join(kinds, "+"))
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
		{"kinds share a batch", []partnergraph.Record{service("a"), trust("x", "y"), service("b")}, 500, "service:1,3+trust:2"},
		// The synthetic network and real exports alternate trust and partnerships pair by
		// pair: one batch, not one transaction per record.
		{"edges of both kinds", []partnergraph.Record{trust("x", "y"), partnership("p1", "x", "y"), trust("y", "z"), partnership("p2", "z", "y")}, 500, "trust:1,3+partnership:2,4"},
		{"referred-to kinds first", []partnergraph.Record{partnership("p1", "x", "y"), trust("x", "y"), service("a")}, 500, "service:3+trust:2+partnership:1"},
		{"size limit across kinds", []partnergraph.Record{trust("x", "y"), partnership("p1", "x", "y"), trust("y", "z")}, 2, "trust:1+partnership:2 trust:3"},
		{"a key twice starts a batch", []partnergraph.Record{service("a"), service("b"), service("a")}, 500, "service:1,2 service:3"},
		{"one key in two kinds", []partnergraph.Record{service("a"), partnership("a", "x", "y")}, 500, "service:1+partnership:2"},
		{"a partnership twice", []partnergraph.Record{partnership("p1", "x", "y"), trust("x", "y"), partnership("p1", "x", "y")}, 500, "trust:2+partnership:1 partnership:3"},
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

// TestExportKeepsClosed: the export yields a record only if what it refers to was yielded
// before it, whatever order its pages were read in (each kind is read on a goroutine of its
// own, so a trust edge may be read before, or after, the business it leaves was created).
func TestExportKeepsClosed(t *testing.T) {
	biz := func(id string, services ...string) partnergraph.Record {
		return partnergraph.Record{Business: &partnergraph.BusinessRecord{Business: partnergraph.Business{ID: id}, Services: services}}
	}
	seen := exportedSet{service: map[string]bool{}, business: map[string]bool{}, network: map[string]bool{}}
	for _, c := range []struct {
		name string
		r    partnergraph.Record
		want bool
	}{
		{"service", service("tyres"), true},
		{"complement to a service not exported", partnergraph.Record{Complement: &partnergraph.Complement{From: "tyres", To: "paint"}}, false},
		{"business", biz("b1", "tyres", "paint"), true},
		{"business", biz("b2"), true},
		{"membership of a network not exported", partnergraph.Record{Membership: &partnergraph.Membership{BusinessID: "b1", NetworkID: "n"}}, false},
		{"trust between exported businesses", trust("b1", "b2"), true},
		{"trust from a business created after the businesses were read", trust("a-late", "b1"), false},
		{"trust to one", trust("b2", "a-late"), false},
		{"partnership with one", partnership("p", "a-late", "b1"), false},
		{"partnership between exported businesses", partnership("p2", "b2", "b1"), true},
	} {
		if got := seen.keep(&c.r); got != c.want {
			t.Errorf("%s: kept %v, want %v", c.name, got, c.want)
		}
		if c.r.Business != nil && c.r.Business.ID == "b1" && strings.Join(c.r.Business.Services, ",") != "tyres" {
			t.Errorf("b1 exported with services %v, want only tyres (paint was not exported)", c.r.Business.Services)
		}
	}
}
