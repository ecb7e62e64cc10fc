package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"

	"github.com/partnergraph/partnergraph"
)

// importCacheKiB is the page cache of the write connection during an import (SQLite's
// negative cache_size is in KiB): a load of millions of rows that outgrows the usual cache
// rereads index pages from the file at every insert.
const importCacheKiB = 1 << 20

// Import implements partnergraph.Store: every record in one transaction, so that a bad
// record anywhere leaves the database as it was. It appends one IMPORT change, not one per
// record: a follower rebuilds from the store after an import anyway.
func (s *Store) Import(ctx context.Context, records iter.Seq2[partnergraph.Record, error]) (partnergraph.ImportStats, error) {
	stats := partnergraph.ImportStats{}
	err := s.writeAlone(ctx, func(tx *txn) error {
		if _, err := tx.Tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, importCacheKiB)); err != nil {
			return err
		}
		defer tx.Tx.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = -%d`, writeCacheKiB))
		rebuild, err := deferIndexes(ctx, tx)
		if err != nil {
			return err
		}
		for r, err := range records {
			if err != nil {
				return err
			}
			if err := importRecord(ctx, tx, r); err != nil {
				return partnergraph.AtLine(r.Line, wrap("import "+r.Kind(), err))
			}
			stats[r.Kind()]++
		}
		if err := rebuild(); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeImport, "", "")
	})
	if err != nil {
		return nil, err
	}
	return stats, nil
}

// deferIndexes prepares a load into an empty graph: it drops the graph tables' non-unique
// indexes and the search triggers, and returns the function that recreates them and builds
// the search index, in bulk, before the transaction commits. Sorting once is far cheaper than
// keeping an index in step row by row. Unique indexes stay, so that a record that breaks one
// is still reported at its line. A graph that holds businesses is loaded with everything
// kept up to date as usual.
func deferIndexes(ctx context.Context, tx *txn) (rebuild func() error, err error) {
	none := func() error { return nil }
	var nonEmpty bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM businesses)`).Scan(&nonEmpty); err != nil || nonEmpty {
		return none, err
	}
	var names, creates []string
	err = eachRow(ctx, tx, `SELECT type, name, sql FROM sqlite_master
		WHERE (type = 'index' AND sql NOT LIKE 'CREATE UNIQUE %'
			AND tbl_name IN ('businesses', 'owners', 'business_services', 'memberships', 'trust', 'partnerships'))
		OR (type = 'trigger' AND tbl_name = 'businesses' AND name LIKE 'businesses_fts_%')
		ORDER BY type, name`, nil, func(rows *sql.Rows) error {
		var typ, name, create string
		if err := rows.Scan(&typ, &name, &create); err != nil {
			return err
		}
		names = append(names, strings.ToUpper(typ)+` "`+name+`"`)
		creates = append(creates, create)
		return nil
	})
	if err != nil {
		return none, err
	}
	for _, name := range names {
		if _, err := tx.Tx.ExecContext(ctx, `DROP `+name); err != nil {
			return none, err
		}
	}
	return func() error {
		for _, create := range creates {
			if _, err := tx.Tx.ExecContext(ctx, create); err != nil {
				return err
			}
		}
		_, err := tx.Tx.ExecContext(ctx, `INSERT INTO businesses_fts (businesses_fts) VALUES ('rebuild')`)
		return err
	}, nil
}

