package neo4jstore

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// Records are imported in batches of up to importBatchSize consecutive records, one
// transaction each, whose kinds are written by one UNWIND statement each; exported in pages of
// exportPageSize.
const (
	importBatchSize = 5000
	exportPageSize  = 10000
	// trustExportBusinesses is how many businesses a page of trust edges reads (a row each,
	// with all the edges it gives).
	trustExportBusinesses = 1000
)

// importKinds is the order in which a batch writes its kinds: each after the kinds it refers
// to (complements and businesses refer to services; memberships to businesses and networks;
// trust and partnerships to businesses). No kind writes what another kind writes, so this
// order gives the same graph as the batch's records in their own order.
var importKinds = []string{"service", "complement", "business", "network", "membership", "trust", "partnership"}

// importBatch is a run of consecutive records, grouped by kind. A batch never holds one key of
// a kind twice, so that applying each kind's records as a set gives the same result as
// applying them one by one. A batch of several kinds is one transaction, not one per run of a
// kind: exports and the synthetic network alternate trust and partnerships edge by edge, and
// a transaction per run made a load one commit per record or two.
type importBatch struct {
	records []partnergraph.Record // in the order they came
	byKind  map[string][]partnergraph.Record
	keys    map[string]bool // kind + "|" + recordKey
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
// services are replaced, its owners added), in transactions of up to importBatchSize records
// each, committed one after the other, so that an import of any size fits in the server's
// transaction memory.
//
// A bad record fails the import before anything is written: the records are read, validated
// and checked first (EINVALID, ENOTFOUND for a reference to nothing at an earlier line or in
// the database, ECONFLICT for a second open partnership of a pair), and the error names the
// line. A reader's error aborts the import the same way and is returned as it is. What can
// still fail once writing has begun is the server or the connection, or a concurrent writer
// (another open partnership of the same pair): the batches committed before stay, and the
// error says how far the import got. Import is idempotent, so running the same import again
// finishes it.
//
// The records are held in memory, because the sequence can only be read once and the check
// must see all of them before the first write. Consecutive records of one kind are applied
// together, in the order they come, so an import behaves as if its records were applied one
// by one: a record may refer to what an earlier line created. A complete import appends one
// IMPORT change (partnergraph.ChangeImport).
func (s *Store) Import(ctx context.Context, records iter.Seq2[partnergraph.Record, error]) (partnergraph.ImportStats, error) {
	size := s.importBatchSize
	if size <= 0 {
		size = importBatchSize
	}
	batches, err := batchRecords(records, size)
	if err != nil {
		return nil, err
	}
	if err := s.checkImport(ctx, batches); err != nil {
		return nil, err
	}
	total := 0
	for _, b := range batches {
		total += len(b.records)
	}
	stats := partnergraph.ImportStats{}
	written := 0
	for _, b := range batches {
		_, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			return struct{}{}, importBatchOf(ctx, tx, b)
		})
		if err != nil {
			return nil, importStopped(b, written, err)
		}
		for kind, rs := range b.byKind {
			stats[kind] += len(rs)
		}
		written += len(b.records)
		if s.importProgress != nil {
			s.importProgress(written, total)
		}
	}
	// One change for the whole import, once it is all written: a follower rebuilds rather
	// than re-read every record.
	nothing := func(context.Context, neo4j.ManagedTransaction) error { return nil }
	if err := loggedExec(ctx, s, []change{{kind: partnergraph.ChangeImport}}, nothing); err != nil {
		return nil, fmt.Errorf("neo4jstore: import: every record is written, but not its change (import the same records again to append it): %w", err)
	}
	return stats, nil
}

// importStopped is the error of an import whose batch b failed after the check, when written
// records are already committed: it says how far the import got and keeps the code of err.
// A uniqueness constraint that refused the batch can only be an open partnership of the same
// pair, written by someone else since the check: ECONFLICT.
func importStopped(b *importBatch, written int, err error) error {
	line := b.records[0].Line
	if isConstraintViolation(err) {
		err = partnergraph.Errorf(partnergraph.ECONFLICT, "an open partnership of a pair in lines %d to %d was written by another client during the import", line, b.records[len(b.records)-1].Line)
	}
	if written == 0 {
		return wrap("import", err)
	}
	return fmt.Errorf("neo4jstore: import stopped at line %d, with the %d records before it written (import is idempotent: import the same records again to finish): %w", line, written, err)
}

