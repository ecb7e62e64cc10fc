package neo4jstore

import (
	"context"
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
