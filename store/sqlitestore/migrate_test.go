package sqlitestore

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// TestMigration0004 opens a database written before idempotency keys were scoped to their
// referrer (migrations 0001 to 0003 only, leads with offers and events that reference them)
// and checks that the migration keeps every row and reference and that a key is then unique
// per referrer, not across the whole store.
func TestMigration0004(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`)
	for _, v := range []string{"0001_init", "0002_leads", "0003_offer_counts"} {
		body, err := migrations.ReadFile("migrations/" + v + ".sql")
		if err != nil {
			t.Fatal(err)
		}
		exec(string(body))
		exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, v)
	}
	created := time.Now().Add(-time.Hour).UnixNano()
	exec(`INSERT INTO services (id, name, sector) VALUES ('tyres', 'Tyres', 'auto')`)
	for _, id := range []string{"dave", "mike", "andy"} {
		exec(`INSERT INTO businesses (id, name, lat, lng, service_radius_km, status, daily_lead_cap, created_at)
			VALUES (?, ?, 39.8, -89.6, 50, 'ACTIVE', 100, ?)`, id, id, created)
	}
	lead := func(id, key, referrer string) {
		var k any = key
		if key == "" {
			k = nil // purged
		}
		exec(`INSERT INTO leads (id, idempotency_key, input_hash, referrer_id, service_id, lat, lng, customer_name,
			consent_text, consent_given_at, mode, max_offers, status, created_at)
			VALUES (?, ?, 'hash-'||?, ?, 'tyres', 39.8, -89.6, 'Pat', 'ok', 0, 'EXCLUSIVE', 1, 'OFFERED', ?)`,
			id, k, id, referrer, created)
		exec(`INSERT INTO offers (id, lead_id, business_id, rank, status, created_at, expires_at)
			VALUES ('offer-'||?, ?, 'andy', 1, 'PENDING', ?, ?)`, id, id, created, created+int64(time.Hour))
		exec(`INSERT INTO lead_events (lead_id, referrer_id, status, at) VALUES (?, ?, 'OFFERED', ?)`, id, referrer, created)
	}
	lead("lead-dave", "dave-key-0001", "dave")
	lead("lead-purged", "", "dave")
	lead("lead-mike", "mike-key-0001", "mike")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct{ id, key, referrer string }{
		{"lead-dave", "dave-key-0001", "dave"}, {"lead-purged", "", "dave"}, {"lead-mike", "mike-key-0001", "mike"},
	} {
		l, err := s.Lead(ctx, c.id)
		if err != nil {
			t.Fatalf("lead %s after the migration: %v", c.id, err)
		}
		if l.IdempotencyKey != c.key || l.ReferrerID != c.referrer || l.InputHash != "hash-"+c.id {
			t.Fatalf("lead %s = %+v, want key %q of %s", c.id, l, c.key, c.referrer)
		}
		if os, err := s.OffersOfLead(ctx, c.id); err != nil || len(os) != 1 {
			t.Fatalf("offers of %s after the migration: %v %v", c.id, os, err)
		}
	}
	var broken int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&broken); err != nil || broken != 0 {
		t.Fatalf("foreign key check: %d broken references, %v", broken, err)
	}
	if ix := strings.Join(indexNames(t, s), "\n"); !strings.Contains(ix, "leads_key_per_referrer") || !strings.Contains(ix, "leads_by_referrer") ||
		!strings.Contains(ix, "leads_with_key_by_created") {
		t.Fatalf("indexes after the migration:\n%s", ix)
	}

	// Mike may now use Dave's key; Dave's own key still holds his lead.
	l := &partnergraph.Lead{IdempotencyKey: "dave-key-0001", ReferrerID: "mike", ServiceID: "tyres",
		Location: partnergraph.Point{Lat: 39.8, Lng: -89.6}, Customer: partnergraph.Customer{Name: "Pat", Email: "pat@example.com"},
		Consent: partnergraph.Consent{Text: "Pat agreed to be referred.", GivenAt: time.Now().Add(-time.Minute)}}
	got, created2, err := s.SubmitLead(ctx, l, nil, nil)
	if err != nil || !created2 || got.ID == "lead-dave" {
		t.Fatalf("Mike under Dave's key: %+v created %v, %v", got, created2, err)
	}
	dave := *l
	dave.ID, dave.InputHash, dave.ReferrerID = "", "", "dave"
	if _, _, err := s.SubmitLead(ctx, &dave, nil, nil); partnergraph.ErrorCode(err) != partnergraph.ECONFLICT {
		t.Fatalf("Dave's key under other input: %v, want CONFLICT", err)
	}
}

// indexNames lists the indexes of the store's database.
func indexNames(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.r.Query(`SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// TestOpenConcurrentProcesses starts several processes (this test binary, re-run) that open
// one new database file at the same moment, as servers starting together on one file do,
// five times over: every Open must succeed, and each migration is recorded once. Each
// migration runs in a BEGIN IMMEDIATE transaction that checks schema_migrations first, so the
// processes take turns (busy_timeout) and the later ones find it applied.
func TestOpenConcurrentProcesses(t *testing.T) {
	if path := os.Getenv("PG_SQLITE_OPEN_CHILD"); path != "" {
		at, err := time.Parse(time.RFC3339Nano, os.Getenv("PG_SQLITE_OPEN_AT"))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Until(at))
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	const processes = 6
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "new.db")
		// Starting a process takes a while: all of them wait for one moment, then open.
		at := time.Now().Add(time.Second).Format(time.RFC3339Nano)
		cmds := make([]*exec.Cmd, processes)
		outs := make([]*strings.Builder, processes)
		for i := range cmds {
			outs[i] = &strings.Builder{}
			cmds[i] = exec.Command(os.Args[0], "-test.run=^TestOpenConcurrentProcesses$", "-test.count=1")
			cmds[i].Env = append(os.Environ(), "PG_SQLITE_OPEN_CHILD="+path, "PG_SQLITE_OPEN_AT="+at)
			cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
			if err := cmds[i].Start(); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Errorf("round %d, process %d: %v\n%s", round, i, err, outs[i])
			}
		}
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		var n, distinct int
		if err := db.QueryRow(`SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&n, &distinct); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if n != len(files) || distinct != len(files) {
			t.Errorf("round %d: %d migration records (%d distinct), want %d", round, n, distinct, len(files))
		}
	}
}

// TestMigration0010 opens a database written before the feed had kinds (migrations 0001 to
// 0009) and checks that the rebuild of lead_events keeps every event with its seq, reads them
// as STATUS, keeps the references, and never gives a seq twice: the AUTOINCREMENT counter,
// above the last row here (an event deleted by hand), carries over.
func TestMigration0010(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`)
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		v := strings.TrimSuffix(filepath.Base(name), ".sql")
		if v >= "0010" {
			break
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		exec(string(body))
		exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, v)
	}
	created := time.Now().Add(-time.Hour).UnixNano()
	exec(`INSERT INTO services (id, name, sector) VALUES ('tyres', 'Tyres', 'auto')`)
	exec(`INSERT INTO businesses (id, name, lat, lng, service_radius_km, status, daily_lead_cap, created_at)
		VALUES ('dave', 'dave', 39.8, -89.6, 50, 'ACTIVE', 100, ?)`, created)
	exec(`INSERT INTO leads (id, input_hash, referrer_id, service_id, lat, lng, customer_name,
		consent_text, consent_given_at, mode, max_offers, status, created_at)
		VALUES ('lead-1', 'h', 'dave', 'tyres', 39.8, -89.6, 'Pat', 'ok', 0, 'EXCLUSIVE', 1, 'OFFERED', ?)`, created)
	for i := range 3 {
		exec(`INSERT INTO lead_events (lead_id, referrer_id, status, message, at) VALUES ('lead-1', 'dave', 'OFFERED', ?, ?)`, i, created)
	}
	exec(`DELETE FROM lead_events WHERE seq = 3`)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	es, err := s.LeadEvents(ctx, "dave", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Seq != 1 || es[1].Seq != 2 || es[1].Message != "1" || es[0].Kind != partnergraph.EventStatus || es[0].LeadID != "lead-1" {
		t.Fatalf("events after the migration: %+v", es)
	}
	var broken int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&broken); err != nil || broken != 0 {
		t.Fatalf("foreign key check: %d broken references, %v", broken, err)
	}
	if ix := strings.Join(indexNames(t, s), "\n"); !strings.Contains(ix, "lead_events_feed") || !strings.Contains(ix, "lead_events_kind_feed") {
		t.Fatalf("indexes after the migration:\n%s", ix)
	}
	// A new event (here a notice about no lead) takes a seq above every one given before.
	err = s.write(ctx, func(tx *txn) error {
		return insertEvents(ctx, tx, []partnergraph.LeadEvent{{Kind: partnergraph.EventWebhookDisabled, ReferrerID: "dave", WebhookID: "w", At: time.Now()}})
	})
	if err != nil {
		t.Fatal(err)
	}
	es, err = s.LeadEvents(ctx, "dave", 2, 10)
	if err != nil || len(es) != 1 || es[0].Seq != 4 || es[0].LeadID != "" || es[0].Kind != partnergraph.EventWebhookDisabled {
		t.Fatalf("the first event after the migration: %+v, %v; want seq 4, a notice without a lead", es, err)
	}
}