// batchRecords reads and validates every record (EINVALID naming its line; a reader's error
// as it is) and cuts them into batches of up to size consecutive records, never with one key
// of a kind twice.
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
		kind := r.Kind()
		key := kind + "|" + recordKey(r)
		var last *importBatch
		if n := len(batches); n > 0 {
			last = batches[n-1]
		}
		if last == nil || len(last.records) == size || last.keys[key] {
			last = &importBatch{byKind: map[string][]partnergraph.Record{}, keys: map[string]bool{}}
			batches = append(batches, last)
		}
		last.records = append(last.records, r)
		last.byKind[kind] = append(last.byKind[kind], r)
		last.keys[key] = true
	}
	return batches, nil
}

// importBatchOf applies one batch, kind by kind in the order of importKinds. checkImport has
// checked its references and pairs: objects are never deleted, so every reference still
// holds, and a concurrent writer that opened one of its pairs since makes the openPair
// constraint refuse the batch. The relationship MERGEs lock both of their nodes
// (LockingMerge), so concurrent writers of one edge cannot make it twice.
func importBatchOf(ctx context.Context, tx neo4j.ManagedTransaction, b *importBatch) error {
	for _, kind := range importKinds {
		if rs := b.byKind[kind]; len(rs) > 0 {
			if err := importKind(ctx, tx, kind, rs); err != nil {
				return err
			}
		}
	}
	return nil
}

// importKind writes records, all of kind, with one UNWIND statement (three for businesses).
func importKind(ctx context.Context, tx neo4j.ManagedTransaction, kind string, records []partnergraph.Record) error {
	rows := make([]any, len(records))
	st := map[string]statement{
		"service": servicePut, "complement": complementSet, "network": networkImport,
		"membership": membershipPut, "trust": trustSet, "partnership": partnershipPut,
	}[kind]
	switch kind {
	case "service":
		for i, r := range records {
			rows[i] = serviceRow(*r.Service)
		}
	case "complement":
		for i, r := range records {
			rows[i] = complementRow(*r.Complement)
		}
	case "network":
		for i, r := range records {
			n := *r.Network
			n.CreatedAt = orNow(n.CreatedAt)
			rows[i] = networkParams(&n)
		}
	case "membership":
		for i, r := range records {
			m := *r.Membership
			m.Since = orNow(m.Since)
			rows[i] = membershipRow(m)
		}
	case "trust":
		for i, r := range records {
			t := *r.Trust
			t.UpdatedAt = orNow(t.UpdatedAt)
			rows[i] = trustRow(t)
		}
	case "partnership":
		for i, r := range records {
			p := *r.Partnership
			p.CreatedAt = orNow(p.CreatedAt)
			rows[i] = partnershipParams(&p)
		}
	case "business":
		return importBusinesses(ctx, tx, records, rows)
	}
	_, err := run(ctx, tx, st, map[string]any{"rows": rows})
	return err
}

