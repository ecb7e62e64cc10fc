// Package neo4jstore is the Neo4j implementation of partnergraph.Store, for deployments that
// outgrow the embedded SQLite store. Its Cypher lives in embedded .cypher files (cypher/ and
// migrations/), checked offline by tools/cypherlint. The graph model, the time and cursor
// encodings and how to run the contract tests are in README.md beside this file.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/partnergraph/partnergraph"
)

// Config says where the Neo4j database is and how long a transaction may run.
type Config struct {
	URI      string // neo4j://host:7687 (routing, for clusters and Aura) or bolt://host:7687 (one server)
	Username string
	Password string
	Database string // "" means DefaultDatabase
	// TxTimeout bounds every transaction on the server; 0 means DefaultTxTimeout. Import commits
	// a transaction per batch of records, each bounded by TxTimeout.
	TxTimeout time.Duration
	// ImportProgress, if not nil, is called after each batch that Import commits, with the
	// records written so far and the import's total: a large load writes for minutes.
	ImportProgress func(written, total int)
}

// Defaults for a zero Config field.
const (
	DefaultDatabase  = "neo4j"
	DefaultTxTimeout = 30 * time.Second
)

// connectTimeout bounds the connectivity check of Open when ctx has no deadline of its own.
const connectTimeout = 15 * time.Second

// Store is a partnergraph.Store on one Neo4j database. It is safe for concurrent use.
type Store struct {
	driver    neo4j.DriverWithContext
	database  string
	txTimeout time.Duration
	// importProgress is Config.ImportProgress.
	importProgress func(written, total int)
	// importBatchSize is the records per import transaction: importBatchSize when zero, fewer
	// in tests that stop an import part way.
	importBatchSize int
	// bookmarks chains every session of this Store causally, so that a read sees every write
	// this process made before it, even when a cluster routes the read to another member.
	bookmarks neo4j.BookmarkManager
	// seqs reserves the seqs of numbered writes, batching the writes that wait together
	// (seqs.go).
	seqs seqBatcher
	// submits writes the lead submissions that wait together in one transaction (submit.go).
	submits batcher[*submission]
	// businessReads, offerCountReads and serviceReads share one read among the concurrent
	// calls of BusinessesByID, OffersSince and Services (readgroup.go).
	businessReads   readGroup[[]string, map[string]*partnergraph.Business]
	offerCountReads readGroup[offersSince, map[string]int]
	serviceReads    readGroup[struct{}, []partnergraph.Service]
	// origin names this handle in the changes it writes (Origin).
	origin string
}

var _ partnergraph.Store = (*Store)(nil)

// Open connects to Neo4j, checks that the server answers and accepts the credentials, and
// applies the schema migrations. The error names the URI (never the password) when the server
// cannot be reached or refuses the login.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, errors.New("neo4jstore: open: no URI (e.g. neo4j://localhost:7687)")
	}
	where := redact(cfg.URI)
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.Username, cfg.Password, ""), func(c *config.Config) {
		c.SocketConnectTimeout = 5 * time.Second
		c.ConnectionAcquisitionTimeout = connectTimeout
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: open %s: %w", where, err)
	}
	s := &Store{
		driver:         driver,
		database:       cfg.Database,
		txTimeout:      cfg.TxTimeout,
		importProgress: cfg.ImportProgress,
		bookmarks:      driver.ExecuteQueryBookmarkManager(),
		origin:         partnergraph.NewID(),
	}
	s.seqs.s = s
	if s.database == "" {
		s.database = DefaultDatabase
	}
	if s.txTimeout <= 0 {
		s.txTimeout = DefaultTxTimeout
	}
	if err := s.verify(ctx, where, cfg.Username); err != nil {
		driver.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		driver.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// verify fails fast, with an error that says what to fix, when the server is not there or
// refuses the credentials.
func (s *Store) verify(ctx context.Context, where, user string) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, connectTimeout)
		defer cancel()
	}
	err := s.driver.VerifyConnectivity(ctx)
	if err == nil {
		return nil
	}
	var dbErr *neo4j.Neo4jError
	if errors.As(err, &dbErr) && dbErr.Category() == "Security" {
		return fmt.Errorf("neo4jstore: connect to %s as %q: credentials rejected: %w", where, user, err)
	}
	return fmt.Errorf("neo4jstore: connect to %s: server unreachable: %w", where, err)
}

// redact returns uri without any password it may carry, for error messages and logs.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	return u.Redacted()
}

// Close releases the driver's connections.
func (s *Store) Close() error {
	return s.driver.Close(context.Background())
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName:    s.database,
		AccessMode:      mode,
		BookmarkManager: s.bookmarks,
	})
}

// read runs work in a managed read transaction, routed to a reader of the cluster. The driver
// retries transient failures, so work may run more than once and must only read.
func read[T any](ctx context.Context, s *Store, work neo4j.ManagedTransactionWorkT[T]) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	// The result is already in hand; a failure to hand the connection back changes nothing.
	defer sess.Close(context.WithoutCancel(ctx))
	return neo4j.ExecuteRead(ctx, sess, work, neo4j.WithTxTimeout(s.txTimeout))
}

// write runs work in a managed write transaction on the leader, bounded by timeout on the
// server. The driver retries transient failures (deadlocks, leader changes), so work may run
// more than once: it keeps no state between runs.
func write[T any](ctx context.Context, s *Store, timeout time.Duration, work neo4j.ManagedTransactionWorkT[T]) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.WithoutCancel(ctx))
	return neo4j.ExecuteWrite(ctx, sess, work, neo4j.WithTxTimeout(timeout))
}

// exec is write for work that returns nothing.
func exec(ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) error) error {
	_, err := write(ctx, s, s.txTimeout, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, work(tx)
	})
	return err
}

// wrap prefixes err with the operation, except for domain errors, which go back to the caller
// bare (the API and the contract suite read their code and field from the *partnergraph.Error
// itself).
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *partnergraph.Error
	if errors.As(err, &e) {
		return e
	}
	return fmt.Errorf("neo4jstore: %s: %w", op, err)
}

// isConstraintViolation reports whether err is Neo4j refusing a write that would break a
// uniqueness constraint.
func isConstraintViolation(err error) bool {
	var dbErr *neo4j.Neo4jError
	return errors.As(err, &dbErr) && dbErr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed"
}

// notFound is the ENOTFOUND error for a referenced object, naming the input field.
func notFound(field, kind, id string) error {
	return &partnergraph.Error{Code: partnergraph.ENOTFOUND, Field: field, Message: fmt.Sprintf("%s %q not found", kind, id)}
}

// now is the time stored for "now": UTC, without the monotonic clock reading.
func now() time.Time { return time.Now().UTC() }

// orNow returns t in UTC, or now if t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return t.UTC()
}
