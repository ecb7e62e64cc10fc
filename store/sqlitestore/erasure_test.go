package sqlitestore_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// TestEraseLeavesNoBytes: after a lead is erased and the store closed, the database file holds
// none of the customer's data, not even in the pages the update freed (secure_delete).
func TestEraseLeavesNoBytes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pg.db")
	s, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.PutService(ctx, partnergraph.Service{ID: "tyres", Name: "Tyres", Sector: "auto"}))
	b := &partnergraph.Business{Name: "Referrer", Description: "refers", Location: partnergraph.Point{Lat: 39.8, Lng: -89.6}, City: "Springfield", Country: "US"}
	must(s.CreateBusiness(ctx, b, ""))
	pii := []string{"Zebulon Quarrington", "zebulon.quarrington@example.com", "+1 217 555 0142", "the blue house on Elm", "idem-zebulon-quarrington"}
	l := &partnergraph.Lead{IdempotencyKey: pii[4], ReferrerID: b.ID, ServiceID: "tyres",
		Location: partnergraph.Point{Lat: 39.8, Lng: -89.6},
		Customer: partnergraph.Customer{Name: pii[0], Email: pii[1], Phone: pii[2]},
		Consent:  partnergraph.Consent{Text: "I agree to be referred", GivenAt: time.Now().Add(-time.Minute)},
		Notes:    pii[3]}
	_, _, err = s.SubmitLead(ctx, l, nil, nil)
	must(err)
	_, err = s.EraseLead(ctx, l.ID, partnergraph.Erasure{At: time.Now(), By: "admin"})
	must(err)
	must(s.Close()) // checkpoints the WAL into the database file and removes it

	files, err := filepath.Glob(path + "*")
	must(err)
	for _, f := range files {
		data, err := os.ReadFile(f)
		must(err)
		for _, p := range pii {
			if bytes.Contains(data, []byte(p)) {
				t.Errorf("%s still holds %q after erasure", filepath.Base(f), p)
			}
		}
	}
}
