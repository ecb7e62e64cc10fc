package neo4jstore

import (
	"context"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

func serviceRow(svc partnergraph.Service) map[string]any {
	return map[string]any{"id": svc.ID, "name": svc.Name, "sector": svc.Sector}
}

// PutService creates the service or renames it. EINVALID naming the field at fault.
func (s *Store) PutService(ctx context.Context, svc partnergraph.Service) error {
	if err := svc.Validate(); err != nil {
		return err
	}
	err := loggedExec(ctx, s, []change{{partnergraph.ChangeService, svc.ID, ""}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		_, err := run(ctx, tx, servicePut, map[string]any{"rows": []any{serviceRow(svc)}})
		return err
	})
	return wrap("put service", err)
}

// Services returns every service, by sector then name. Concurrent calls share one read
// (readGroup): the lead path asks for the catalogue with every submission.
func (s *Store) Services(ctx context.Context) ([]partnergraph.Service, error) {
	out, err := s.serviceReads.do(ctx, s, struct{}{}, s.services)
	return out, wrap("list services", err)
}

// services reads the catalogue once and answers each of qs with its own copy.
func (s *Store) services(ctx context.Context, qs []struct{}) ([][]partnergraph.Service, error) {
	all, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]partnergraph.Service, error) {
		recs, err := run(ctx, tx, serviceList, nil)
		if err != nil {
			return nil, err
		}
		out := make([]partnergraph.Service, 0, len(recs))
		for _, rec := range recs {
			svc, err := serviceOf(rec)
			if err != nil {
				return nil, err
			}
			out = append(out, svc)
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([][]partnergraph.Service, len(qs))
	for i := range qs {
		out[i] = slices.Clone(all)
	}
	return out, nil
}

// SetComplement creates or replaces the complement from c.From to c.To. EINVALID naming the
// field at fault; ENOTFOUND naming "from" or "to" for an unknown service.
func (s *Store) SetComplement(ctx context.Context, c partnergraph.Complement) error {
	if err := c.Validate(); err != nil {
		return err
	}
	err := loggedExec(ctx, s, []change{{partnergraph.ChangeComplement, c.From, c.To}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		found, err := lockExisting(ctx, tx, serviceLock, c.From, c.To)
		if err != nil {
			return err
		}
		if !found[c.From] {
			return notFound("from", "service", c.From)
		}
		if !found[c.To] {
			return notFound("to", "service", c.To)
		}
		_, err = run(ctx, tx, complementSet, map[string]any{"rows": []any{complementRow(c)}})
		return err
	})
	return wrap("set complement", err)
}

// RemoveComplement deletes the complement from → to. ENOTFOUND if there is none.
func (s *Store) RemoveComplement(ctx context.Context, from, to string) error {
	err := loggedExec(ctx, s, []change{{partnergraph.ChangeComplement, from, to}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		if _, err := lockExisting(ctx, tx, serviceLock, from, to); err != nil {
			return err
		}
		n, err := deleted(ctx, tx, complementRemove, map[string]any{"from": from, "to": to})
		if err != nil {
			return err
		}
		if n == 0 {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "no complement from %q to %q", from, to)
		}
		return nil
	})
	return wrap("remove complement", err)
}

// deleted runs one of the *_delete or *_remove statements, which return how many
// relationships they deleted.
func deleted(ctx context.Context, tx neo4j.ManagedTransaction, st statement, params map[string]any) (int64, error) {
	recs, err := run(ctx, tx, st, params)
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	n, _, err := neo4j.GetRecordValue[int64](recs[0], "deleted")
	return n, err
}

// Complements returns every complement, by from then to.
func (s *Store) Complements(ctx context.Context) ([]partnergraph.Complement, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]partnergraph.Complement, error) {
		recs, err := run(ctx, tx, complementList, nil)
		if err != nil {
			return nil, err
		}
		out := make([]partnergraph.Complement, 0, len(recs))
		for _, rec := range recs {
			c, err := complementOf(rec)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	})
	return out, wrap("list complements", err)
}