// importBusinesses writes a batch of businesses, their services and their owners.
func importBusinesses(ctx context.Context, tx neo4j.ManagedTransaction, records []partnergraph.Record, rows []any) error {
	services := make([]any, len(records))
	var owners []any
	for i, r := range records {
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
	_, err := run(ctx, tx, ownerAdd, map[string]any{"rows": owners})
	return err
}

// exportPage is one page of an export: its records, how many result rows they came from, and
// the keyset parameters that resume after its last row.
type exportPage struct {
	records []partnergraph.Record
	rows    int
	next    map[string]any
}

// exportStep pages through one kind: st with the keyset parameters of the first page, rows per
// page, and decode, which adds the interchange records of one result row and returns the
// keyset after it.
type exportStep struct {
	op     string
	st     statement
	first  map[string]any
	rows   int
	decode func(rec *neo4j.Record, add func(partnergraph.Record)) (map[string]any, error)
}

// Export calls yield for every object, in an order Import accepts: services, complements,
// businesses (with their services and owners), networks, memberships, trust edges and
// partnerships (oldest first). Each page of rows is read in a read transaction of its own and
// handed to yield outside it, so the export never holds the whole graph, and a slow yield
// holds no transaction open. An error from yield stops the export and is returned as it is.
//
// Neo4j keeps no snapshot across transactions (nor across the statements of one: its reads
// are read-committed), so writes made during an export may or may not appear in it. What does
// appear is closed under references: an edge or membership is left out unless both of its
// ends were exported before it, and a business's services are those exported before it. So
// an export taken while others write still imports, and still builds a projection: a server
// that starts during writes no longer fails on an edge to a business created after the
// businesses were read (issue 12). What was left out is what a later write brought, which
// the server then learns as it learns any write.
func (s *Store) Export(ctx context.Context, yield func(partnergraph.Record) error) error {
	return s.export(ctx, exportSteps(), yield)
}

// exportAhead is how many pages each step of an export reads ahead of the caller.
const exportAhead = 2

// export is Export through the given steps. Each step reads its pages on a goroutine of its
// own, up to exportAhead pages ahead of yield, so the server reads the next pages (and the
// next kinds' first pages) while the caller takes the current one: read one after the other,
// a projection build from Neo4j mostly waited on each page's round trip. Records are still
// yielded kind by kind, and kept or left out in that order, so what an export yields is
// closed under references whenever each of its pages was read.
func (s *Store) export(ctx context.Context, steps []exportStep, yield func(partnergraph.Record) error) error {
	ctx, cancel := context.WithCancel(ctx)
	var readers sync.WaitGroup
	defer func() { // a reader still running after an error ends on the cancelled context
		cancel()
		readers.Wait()
	}()
	pages := make([]chan exportPage, len(steps))
	errs := make([]error, len(steps)) // errs[i] is written before pages[i] is closed
	for i, step := range steps {
		pages[i] = make(chan exportPage, exportAhead)
		readers.Add(1)
		go func() {
			defer readers.Done()
			defer close(pages[i])
			errs[i] = s.readStep(ctx, step, pages[i])
		}()
	}
	seen := exportedSet{service: map[string]bool{}, business: map[string]bool{}, network: map[string]bool{}}
	for i, step := range steps {
		for pg := range pages[i] {
			for _, r := range pg.records {
				if !seen.keep(&r) {
					continue
				}
				if err := yield(r); err != nil {
					return err
				}
			}
		}
		if errs[i] != nil {
			return wrap("export "+step.op, errs[i])
		}
	}
	return nil
}

// readStep sends the pages of step to out, in order, each read in a read transaction of its
// own, until a page is not full.
func (s *Store) readStep(ctx context.Context, step exportStep, out chan<- exportPage) error {
	params := step.first
	for {
		params["limit"] = int64(step.rows)
		pg, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (exportPage, error) {
			recs, err := run(ctx, tx, step.st, params)
			if err != nil {
				return exportPage{}, err
			}
			pg := exportPage{rows: len(recs)}
			add := func(r partnergraph.Record) { pg.records = append(pg.records, r) }
			for _, rec := range recs {
				if pg.next, err = step.decode(rec, add); err != nil {
					return exportPage{}, err
				}
			}
			return pg, nil
		})
		if err != nil {
			return err
		}
		select {
		case out <- pg:
		case <-ctx.Done():
			return ctx.Err()
		}
		if pg.rows < step.rows {
			return nil
		}
		params = pg.next
	}
}

// exportedSet holds the ids of the services, businesses and networks an export has yielded.
type exportedSet struct{ service, business, network map[string]bool }

// keep reports whether r refers only to objects exported before it, dropping from a business
// the services that were not, and records what r creates.
func (x exportedSet) keep(r *partnergraph.Record) bool {
	switch {
	case r.Service != nil:
		x.service[r.Service.ID] = true
	case r.Complement != nil:
		return x.service[r.Complement.From] && x.service[r.Complement.To]
	case r.Business != nil:
		if slices.ContainsFunc(r.Business.Services, func(id string) bool { return !x.service[id] }) {
			br := *r.Business
			br.Services = slices.DeleteFunc(slices.Clone(br.Services), func(id string) bool { return !x.service[id] })
			r.Business = &br
		}
		x.business[r.Business.ID] = true
	case r.Network != nil:
		x.network[r.Network.ID] = true
	case r.Membership != nil:
		return x.business[r.Membership.BusinessID] && x.network[r.Membership.NetworkID]
	case r.Trust != nil:
		return x.business[r.Trust.From] && x.business[r.Trust.To]
	case r.Partnership != nil:
		return x.business[r.Partnership.ProposerID] && x.business[r.Partnership.PartnerID]
	}
	return true
}

