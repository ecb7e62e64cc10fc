package neo4jstore

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/storetest"
)

// testWipe empties a database for the next contract test, keeping the migration records.
var testWipe = stmt("test_wipe")

// TestContract runs the whole contract suite (storetest.Run) against the Neo4j server at
// NEO4J_URI. Every test of the suite gets a database WIPED of all its nodes: point
// NEO4J_DATABASE at a database that holds nothing you want to keep. NEO4J_DATABASE may list
// several databases separated by commas (Enterprise edition), so that a test can hold more
// than one empty store at a time.
func TestContract(t *testing.T) {
	open := contractStores(t)
	storetest.Run(t, func(t *testing.T) partnergraph.Store { return open(t) })
}

// contractStores skips the test unless NEO4J_URI is set, and returns a function that opens a
// store on an emptied database of NEO4J_DATABASE for each test of a suite.
func contractStores(t *testing.T) func(t *testing.T) *Store {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		skip(t, "NEO4J_URI not set: the Neo4j contract tests need a server (tools/neo4j/start.sh; see README)")
	}
	pool := newDatabasePool(os.Getenv("NEO4J_DATABASE"))
	return func(t *testing.T) *Store {
		t.Helper()
		db := pool.take(t)
		ctx := context.Background()
		s, err := Open(ctx, Config{
			URI:      uri,
			Username: os.Getenv("NEO4J_USERNAME"),
			Password: os.Getenv("NEO4J_PASSWORD"),
			Database: db,
		})
		if err != nil {
			pool.give(t, db)
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.Close()
			pool.give(t, db)
		})
		if err := exec(ctx, s, func(tx neo4j.ManagedTransaction) error {
			_, err := run(ctx, tx, testWipe, nil)
			return err
		}); err != nil {
			t.Fatalf("wipe database %q: %v", s.database, err)
		}
		return s
	}
}

// skip skips t with msg, except in CI (CI=true), where a Neo4j test that does not run fails
// the run: otherwise the suite could silently stop running against Neo4j.
func skip(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true: a Neo4j test may not skip: " + msg)
		return
	}
	t.Skip(msg)
}

// databasePool hands each test a database that no other running test holds.
type databasePool struct {
	mu   sync.Mutex
	free chan string
	held map[string]int // test name → databases it holds
}

func newDatabasePool(list string) *databasePool {
	names := strings.Split(list, ",")
	p := &databasePool{free: make(chan string, len(names)), held: map[string]int{}}
	for _, n := range names {
		p.free <- strings.TrimSpace(n)
	}
	return p
}

// take waits for a free database. A test that already holds one and finds none free is
// skipped, since waiting would never end.
func (p *databasePool) take(t *testing.T) string {
	t.Helper()
	select {
	case db := <-p.free:
		p.hold(t, 1)
		return db
	default:
	}
	p.mu.Lock()
	holds := p.held[t.Name()]
	p.mu.Unlock()
	if holds > 0 {
		skip(t, fmt.Sprintf("this test needs %d empty stores at once: list as many databases in NEO4J_DATABASE (Enterprise edition)", holds+1))
	}
	select {
	case db := <-p.free:
		p.hold(t, 1)
		return db
	case <-time.After(10 * time.Minute):
		t.Fatal("no Neo4j database came free in 10 minutes")
		return ""
	}
}

func (p *databasePool) give(t *testing.T, db string) {
	p.hold(t, -1)
	p.free <- db
}

func (p *databasePool) hold(t *testing.T, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held[t.Name()] += n
}

