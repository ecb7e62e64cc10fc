// Package sqlitestore is the embedded default Store: one SQLite file (pure Go, no cgo) in WAL
// mode with foreign keys on, schema migrations embedded and applied in order at open.
package sqlitestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/partnergraph/partnergraph"
)

//go:embed migrations/*.sql
var migrations embed.FS

// writeCacheKiB is the page cache of the write connection, which every write goes through.
const writeCacheKiB = 64 << 10

// Memory is the path that opens a private in-memory database, for tests.
const Memory = ":memory:"

// Store is a partnergraph.Store on SQLite. Writes go through one connection, so they never
// fight over the write lock; reads use a pool of their own and see the last committed state.
type Store struct {
	w *sql.DB // one connection: every write transaction
	r *sql.DB // a pool for reads; the same as w for an in-memory database

	writes    chan *writeReq // to the writer goroutine, which commits them in groups
	closing   chan struct{}  // closed by Close
	writerEnd chan struct{}  // closed when the writer goroutine has returned
	closeOnce sync.Once

	origin string // this handle's name in the change feed
}

var _ partnergraph.Store = (*Store)(nil)

func init() {
	// distance_km(lat1, lng1, lat2, lng2) lets listings filter and order by great-circle distance.
	err := sqlite.RegisterDeterministicScalarFunction("distance_km", 4, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		var f [4]float64
		for i, a := range args {
			switch v := a.(type) {
			case float64:
				f[i] = v
			case int64:
				f[i] = float64(v)
			default:
				return nil, fmt.Errorf("distance_km: argument %d is %T, not a number", i+1, a)
			}
		}
		return partnergraph.DistanceKm(partnergraph.Point{Lat: f[0], Lng: f[1]}, partnergraph.Point{Lat: f[2], Lng: f[3]}), nil
	})
	if err != nil {
		panic(err)
	}
}

// Open opens (creating if needed) the database at path, or a private in-memory one for
// Memory, and applies any migrations it has not seen.
func Open(ctx context.Context, path string) (*Store, error) {
	// secure_delete zeroes the bytes a write frees, so that a lead's erased customer data
	// (EraseLead) does not linger in the file's free space.
	const pragmas = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=temp_store(MEMORY)&_pragma=secure_delete(1)"
	if path == Memory {
		// Each connection to ":memory:" is a database of its own: keep exactly one.
		db, err := sql.Open("sqlite", "file::memory:?"+pragmas+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: open: %w", err)
		}
		db.SetMaxOpenConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		s := newStore(db, db)
		if err := s.migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlitestore: create directory for %s: %w", path, err)
		}
	}
	// synchronous(FULL) makes every commit durable on disk before it returns: an acknowledged
	// write survives a crash or a power cut.
	dsn := "file:" + path + "?" + pragmas + "&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	w, err := sql.Open("sqlite", dsn+fmt.Sprintf("&_pragma=cache_size(-%d)&_txlock=immediate", writeCacheKiB))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := connect(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	s := newStore(w, r)
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// busyWait is how long connect retries a busy database file; busy_timeout(10000) is the same
// wait for the statements that honour it.
const busyWait = 10 * time.Second

// connect opens w's connection, retrying while the file is busy. Processes that open one new
// file at once each switch it to WAL as they connect, and SQLite refuses that switch at once
// with SQLITE_BUSY, without the busy timeout, while another process holds a lock
// (TestOpenConcurrentProcesses); once the file is in WAL mode, it does not happen again.
func connect(ctx context.Context, w *sql.DB) error {
	deadline := time.Now().Add(busyWait)
	for {
		err := w.PingContext(ctx)
		var e *sqlite.Error
		if err == nil || !errors.As(err, &e) || e.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func newStore(w, r *sql.DB) *Store {
	s := &Store{w: w, r: r, origin: newOrigin(), writes: make(chan *writeReq), closing: make(chan struct{}), writerEnd: make(chan struct{})}
	go s.writer()
	return s
}

// Close waits for the writes under way, then closes the database. Writes after Close fail.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	<-s.writerEnd
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// migrate applies the embedded migrations not yet recorded in schema_migrations, each in a
// transaction of its own, in file-name order.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlitestore: migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("sqlitestore: migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		version := strings.TrimSuffix(filepath.Base(name), ".sql")
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("sqlitestore: migrate: %w", err)
		}
		err = s.write(ctx, func(tx *txn) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil || n > 0 {
				return err
			}
			// A migration holds several statements, which one prepared statement cannot.
			if _, err := tx.Tx.ExecContext(tx.ctx(ctx), string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, now())
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlitestore: migration %s: %w", version, err)
		}
	}
	return nil
}

