package neo4jstore

import (
	"context"
	"encoding/json"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// SaveFittedWeights implements partnergraph.Store: one node, replaced, and a WEIGHTS change in
// the same transaction.
func (s *Store) SaveFittedWeights(ctx context.Context, w partnergraph.FittedWeights) error {
	if err := partnergraph.CheckFittedWeights(w); err != nil {
		return err
	}
	body, err := json.Marshal(w)
	if err != nil {
		return wrap("save fitted weights", err)
	}
	err = loggedExec(ctx, s, []change{{kind: partnergraph.ChangeWeights}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		_, err := run(ctx, tx, fittedWeightsSave, map[string]any{"body": string(body), "at": w.At.UTC()})
		return err
	})
	return wrap("save fitted weights", err)
}

// FittedWeights implements partnergraph.Store.
func (s *Store) FittedWeights(ctx context.Context) (partnergraph.FittedWeights, error) {
	body, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		recs, err := run(ctx, tx, fittedWeightsGet, nil)
		if err != nil || len(recs) == 0 {
			return "", err
		}
		v := values{m: recs[0].AsMap()}
		return v.str("body"), v.err
	})
	var w partnergraph.FittedWeights
	switch {
	case err != nil:
		return w, wrap("read fitted weights", err)
	case body == "":
		return w, partnergraph.Errorf(partnergraph.ENOTFOUND, "no fitted weights saved")
	}
	if err := json.Unmarshal([]byte(body), &w); err != nil {
		return w, wrap("decode fitted weights", err)
	}
	w.At = w.At.UTC()
	return w, nil
}