func importRecord(ctx context.Context, tx *txn, r partnergraph.Record) error {
	if err := r.Validate(); err != nil {
		return err
	}
	switch {
	case r.Service != nil:
		return putService(ctx, tx, *r.Service)
	case r.Complement != nil:
		return setComplement(ctx, tx, *r.Complement)
	case r.Business != nil:
		b := r.Business.Business
		b.CreatedAt = fromNanos(nanosOrNow(b.CreatedAt))
		args := businessArgs(&b)
		_, err := tx.ExecContext(ctx, `INSERT INTO businesses (`+businessColumns+`) VALUES (`+placeholders(15)+`)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
			website = excluded.website, phone = excluded.phone, email = excluded.email, lat = excluded.lat,
			lng = excluded.lng, city = excluded.city, country = excluded.country,
			service_radius_km = excluded.service_radius_km, status = excluded.status,
			verified = excluded.verified, daily_lead_cap = excluded.daily_lead_cap, created_at = excluded.created_at`, args...)
		if err != nil {
			return err
		}
		if err := setServices(ctx, tx, b.ID, r.Business.Services); err != nil {
			return err
		}
		for _, sub := range r.Business.Owners {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO owners (sub, business_id) VALUES (?, ?)`, sub, b.ID); err != nil {
				return err
			}
		}
		return nil
	case r.Network != nil:
		n := *r.Network
		n.CreatedAt = fromNanos(nanosOrNow(n.CreatedAt))
		_, err := tx.ExecContext(ctx, `INSERT INTO networks (`+networkColumns+`) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, region = excluded.region,
			visibility = excluded.visibility, created_at = excluded.created_at`,
			n.ID, n.Name, n.Region, n.Visibility, n.CreatedAt.UnixNano())
		return err
	case r.Membership != nil:
		m := *r.Membership
		m.Since = fromNanos(nanosOrNow(m.Since))
		return insertMembership(ctx, tx, m, true)
	case r.Trust != nil:
		return putTrust(ctx, tx, *r.Trust)
	default:
		p := *r.Partnership
		p.CreatedAt = fromNanos(nanosOrNow(p.CreatedAt))
		return putPartnership(ctx, tx, &p, true)
	}
}

// Export implements partnergraph.Store. It reads from one snapshot (a read transaction), so
// the export is consistent even while writes go on.
func (s *Store) Export(ctx context.Context, yield func(partnergraph.Record) error) error {
	// The in-memory database has one connection, which begins immediate (write) transactions.
	db, opts := s.r, &sql.TxOptions{ReadOnly: true}
	if s.r == s.w {
		opts = nil
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return wrap("export", err)
	}
	defer tx.Rollback()
	type step struct {
		query string
		emit  func(*sql.Rows) error
	}
	steps := []step{
		{`SELECT id, name, sector FROM services ORDER BY id`, func(rows *sql.Rows) error {
			var v partnergraph.Service
			if err := rows.Scan(&v.ID, &v.Name, &v.Sector); err != nil {
				return err
			}
			return yield(partnergraph.Record{Service: &v})
		}},
		{`SELECT from_id, to_id, weight, source FROM complements ORDER BY from_id, to_id`, func(rows *sql.Rows) error {
			var v partnergraph.Complement
			if err := rows.Scan(&v.From, &v.To, &v.Weight, &v.Source); err != nil {
				return err
			}
			return yield(partnergraph.Record{Complement: &v})
		}},
		{`SELECT ` + businessColumns + `,
			(SELECT json_group_array(service_id) FROM (SELECT service_id FROM business_services WHERE business_id = b.id ORDER BY service_id)),
			(SELECT json_group_array(sub) FROM (SELECT sub FROM owners WHERE business_id = b.id ORDER BY sub))
			FROM businesses b ORDER BY id`, func(rows *sql.Rows) error {
			var services, owners jsonStrings
			b, err := scanBusiness(rows, &services, &owners)
			if err != nil {
				return err
			}
			return yield(partnergraph.Record{Business: &partnergraph.BusinessRecord{Business: *b, Services: services, Owners: owners}})
		}},
		{`SELECT ` + networkColumns + ` FROM networks ORDER BY id`, func(rows *sql.Rows) error {
			n, err := scanNetwork(rows)
			if err != nil {
				return err
			}
			return yield(partnergraph.Record{Network: n})
		}},
		{`SELECT network_id, business_id, role, since FROM memberships ORDER BY network_id, business_id`, func(rows *sql.Rows) error {
			m, err := scanMembership(rows)
			if err != nil {
				return err
			}
			return yield(partnergraph.Record{Membership: &m})
		}},
		{`SELECT ` + trustColumns + ` FROM trust ORDER BY from_id, to_id`, func(rows *sql.Rows) error {
			t, err := scanTrust(rows)
			if err != nil {
				return err
			}
			return yield(partnergraph.Record{Trust: &t})
		}},
		// Partnerships go in the order they were stored, which for those made through the
		// API is the order they were made in. Any order imports, since a pair never has two
		// open partnerships, and the table's own order reads three times faster than the
		// created_at index (8.9 s against 25.8 s for 4.65M rows).
		{`SELECT ` + partnershipColumns + ` FROM partnerships ORDER BY rowid`, func(rows *sql.Rows) error {
			p, err := scanPartnership(rows)
			if err != nil {
				return err
			}
			return yield(partnergraph.Record{Partnership: p})
		}},
	}
	for _, st := range steps {
		if err := eachRow(ctx, tx, st.query, nil, st.emit); err != nil {
			return wrap("export", err)
		}
	}
	return nil
}
