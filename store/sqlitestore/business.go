package sqlitestore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/partnergraph/partnergraph"
)

const businessColumns = `id, name, description, website, phone, email, lat, lng, city, country,
	service_radius_km, status, verified, daily_lead_cap, created_at`

type scanner interface{ Scan(dest ...any) error }

func scanBusiness(row scanner, extra ...any) (*partnergraph.Business, error) {
	var b partnergraph.Business
	var created int64
	dest := append([]any{&b.ID, &b.Name, &b.Description, &b.Website, &b.Phone, &b.Email,
		&b.Location.Lat, &b.Location.Lng, &b.City, &b.Country, &b.ServiceRadiusKm, &b.Status,
		&b.Verified, &b.DailyLeadCap, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	b.CreatedAt = fromNanos(created)
	return &b, nil
}

func businessArgs(b *partnergraph.Business) []any {
	return []any{b.ID, b.Name, b.Description, b.Website, b.Phone, b.Email, b.Location.Lat,
		b.Location.Lng, b.City, b.Country, b.ServiceRadiusKm, b.Status, b.Verified,
		b.DailyLeadCap, b.CreatedAt.UnixNano()}
}

// CreateBusiness implements partnergraph.Store.
func (s *Store) CreateBusiness(ctx context.Context, b *partnergraph.Business, ownerSub string) error {
	nb, err := b.Prepare(time.Now())
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO businesses (`+businessColumns+`) VALUES (`+placeholders(15)+`)`, businessArgs(&nb)...)
		if isUnique(err) {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "business %q already exists", nb.ID)
		}
		if err != nil {
			return err
		}
		if ownerSub != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO owners (sub, business_id) VALUES (?, ?)`, ownerSub, nb.ID); err != nil {
				return err
			}
		}
		return tx.change(ctx, partnergraph.ChangeBusiness, nb.ID, "")
	})
	if err != nil {
		return wrap("create business", err)
	}
	*b = nb
	return nil
}

// Business implements partnergraph.Store.
func (s *Store) Business(ctx context.Context, id string) (*partnergraph.Business, error) {
	return business(ctx, s.r, id)
}

func business(ctx context.Context, q querier, id string) (*partnergraph.Business, error) {
	b, err := scanBusiness(q.QueryRowContext(ctx, `SELECT `+businessColumns+` FROM businesses WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "business %q not found", id)
	}
	return b, wrap("find business", err)
}

// BusinessesByID implements partnergraph.Store.
func (s *Store) BusinessesByID(ctx context.Context, ids []string) (map[string]*partnergraph.Business, error) {
	out := make(map[string]*partnergraph.Business, len(ids))
	err := inChunks(ids, func(chunk []string) error {
		rows, err := s.r.QueryContext(ctx, `SELECT `+businessColumns+` FROM businesses WHERE id IN (`+placeholders(len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			b, err := scanBusiness(rows)
			if err != nil {
				return err
			}
			out[b.ID] = b
		}
		return rows.Err()
	})
	return out, wrap("find businesses", err)
}

// inChunks calls fn with slices of ids short enough for one IN (...) list.
func inChunks(ids []string, fn func([]string) error) error {
	const max = 500
	for len(ids) > 0 {
		n := min(len(ids), max)
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// UpdateBusiness implements partnergraph.Store.
func (s *Store) UpdateBusiness(ctx context.Context, id string, patch partnergraph.BusinessPatch) (*partnergraph.Business, error) {
	var out *partnergraph.Business
	err := s.write(ctx, func(tx *txn) error {
		b, err := business(ctx, tx, id)
		if err != nil {
			return err
		}
		nb, err := patch.Apply(*b)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE businesses SET name = ?, description = ?, website = ?, phone = ?,
			email = ?, lat = ?, lng = ?, city = ?, country = ?, service_radius_km = ?, status = ?, verified = ?,
			daily_lead_cap = ? WHERE id = ?`,
			nb.Name, nb.Description, nb.Website, nb.Phone, nb.Email, nb.Location.Lat, nb.Location.Lng,
			nb.City, nb.Country, nb.ServiceRadiusKm, nb.Status, nb.Verified, nb.DailyLeadCap, id)
		if err != nil {
			return err
		}
		out = &nb
		return tx.change(ctx, partnergraph.ChangeBusiness, id, "")
	})
	return out, wrap("update business", err)
}

