package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// TestImportStopsPartWay: Neo4j commits an import batch by batch, so a failure once writing
// has begun (here another client opening a pair that a later batch opens, after the check)
// leaves the batches before it written, and the error says so, with its code.
func TestImportStopsPartWay(t *testing.T) {
	s := contractStores(t)(t)
	s.importBatchSize = 2 // the businesses, then the partnership
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	biz := func(id string) partnergraph.Record {
		return partnergraph.Record{Business: &partnergraph.BusinessRecord{Business: partnergraph.Business{
			ID: id, Name: id, Status: partnergraph.BusinessActive, CreatedAt: t0}}}
	}
	terms := partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 100, Currency: "USD"}
	var writeErr error
	s.importProgress = func(written, total int) {
		if written == 2 { // the businesses are committed; the partnership is next
			writeErr = s.CreatePartnership(ctx, &partnergraph.Partnership{ID: "other", ProposerID: "b2", PartnerID: "b1", Terms: terms})
		}
	}
	_, err := s.Import(ctx, records(biz("b1"), biz("b2"),
		partnergraph.Record{Partnership: &partnergraph.Partnership{ID: "p1", ProposerID: "b1", PartnerID: "b2",
			Status: partnergraph.PartnershipProposed, Terms: terms, CreatedAt: t0}}))
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	if partnergraph.ErrorCode(err) != partnergraph.ECONFLICT || !strings.Contains(err.Error(), "stopped at line 3, with the 2 records before it written") {
		t.Fatalf("import = %v, want ECONFLICT saying how far it got", err)
	}
	if _, err := s.Business(ctx, "b2"); err != nil {
		t.Fatalf("the batch committed before the failure is not there: %v", err)
	}
}

// TestImportMixedBatch: one batch holds records of every kind in any order, and writes each
// kind after the kinds it refers to, so a record may refer to what an earlier line of its
// batch created, and a replacement of an earlier line's object wins as it would record by
// record.
func TestImportMixedBatch(t *testing.T) {
	s := contractStores(t)(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	biz := func(id string, services ...string) partnergraph.Record {
		return partnergraph.Record{Business: &partnergraph.BusinessRecord{Business: partnergraph.Business{
			ID: id, Name: id, Status: partnergraph.BusinessActive, CreatedAt: t0}, Services: services}}
	}
	in := []partnergraph.Record{
		service("tyres"), biz("b1", "tyres"), biz("b2"),
		trust("b1", "b2"), partnership("p1", "b1", "b2"),
		service("paint"), biz("b3", "paint"), // services and businesses after edges, in the same batch
		trust("b3", "b1"),
		{Network: &partnergraph.Network{ID: "club", Name: "Club", Visibility: partnergraph.Public, CreatedAt: t0}},
		{Membership: &partnergraph.Membership{BusinessID: "b3", NetworkID: "club", Role: partnergraph.RoleMember, Since: t0}},
		{Complement: &partnergraph.Complement{From: "tyres", To: "paint", Weight: 0.5, Source: partnergraph.SourceCurated}},
	}
	batches, err := batchRecords(records(in...), importBatchSize)
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 1 {
		t.Fatalf("%d batches (%s), want one", len(batches), describe(batches))
	}
	stats, err := s.Import(ctx, records(in...))
	if err != nil {
		t.Fatal(err)
	}
	if stats["business"] != 3 || stats["trust"] != 2 || stats["service"] != 2 || stats["partnership"] != 1 || stats["membership"] != 1 || stats["complement"] != 1 || stats["network"] != 1 {
		t.Fatalf("ImportStats = %v", stats)
	}
	var got []string
	if err := s.Export(ctx, func(r partnergraph.Record) error {
		got = append(got, r.Kind()+" "+recordKey(r))
		if r.Business != nil {
			got[len(got)-1] += fmt.Sprint(r.Business.Services)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"service paint", "service tyres", "complement tyres|paint", "business b1[tyres]", "business b2[]", "business b3[paint]",
		"network club", "membership b3|club", "trust b1|b2", "trust b3|b1", "partnership p1"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Fatalf("exported\n %s\nwant\n %s", strings.Join(got, "; "), strings.Join(want, "; "))
	}
}
