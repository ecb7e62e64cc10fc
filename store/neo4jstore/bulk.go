package neo4jstore

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// Records are imported in batches of up to importBatchSize records of one kind, each batch
// written by UNWIND statements, and exported in pages of exportPageSize.
const (
	importBatchSize = 500
	exportPageSize  = 500
)

// importBatch is a run of consecutive records of one kind. A batch never holds one key twice,
// so that applying it as a set gives the same result as applying its records one by one.
type importBatch struct {
	kind    string
	records []partnergraph.Record
	keys    map[string]bool
}

// recordKey is what a record creates or replaces: the id of an object, the ends of an edge.
func recordKey(r partnergraph.Record) string {
	switch {
	case r.Service != nil:
		return r.Service.ID
	case r.Complement != nil:
		return r.Complement.From + "|" + r.Complement.To
	case r.Business != nil:
		return r.Business.ID
	case r.Network != nil:
		return r.Network.ID
	case r.Membership != nil:
		return r.Membership.BusinessID + "|" + r.Membership.NetworkID
	case r.Trust != nil:
		return r.Trust.From + "|" + r.Trust.To
	default:
		return r.Partnership.ID
	}
}

// Import writes every record, creating or replacing by id (by ends for edges; a business's
// services are replaced, its owners added), in one write transaction: on any error nothing is
// written, and a bad record's error (EINVALID, ENOTFOUND, ECONFLICT) names its line. A
// reader's error aborts the import and is returned as it is.
//
// The records are read and validated first, before any Cypher runs, and held in memory: the
// driver may run the transaction more than once (after a deadlock or a leader change), and
// the sequence can only be read once. Consecutive records of one kind are applied together,
// up to importBatchSize at a time, in the order they come, so an import behaves as if its
// records were applied one by one: a record may refer to what an earlier line created. The
// transaction may run for TxTimeout per batch, and the server holds all of its changes in
// memory until it commits (bounded by the server's db.memory.transaction.max).
func (s *Store) Import(ctx context.Context, records iter.Seq2[partnergraph.Record, error]) (partnergraph.ImportStats, error) {
	batches, err := batchRecords(records, importBatchSize)
	if err != nil {
		return nil, err
	}
	stats := partnergraph.ImportStats{}
	if len(batches) == 0 {
		return stats, nil
	}
	_, err = write(ctx, s, s.txTimeout*time.Duration(len(batches)), func(tx neo4j.ManagedTransaction) (struct{}, error) {
		for _, b := range batches {
			if err := importBatchOf(ctx, tx, b); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, wrap("import", err)
	}
	for _, b := range batches {
		stats[b.kind] += len(b.records)
	}
	return stats, nil
}

// batchRecords reads and validates every record (EINVALID naming its line; a reader's error
// as it is) and cuts them into batches of up to size consecutive records of one kind, never
// with one key twice.
func batchRecords(records iter.Seq2[partnergraph.Record, error], size int) ([]*importBatch, error) {
	var batches []*importBatch
	for r, err := range records {
		if err != nil {
			return nil, err
		}
		if err := r.Validate(); err != nil {
			return nil, partnergraph.AtLine(r.Line, err)
		}
		if r.Business != nil && slices.Contains(r.Business.Owners, "") {
			return nil, partnergraph.AtLine(r.Line, partnergraph.Invalidf("business.owners", "must not hold an empty subject"))
		}
		kind, key := r.Kind(), recordKey(r)
		var last *importBatch
		if n := len(batches); n > 0 {
			last = batches[n-1]
		}
		if last == nil || last.kind != kind || len(last.records) == size || last.keys[key] {
			last = &importBatch{kind: kind, keys: map[string]bool{}}
			batches = append(batches, last)
		}
		last.records = append(last.records, r)
		last.keys[key] = true
	}
	return batches, nil
}

// importBatchOf applies one batch. References to other objects are checked (and the objects
// locked) before anything of the batch is written, so that a missing one fails with its line.
func importBatchOf(ctx context.Context, tx neo4j.ManagedTransaction, b *importBatch) error {
	rows := make([]any, len(b.records))
	switch b.kind {
	case "service":
		for i, r := range b.records {
			rows[i] = serviceRow(*r.Service)
		}
		_, err := run(ctx, tx, servicePut, map[string]any{"rows": rows})
		return err

	case "complement":
		var ids []string
		for _, r := range b.records {
			ids = append(ids, r.Complement.From, r.Complement.To)
		}
		found, err := lockExisting(ctx, tx, serviceLock, ids...)
		if err != nil {
			return err
		}
		for i, r := range b.records {
			c := *r.Complement
			if !found[c.From] {
				return partnergraph.AtLine(r.Line, notFound("from", "service", c.From))
			}
			if !found[c.To] {
				return partnergraph.AtLine(r.Line, notFound("to", "service", c.To))
			}
			rows[i] = complementRow(c)
		}
		_, err = run(ctx, tx, complementSet, map[string]any{"rows": rows})
		return err

	case "business":
		var ids []string
		for _, r := range b.records {
			ids = append(ids, r.Business.Services...)
		}
		found, err := lockExisting(ctx, tx, serviceLock, ids...)
		if err != nil {
			return err
		}
		services := make([]any, len(b.records))
		var owners []any
		for i, r := range b.records {
			for _, id := range r.Business.Services {
				if !found[id] {
					return partnergraph.AtLine(r.Line, notFound("business.services", "service", id))
				}
			}
			biz := r.Business.Business
			biz.CreatedAt = orNow(biz.CreatedAt)
			rows[i] = businessParams(&biz)
			services[i] = map[string]any{"id": biz.ID, "services": sortedUnique(r.Business.Services)}
			for _, sub := range r.Business.Owners {
				owners = append(owners, map[string]any{"businessId": biz.ID, "sub": sub})
			}
		}
		if _, err := run(ctx, tx, businessImport, map[string]any{"rows": rows}); err != nil {
			return err
		}
		if _, err := run(ctx, tx, businessSetServices, map[string]any{"rows": services}); err != nil {
			return err
		}
		if len(owners) == 0 {
			return nil
		}
		_, err = run(ctx, tx, ownerAdd, map[string]any{"rows": owners})
		return err

	case "network":
		for i, r := range b.records {
			n := *r.Network
			n.CreatedAt = orNow(n.CreatedAt)
			rows[i] = networkParams(&n)
		}
		_, err := run(ctx, tx, networkImport, map[string]any{"rows": rows})
		return err

	case "membership":
		var businesses, networks []string
		for _, r := range b.records {
			businesses = append(businesses, r.Membership.BusinessID)
			networks = append(networks, r.Membership.NetworkID)
		}
		foundB, err := lockExisting(ctx, tx, businessLock, businesses...)
		if err != nil {
			return err
		}
		foundN, err := lockExisting(ctx, tx, networkLock, networks...)
		if err != nil {
			return err
		}
		for i, r := range b.records {
			m := *r.Membership
			if !foundB[m.BusinessID] {
				return partnergraph.AtLine(r.Line, notFound("businessId", "business", m.BusinessID))
			}
			if !foundN[m.NetworkID] {
				return partnergraph.AtLine(r.Line, notFound("networkId", "network", m.NetworkID))
			}
			m.Since = orNow(m.Since)
			rows[i] = membershipRow(m)
		}
		_, err = run(ctx, tx, membershipPut, map[string]any{"rows": rows})
		return err

	case "trust":
		var ids []string
		for _, r := range b.records {
			ids = append(ids, r.Trust.From, r.Trust.To)
		}
		found, err := lockExisting(ctx, tx, businessLock, ids...)
		if err != nil {
			return err
		}
		for i, r := range b.records {
			t := *r.Trust
			if !found[t.From] {
				return partnergraph.AtLine(r.Line, notFound("from", "business", t.From))
			}
			if !found[t.To] {
				return partnergraph.AtLine(r.Line, notFound("to", "business", t.To))
			}
			t.UpdatedAt = orNow(t.UpdatedAt)
			rows[i] = trustRow(t)
		}
		_, err = run(ctx, tx, trustSet, map[string]any{"rows": rows})
		return err

	default:
		return importPartnerships(ctx, tx, b, rows)
	}
}

// importPartnerships applies a batch of partnerships, keeping the rule of one open
// partnership per pair as if the records were applied one by one: a record replaces the
// partnership with its id, so it may close a pair that a later record opens again.
func importPartnerships(ctx context.Context, tx neo4j.ManagedTransaction, b *importBatch, rows []any) error {
	var ids, pairs []string
	for _, r := range b.records {
		p := r.Partnership
		ids = append(ids, p.ProposerID, p.PartnerID)
		if p.Status.Open() {
			pairs = append(pairs, pairKey(p.ProposerID, p.PartnerID))
		}
	}
	found, err := lockExisting(ctx, tx, businessLock, ids...)
	if err != nil {
		return err
	}
	open, err := openPartnerships(ctx, tx, pairs...) // pair → id, as the database holds them
	if err != nil {
		return err
	}
	pairOf := make(map[string]string, len(open)) // id → pair, for the open ones
	for pair, id := range open {
		pairOf[id] = pair
	}
	for i, r := range b.records {
		p := *r.Partnership
		if !found[p.ProposerID] {
			return partnergraph.AtLine(r.Line, notFound("proposerId", "business", p.ProposerID))
		}
		if !found[p.PartnerID] {
			return partnergraph.AtLine(r.Line, notFound("partnerId", "business", p.PartnerID))
		}
		if pair, ok := pairOf[p.ID]; ok { // this record replaces it
			delete(open, pair)
			delete(pairOf, p.ID)
		}
		if p.Status.Open() {
			pair := pairKey(p.ProposerID, p.PartnerID)
			if _, taken := open[pair]; taken {
				return partnergraph.AtLine(r.Line, errPairOpen(&p))
			}
			open[pair], pairOf[p.ID] = p.ID, pair
		}
		p.CreatedAt = orNow(p.CreatedAt)
		rows[i] = partnershipParams(&p)
	}
	_, err = run(ctx, tx, partnershipPut, map[string]any{"rows": rows})
	return err
}

// exportPage is one page of an export: its records, and the keyset parameters that resume
// after its last record.
type exportPage struct {
	records []partnergraph.Record
	next    map[string]any
}

// exportStep pages through one kind: st with the keyset parameters of the first page, and
// decode, which turns a result record into an interchange record and the keyset after it.
type exportStep struct {
	op     string
	st     statement
	first  map[string]any
	decode func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error)
}

// Export calls yield for every object, in an order Import accepts: services, complements,
// businesses (with their services and owners), networks, memberships, trust edges and
// partnerships (oldest first). Each page of exportPageSize records is read in a read
// transaction of its own and handed to yield outside it, so the export never holds the whole
// graph, and a slow yield holds no transaction open. Neo4j keeps no snapshot across
// transactions: writes made during an export may or may not appear in it. An error from yield
// stops the export and is returned as it is.
func (s *Store) Export(ctx context.Context, yield func(partnergraph.Record) error) error {
	for _, step := range exportSteps() {
		params := step.first
		for {
			params["limit"] = int64(exportPageSize)
			pg, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (exportPage, error) {
				recs, err := run(ctx, tx, step.st, params)
				if err != nil {
					return exportPage{}, err
				}
				var pg exportPage
				for _, rec := range recs {
					r, next, err := step.decode(rec)
					if err != nil {
						return exportPage{}, err
					}
					pg.records, pg.next = append(pg.records, r), next
				}
				return pg, nil
			})
			if err != nil {
				return wrap("export "+step.op, err)
			}
			for _, r := range pg.records {
				if err := yield(r); err != nil {
					return err
				}
			}
			if len(pg.records) < exportPageSize {
				break
			}
			params = pg.next
		}
	}
	return nil
}

