package sqlitestore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/partnergraph/partnergraph"
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

func TestLeadContract(t *testing.T) {
	for name, path := range map[string]func(t *testing.T) string{
		"Memory": func(*testing.T) string { return sqlitestore.Memory },
		"File":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "pg.db") },
	} {
		t.Run(name, func(t *testing.T) {
			storetest.RunLeads(t, func(t *testing.T) interface {
				partnergraph.Store
				partnergraph.LeadStore
			} {
				s, err := sqlitestore.Open(context.Background(), path(t))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			})
		})
	}
}