// Businesses implements partnergraph.Store.
func (s *Store) Businesses(ctx context.Context, f partnergraph.BusinessFilter, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
	var zero partnergraph.Slice[*partnergraph.Business]
	if err := f.Validate(); err != nil {
		return zero, err
	}
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, hasAfter, err := decodeCursor(p.After)
	if err != nil {
		return zero, err
	}
	// The query is assembled from fixed fragments; every value goes in as a parameter.
	var where []string
	var args []any
	sortExpr := "name"
	if f.Near != nil {
		sortExpr = "distance_km(?, ?, lat, lng)"
		args = append(args, f.Near.Lat, f.Near.Lng)
		lo, hi := partnergraph.BoundingBox(f.Near.Point, f.Near.RadiusKm)
		where = append(where, "lat BETWEEN ? AND ?", "lng BETWEEN ? AND ?", "distance_km(?, ?, lat, lng) <= ?")
		args = append(args, lo.Lat, hi.Lat, lo.Lng, hi.Lng, f.Near.Lat, f.Near.Lng, f.Near.RadiusKm)
	}
	if q := ftsQuery(f.Search); q != "" {
		where = append(where, "rid IN (SELECT rowid FROM businesses_fts WHERE businesses_fts MATCH ?)")
		args = append(args, q)
	}
	if len(f.Services) > 0 {
		where = append(where, "id IN (SELECT business_id FROM business_services WHERE service_id IN ("+placeholders(len(f.Services))+"))")
		args = append(args, anys(f.Services)...)
	}
	if f.NetworkID != "" {
		where = append(where, "id IN (SELECT business_id FROM memberships WHERE network_id = ?)")
		args = append(args, f.NetworkID)
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+placeholders(len(f.Statuses))+")")
		args = append(args, anys(f.Statuses)...)
	}
	if hasAfter {
		where = append(where, "(sort_key, id) > (?, ?)")
		if f.Near != nil {
			args = append(args, after.F, after.ID)
		} else {
			args = append(args, after.S, after.ID)
		}
	}
	q := `SELECT ` + businessColumns + `, sort_key FROM (SELECT rowid AS rid, *, ` + sortExpr + ` AS sort_key FROM businesses)`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY sort_key, id LIMIT ?"
	args = append(args, p.First+1)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return zero, wrap("list businesses", err)
	}
	defer rows.Close()
	var items []*partnergraph.Business
	var cursors []string
	for rows.Next() {
		var key any
		b, err := scanBusiness(rows, &key)
		if err != nil {
			return zero, wrap("list businesses", err)
		}
		c := cursor{ID: b.ID}
		if f.Near != nil {
			c.F, _ = key.(float64)
		} else {
			c.S = b.Name
		}
		items = append(items, b)
		cursors = append(cursors, c.encode())
	}
	if err := rows.Err(); err != nil {
		return zero, wrap("list businesses", err)
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}

// ftsQuery turns free text into an FTS5 query that matches every word as a prefix. Each word
// is quoted, so FTS5 operators and punctuation in user input are plain text.
func ftsQuery(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = strconv.Quote(w) + "*"
	}
	return strings.Join(words, " ")
}

// SetBusinessServices implements partnergraph.Store.
func (s *Store) SetBusinessServices(ctx context.Context, businessID string, serviceIDs []string) error {
	ids := slices.Clone(serviceIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	err := s.write(ctx, func(tx *txn) error {
		if err := mustExist(ctx, tx, "businesses", "business", "businessId", businessID); err != nil {
			return err
		}
		if err := setServices(ctx, tx, businessID, ids); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeBusiness, businessID, "")
	})
	return wrap("set business services", err)
}

func setServices(ctx context.Context, tx *txn, businessID string, ids []string) error {
	for _, id := range ids {
		if err := mustExist(ctx, tx, "services", "service", "services", id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM business_services WHERE business_id = ?`, businessID); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO business_services (business_id, service_id) VALUES (?, ?)`, businessID, id); err != nil {
			return err
		}
	}
	return nil
}

// ServicesOf implements partnergraph.Store.
func (s *Store) ServicesOf(ctx context.Context, businessIDs []string) (map[string][]string, error) {
	out := make(map[string][]string, len(businessIDs))
	err := inChunks(businessIDs, func(chunk []string) error {
		return eachRow(ctx, s.r, `SELECT business_id, service_id FROM business_services WHERE business_id IN (`+placeholders(len(chunk))+`) ORDER BY business_id, service_id`, anys(chunk), func(rows *sql.Rows) error {
			var b, svc string
			if err := rows.Scan(&b, &svc); err != nil {
				return err
			}
			out[b] = append(out[b], svc)
			return nil
		})
	})
	return out, wrap("find services of businesses", err)
}

// AddOwner implements partnergraph.Store.
func (s *Store) AddOwner(ctx context.Context, sub, businessID string) error {
	if sub == "" {
		return partnergraph.Invalidf("sub", "must not be empty")
	}
	err := s.write(ctx, func(tx *txn) error {
		if err := mustExist(ctx, tx, "businesses", "business", "businessId", businessID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO owners (sub, business_id) VALUES (?, ?)`, sub, businessID)
		return err
	})
	return wrap("add owner", err)
}

// OwnedBy implements partnergraph.Store.
func (s *Store) OwnedBy(ctx context.Context, sub string) ([]string, error) {
	ids := []string{}
	err := eachRow(ctx, s.r, `SELECT business_id FROM owners WHERE sub = ? ORDER BY business_id`, []any{sub}, func(rows *sql.Rows) error {
		var id string
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	})
	return ids, wrap("find owned businesses", err)
}

// eachRow runs a query and calls fn for every row.
func eachRow(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
