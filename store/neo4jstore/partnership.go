package neo4jstore

import (
	"context"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// CreatePartnership validates p (EINVALID naming the field), gives it an id unless set and a
// creation time unless set, and stores it. ENOTFOUND naming "proposerId" or "partnerId" for an
// unknown business; ECONFLICT if the id is taken or the pair, in either direction, already has
// an open (PROPOSED or ACTIVE) partnership. Both businesses are write-locked before the pair
// is checked, so concurrent proposals for one pair cannot both succeed.
func (s *Store) CreatePartnership(ctx context.Context, p *partnergraph.Partnership) error {
	np, err := p.Prepare(now())
	if err != nil {
		return err
	}
	err = loggedExec(ctx, s, []change{{partnergraph.ChangePartnership, np.ID, ""}}, func(ctx context.Context, tx neo4j.ManagedTransaction) error {
		found, err := lockExisting(ctx, tx, businessLock, np.ProposerID, np.PartnerID)
		if err != nil {
			return err
		}
		if !found[np.ProposerID] {
			return notFound("proposerId", "business", np.ProposerID)
		}
		if !found[np.PartnerID] {
			return notFound("partnerId", "business", np.PartnerID)
		}
		if np.Status.Open() {
			open, err := openPartnerships(ctx, tx, pairKey(np.ProposerID, np.PartnerID))
			if err != nil {
				return err
			}
			if len(open) > 0 {
				return errPairOpen(&np)
			}
		}
		if _, err := run(ctx, tx, partnershipCreate, partnershipParams(&np)); err != nil {
			if isConstraintViolation(err) {
				return partnergraph.Errorf(partnergraph.ECONFLICT, "partnership %q already exists", np.ID)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return wrap("create partnership", err)
	}
	*p = np
	return nil
}

func errPairOpen(p *partnergraph.Partnership) error {
	return partnergraph.Errorf(partnergraph.ECONFLICT, "%q and %q already have an open partnership", p.ProposerID, p.PartnerID)
}

// openPartnerships returns the ids of the open partnerships of these pairs, keyed by pair.
func openPartnerships(ctx context.Context, tx neo4j.ManagedTransaction, pairs ...string) (map[string]string, error) {
	recs, err := run(ctx, tx, partnershipOpenForPairs, map[string]any{"pairs": sortedUnique(pairs)})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(recs))
	for _, rec := range recs {
		v := &values{m: rec.AsMap()}
		id, pair := v.str("id"), v.str("pair")
		if v.err != nil {
			return nil, v.err
		}
		out[pair] = id
	}
	return out, nil
}

// Partnership returns the partnership with the id, or ENOTFOUND.
func (s *Store) Partnership(ctx context.Context, id string) (*partnergraph.Partnership, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (*partnergraph.Partnership, error) {
		recs, err := run(ctx, tx, partnershipByID, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "partnership %q not found", id)
		}
		return partnershipOf(recs[0])
	})
	return out, wrap("find partnership", err)
}

// SetPartnershipStatus moves the partnership to status to if its status is one of from, and
// records when it was answered (ACTIVE, DECLINED) or ended (ENDED). The check and the write
// happen under the partnership's write lock, so of two concurrent moves from one status only
// one succeeds. EINVALID naming "status" for an unknown to, ENOTFOUND, ECONFLICT if the status
// is not one of from or if reopening would give the pair two open partnerships.
func (s *Store) SetPartnershipStatus(ctx context.Context, id string, from []partnergraph.PartnershipStatus, to partnergraph.PartnershipStatus) (*partnergraph.Partnership, error) {
	if err := to.Check("status"); err != nil {
		return nil, err
	}
	out, err := logged(ctx, s, []change{{partnergraph.ChangePartnership, id, ""}}, func(ctx context.Context, tx neo4j.ManagedTransaction) (*partnergraph.Partnership, error) {
		if _, err := run(ctx, tx, partnershipLock, map[string]any{"id": id}); err != nil {
			return nil, err
		}
		recs, err := run(ctx, tx, partnershipByID, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "partnership %q not found", id)
		}
		p, err := partnershipOf(recs[0])
		if err != nil {
			return nil, err
		}
		if !slices.Contains(from, p.Status) {
			return nil, partnergraph.Errorf(partnergraph.ECONFLICT, "partnership %q is %s", id, p.Status)
		}
		if to.Open() && !p.Status.Open() {
			if _, err := lockExisting(ctx, tx, businessLock, p.ProposerID, p.PartnerID); err != nil {
				return nil, err
			}
			open, err := openPartnerships(ctx, tx, pairKey(p.ProposerID, p.PartnerID))
			if err != nil {
				return nil, err
			}
			if len(open) > 0 {
				return nil, errPairOpen(p)
			}
		}
		t := now()
		switch to {
		case partnergraph.PartnershipActive, partnergraph.PartnershipDeclined:
			p.RespondedAt = &t
		case partnergraph.PartnershipEnded:
			p.EndedAt = &t
		}
		p.Status = to
		recs, err = run(ctx, tx, partnershipSetStatus, map[string]any{
			"id":          p.ID,
			"status":      string(p.Status),
			"openPair":    openPair(p),
			"respondedAt": optTime(p.RespondedAt),
			"endedAt":     optTime(p.EndedAt),
		})
		if err != nil {
			if isConstraintViolation(err) {
				return nil, errPairOpen(p)
			}
			return nil, err
		}
		return partnershipOf(recs[0])
	})
	return out, wrap("set partnership status", err)
}

// Partnerships lists the partnerships matching f, newest first (then by id, descending).
// EINVALID naming "status", "first" or "after".
func (s *Store) Partnerships(ctx context.Context, f partnergraph.PartnershipFilter, p partnergraph.Page) (partnergraph.Slice[*partnergraph.Partnership], error) {
	var zero partnergraph.Slice[*partnergraph.Partnership]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	if f.Status != "" {
		if err := f.Status.Check("status"); err != nil {
			return zero, err
		}
	}
	after, resume, err := decodeCursor(p.After, byNewest)
	if err != nil {
		return zero, err
	}
	params := map[string]any{"status": nil, "afterCreatedAt": newestFirstStart, "afterId": after.ID, "limit": int64(p.First + 1)}
	if f.Status != "" {
		params["status"] = string(f.Status)
	}
	if resume {
		params["afterCreatedAt"] = after.time()
	}
	st := partnershipListAll
	if f.BusinessID != "" {
		st, params["businessId"] = partnershipListByBusiness, f.BusinessID
	}
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (partnergraph.Slice[*partnergraph.Partnership], error) {
		recs, err := run(ctx, tx, st, params)
		if err != nil {
			return zero, err
		}
		items := make([]*partnergraph.Partnership, 0, len(recs))
		cursors := make([]string, 0, len(recs))
		for _, rec := range recs {
			pp, err := partnershipOf(rec)
			if err != nil {
				return zero, err
			}
			items = append(items, pp)
			cursors = append(cursors, newestCursor(pp.CreatedAt, pp.ID).encode())
		}
		return partnergraph.SliceOf(items, cursors, p.First), nil
	})
	return out, wrap("list partnerships", err)
}