func exportSteps() []exportStep {
	// one turns a decoder of one record per row into a step's decode.
	one := func(decode func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error)) func(*neo4j.Record, func(partnergraph.Record)) (map[string]any, error) {
		return func(rec *neo4j.Record, add func(partnergraph.Record)) (map[string]any, error) {
			r, next, err := decode(rec)
			if err == nil {
				add(r)
			}
			return next, err
		}
	}
	return []exportStep{
		{"services", serviceExport, map[string]any{"afterId": ""}, exportPageSize, one(func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			svc, err := serviceOf(rec)
			return partnergraph.Record{Service: &svc}, map[string]any{"afterId": svc.ID}, err
		})},
		{"complements", complementExport, map[string]any{"afterFrom": "", "afterTo": ""}, exportPageSize, one(func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			c, err := complementOf(rec)
			return partnergraph.Record{Complement: &c}, map[string]any{"afterFrom": c.From, "afterTo": c.To}, err
		})},
		{"businesses", businessExport, map[string]any{"afterId": ""}, exportPageSize, one(func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
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
		})},
		{"networks", networkExport, map[string]any{"afterId": ""}, exportPageSize, one(func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			n, err := networkOf(rec)
			if err != nil {
				return partnergraph.Record{}, nil, err
			}
			return partnergraph.Record{Network: n}, map[string]any{"afterId": n.ID}, nil
		})},
		{"memberships", membershipListAll, map[string]any{"afterNetworkId": "", "afterBusinessId": ""}, exportPageSize, one(func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			m, err := membershipOf(rec)
			return partnergraph.Record{Membership: &m}, map[string]any{"afterNetworkId": m.NetworkID, "afterBusinessId": m.BusinessID}, err
		})},
		// A row per business, with its edges: trustExportBusinesses rows are about as many
		// edges as exportPageSize rows of the other kinds.
		{"trust", trustExport, map[string]any{"afterFrom": ""}, trustExportBusinesses, decodeTrustExport},
		{"partnerships", partnershipExport, map[string]any{"afterCreatedAt": time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "afterId": ""}, exportPageSize, one(func(rec *neo4j.Record) (partnergraph.Record, map[string]any, error) {
			p, err := partnershipOf(rec)
			if err != nil {
				return partnergraph.Record{}, nil, err
			}
			return partnergraph.Record{Partnership: p}, map[string]any{"afterCreatedAt": p.CreatedAt, "afterId": p.ID}, nil
		})},
	}
}

// decodeTrustExport adds the edges of one trust_export row, by to, so that the export lists
// trust by from then to as before.
func decodeTrustExport(rec *neo4j.Record, add func(partnergraph.Record)) (map[string]any, error) {
	from, _, err := neo4j.GetRecordValue[string](rec, "from")
	if err != nil {
		return nil, err
	}
	edges, _, err := neo4j.GetRecordValue[[]any](rec, "edges")
	if err != nil {
		return nil, err
	}
	out := make([]partnergraph.Trust, 0, len(edges))
	for _, raw := range edges {
		e, ok := raw.([]any)
		if !ok || len(e) != 6 {
			return nil, fmt.Errorf("trust edge of %q is %v, not [to, score, note, source, updatedAt, setBy]", from, raw)
		}
		t, err := trustFrom(&values{m: map[string]any{"from": from, "to": e[0], "score": e[1], "note": e[2], "source": e[3], "updatedAt": e[4], "setBy": e[5]}})
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(x, y partnergraph.Trust) int { return strings.Compare(x.To, y.To) })
	for i := range out {
		add(partnergraph.Record{Trust: &out[i]})
	}
	return map[string]any{"afterFrom": from}, nil
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