func exportSteps() []exportStep {
	return []exportStep{
		{"services", serviceExport, map[string]any{"afterId": ""}, func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			svc, err := serviceOf(rec)
			return partnergraph.Record{Service: &svc}, map[string]any{"afterId": svc.ID}, err
		}},
		{"complements", complementExport, map[string]any{"afterFrom": "", "afterTo": ""}, func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			c, err := complementOf(rec)
			return partnergraph.Record{Complement: &c}, map[string]any{"afterFrom": c.From, "afterTo": c.To}, err
		}},
		{"businesses", businessExport, map[string]any{"afterId": ""}, func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			b, err := businessOf(rec)
			if err != nil {
				return partnergraph.Record{}, nil, err
			}
			services, err := sortedStrings(rec, "services")
			if err != nil {
				return partnergraph.Record{}, nil, err
			}
			owners, err := sortedStrings(rec, "owners")
			if err != nil {
				return partnergraph.Record{}, nil, err
			}
			br := &partnergraph.BusinessRecord{Business: *b, Services: services, Owners: owners}
			return partnergraph.Record{Business: br}, map[string]any{"afterId": b.ID}, nil
		}},
		{"networks", networkExport, map[string]any{"afterId": ""}, func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			n, err := networkOf(rec)
			if err != nil {
				return partnergraph.Record{}, nil, err
			}
			return partnergraph.Record{Network: n}, map[string]any{"afterId": n.ID}, nil
		}},
		{"memberships", membershipListAll, map[string]any{"afterNetworkId": "", "afterBusinessId": ""}, func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			m, err := membershipOf(rec)
			return partnergraph.Record{Membership: &m}, map[string]any{"afterNetworkId": m.NetworkID, "afterBusinessId": m.BusinessID}, err
		}},
		{"trust", trustListAll, map[string]any{"afterFrom": "", "afterTo": ""}, func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			t, err := trustOf(rec)
			return partnergraph.Record{Trust: &t}, map[string]any{"afterFrom": t.From, "afterTo": t.To}, err
		}},
		{"partnerships", partnershipExport, map[string]any{"afterCreatedAt": nil, "afterId": ""}, func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			p, err := partnershipOf(rec)
			if err != nil {
				return partnergraph.Record{}, nil, err
			}
			return partnergraph.Record{Partnership: p}, map[string]any{"afterCreatedAt": p.CreatedAt, "afterId": p.ID}, nil
		}},
	}
}

// sortedStrings reads the list of strings under key, sorted; nil when it is empty, as the
// interchange format leaves an empty list out.
func sortedStrings(rec *neo4j.Record, key string) ([]string, error) {
	list, _, err := neo4j.GetRecordValue[[]any](rec, key)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, x := range list {
		str, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("%s holds a %T, not a string", key, x)
		}
		out = append(out, str)
	}
	slices.Sort(out)
	return out, nil
}
