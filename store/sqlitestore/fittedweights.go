package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/partnergraph/partnergraph"
)

// SaveFittedWeights implements partnergraph.Store: one row, replaced, and a WEIGHTS change in
// the same transaction.
func (s *Store) SaveFittedWeights(ctx context.Context, w partnergraph.FittedWeights) error {
	if err := partnergraph.CheckFittedWeights(w); err != nil {
		return err
	}
	body, err := json.Marshal(w)
	if err != nil {
		return wrap("save fitted weights", err)
	}
	err = s.write(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO fitted_weights (id, body, fitted_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET body = excluded.body, fitted_at = excluded.fitted_at`, string(body), w.At.UnixNano()); err != nil {
			return err
		}
		return tx.change(ctx, partnergraph.ChangeWeights, "", "")
	})
	return wrap("save fitted weights", err)
}

// FittedWeights implements partnergraph.Store.
func (s *Store) FittedWeights(ctx context.Context) (partnergraph.FittedWeights, error) {
	var body string
	err := s.r.QueryRowContext(ctx, `SELECT body FROM fitted_weights WHERE id = 1`).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return partnergraph.FittedWeights{}, partnergraph.Errorf(partnergraph.ENOTFOUND, "no fitted weights saved")
	}
	if err != nil {
		return partnergraph.FittedWeights{}, wrap("read fitted weights", err)
	}
	var w partnergraph.FittedWeights
	if err := json.Unmarshal([]byte(body), &w); err != nil {
		return w, wrap("decode fitted weights", err)
	}
	w.At = w.At.UTC()
	return w, nil
}
