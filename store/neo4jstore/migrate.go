package neo4jstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Schema migrations are the files migrations/NNNN_name.cypher, applied in order of NNNN. A file
// holds one or more schema statements separated by ';' (no ';' may appear in a string of a
// migration, while // comment lines may hold one). Every statement must be idempotent (CREATE
// ... IF NOT EXISTS): a migration whose statements ran but whose (:Migration) record was not
// written, because the process died in between, simply runs again.
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

// splitStatements drops the // comment lines of a migration file, then splits what is left on
// ';' and drops the blank parts. Comments go first because they are prose, where a ';' is
// natural: split first, it cut a comment in two and sent its tail to the server as Cypher.
func splitStatements(text string) []string {
	var code []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "//") {
			code = append(code, line)
		}
	}
	var out []string
	for _, part := range strings.Split(strings.Join(code, "\n"), ";") {
		if st := strings.TrimSpace(part); st != "" {
			out = append(out, st)
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
// to come online, all while it holds the migration lease (lease.go): servers that start
// together migrate one at a time, and the later ones find the migrations applied. It is safe
// to run concurrently and again. Open calls it; the partnergraph migrate command calls it on
// its own.
func (s *Store) Migrate(ctx context.Context) (err error) {
	l, ctx, err := s.takeLease(ctx)
	if err != nil {
		return err
	}
	defer func() {
		l.release(ctx)
		// A migration cancelled because its lease was lost says so, not just "canceled".
		if err != nil && errors.Is(context.Cause(ctx), errLeaseLost) {
			err = fmt.Errorf("%w (%w)", err, errLeaseLost)
		}
	}()
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
			if err := s.schema(ctx, text); err != nil && !madeByAnother(err) {
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

// schema runs one schema statement in a transaction of its own, bounded by migrationTimeout.
func (s *Store) schema(ctx context.Context, text string) error {
	_, err := write(ctx, s, migrationTimeout, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		res, err := tx.Run(ctx, text, nil)
		if err != nil {
			return struct{}{}, err
		}
		_, err = res.Consume(ctx)
		return struct{}{}, err
	})
	return err
}

// madeByAnother reports whether a schema statement failed only because another process made
// the same index or constraint at the same time: IF NOT EXISTS is checked when the statement
// starts, so two can both pass it (seen live on Neo4j 5.26). The lease keeps migrations apart,
// but the lease's own constraint is made before any lease is held, and a server of a release
// before the lease migrates without one.
func madeByAnother(err error) bool {
	var dbErr *neo4j.Neo4jError
	return errors.As(err, &dbErr) && dbErr.Code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
}
