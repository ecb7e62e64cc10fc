package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph/matching"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// TestSeedPlant: `seed --plant 5` adds to the example network a ring and a boosted business
// that the suspicious-structure search finds, with the planted members; sizes below 4 are
// refused.
func TestSeedPlant(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "p.db")
	if err := run(ctx, []string{"seed", "--plant", "5", "--db", db}); err != nil {
		t.Fatal(err)
	}
	s, err := sqlitestore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g, err := matching.Build(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := g.SuspiciousGroups(matching.DefaultRingOptions)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range groups {
		got = append(got, string(s.Kind)+" "+s.Key()+" "+s.Members[len(s.Members)-1])
	}
	slices.Sort(got)
	want := []string{"DENSE_CLIQUE plant-ring-01 plant-ring-05", "ONE_CLUSTER_TRUST plant-boosted plant-cluster-05"}
	if !slices.Equal(got, want) {
		t.Errorf("groups %q, want %q", got, want)
	}
	if err := run(ctx, []string{"seed", "--plant", "3", "--db", filepath.Join(t.TempDir(), "q.db")}); err == nil {
		t.Error("seed --plant 3: want an error")
	}
}
