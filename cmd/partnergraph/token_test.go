package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestTokenRefusesLongLifetimes: the token command mints no token that the server would
// refuse for living too long, and says which setting decides.
func TestTokenRefusesLongLifetimes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pg.db")
	err := run(context.Background(), []string{"token", "--db", db, "--sub", "root", "--role", "admin", "--ttl", "87600h"})
	if err == nil || !strings.Contains(err.Error(), "--jwt-max-lifetime") {
		t.Fatalf("token --ttl 87600h: %v, want a refusal naming --jwt-max-lifetime", err)
	}
	t.Setenv("PARTNERGRAPH_JWT_MAX_LIFETIME", "48h")
	if err := run(context.Background(), []string{"token", "--db", db, "--sub", "root", "--role", "admin", "--ttl", "48h"}); err != nil {
		t.Fatalf("token --ttl 48h with a 48 h limit: %v", err)
	}
}