// maxGroup is the most writes committed in one transaction.
const maxGroup = 128

// errClosed is the error of a write after Close.
var errClosed = errors.New("sqlitestore: the store is closed")

// writeReq is one caller's write, waiting for the writer goroutine.
type writeReq struct {
	ctx      context.Context
	fn       func(tx *txn) error
	alone    bool         // commit it in a transaction of its own (an import)
	state    atomic.Int32 // queued, running or abandoned
	panicked any          // what fn panicked with, to panic with again on the caller's goroutine
	done     chan error
}

// States of a writeReq: the caller may abandon it only while it is queued.
const (
	queued int32 = iota
	running
	abandoned
)

// write runs fn in a write transaction and returns once it is committed (durably, for a
// file), or rolled back with fn's error if fn returns one.
func (s *Store) write(ctx context.Context, fn func(tx *txn) error) error {
	return s.submit(&writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// writeAlone is write for a write that must not share its transaction: an import, which
// would hold every write of its group for as long as it loads.
func (s *Store) writeAlone(ctx context.Context, fn func(tx *txn) error) error {
	return s.submit(&writeReq{ctx: ctx, fn: fn, alone: true, done: make(chan error, 1)})
}

func (s *Store) submit(req *writeReq) error {
	select {
	case s.writes <- req:
	case <-req.ctx.Done():
		return req.ctx.Err()
	case <-s.closing:
		return errClosed
	}
	var err error
	select {
	case err = <-req.done:
	case <-req.ctx.Done():
		if req.state.CompareAndSwap(queued, abandoned) {
			return req.ctx.Err() // it will not run
		}
		err = <-req.done // it has started: its outcome is the caller's to know
	}
	if req.panicked != nil {
		panic(req.panicked)
	}
	return err
}

// writer commits the writes that callers hand it, all the writes waiting at a time in one
// transaction (group commit): each commit of a file costs a sync of the disk, and at a
// thousand leads a second one sync per lead was what the disk could not keep up with.
func (s *Store) writer() {
	defer close(s.writerEnd)
	var next *writeReq // taken from the queue but left for the next transaction
	for {
		first := next
		next = nil
		if first == nil {
			select {
			case first = <-s.writes:
			case <-s.closing:
				return
			}
		}
		group := []*writeReq{first}
	more:
		for !first.alone && len(group) < maxGroup {
			select {
			case req := <-s.writes:
				if req.alone {
					next = req
					break more
				}
				group = append(group, req)
			default:
				break more
			}
		}
		errs := s.commit(group)
		for i, req := range group {
			req.done <- errs[i]
		}
	}
}

// commit runs the group's writes in one transaction, each inside a savepoint, so that a write
// that fails is rolled back alone and the others commit. A write alone in its group needs no
// savepoint. It returns each write's error.
func (s *Store) commit(group []*writeReq) []error {
	errs := make([]error, len(group))
	fail := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	// The transaction outlives any one caller's context; each write's statements run under
	// its own caller's context.
	sqlTx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		return fail(err)
	}
	tx := &txn{Tx: sqlTx, origin: s.origin}
	if len(group) == 1 {
		if errs[0] = runWrite(group[0], tx); errs[0] != nil {
			sqlTx.Rollback()
			return errs
		}
		if err := sqlTx.Commit(); err != nil {
			return fail(err)
		}
		return errs
	}
	tx.shared = true
	for i, req := range group {
		if _, err := sqlTx.Exec(`SAVEPOINT write`); err != nil {
			sqlTx.Rollback()
			return fail(err)
		}
		if errs[i] = runWrite(req, tx); errs[i] != nil {
			// Some errors (a full disk, say) make SQLite roll the whole transaction back;
			// then the savepoint is gone and the group fails together, for that cause.
			if _, err := sqlTx.Exec(`ROLLBACK TO write`); err != nil {
				sqlTx.Rollback()
				return fail(fmt.Errorf("sqlitestore: rolled back with the other writes of its transaction: %w", errs[i]))
			}
		}
		if _, err := sqlTx.Exec(`RELEASE write`); err != nil {
			sqlTx.Rollback()
			return fail(err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fail(err)
	}
	return errs
}

// errPanicked is the error of a write whose function panicked; its caller panics again.
var errPanicked = errors.New("sqlitestore: the write panicked")

// runWrite runs one caller's write, unless its caller has given up waiting. A panic in the
// write rolls it back and is handed to its caller, whose goroutine panics with it: on the
// writer's goroutine it would end the process.
func runWrite(req *writeReq, tx *txn) (err error) {
	if !req.state.CompareAndSwap(queued, running) {
		return req.ctx.Err()
	}
	if err := req.ctx.Err(); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			req.panicked, err = p, errPanicked
		}
	}()
	return req.fn(tx)
}

// txn is a write transaction that prepares each distinct statement once: an import runs the
// same few statements millions of times, and parsing them anew each time was a third of its
// time. The statements close with the transaction.
type txn struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
	// shared is set when the transaction holds several callers' writes. Their statements
	// then ignore the end of their caller's context: SQLite answers an interrupted write
	// by rolling back the whole transaction, so one client that hangs up would fail the
	// writes of everyone in its group. A write takes milliseconds; whether its caller
	// still waits is checked before it starts.
	shared bool
	origin string // the Store's, for the changes the writes append (txn.change)
}

