package neo4jstore

import (
	"context"
	"embed"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Schema migrations are the files migrations/NNNN_name.cypher, applied in order of NNNN. A file
// holds one or more schema statements separated by ';' (so no ';' may appear in a string of a
// migration; comment lines, which start with //, may hold any). Every statement must be
// idempotent (CREATE ... IF NOT EXISTS): a migration whose statements ran but whose
// (:Migration) record was not written, because the process died in between, simply runs again.
//
//go:embed migrations/*.cypher
var migrationFiles embed.FS

type migration struct {
	version    int64
	name       string
	statements []string
}

// migrations holds the embedded migrations, sorted by version; loading them panics on a
// malformed file name or an empty file, since both are build mistakes.
var migrations = loadMigrations()

func loadMigrations() []migration {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		panic(err)
	}
	var out []migration
	seen := map[int64]string{}
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".cypher")
		num, name, ok := strings.Cut(base, "_")
		version, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || version <= 0 || name == "" {
			panic("neo4jstore: migration file " + e.Name() + " is not named NNNN_name.cypher")
		}
		if other, dup := seen[version]; dup {
			panic("neo4jstore: migrations " + other + " and " + e.Name() + " share a version")
		}
		seen[version] = e.Name()
		b, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			panic(err)
		}
		m := migration{version: version, name: name, statements: splitStatements(string(b))}
		if len(m.statements) == 0 {
			panic("neo4jstore: migration " + e.Name() + " has no statement")
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out
}

// splitStatements drops a migration file's comment lines, then splits it on ';' and drops
// the parts that hold nothing but blanks. Comments go first because they are prose, where a
// ';' is natural (0004's was, and split its statement in two).
func splitStatements(text string) []string {
	var code []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "//") {
			code = append(code, line)
		}
	}
	var out []string
	for _, part := range strings.Split(strings.Join(code, "\n"), ";") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// A new index on a large database takes a while to populate: Migrate waits up to indexWait
// for the indexes to come online, in a transaction bounded by migrationTimeout (as is each
// schema statement), both longer than ordinary transactions.
const (
	indexWait        = 5 * time.Minute
	migrationTimeout = indexWait + time.Minute
)

// Migrate applies the schema migrations that this database has not recorded yet, each
// statement in a transaction of its own (Neo4j does not mix schema and data writes in one),
// records each applied migration as a (:Migration {version}) node, and waits for the indexes
// to come online. It is safe to run concurrently and again: every statement is idempotent.
// Open calls it; the partnergraph migrate command calls it on its own.
func (s *Store) Migrate(ctx context.Context) error {
	applied, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[int64]bool, error) {
		recs, err := run(ctx, tx, migrationApplied, nil)
		if err != nil {
			return nil, err
		}
		applied := make(map[int64]bool, len(recs))
		for _, rec := range recs {
			v, _, err := neo4j.GetRecordValue[int64](rec, "version")
			if err != nil {
				return nil, err
			}
			applied[v] = true
		}
		return applied, nil
	})
	if err != nil {
		return fmt.Errorf("neo4jstore: migrate database %q: %w", s.database, err)
	}
	for _, m := range migrations {
		if applied[m.version] {
			continue
		}
		for i, text := range m.statements {
			_, err := write(ctx, s, migrationTimeout, func(tx neo4j.ManagedTransaction) (struct{}, error) {
				res, err := tx.Run(ctx, text, nil)
				if err != nil {
					return struct{}{}, err
				}
				_, err = res.Consume(ctx)
				return struct{}{}, err
			})
			if err != nil {
				return fmt.Errorf("neo4jstore: migration %04d_%s, statement %d: %w", m.version, m.name, i+1, err)
			}
		}
		err := exec(ctx, s, func(tx neo4j.ManagedTransaction) error {
			_, err := run(ctx, tx, migrationRecord, map[string]any{"version": m.version, "name": m.name, "appliedAt": now()})
			return err
		})
		if err != nil {
			return fmt.Errorf("neo4jstore: record migration %04d_%s: %w", m.version, m.name, err)
		}
	}
	_, err = write(ctx, s, migrationTimeout, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := run(ctx, tx, migrationAwaitIndexes, map[string]any{"timeoutSeconds": int64(indexWait / time.Second)})
		return struct{}{}, err
	})
	if err != nil {
		return fmt.Errorf("neo4jstore: wait for indexes: %w", err)
	}
	return nil
}
