package trustgraph_test

import (
	"context"
	"testing"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
	"github.com/partnergraph/partnergraph/trustgraph"
)

var ctx = context.Background()

// fixture is a service over an empty store with three businesses (c suspended) and two
// services.
type fixture struct {
	store   *sqlitestore.Store
	svc     *trustgraph.Service
	a, b, c *partnergraph.Business
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s, err := sqlitestore.Open(ctx, sqlitestore.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &fixture{store: s, svc: trustgraph.New(s)}
	for _, p := range []**partnergraph.Business{&f.a, &f.b, &f.c} {
		b := &partnergraph.Business{Name: "Business", Location: partnergraph.Point{Lat: 39.8, Lng: -89.6}}
		must(t, s.CreateBusiness(ctx, b, ""))
		*p = b
	}
	suspended := partnergraph.BusinessSuspended
	f.c, err = s.UpdateBusiness(ctx, f.c.ID, partnergraph.BusinessPatch{Status: &suspended})
	must(t, err)
	for _, id := range []string{"tyres", "towing"} {
		must(t, s.PutService(ctx, partnergraph.Service{ID: id, Name: id, Sector: "auto"}))
	}
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code partnergraph.Code, field string) {
	t.Helper()
	if got := partnergraph.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want code %q", err, got, code)
	}
	if e, ok := err.(*partnergraph.Error); field != "" && (!ok || e.Field != field) {
		t.Fatalf("error %v does not name %q", err, field)
	}
}

var terms = partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 5000, Currency: "USD"}

func TestProposeToSuspendedPartner(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.Propose(ctx, f.a, f.c, terms, "")
	wantCode(t, err, partnergraph.EINVALID, "partnerId")
	ps, err := f.store.Partnerships(ctx, partnergraph.PartnershipFilter{BusinessID: f.a.ID}, partnergraph.Page{})
	must(t, err)
	if len(ps.Items) != 0 {
		t.Fatalf("a proposal to a suspended business was written: %+v", ps.Items[0])
	}
	p, err := f.svc.Propose(ctx, f.a, f.b, terms, "hello")
	must(t, err)
	if p.ID == "" || p.Status != partnergraph.PartnershipProposed || p.ProposerID != f.a.ID || p.PartnerID != f.b.ID || p.Message != "hello" {
		t.Fatalf("proposal = %+v", p)
	}
}

// TestPartnershipLifecycle walks every move from every status through the store: what the
// transition table allows happens, the rest is CONFLICT (from the wrong status) or FORBIDDEN
// (never allowed to that side), and changes nothing.
func TestPartnershipLifecycle(t *testing.T) {
	type step struct {
		name     string
		do       func(s *trustgraph.Service, id string) (*partnergraph.Partnership, error)
		wantCode partnergraph.Code
		want     partnergraph.PartnershipStatus // the status after the step
	}
	accept := func(s *trustgraph.Service, id string) (*partnergraph.Partnership, error) {
		return s.Respond(ctx, id, true)
	}
	decline := func(s *trustgraph.Service, id string) (*partnergraph.Partnership, error) {
		return s.Respond(ctx, id, false)
	}
	endBy := func(by partnergraph.PartnershipParty) func(s *trustgraph.Service, id string) (*partnergraph.Partnership, error) {
		return func(s *trustgraph.Service, id string) (*partnergraph.Partnership, error) { return s.End(ctx, id, by) }
	}
	const (
		proposed = partnergraph.PartnershipProposed
		active   = partnergraph.PartnershipActive
		declined = partnergraph.PartnershipDeclined
		ended    = partnergraph.PartnershipEnded
	)
	tests := []struct {
		name  string
		steps []step
	}{
		{"accepted then ended by the partner", []step{
			{"accept", accept, "", active},
			{"accept again", accept, partnergraph.ECONFLICT, active},
			{"decline once active", decline, partnergraph.ECONFLICT, active},
			{"partner ends", endBy(partnergraph.PartyPartner), "", ended},
			{"proposer ends again", endBy(partnergraph.PartyProposer), partnergraph.ECONFLICT, ended},
			{"accept once ended", accept, partnergraph.ECONFLICT, ended},
		}},
		{"accepted then ended by the proposer", []step{
			{"accept", accept, "", active},
			{"proposer ends", endBy(partnergraph.PartyProposer), "", ended},
		}},
		{"declined", []step{
			{"decline", decline, "", declined},
			{"accept once declined", accept, partnergraph.ECONFLICT, declined},
			{"proposer ends once declined", endBy(partnergraph.PartyProposer), partnergraph.ECONFLICT, declined},
		}},
		{"withdrawn by the proposer", []step{
			{"partner cannot end a proposal", endBy(partnergraph.PartyPartner), partnergraph.ECONFLICT, proposed},
			{"proposer withdraws", endBy(partnergraph.PartyProposer), "", ended},
			{"accept once withdrawn", accept, partnergraph.ECONFLICT, ended},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			p, err := f.svc.Propose(ctx, f.a, f.b, terms, "")
			must(t, err)
			for _, st := range tc.steps {
				_, err := st.do(f.svc, p.ID)
				if got := partnergraph.ErrorCode(err); got != st.wantCode {
					t.Fatalf("%s: error %v (code %q), want code %q", st.name, err, got, st.wantCode)
				}
				got, err := f.store.Partnership(ctx, p.ID)
				must(t, err)
				if got.Status != st.want {
					t.Fatalf("%s: status %s, want %s", st.name, got.Status, st.want)
				}
			}
		})
	}
	f := newFixture(t)
	_, err := f.svc.Respond(ctx, "no-such-partnership", true)
	wantCode(t, err, partnergraph.ENOTFOUND, "")
}

