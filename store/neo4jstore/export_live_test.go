package neo4jstore

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/seed"
)

// writesDuringExport is a store whose export runs write once, when it hands over its first
// business: the businesses' first page has been read by then; the edges' pages are read on
// goroutines of their own, a few ahead, so the write may come before or after them
// (TestExportKeepsClosed checks what is kept either way, without a server).
type writesDuringExport struct {
	*Store
	once  sync.Once
	write func()
}

func (w *writesDuringExport) Export(ctx context.Context, yield func(partnergraph.Record) error) error {
	return w.Store.Export(ctx, func(r partnergraph.Record) error {
		if r.Business != nil {
			w.once.Do(w.write)
		}
		return yield(r)
	})
}

// TestBuildWhileOthersWrite: a server that builds its projection while other servers write
// must start. Neo4j reads each kind in transactions of its own, so a business written after
// the businesses were read, with a trust edge, a membership and a partnership, used to arrive
// as edges to a business the build had never seen, and matching refused them (ENOTFOUND).
// The export now leaves out what refers to objects it did not export before.
func TestBuildWhileOthersWrite(t *testing.T) {
	s := contractStores(t)(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	biz := func(id string) partnergraph.Record {
		return partnergraph.Record{Business: &partnergraph.BusinessRecord{Business: partnergraph.Business{
			ID: id, Name: id, Status: partnergraph.BusinessActive, CreatedAt: t0}, Services: []string{"tyres"}}}
	}
	if _, err := s.Import(ctx, records(
		partnergraph.Record{Service: &partnergraph.Service{ID: "tyres", Name: "Tyres", Sector: "auto"}},
		biz("b1"), biz("b2"),
		partnergraph.Record{Network: &partnergraph.Network{ID: "chamber", Name: "Chamber", Visibility: partnergraph.Public, CreatedAt: t0}},
		trust("b1", "b2"),
	)); err != nil {
		t.Fatal(err)
	}
	var writeErr error
	w := &writesDuringExport{Store: s, write: func() {
		// "a-late" sorts before every business read so far: no later read of businesses
		// can bring it.
		late := &partnergraph.Business{ID: "a-late", Name: "Late", Location: partnergraph.Point{Lat: 1, Lng: 1}}
		late2 := &partnergraph.Business{ID: "a-later", Name: "Later", Location: partnergraph.Point{Lat: 1, Lng: 1}}
		for _, step := range []func() error{
			func() error { return s.CreateBusiness(ctx, late, "") },
			func() error { return s.CreateBusiness(ctx, late2, "") },
			func() error {
				_, err := s.SetTrust(ctx, partnergraph.Trust{From: "a-late", To: "b1", Score: 0.5})
				return err
			},
			func() error {
				_, err := s.Join(ctx, partnergraph.Membership{BusinessID: "a-late", NetworkID: "chamber", Role: partnergraph.RoleMember})
				return err
			},
			func() error {
				return s.CreatePartnership(ctx, &partnergraph.Partnership{ProposerID: "a-late", PartnerID: "a-later",
					Terms: partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 100, Currency: "USD"}})
			},
		} {
			if writeErr = step(); writeErr != nil {
				return
			}
		}
	}}
	g, err := matching.Build(ctx, w, nil)
	if writeErr != nil {
		t.Fatalf("write during the build: %v", writeErr)
	}
	if err != nil {
		t.Fatalf("a build while others write failed: %v", err)
	}
	if g == nil {
		t.Fatal("no graph")
	}
	// The next export, with nothing written during it, has everything.
	var trustEdges, partnerships int
	if err := s.Export(ctx, func(r partnergraph.Record) error {
		if r.Trust != nil {
			trustEdges++
		}
		if r.Partnership != nil {
			partnerships++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if trustEdges != 2 || partnerships != 1 {
		t.Fatalf("export after the writes: %d trust edges, %d partnerships; want 2 and 1", trustEdges, partnerships)
	}
}

// TestExportPages: an export read in pages of two rows is the export read in whole pages,
// record for record and in the same order, so every step resumes after its keyset (the trust
// step's rows are businesses, each with all of its edges, not edges).
func TestExportPages(t *testing.T) {
	s := contractStores(t)(t)
	ctx := context.Background()
	if _, err := s.Import(ctx, seed.Example()); err != nil {
		t.Fatal(err)
	}
	var trustEdges int
	exportWith := func(steps []exportStep) []string {
		var out []string
		if err := s.export(ctx, steps, func(r partnergraph.Record) error {
			if r.Trust != nil {
				trustEdges++
			}
			b, err := json.Marshal(r)
			out = append(out, string(b))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	whole := exportWith(exportSteps())
	small := exportSteps()
	for i := range small {
		small[i].rows = 2
	}
	paged := exportWith(small)
	if len(whole) < 100 || !slices.Equal(paged, whole) {
		t.Fatalf("export in pages of 2 rows: %d records, differs from the whole export (%d records)", len(paged), len(whole))
	}
	if trustEdges == 0 {
		t.Fatal("the example's export has no trust edge")
	}
}