// ctx is the context a statement of the transaction runs under.
func (tx *txn) ctx(ctx context.Context) context.Context {
	if tx.shared {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (tx *txn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := tx.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = make(map[string]*sql.Stmt)
	}
	tx.stmts[query] = st
	return st, nil
}

func (tx *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = tx.ctx(ctx)
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext prepares its query each time: a prepared statement is one SQLite statement,
// which cannot run again while its rows are being read.
func (tx *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(tx.ctx(ctx), query, args...)
}

func (tx *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = tx.ctx(ctx)
	st, err := tx.stmt(ctx, query)
	if err != nil {
		// A Row cannot be built with an error from outside database/sql: let the transaction
		// report the same preparation error through its own Row.
		return tx.Tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// now is the time stored for "now": Unix nanoseconds, UTC.
func now() int64 { return time.Now().UTC().UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

func fromNullNanos(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNanos(n.Int64)
	return &t
}

func toNullNanos(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

// nanosOrNow stores t, or now for a zero t.
func nanosOrNow(t time.Time) int64 {
	if t.IsZero() {
		return now()
	}
	return t.UnixNano()
}

// isConstraint reports whether err is an SQLite constraint violation of the given extended code.
func isConstraint(err error, code int) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == code
}

// isUnique reports whether err violated a primary key or unique index.
func isUnique(err error) bool {
	return isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) || isConstraint(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE)
}

// wrap passes domain errors through and wraps the rest with the operation's name.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *partnergraph.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("sqlitestore: %s: %w", op, err)
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// exists reports whether a row with the id is in the table (a fixed table name, never input).
func exists(ctx context.Context, q querier, table, id string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

// mustExist returns ENOTFOUND naming field unless the row exists.
func mustExist(ctx context.Context, q querier, table, kind, field, id string) error {
	ok, err := exists(ctx, q, table, id)
	if err != nil {
		return err
	}
	if !ok {
		return &partnergraph.Error{Code: partnergraph.ENOTFOUND, Field: field, Message: kind + " " + strconv.Quote(id) + " not found"}
	}
	return nil
}

// ref is a row that a write refers to, with the field of the caller's input that names it.
type ref struct{ table, kind, field, id string }

// explainForeignKey turns a foreign-key violation into ENOTFOUND naming the first of refs that
// is missing. Looking only after a failure, rather than before every write, keeps a write to
// one statement: an import of millions of edges spent a quarter of its time on the lookups.
func explainForeignKey(ctx context.Context, tx *txn, err error, refs ...ref) error {
	if !isConstraint(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) {
		return err
	}
	for _, r := range refs {
		if e := mustExist(ctx, tx, r.table, r.kind, r.field, r.id); e != nil {
			return e
		}
	}
	return err
}

// querier is what *sql.DB and txn have in common.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