func TestSetTrustSource(t *testing.T) {
	tests := []struct {
		name    string
		asAdmin bool
		want    partnergraph.Source
	}{
		{"a member's own edge", false, partnergraph.SourceMember},
		{"an admin's edge for a business it does not own overrides", true, partnergraph.SourceAdmin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			// The source the caller asks for does not count: who sets the edge decides it.
			got, err := f.svc.SetTrust(ctx, partnergraph.Trust{From: f.a.ID, To: f.b.ID, Score: 0.7, Source: partnergraph.SourceOutcome}, tc.asAdmin)
			must(t, err)
			stored, err := f.store.TrustEdge(ctx, f.a.ID, f.b.ID)
			must(t, err)
			if got.Source != tc.want || stored.Source != tc.want || stored.Score != 0.7 {
				t.Fatalf("SetTrust = %+v, stored %+v; want source %s", got, stored, tc.want)
			}
		})
	}
}

func TestSetComplement(t *testing.T) {
	f := newFixture(t)
	complements := func() []partnergraph.Complement {
		t.Helper()
		cs, err := f.store.Complements(ctx)
		must(t, err)
		return cs
	}
	c, err := f.svc.SetComplement(ctx, "tyres", "towing", 0.4)
	must(t, err)
	if c == nil || c.Weight != 0.4 || c.Source != partnergraph.SourceCurated {
		t.Fatalf("SetComplement = %+v", c)
	}
	if cs := complements(); len(cs) != 1 || cs[0] != *c {
		t.Fatalf("complements = %+v", cs)
	}
	// Weight 0 removes it, and removing it again is no error.
	for range 2 {
		c, err = f.svc.SetComplement(ctx, "tyres", "towing", 0)
		must(t, err)
		if c != nil {
			t.Fatalf("weight 0 returned %+v, want nil", c)
		}
		if cs := complements(); len(cs) != 0 {
			t.Fatalf("weight 0 left %+v", cs)
		}
	}
	_, err = f.svc.SetComplement(ctx, "tyres", "tyres", 0.5)
	wantCode(t, err, partnergraph.EINVALID, "to")
	_, err = f.svc.SetComplement(ctx, "tyres", "towing", 1.5)
	wantCode(t, err, partnergraph.EINVALID, "weight")
	_, err = f.svc.SetComplement(ctx, "tyres", "unicorns", 0.5)
	wantCode(t, err, partnergraph.ENOTFOUND, "")
}
