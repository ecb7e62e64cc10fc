package sqlitestore

import (
	"context"
	"database/sql"
	"iter"

	"github.com/partnergraph/partnergraph"
)

// Import implements partnergraph.Store: every record in one transaction, so that a bad
// record anywhere leaves the database as it was.
func (s *Store) Import(ctx context.Context, records iter.Seq2[partnergraph.Record, error]) (partnergraph.ImportStats, error) {
	stats := partnergraph.ImportStats{}
	err := s.write(ctx, func(tx *sql.Tx) error {
		for r, err := range records {
			if err != nil {
				return err
			}
			if err := importRecord(ctx, tx, r); err != nil {
				return partnergraph.AtLine(r.Line, wrap("import "+r.Kind(), err))
			}
			stats[r.Kind()]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stats, nil
}

func importRecord(ctx context.Context, tx *sql.Tx, r partnergraph.Record) error {
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
		if err := mustExist(ctx, tx, "businesses", "business", "businessId", m.BusinessID); err != nil {
			return err
		}
		if err := mustExist(ctx, tx, "networks", "network", "networkId", m.NetworkID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO memberships (network_id, business_id, role, since) VALUES (?, ?, ?, ?)
			ON CONFLICT (network_id, business_id) DO UPDATE SET role = excluded.role, since = excluded.since`,
			m.NetworkID, m.BusinessID, m.Role, nanosOrNow(m.Since))
		return err
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
		{`SELECT ` + partnershipColumns + ` FROM partnerships ORDER BY created_at, id`, func(rows *sql.Rows) error {
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
