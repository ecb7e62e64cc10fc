package sqlitestore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
	"github.com/partnergraph/partnergraph/store/storetest"
)

func TestContractMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) partnergraph.Store {
		s, err := sqlitestore.Open(context.Background(), sqlitestore.Memory)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestContractFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) partnergraph.Store {
		s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "pg.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// schema lists the database's indexes and triggers as SQLite holds them.
func schema(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT type || ' ' || name || ': ' || sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// An import into an empty database drops the secondary indexes and search triggers while
// it loads: they must all be back afterwards, the search index must hold every business,
// and a failed import must leave the schema as it was.
func TestImportRestoresIndexes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pg.db")
	s, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := schema(t, path)
	if len(want) < 10 {
		t.Fatalf("schema has only %d indexes and triggers: %q", len(want), want)
	}

	bad := func(yield func(partnergraph.Record, error) bool) {
		for r, err := range seed.Example() {
			if !yield(r, err) {
				return
			}
		}
		yield(partnergraph.Record{Line: 9999, Trust: &partnergraph.Trust{From: "no-such", To: "other", Score: 0.5, Source: partnergraph.SourceCurated}}, nil)
	}
	if _, err := s.Import(ctx, bad); err == nil {
		t.Fatal("import with a dangling trust edge: no error")
	}
	if got := schema(t, path); !slices.Equal(got, want) {
		t.Fatalf("after a failed import the schema is\n%q\nwant\n%q", got, want)
	}

	for range 2 { // into the empty database, then into the full one
		if _, err := s.Import(ctx, seed.Example()); err != nil {
			t.Fatal(err)
		}
		if got := schema(t, path); !slices.Equal(got, want) {
			t.Fatalf("after an import the schema is\n%q\nwant\n%q", got, want)
		}
	}
	found, err := s.Businesses(ctx, partnergraph.BusinessFilter{Search: "collision"}, partnergraph.Page{First: 50})
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Businesses(ctx, partnergraph.BusinessFilter{}, partnergraph.Page{First: 100})
	if err != nil {
		t.Fatal(err)
	}
	var collision int
	for _, b := range all.Items {
		if strings.Contains(strings.ToLower(b.Name+" "+b.Description), "collision") {
			collision++
		}
	}
	if collision == 0 || len(found.Items) != collision {
		t.Fatalf("search for collision found %d businesses, want the %d whose name or description says it", len(found.Items), collision)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	if _, err := db.Exec(`INSERT INTO businesses_fts (businesses_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("search index integrity check: %v", err)
	}
}
