package sqlitestore

import (
	"context"
	"database/sql"
	"time"

	"github.com/partnergraph/partnergraph"
)

const networkColumns = `id, name, region, visibility, created_at`

func scanNetwork(row scanner) (*partnergraph.Network, error) {
	var n partnergraph.Network
	var created int64
	if err := row.Scan(&n.ID, &n.Name, &n.Region, &n.Visibility, &created); err != nil {
		return nil, err
	}
	n.CreatedAt = fromNanos(created)
	return &n, nil
}

// CreateNetwork implements partnergraph.Store.
func (s *Store) CreateNetwork(ctx context.Context, n *partnergraph.Network, organizerID string) error {
	nn, err := n.Prepare(time.Now())
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *txn) error {
		if organizerID != "" {
			if err := mustExist(ctx, tx, "businesses", "business", "organizerId", organizerID); err != nil {
				return err
			}
		}
		if err := insertNetwork(ctx, tx, &nn); err != nil {
			return err
		}
		if err := tx.change(ctx, partnergraph.ChangeNetwork, nn.ID, ""); err != nil || organizerID == "" {
			return err
		}
		if err := insertMembership(ctx, tx, partnergraph.Membership{BusinessID: organizerID, NetworkID: nn.ID, Role: partnergraph.RoleOrganizer, Since: nn.CreatedAt}, false); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeMembership, organizerID, nn.ID)
	})
	if err != nil {
		return wrap("create network", err)
	}
	*n = nn
	return nil
}

func insertNetwork(ctx context.Context, tx *txn, n *partnergraph.Network) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO networks (`+networkColumns+`) VALUES (?, ?, ?, ?, ?)`,
		n.ID, n.Name, n.Region, n.Visibility, n.CreatedAt.UnixNano())
	if isUnique(err) {
		return partnergraph.Errorf(partnergraph.ECONFLICT, "network %q already exists", n.ID)
	}
	return err
}

// Network implements partnergraph.Store.
func (s *Store) Network(ctx context.Context, id string) (*partnergraph.Network, error) {
	n, err := scanNetwork(s.r.QueryRowContext(ctx, `SELECT `+networkColumns+` FROM networks WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "network %q not found", id)
	}
	return n, wrap("find network", err)
}

// NetworksByID implements partnergraph.Store.
func (s *Store) NetworksByID(ctx context.Context, ids []string) (map[string]*partnergraph.Network, error) {
	out := make(map[string]*partnergraph.Network, len(ids))
	err := inChunks(ids, func(chunk []string) error {
		return eachRow(ctx, s.r, `SELECT `+networkColumns+` FROM networks WHERE id IN (`+placeholders(len(chunk))+`)`, anys(chunk), func(rows *sql.Rows) error {
			n, err := scanNetwork(rows)
			if err == nil {
				out[n.ID] = n
			}
			return err
		})
	})
	return out, wrap("find networks", err)
}

// Networks implements partnergraph.Store.
func (s *Store) Networks(ctx context.Context, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Network], error) {
	var zero partnergraph.Slice[*partnergraph.Network]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, _, err := decodeCursor(p.After)
	if err != nil {
		return zero, err
	}
	var items []*partnergraph.Network
	var cursors []string
	err = eachRow(ctx, s.r, `SELECT `+networkColumns+` FROM networks WHERE (name, id) > (?, ?) ORDER BY name, id LIMIT ?`,
		[]any{after.S, after.ID, p.First + 1}, func(rows *sql.Rows) error {
			n, err := scanNetwork(rows)
			if err == nil {
				items = append(items, n)
				cursors = append(cursors, cursor{S: n.Name, ID: n.ID}.encode())
			}
			return err
		})
	if err != nil {
		return zero, wrap("list networks", err)
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}

// Join implements partnergraph.Store.
func (s *Store) Join(ctx context.Context, m partnergraph.Membership) (partnergraph.Membership, error) {
	if err := m.Validate(); err != nil {
		return m, err
	}
	m.Since = fromNanos(nanosOrNow(m.Since))
	err := s.write(ctx, func(tx *txn) error {
		if err := insertMembership(ctx, tx, m, false); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeMembership, m.BusinessID, m.NetworkID)
	})
	return m, wrap("join network", err)
}

