package graph_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/leads"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/store/neo4jstore"
	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// testServer is the real HTTP handler on 127.0.0.1, over a store loaded with the example
// network: SQLite, or Neo4j for the tests that run on both (forEachStore).
type testServer struct {
	url      string
	store    partnergraph.Store // beneath the API, to set up cases
	verifier *auth.Verifier
	leads    *leads.Service
}

func newTestServer(t *testing.T, wrap ...func(partnergraph.Store) partnergraph.Store) *testServer {
	t.Helper()
	return newHardServer(t, nil, wrap...).testServer
}

// newTestServerOn is newTestServer over the store that open gives.
func newTestServerOn(t *testing.T, open storeOpener, wrap ...func(partnergraph.Store) partnergraph.Store) *testServer {
	t.Helper()
	return newHardServerOn(t, open, nil, wrap...).testServer
}

// storeOpener opens a store holding the example network, closed when the test ends.
type storeOpener func(t *testing.T) partnergraph.Store

// forEachStore runs test on SQLite, and on Neo4j when NEO4J_URI is set (it fails there under
// CI=true without one). Community edition has one database, which each Neo4j store the test
// opens wipes: a test that runs on both must be done with one server before it opens the next.
func forEachStore(t *testing.T, test func(t *testing.T, open storeOpener)) {
	t.Run("sqlite", func(t *testing.T) { test(t, openSQLite) })
	t.Run("neo4j", func(t *testing.T) {
		neo := neo4jtest.Require(t)
		test(t, func(t *testing.T) partnergraph.Store {
			t.Helper()
			neo4jtest.Wipe(t, neo)
			ctx := context.Background()
			s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: neo.URI, Username: neo.Username, Password: neo.Password, Database: neo.Database})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if _, err := s.Import(ctx, seed.Example()); err != nil {
				t.Fatal(err)
			}
			return s
		})
	})
}

// openSQLite opens a copy of the seeded SQLite database.
func openSQLite(t *testing.T) partnergraph.Store {
	t.Helper()
	db := filepath.Join(t.TempDir(), "pg.db")
	if err := os.WriteFile(db, seededDB(t), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := sqlitestore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var seeded struct {
	once sync.Once
	db   []byte
	err  error
}

// seededDB returns the bytes of a SQLite database holding the example network, built once:
// copying a file is much faster than importing the network for each test.
func seededDB(t *testing.T) []byte {
	t.Helper()
	seeded.once.Do(func() {
		dir, err := os.MkdirTemp("", "graphtest")
		if err != nil {
			seeded.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "seed.db")
		s, err := sqlitestore.Open(context.Background(), path)
		if err != nil {
			seeded.err = err
			return
		}
		_, seeded.err = s.Import(context.Background(), seed.Example())
		// Closing the last connection checkpoints the WAL into the main file.
		if err := s.Close(); seeded.err == nil {
			seeded.err = err
		}
		if seeded.err == nil {
			seeded.db, seeded.err = os.ReadFile(path)
		}
	})
	if seeded.err != nil {
		t.Fatal(seeded.err)
	}
	return seeded.db
}

// token mints a token for sub with the role.
func (s *testServer) token(t *testing.T, sub string, role auth.Role, businesses ...string) string {
	t.Helper()
	tok, err := s.verifier.Mint(auth.Identity{Sub: sub, Roles: []auth.Role{role}, Businesses: businesses}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// code returns the first error's extensions.code, or "".
func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func (r response) field() string {
	if len(r.Errors) == 0 {
		return ""
	}
	f, _ := r.Errors[0].Extensions["field"].(string)
	return f
}

// do posts a GraphQL request with the token ("" for anonymous) and decodes the response.
func (s *testServer) do(t *testing.T, token, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out response
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, body %s: %v", res.StatusCode, raw, err)
	}
	return out
}

// ok fails the test on any error in r and decodes its data into v.
func ok(t *testing.T, r response, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
}

// bizID is the API id of a business with the store id.
func bizID(id string) string { return base64.RawURLEncoding.EncodeToString([]byte("Business:" + id)) }

// export writes every record of the store as JSON lines.
func (s *testServer) export(t *testing.T, w io.Writer) {
	t.Helper()
	enc := json.NewEncoder(w)
	if err := s.store.Export(context.Background(), func(r partnergraph.Record) error { return enc.Encode(r) }); err != nil {
		t.Fatal(err)
	}
}
