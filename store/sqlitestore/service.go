package sqlitestore

import (
	"context"
	"database/sql"

	"github.com/partnergraph/partnergraph"
)

// PutService implements partnergraph.Store.
func (s *Store) PutService(ctx context.Context, svc partnergraph.Service) error {
	if err := svc.Validate(); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *txn) error {
		if err := putService(ctx, tx, svc); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeService, svc.ID, "")
	})
	return wrap("put service", err)
}

func putService(ctx context.Context, tx *txn, svc partnergraph.Service) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO services (id, name, sector) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, sector = excluded.sector`, svc.ID, svc.Name, svc.Sector)
	return err
}

// Services implements partnergraph.Store.
func (s *Store) Services(ctx context.Context) ([]partnergraph.Service, error) {
	out := []partnergraph.Service{}
	err := eachRow(ctx, s.r, `SELECT id, name, sector FROM services ORDER BY sector, name, id`, nil, func(rows *sql.Rows) error {
		var svc partnergraph.Service
		err := rows.Scan(&svc.ID, &svc.Name, &svc.Sector)
		out = append(out, svc)
		return err
	})
	return out, wrap("list services", err)
}

// SetComplement implements partnergraph.Store.
func (s *Store) SetComplement(ctx context.Context, c partnergraph.Complement) error {
	if err := c.Validate(); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *txn) error {
		if err := setComplement(ctx, tx, c); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeComplement, c.From, c.To)
	})
	return wrap("set complement", err)
}

func setComplement(ctx context.Context, tx *txn, c partnergraph.Complement) error {
	if err := mustExist(ctx, tx, "services", "service", "from", c.From); err != nil {
		return err
	}
	if err := mustExist(ctx, tx, "services", "service", "to", c.To); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO complements (from_id, to_id, weight, source) VALUES (?, ?, ?, ?)
		ON CONFLICT (from_id, to_id) DO UPDATE SET weight = excluded.weight, source = excluded.source`,
		c.From, c.To, c.Weight, c.Source)
	return err
}

// RemoveComplement implements partnergraph.Store.
func (s *Store) RemoveComplement(ctx context.Context, from, to string) error {
	err := s.write(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM complements WHERE from_id = ? AND to_id = ?`, from, to)
		if err := deleted(res, err, "complement %s → %s not found", from, to); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeComplement, from, to)
	})
	return wrap("remove complement", err)
}

// deleted turns a DELETE that touched no row into ENOTFOUND with the message.
func deleted(res sql.Result, err error, format string, args ...any) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return partnergraph.Errorf(partnergraph.ENOTFOUND, format, args...)
	}
	return nil
}

// Complements implements partnergraph.Store.
func (s *Store) Complements(ctx context.Context) ([]partnergraph.Complement, error) {
	out := []partnergraph.Complement{}
	err := eachRow(ctx, s.r, `SELECT from_id, to_id, weight, source FROM complements ORDER BY from_id, to_id`, nil, func(rows *sql.Rows) error {
		var c partnergraph.Complement
		err := rows.Scan(&c.From, &c.To, &c.Weight, &c.Source)
		out = append(out, c)
		return err
	})
	return out, wrap("list complements", err)
}