// insertMembership inserts m, or with replace (for imports) overwrites the membership of the
// same business and network.
func insertMembership(ctx context.Context, tx *txn, m partnergraph.Membership, replace bool) error {
	upsert := ""
	if replace {
		upsert = ` ON CONFLICT (network_id, business_id) DO UPDATE SET role = excluded.role, since = excluded.since`
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (network_id, business_id, role, since) VALUES (?, ?, ?, ?)`+upsert,
		m.NetworkID, m.BusinessID, m.Role, m.Since.UnixNano())
	if isUnique(err) {
		return partnergraph.Errorf(partnergraph.ECONFLICT, "business %q is already a member of network %q", m.BusinessID, m.NetworkID)
	}
	return explainForeignKey(ctx, tx, err,
		ref{"businesses", "business", "businessId", m.BusinessID}, ref{"networks", "network", "networkId", m.NetworkID})
}

// Leave implements partnergraph.Store.
func (s *Store) Leave(ctx context.Context, businessID, networkID string) error {
	err := s.write(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE network_id = ? AND business_id = ?`, networkID, businessID)
		if err := deleted(res, err, "business %q is not a member of network %q", businessID, networkID); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeMembership, businessID, networkID)
	})
	return wrap("leave network", err)
}

// Memberships implements partnergraph.Store.
func (s *Store) Memberships(ctx context.Context, f partnergraph.MembershipFilter, p partnergraph.Page) (partnergraph.Slice[partnergraph.Membership], error) {
	var zero partnergraph.Slice[partnergraph.Membership]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, _, err := decodeCursor(p.After)
	if err != nil {
		return zero, err
	}
	// after.K holds the network id and after.ID the business id of the last row.
	var items []partnergraph.Membership
	var cursors []string
	err = eachRow(ctx, s.r, `SELECT network_id, business_id, role, since FROM memberships
		WHERE (? = '' OR network_id = ?) AND (? = '' OR business_id = ?) AND (network_id, business_id) > (?, ?)
		ORDER BY network_id, business_id LIMIT ?`,
		[]any{f.NetworkID, f.NetworkID, f.BusinessID, f.BusinessID, after.K, after.ID, p.First + 1},
		func(rows *sql.Rows) error {
			m, err := scanMembership(rows)
			if err == nil {
				items = append(items, m)
				cursors = append(cursors, cursor{K: m.NetworkID, ID: m.BusinessID}.encode())
			}
			return err
		})
	if err != nil {
		return zero, wrap("list memberships", err)
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}

func scanMembership(row scanner) (partnergraph.Membership, error) {
	var m partnergraph.Membership
	var since int64
	err := row.Scan(&m.NetworkID, &m.BusinessID, &m.Role, &since)
	m.Since = fromNanos(since)
	return m, err
}

// MembershipsOf implements partnergraph.Store.
func (s *Store) MembershipsOf(ctx context.Context, businessIDs []string) (map[string][]partnergraph.Membership, error) {
	out := make(map[string][]partnergraph.Membership, len(businessIDs))
	err := inChunks(businessIDs, func(chunk []string) error {
		return eachRow(ctx, s.r, `SELECT network_id, business_id, role, since FROM memberships
			WHERE business_id IN (`+placeholders(len(chunk))+`) ORDER BY business_id, network_id`, anys(chunk), func(rows *sql.Rows) error {
			m, err := scanMembership(rows)
			if err == nil {
				out[m.BusinessID] = append(out[m.BusinessID], m)
			}
			return err
		})
	})
	return out, wrap("find memberships", err)
}
