package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// TestExportAfterErasure: `partnergraph export` of a database with an erased lead, and with
// a lead that still holds its customer's data, shows neither customer: the interchange format
// carries the graph, not leads.
func TestExportAfterErasure(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "pg.db")
	if err := run(ctx, []string{"seed", "--db", db}); err != nil {
		t.Fatal(err)
	}
	s, err := sqlitestore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, name := range []string{"Erased Ermintrude", "Kept Kasimir"} {
		l := &partnergraph.Lead{IdempotencyKey: "export-erasure-" + name[:4], ReferrerID: "daves-collision",
			ServiceID: "personal-injury-attorney", Location: partnergraph.Point{Lat: 39.80, Lng: -89.65},
			Customer: partnergraph.Customer{Name: name, Phone: "+1 217 555 019" + string(rune('0'+i))},
			Consent:  partnergraph.Consent{Text: "The customer agreed to be referred.", GivenAt: time.Now().Add(-time.Hour)},
			Notes:    "notes of " + name}
		if _, _, err := s.SubmitLead(ctx, l, nil, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	if _, err := s.EraseLead(ctx, ids[0], partnergraph.Erasure{At: time.Now(), By: "admin"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "graph.jsonl")
	if err := run(ctx, []string{"export", "--db", db, out}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, pii := range []string{"Ermintrude", "Kasimir", "555 0190", "555 0191", "export-erasure"} {
		if strings.Contains(string(b), pii) {
			t.Errorf("the export holds %q", pii)
		}
	}
}