// TestOpenUnreachable checks that Open fails fast, naming the URI but not the password, when
// nothing listens at the address.
func TestOpenUnreachable(t *testing.T) {
	for _, uri := range []string{"bolt://127.0.0.1:1", "neo4j://127.0.0.1:1", "bolt://neo4j:s3cret@127.0.0.1:1"} {
		t.Run(uri, func(t *testing.T) {
			start := time.Now()
			s, err := Open(context.Background(), Config{URI: uri, Username: "neo4j", Password: "s3cret"})
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded against a closed port")
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("Open took %v to fail, want it to fail fast", took)
			}
			msg := err.Error()
			if !strings.Contains(msg, "127.0.0.1:1") || !strings.Contains(msg, "unreachable") {
				t.Errorf("error %q does not say which server is unreachable", msg)
			}
			if strings.Contains(msg, "s3cret") {
				t.Errorf("error %q reveals the password", msg)
			}
		})
	}
}

func TestOpenNoURI(t *testing.T) {
	if _, err := Open(context.Background(), Config{}); err == nil || !strings.Contains(err.Error(), "no URI") {
		t.Fatalf("Open without a URI: %v", err)
	}
}

// TestValidationBeforeCypher checks that bad input is refused before the store talks to the
// server: the store points at a closed port, so any Cypher would fail with a connection error
// instead of the EINVALID the test wants.
func TestValidationBeforeCypher(t *testing.T) {
	driver, err := neo4j.NewDriverWithContext("bolt://127.0.0.1:1", neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { driver.Close(context.Background()) })
	s := &Store{driver: driver, database: DefaultDatabase, txTimeout: time.Second, bookmarks: driver.ExecuteQueryBookmarkManager()}
	ctx := context.Background()
	flat := partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 100, Currency: "USD"}
	badRecord := func(yield func(partnergraph.Record, error) bool) {
		yield(partnergraph.Record{Line: 7, Trust: &partnergraph.Trust{From: "a", To: "a", Score: 0.5}}, nil)
	}
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"business name", func() error { return s.CreateBusiness(ctx, &partnergraph.Business{Name: " "}, "") }, "name"},
		{"owner sub", func() error { return s.AddOwner(ctx, "", "b1") }, "sub"},
		{"listing filter", func() error {
			_, err := s.Businesses(ctx, partnergraph.BusinessFilter{Statuses: []partnergraph.BusinessStatus{"NOPE"}}, partnergraph.Page{})
			return err
		}, "status"},
		{"listing near", func() error {
			_, err := s.Businesses(ctx, partnergraph.BusinessFilter{Near: &partnergraph.Near{RadiusKm: 0}}, partnergraph.Page{})
			return err
		}, "near.radiusKm"},
		{"page size", func() error {
			_, err := s.Businesses(ctx, partnergraph.BusinessFilter{}, partnergraph.Page{First: 101})
			return err
		}, "first"},
		{"business cursor", func() error {
			_, err := s.Businesses(ctx, partnergraph.BusinessFilter{}, partnergraph.Page{After: "garbage"})
			return err
		}, "after"},
		{"distance listing with a name cursor", func() error {
			after := cursor{Kind: byName, S: "A", ID: "a"}.encode()
			_, err := s.Businesses(ctx, partnergraph.BusinessFilter{Near: &partnergraph.Near{RadiusKm: 5}}, partnergraph.Page{After: after})
			return err
		}, "after"},
		{"service id", func() error { return s.PutService(ctx, partnergraph.Service{ID: "Bad Slug", Name: "x", Sector: "y"}) }, "id"},
		{"complement weight", func() error {
			return s.SetComplement(ctx, partnergraph.Complement{From: "a", To: "b", Weight: 2, Source: partnergraph.SourceCurated})
		}, "weight"},
		{"network visibility", func() error { return s.CreateNetwork(ctx, &partnergraph.Network{Name: "N", Visibility: "SECRET"}, "") }, "visibility"},
		{"network cursor", func() error { _, err := s.Networks(ctx, partnergraph.Page{After: "%%%"}); return err }, "after"},
		{"membership role", func() error {
			_, err := s.Join(ctx, partnergraph.Membership{BusinessID: "b", NetworkID: "n", Role: "BOSS"})
			return err
		}, "role"},
		{"membership cursor", func() error {
			_, err := s.Memberships(ctx, partnergraph.MembershipFilter{}, partnergraph.Page{After: "x"})
			return err
		}, "after"},
		{"trust score", func() error {
			_, err := s.SetTrust(ctx, partnergraph.Trust{From: "a", To: "b", Score: 1.5})
			return err
		}, "score"},
		{"trust direction", func() error {
			_, err := s.TrustEdges(ctx, partnergraph.TrustFilter{BusinessID: "a", Direction: "SIDEWAYS"}, partnergraph.Page{})
			return err
		}, "direction"},
		{"partnership terms", func() error {
			return s.CreatePartnership(ctx, &partnergraph.Partnership{ProposerID: "a", PartnerID: "b", Terms: partnergraph.FeeTerms{Type: partnergraph.FeeFlat, Currency: "USD"}})
		}, "terms.amount"},
		{"partnership self", func() error {
			return s.CreatePartnership(ctx, &partnergraph.Partnership{ProposerID: "a", PartnerID: "a", Terms: flat})
		}, "partnerId"},
		{"partnership status", func() error {
			_, err := s.SetPartnershipStatus(ctx, "p", nil, "MAYBE")
			return err
		}, "status"},
		{"partnership filter", func() error {
			_, err := s.Partnerships(ctx, partnergraph.PartnershipFilter{Status: "MAYBE"}, partnergraph.Page{})
			return err
		}, "status"},
		{"import record", func() error { _, err := s.Import(ctx, badRecord); return err }, ""},
		{"lead idempotency key", func() error {
			l := validLead()
			l.IdempotencyKey = "short"
			_, _, err := s.SubmitLead(ctx, l, nil, nil)
			return err
		}, "idempotencyKey"},
		{"lead offer expiry", func() error {
			_, _, err := s.SubmitLead(ctx, validLead(), []partnergraph.Offer{{BusinessID: "b"}}, nil)
			return err
		}, "offer.expiresAt"},
		{"lead event of another referrer", func() error {
			_, _, err := s.SubmitLead(ctx, validLead(), nil, []partnergraph.LeadEvent{{ReferrerID: "someone-else"}})
			return err
		}, "event.referrerId"},
		{"inbox size", func() error { _, err := s.Inbox(ctx, "b", 0, 0); return err }, "first"},
		{"lead events size", func() error { _, err := s.LeadEvents(ctx, "b", 0, partnergraph.MaxFeedSize+1); return err }, "first"},
		{"due offers time", func() error { _, err := s.DueOffers(ctx, time.Time{}, 10); return err }, "now"},
		{"due offers size", func() error { _, err := s.DueOffers(ctx, time.Now(), -1); return err }, "first"},
		{"transition from", func() error { return s.Apply(ctx, partnergraph.Transition{LeadID: "l"}) }, "leadFrom"},
		{"transition answer", func() error {
			return s.Apply(ctx, partnergraph.Transition{LeadID: "l", LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadOffered},
				Answer: []partnergraph.OfferAnswer{{OfferID: "o", Status: partnergraph.OfferPending}}})
		}, "answer.status"},
		{"transition value", func() error {
			return s.Apply(ctx, partnergraph.Transition{LeadID: "l", LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadAccepted}, ValueMinor: 100})
		}, "currency"},
		{"transition commission", func() error {
			return s.Apply(ctx, partnergraph.Transition{LeadID: "l", LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadAccepted},
				Commission: &partnergraph.Commission{PartnershipID: "p", PayerID: "a", PayeeID: "a", AmountMinor: 1, Currency: "USD"}})
		}, "commission.payeeId"},
		{"commission page size", func() error {
			_, err := s.Commissions(ctx, "b", partnergraph.Page{First: partnergraph.MaxPageSize + 1})
			return err
		}, "first"},
		{"commission cursor", func() error {
			_, err := s.Commissions(ctx, "b", partnergraph.Page{After: newestCursor(time.Now(), "p").encode()})
			return err
		}, "after"},
		{"purge recent keys", func() error { _, err := s.PurgeIdempotencyKeys(ctx, time.Now().Add(-time.Hour)); return err }, "before"},
		{"purge without a time", func() error { _, err := s.PurgeIdempotencyKeys(ctx, time.Time{}); return err }, "before"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			e, ok := err.(*partnergraph.Error)
			if !ok || e.Code != partnergraph.EINVALID || e.Field != c.field {
				t.Fatalf("error = %v (%T), want EINVALID naming %q", err, err, c.field)
			}
		})
	}
	t.Run("failed submit writes nothing back", func(t *testing.T) {
		l := validLead()
		offers := []partnergraph.Offer{{BusinessID: "b", ExpiresAt: time.Now()}, {BusinessID: "b"}}
		events := []partnergraph.LeadEvent{{Message: "submitted"}}
		if _, created, err := s.SubmitLead(ctx, l, offers, events); err == nil || created {
			t.Fatalf("SubmitLead = %v, %v; want an error", created, err)
		}
		if l.ID != "" || l.InputHash != "" || l.Status != "" || offers[0].ID != "" || offers[0].Status != "" || events[0].LeadID != "" {
			t.Fatalf("a failed SubmitLead wrote back %+v, %+v, %+v", l, offers, events)
		}
	})
	t.Run("failed transition writes nothing back", func(t *testing.T) {
		tr := partnergraph.Transition{LeadID: "l", LeadFrom: []partnergraph.LeadStatus{partnergraph.LeadAccepted},
			NewOffers:  []partnergraph.Offer{{BusinessID: "b", ExpiresAt: time.Now()}},
			Commission: &partnergraph.Commission{PartnershipID: "p", PayerID: "a", PayeeID: "a", Currency: "USD"}}
		if err := s.Apply(ctx, tr); err == nil {
			t.Fatal("Apply succeeded")
		}
		if tr.NewOffers[0].ID != "" || tr.NewOffers[0].LeadID != "" || tr.Commission.ID != "" {
			t.Fatalf("a failed Apply wrote back %+v, %+v", tr.NewOffers[0], tr.Commission)
		}
	})
	t.Run("import names the line", func(t *testing.T) {
		_, err := s.Import(ctx, badRecord)
		if err == nil || !strings.HasPrefix(err.Error(), "line 7:") {
			t.Fatalf("error = %v, want it to name line 7", err)
		}
	})
}

// validLead is a lead that passes Validate.
func validLead() *partnergraph.Lead {
	return &partnergraph.Lead{
		IdempotencyKey: "key-00000001", ReferrerID: "ref", ServiceID: "tyres",
		Location: partnergraph.Point{Lat: 39.8, Lng: -89.6},
		Customer: partnergraph.Customer{Name: "Pat Doe", Email: "pat@example.com"},
		Consent:  partnergraph.Consent{Text: "I agree that my details go to one partner", GivenAt: time.Now().Add(-time.Hour)},
	}
}

// recordingTB records how a test ended, to check skip without ending the real test.
type recordingTB struct {
	testing.TB
	fatal, skipped bool
}

func (r *recordingTB) Helper()           {}
func (r *recordingTB) Fatal(args ...any) { r.fatal = true }
func (r *recordingTB) Skip(args ...any)  { r.skipped = true }

// TestSkipFailsInCI checks that with CI=true a Neo4j test that would skip fails instead.
func TestSkipFailsInCI(t *testing.T) {
	for _, c := range []struct {
		ci          string
		fatal, skip bool
	}{{"true", true, false}, {"", false, true}} {
		t.Setenv("CI", c.ci)
		r := &recordingTB{TB: t}
		skip(r, "no server")
		if r.fatal != c.fatal || r.skipped != c.skip {
			t.Errorf("CI=%q: fatal %v, skipped %v; want fatal %v, skipped %v", c.ci, r.fatal, r.skipped, c.fatal, c.skip)
		}
	}
}
