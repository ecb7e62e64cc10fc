// Package storetest is the contract suite that every partnergraph.Store must pass, so that the
// embedded SQLite store and the Neo4j store behave the same to the rest of the code.
package storetest

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Run runs the whole contract suite: the graph, token revocations, and leads with their races
// and their erasure.
// It is the suite's only entry point, so that a store cannot pass part of it. open must return
// a new, empty store for each call.
func Run(t *testing.T, open func(t *testing.T) partnergraph.Store) {
	for _, tc := range storeTests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
	for _, tc := range leadTests {
		t.Run("Lead"+tc.name, func(t *testing.T) { tc.fn(t, newLeadFixture(t, open(t))) })
	}
	for _, tc := range erasureTests {
		t.Run("Lead"+tc.name, func(t *testing.T) { tc.fn(t, newLeadFixture(t, open(t))) })
	}
	for _, tc := range returnTests {
		t.Run("Return"+tc.name, func(t *testing.T) { tc.fn(t, newLeadFixture(t, open(t))) })
	}
	for _, tc := range healthTests {
		t.Run("Health"+tc.name, func(t *testing.T) { tc.fn(t, newLeadFixture(t, open(t))) })
	}
}

// storeTests are the contract of the graph part of partnergraph.Store and of its token
// revocations; each gets a new store.
var storeTests = []struct {
	name string
	fn   func(t *testing.T, s partnergraph.Store)
}{
	{"BusinessCreateAndFind", testBusinessCreateAndFind},
	{"BusinessInvalid", testBusinessInvalid},
	{"BusinessUpdate", testBusinessUpdate},
	{"BusinessListing", testBusinessListing},
	{"BusinessSearchAndFilters", testBusinessSearchAndFilters},
	{"BusinessNear", testBusinessNear},
	{"BusinessServices", testBusinessServices},
	{"Owners", testOwners},
	{"ServicesAndComplements", testServicesAndComplements},
	{"Networks", testNetworks},
	{"Memberships", testMemberships},
	{"Trust", testTrust},
	{"TrustListing", testTrustListing},
	{"Partnerships", testPartnerships},
	{"PartnershipOnePerPair", testPartnershipOnePerPair},
	{"PartnershipListing", testPartnershipListing},
	{"ParallelWriters", testParallelWriters},
	{"ImportExportRoundTrip", testImportExportRoundTrip},
	{"ImportAtomic", testImportAtomic},
	{"ImportAgainFinishes", testImportAgainFinishes},
	{"TokenRevocations", testTokenRevocations},
	{"FittedWeights", testFittedWeights},
	{"ChangesEveryWrite", testChangesEveryWrite},
	{"ChangesPaging", testChangesPaging},
	{"ChangesTrim", testChangesTrim},
	{"ChangesConcurrent", testChangesConcurrent},
}

var ctx = context.Background()

// wantCode fails unless err carries the code (and, if field is not "", names that field).
func wantCode(t *testing.T, err error, code partnergraph.Code, field string) {
	t.Helper()
	if got := partnergraph.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
	if field == "" {
		return
	}
	e, _ := err.(*partnergraph.Error)
	if e == nil || e.Field != field {
		t.Fatalf("error %v names field %q, want %q", err, fieldOf(err), field)
	}
}

func fieldOf(err error) string {
	if e, ok := err.(*partnergraph.Error); ok {
		return e.Field
	}
	return ""
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newBusiness(name string, lat, lng float64) *partnergraph.Business {
	return &partnergraph.Business{Name: name, Description: name + " serves the town", Location: partnergraph.Point{Lat: lat, Lng: lng}, City: "Springfield", Country: "US"}
}

// addBusiness creates a business and fails the test on error.
func addBusiness(t *testing.T, s partnergraph.Store, name string, lat, lng float64) *partnergraph.Business {
	t.Helper()
	b := newBusiness(name, lat, lng)
	must(t, s.CreateBusiness(ctx, b, ""))
	return b
}

func addServices(t *testing.T, s partnergraph.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		must(t, s.PutService(ctx, partnergraph.Service{ID: id, Name: id, Sector: "auto"}))
	}
}

// collect pages through a listing with page size n and returns every item.
func collect[T any](t *testing.T, n int, list func(p partnergraph.Page) (partnergraph.Slice[T], error)) []T {
	t.Helper()
	var all []T
	p := partnergraph.Page{First: n}
	for i := 0; ; i++ {
		if i > 1000 {
			t.Fatal("listing does not end")
		}
		got, err := list(p)
		must(t, err)
		if len(got.Items) != len(got.Cursors) {
			t.Fatalf("%d items but %d cursors", len(got.Items), len(got.Cursors))
		}
		if len(got.Items) > n {
			t.Fatalf("page has %d items, asked for %d", len(got.Items), n)
		}
		if got.HasNext && len(got.Items) != n {
			t.Fatalf("HasNext with a short page of %d", len(got.Items))
		}
		all = append(all, got.Items...)
		if !got.HasNext {
			return all
		}
		p.After = got.Cursors[len(got.Cursors)-1]
	}
}

func ids(bs []*partnergraph.Business) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.ID
	}
	return out
}

func names(bs []*partnergraph.Business) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Name
	}
	return out
}

func testBusinessCreateAndFind(t *testing.T, s partnergraph.Store) {
	b := newBusiness("Dave's Collision", 39.8, -89.65)
	b.Website, b.Phone, b.Email = "https://daves.example", "+1 217 555 0100", "dave@daves.example"
	must(t, s.CreateBusiness(ctx, b, "user-dave"))
	if b.ID == "" || b.CreatedAt.IsZero() {
		t.Fatalf("CreateBusiness did not set id and createdAt: %+v", b)
	}
	if b.Status != partnergraph.BusinessActive || b.DailyLeadCap != partnergraph.DefaultDailyLeadCap || b.ServiceRadiusKm != partnergraph.DefaultServiceRadiusKm {
		t.Fatalf("defaults not filled: %+v", b)
	}
	got, err := s.Business(ctx, b.ID)
	must(t, err)
	if got.Name != b.Name || got.Email != b.Email || got.Location != b.Location || !got.CreatedAt.Equal(b.CreatedAt) || got.Status != b.Status {
		t.Fatalf("Business = %+v, want %+v", got, b)
	}
	_, err = s.Business(ctx, "missing")
	wantCode(t, err, partnergraph.ENOTFOUND, "")

	dup := newBusiness("Other", 1, 1)
	dup.ID = b.ID
	wantCode(t, s.CreateBusiness(ctx, dup, ""), partnergraph.ECONFLICT, "")

	byID, err := s.BusinessesByID(ctx, []string{b.ID, "missing"})
	must(t, err)
	if len(byID) != 1 || byID[b.ID] == nil || byID[b.ID].Name != b.Name {
		t.Fatalf("BusinessesByID = %v", byID)
	}
	owned, err := s.OwnedBy(ctx, "user-dave")
	must(t, err)
	if !slices.Equal(owned, []string{b.ID}) {
		t.Fatalf("OwnedBy = %v, want [%s]", owned, b.ID)
	}
}

func testBusinessInvalid(t *testing.T, s partnergraph.Store) {
	cases := []struct {
		name  string
		edit  func(b *partnergraph.Business)
		field string
	}{
		{"empty name", func(b *partnergraph.Business) { b.Name = "  " }, "name"},
		{"latitude", func(b *partnergraph.Business) { b.Location.Lat = 91 }, "location.lat"},
		{"longitude", func(b *partnergraph.Business) { b.Location.Lng = -181 }, "location.lng"},
		{"email", func(b *partnergraph.Business) { b.Email = "not-an-email" }, "email"},
		{"phone", func(b *partnergraph.Business) { b.Phone = "call me" }, "phone"},
		{"website", func(b *partnergraph.Business) { b.Website = "javascript:alert(1)" }, "website"},
		{"country", func(b *partnergraph.Business) { b.Country = "usa" }, "country"},
		{"status", func(b *partnergraph.Business) { b.Status = "GONE" }, "status"},
		{"lead cap", func(b *partnergraph.Business) { b.DailyLeadCap = -1 }, "dailyLeadCap"},
		{"id", func(b *partnergraph.Business) { b.ID = "a b" }, "id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBusiness("Valid", 1, 1)
			c.edit(b)
			wantCode(t, s.CreateBusiness(ctx, b, ""), partnergraph.EINVALID, c.field)
		})
	}
	all := collect(t, 10, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
		return s.Businesses(ctx, partnergraph.BusinessFilter{}, p)
	})
	if len(all) != 0 {
		t.Fatalf("invalid creates stored %d businesses", len(all))
	}
}

func testBusinessUpdate(t *testing.T, s partnergraph.Store) {
	b := addBusiness(t, s, "Mike's Tyre", 39.8, -89.6)
	name, verified, status := "Mike's Tyre & Wheel", true, partnergraph.BusinessSuspended
	got, err := s.UpdateBusiness(ctx, b.ID, partnergraph.BusinessPatch{Name: &name, Verified: &verified, Status: &status})
	must(t, err)
	if got.Name != name || !got.Verified || got.Status != status || got.Description != b.Description {
		t.Fatalf("UpdateBusiness = %+v", got)
	}
	again, err := s.Business(ctx, b.ID)
	must(t, err)
	if again.Name != name || !again.Verified || again.Status != status {
		t.Fatalf("update not stored: %+v", again)
	}
	bad := "x@"
	_, err = s.UpdateBusiness(ctx, b.ID, partnergraph.BusinessPatch{Email: &bad, Name: &b.Name})
	wantCode(t, err, partnergraph.EINVALID, "email")
	again, _ = s.Business(ctx, b.ID)
	if again.Name != name {
		t.Fatal("a failed update changed the business")
	}
	_, err = s.UpdateBusiness(ctx, "missing", partnergraph.BusinessPatch{Name: &name})
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	// Search sees the new name.
	found, err := s.Businesses(ctx, partnergraph.BusinessFilter{Search: "wheel"}, partnergraph.Page{})
	must(t, err)
	if len(found.Items) != 1 {
		t.Fatalf("search after rename found %v", names(found.Items))
	}
}

func testBusinessListing(t *testing.T, s partnergraph.Store) {
	var want []string
	for i := 0; i < 25; i++ {
		b := addBusiness(t, s, fmt.Sprintf("Business %02d", 24-i), 1, 1)
		want = append([]string{b.ID}, want...)
	}
	for _, n := range []int{1, 7, 25, 100} {
		got := collect(t, n, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
			return s.Businesses(ctx, partnergraph.BusinessFilter{}, p)
		})
		if !slices.Equal(ids(got), want) {
			t.Fatalf("page size %d: got %v, want %v (by name)", n, names(got), want)
		}
	}
	first, err := s.Businesses(ctx, partnergraph.BusinessFilter{}, partnergraph.Page{})
	must(t, err)
	if len(first.Items) != partnergraph.DefaultPageSize || !first.HasNext {
		t.Fatalf("default page: %d items, hasNext %v", len(first.Items), first.HasNext)
	}
	for _, n := range []int{-1, 101} {
		_, err := s.Businesses(ctx, partnergraph.BusinessFilter{}, partnergraph.Page{First: n})
		wantCode(t, err, partnergraph.EINVALID, "first")
	}
	_, err = s.Businesses(ctx, partnergraph.BusinessFilter{}, partnergraph.Page{First: 5, After: "not a cursor!"})
	wantCode(t, err, partnergraph.EINVALID, "after")
	// The last page after the last cursor is empty.
	last := first.Cursors[len(first.Cursors)-1]
	rest, err := s.Businesses(ctx, partnergraph.BusinessFilter{}, partnergraph.Page{First: 100, After: last})
	must(t, err)
	if len(rest.Items) != 5 || rest.HasNext {
		t.Fatalf("after page 1: %d items, hasNext %v", len(rest.Items), rest.HasNext)
	}
	end, err := s.Businesses(ctx, partnergraph.BusinessFilter{}, partnergraph.Page{First: 5, After: rest.Cursors[4]})
	must(t, err)
	if len(end.Items) != 0 || end.HasNext {
		t.Fatalf("past the end: %d items", len(end.Items))
	}
}

func testBusinessSearchAndFilters(t *testing.T, s partnergraph.Store) {
	addServices(t, s, "tyres", "collision-repair", "towing")
	dave := addBusiness(t, s, "Dave's Collision", 39.80, -89.65)
	mike := addBusiness(t, s, "Mike's Tyre", 39.81, -89.64)
	cafe := addBusiness(t, s, "Café Zoë", 39.82, -89.63)
	tow := newBusiness("Springfield Towing", 39.79, -89.66)
	tow.Description = "24 hour recovery and roadside help"
	tow.Status = partnergraph.BusinessSuspended
	must(t, s.CreateBusiness(ctx, tow, ""))
	must(t, s.SetBusinessServices(ctx, dave.ID, []string{"collision-repair"}))
	must(t, s.SetBusinessServices(ctx, mike.ID, []string{"tyres"}))
	must(t, s.SetBusinessServices(ctx, tow.ID, []string{"towing", "collision-repair"}))
	n := &partnergraph.Network{Name: "Springfield Chamber"}
	must(t, s.CreateNetwork(ctx, n, dave.ID))
	_, err := s.Join(ctx, partnergraph.Membership{BusinessID: mike.ID, NetworkID: n.ID})
	must(t, err)

	cases := []struct {
		name string
		f    partnergraph.BusinessFilter
		want []string
	}{
		{"search name", partnergraph.BusinessFilter{Search: "dave"}, []string{dave.ID}},
		{"search prefix, any case", partnergraph.BusinessFilter{Search: "COLL"}, []string{dave.ID}},
		{"search description", partnergraph.BusinessFilter{Search: "roadside"}, []string{tow.ID}},
		{"search all words", partnergraph.BusinessFilter{Search: "roadside dave"}, nil},
		{"search operators are text", partnergraph.BusinessFilter{Search: `dave" * ( ^ -`}, []string{dave.ID}},
		{"search OR is a word", partnergraph.BusinessFilter{Search: "dave OR mike"}, nil},
		{"search folds accents", partnergraph.BusinessFilter{Search: "cafe zoe"}, []string{cafe.ID}},
		{"search folds accents typed", partnergraph.BusinessFilter{Search: "CAFÉ Zoë"}, []string{cafe.ID}},
		{"search with a common word", partnergraph.BusinessFilter{Search: "the café"}, []string{cafe.ID}},
		{"service", partnergraph.BusinessFilter{Services: []string{"collision-repair"}}, []string{dave.ID, tow.ID}},
		{"services any of", partnergraph.BusinessFilter{Services: []string{"tyres", "towing"}}, []string{mike.ID, tow.ID}},
		{"network", partnergraph.BusinessFilter{NetworkID: n.ID}, []string{dave.ID, mike.ID}},
		{"status", partnergraph.BusinessFilter{Statuses: []partnergraph.BusinessStatus{partnergraph.BusinessSuspended}}, []string{tow.ID}},
		{"combined", partnergraph.BusinessFilter{Services: []string{"collision-repair"}, Statuses: []partnergraph.BusinessStatus{partnergraph.BusinessActive}}, []string{dave.ID}},
		{"unknown service", partnergraph.BusinessFilter{Services: []string{"florist"}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := collect(t, 2, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
				return s.Businesses(ctx, c.f, p)
			})
			if !slices.Equal(ids(got), c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Fatalf("got %v, want %v", names(got), c.want)
			}
		})
	}
	_, err = s.Businesses(ctx, partnergraph.BusinessFilter{Statuses: []partnergraph.BusinessStatus{"NOPE"}}, partnergraph.Page{})
	wantCode(t, err, partnergraph.EINVALID, "status")
}

func testBusinessNear(t *testing.T, s partnergraph.Store) {
	center := partnergraph.Point{Lat: 39.80, Lng: -89.65}
	near := addBusiness(t, s, "Z Near", 39.801, -89.651)      // ~0.14 km
	mid := addBusiness(t, s, "A Mid", 39.85, -89.65)          // ~5.6 km
	far := addBusiness(t, s, "M Far", 39.80+0.3, -89.65)      // ~33 km
	addBusiness(t, s, "Other Town", 41.0, -87.0)              // ~260 km
	same := addBusiness(t, s, "Y Same Spot", 39.801, -89.651) // ties with near: ordered by id
	want := []string{near.ID, same.ID}
	if same.ID < near.ID {
		want = []string{same.ID, near.ID}
	}
	want = append(want, mid.ID, far.ID)
	got := collect(t, 1, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
		return s.Businesses(ctx, partnergraph.BusinessFilter{Near: &partnergraph.Near{Point: center, RadiusKm: 50}}, p)
	})
	if !slices.Equal(ids(got), want) {
		t.Fatalf("near 50 km: got %v, want nearest first %v", names(got), want)
	}
	got = collect(t, 10, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
		return s.Businesses(ctx, partnergraph.BusinessFilter{Near: &partnergraph.Near{Point: center, RadiusKm: 6}}, p)
	})
	if len(got) != 3 {
		t.Fatalf("near 6 km: got %v, want 3", names(got))
	}
	for _, bad := range []partnergraph.Near{{Point: center, RadiusKm: 0}, {Point: partnergraph.Point{Lat: 100}, RadiusKm: 5}} {
		_, err := s.Businesses(ctx, partnergraph.BusinessFilter{Near: &bad}, partnergraph.Page{})
		wantCode(t, err, partnergraph.EINVALID, "")
	}
}

func testBusinessServices(t *testing.T, s partnergraph.Store) {
	addServices(t, s, "tyres", "towing")
	b := addBusiness(t, s, "Mike's Tyre", 1, 1)
	must(t, s.SetBusinessServices(ctx, b.ID, []string{"towing", "tyres", "tyres"}))
	got, err := s.ServicesOf(ctx, []string{b.ID, "missing"})
	must(t, err)
	if !slices.Equal(got[b.ID], []string{"towing", "tyres"}) || len(got["missing"]) != 0 {
		t.Fatalf("ServicesOf = %v", got)
	}
	wantCode(t, s.SetBusinessServices(ctx, b.ID, []string{"tyres", "florist"}), partnergraph.ENOTFOUND, "services")
	got, _ = s.ServicesOf(ctx, []string{b.ID})
	if !slices.Equal(got[b.ID], []string{"towing", "tyres"}) {
		t.Fatalf("a failed SetBusinessServices changed services: %v", got)
	}
	wantCode(t, s.SetBusinessServices(ctx, "missing", []string{"tyres"}), partnergraph.ENOTFOUND, "")
	must(t, s.SetBusinessServices(ctx, b.ID, nil))
	got, _ = s.ServicesOf(ctx, []string{b.ID})
	if len(got[b.ID]) != 0 {
		t.Fatalf("services not cleared: %v", got)
	}
}

func testOwners(t *testing.T, s partnergraph.Store) {
	a := addBusiness(t, s, "A", 1, 1)
	b := addBusiness(t, s, "B", 1, 1)
	must(t, s.AddOwner(ctx, "user-1", b.ID))
	must(t, s.AddOwner(ctx, "user-1", a.ID))
	must(t, s.AddOwner(ctx, "user-1", a.ID)) // idempotent
	got, err := s.OwnedBy(ctx, "user-1")
	must(t, err)
	want := []string{a.ID, b.ID}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("OwnedBy = %v, want %v", got, want)
	}
	none, err := s.OwnedBy(ctx, "nobody")
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("OwnedBy(nobody) = %v", none)
	}
	wantCode(t, s.AddOwner(ctx, "user-1", "missing"), partnergraph.ENOTFOUND, "")
	wantCode(t, s.AddOwner(ctx, "", a.ID), partnergraph.EINVALID, "sub")
}

func testServicesAndComplements(t *testing.T, s partnergraph.Store) {
	must(t, s.PutService(ctx, partnergraph.Service{ID: "tyres", Name: "Tyres", Sector: "auto"}))
	must(t, s.PutService(ctx, partnergraph.Service{ID: "florist", Name: "Florist", Sector: "events"}))
	must(t, s.PutService(ctx, partnergraph.Service{ID: "collision-repair", Name: "Collision repair", Sector: "auto"}))
	must(t, s.PutService(ctx, partnergraph.Service{ID: "tyres", Name: "Tyres and wheels", Sector: "auto"}))
	wantCode(t, s.PutService(ctx, partnergraph.Service{ID: "Bad Slug", Name: "x", Sector: "y"}), partnergraph.EINVALID, "id")
	got, err := s.Services(ctx)
	must(t, err)
	want := []partnergraph.Service{{ID: "collision-repair", Name: "Collision repair", Sector: "auto"}, {ID: "tyres", Name: "Tyres and wheels", Sector: "auto"}, {ID: "florist", Name: "Florist", Sector: "events"}}
	if !slices.Equal(got, want) {
		t.Fatalf("Services = %v, want %v", got, want)
	}

	must(t, s.SetComplement(ctx, partnergraph.Complement{From: "collision-repair", To: "tyres", Weight: 0.8, Source: partnergraph.SourceCurated}))
	must(t, s.SetComplement(ctx, partnergraph.Complement{From: "tyres", To: "collision-repair", Weight: 0.5, Source: partnergraph.SourceCurated}))
	must(t, s.SetComplement(ctx, partnergraph.Complement{From: "collision-repair", To: "tyres", Weight: 0.9, Source: partnergraph.SourceLearned}))
	wantCode(t, s.SetComplement(ctx, partnergraph.Complement{From: "tyres", To: "nope", Weight: 0.5, Source: partnergraph.SourceCurated}), partnergraph.ENOTFOUND, "to")
	wantCode(t, s.SetComplement(ctx, partnergraph.Complement{From: "tyres", To: "florist", Weight: 1.5, Source: partnergraph.SourceCurated}), partnergraph.EINVALID, "weight")
	wantCode(t, s.SetComplement(ctx, partnergraph.Complement{From: "tyres", To: "tyres", Weight: 0.5, Source: partnergraph.SourceCurated}), partnergraph.EINVALID, "to")
	cs, err := s.Complements(ctx)
	must(t, err)
	wantC := []partnergraph.Complement{{From: "collision-repair", To: "tyres", Weight: 0.9, Source: partnergraph.SourceLearned}, {From: "tyres", To: "collision-repair", Weight: 0.5, Source: partnergraph.SourceCurated}}
	if !slices.Equal(cs, wantC) {
		t.Fatalf("Complements = %v, want %v", cs, wantC)
	}
	must(t, s.RemoveComplement(ctx, "tyres", "collision-repair"))
	wantCode(t, s.RemoveComplement(ctx, "tyres", "collision-repair"), partnergraph.ENOTFOUND, "")
	cs, _ = s.Complements(ctx)
	if len(cs) != 1 {
		t.Fatalf("after remove: %v", cs)
	}
}

func testNetworks(t *testing.T, s partnergraph.Store) {
	dave := addBusiness(t, s, "Dave", 1, 1)
	chamber := &partnergraph.Network{Name: "Springfield Chamber of Commerce", Region: "Springfield"}
	must(t, s.CreateNetwork(ctx, chamber, dave.ID))
	if chamber.ID == "" || chamber.Visibility != partnergraph.Public || chamber.CreatedAt.IsZero() {
		t.Fatalf("CreateNetwork = %+v", chamber)
	}
	guild := &partnergraph.Network{ID: "guild", Name: "Auto Guild", Visibility: partnergraph.Private}
	must(t, s.CreateNetwork(ctx, guild, ""))
	wantCode(t, s.CreateNetwork(ctx, &partnergraph.Network{ID: "guild", Name: "Again"}, ""), partnergraph.ECONFLICT, "")
	wantCode(t, s.CreateNetwork(ctx, &partnergraph.Network{Name: ""}, ""), partnergraph.EINVALID, "name")
	wantCode(t, s.CreateNetwork(ctx, &partnergraph.Network{Name: "X", Visibility: "SECRET"}, ""), partnergraph.EINVALID, "visibility")
	wantCode(t, s.CreateNetwork(ctx, &partnergraph.Network{Name: "X"}, "missing"), partnergraph.ENOTFOUND, "")

	got, err := s.Network(ctx, "guild")
	must(t, err)
	if got.Name != "Auto Guild" || got.Visibility != partnergraph.Private {
		t.Fatalf("Network = %+v", got)
	}
	_, err = s.Network(ctx, "missing")
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	byID, err := s.NetworksByID(ctx, []string{"guild", chamber.ID, "missing"})
	must(t, err)
	if len(byID) != 2 {
		t.Fatalf("NetworksByID = %v", byID)
	}
	all := collect(t, 1, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Network], error) {
		return s.Networks(ctx, p)
	})
	if len(all) != 2 || all[0].ID != "guild" || all[1].ID != chamber.ID {
		t.Fatalf("Networks = %v", all)
	}
	ms, err := s.MembershipsOf(ctx, []string{dave.ID})
	must(t, err)
	if len(ms[dave.ID]) != 1 || ms[dave.ID][0].Role != partnergraph.RoleOrganizer || ms[dave.ID][0].NetworkID != chamber.ID {
		t.Fatalf("organizer membership = %v", ms)
	}
	_, err = s.Networks(ctx, partnergraph.Page{First: 1, After: "%%%"})
	wantCode(t, err, partnergraph.EINVALID, "after")
}

func testMemberships(t *testing.T, s partnergraph.Store) {
	a := addBusiness(t, s, "A", 1, 1)
	b := addBusiness(t, s, "B", 1, 1)
	n1 := &partnergraph.Network{ID: "n1", Name: "One"}
	n2 := &partnergraph.Network{ID: "n2", Name: "Two"}
	must(t, s.CreateNetwork(ctx, n1, ""))
	must(t, s.CreateNetwork(ctx, n2, ""))
	m, err := s.Join(ctx, partnergraph.Membership{BusinessID: a.ID, NetworkID: "n1"})
	must(t, err)
	if m.Role != partnergraph.RoleMember || m.Since.IsZero() {
		t.Fatalf("Join = %+v", m)
	}
	for _, m := range []partnergraph.Membership{{BusinessID: a.ID, NetworkID: "n2"}, {BusinessID: b.ID, NetworkID: "n1"}} {
		_, err := s.Join(ctx, m)
		must(t, err)
	}
	_, err = s.Join(ctx, partnergraph.Membership{BusinessID: a.ID, NetworkID: "n1"})
	wantCode(t, err, partnergraph.ECONFLICT, "")
	_, err = s.Join(ctx, partnergraph.Membership{BusinessID: a.ID, NetworkID: "missing"})
	wantCode(t, err, partnergraph.ENOTFOUND, "networkId")
	_, err = s.Join(ctx, partnergraph.Membership{BusinessID: "missing", NetworkID: "n1"})
	wantCode(t, err, partnergraph.ENOTFOUND, "businessId")
	_, err = s.Join(ctx, partnergraph.Membership{BusinessID: a.ID, NetworkID: "n2", Role: "BOSS"})
	wantCode(t, err, partnergraph.EINVALID, "role")

	list := func(f partnergraph.MembershipFilter) []partnergraph.Membership {
		return collect(t, 1, func(p partnergraph.Page) (partnergraph.Slice[partnergraph.Membership], error) {
			return s.Memberships(ctx, f, p)
		})
	}
	if got := list(partnergraph.MembershipFilter{NetworkID: "n1"}); len(got) != 2 {
		t.Fatalf("members of n1 = %v", got)
	}
	if got := list(partnergraph.MembershipFilter{BusinessID: a.ID}); len(got) != 2 || got[0].NetworkID != "n1" || got[1].NetworkID != "n2" {
		t.Fatalf("memberships of a = %v", got)
	}
	if got := list(partnergraph.MembershipFilter{}); len(got) != 3 {
		t.Fatalf("all memberships = %v", got)
	}
	must(t, s.Leave(ctx, a.ID, "n1"))
	wantCode(t, s.Leave(ctx, a.ID, "n1"), partnergraph.ENOTFOUND, "")
	of, err := s.MembershipsOf(ctx, []string{a.ID, b.ID})
	must(t, err)
	if len(of[a.ID]) != 1 || len(of[b.ID]) != 1 {
		t.Fatalf("MembershipsOf = %v", of)
	}
}

func testTrust(t *testing.T, s partnergraph.Store) {
	a := addBusiness(t, s, "A", 1, 1)
	b := addBusiness(t, s, "B", 1, 1)
	got, err := s.SetTrust(ctx, partnergraph.Trust{From: a.ID, To: b.ID, Score: 0.8, Note: "quick and honest"})
	must(t, err)
	if got.Source != partnergraph.SourceMember || got.UpdatedAt.IsZero() {
		t.Fatalf("SetTrust = %+v", got)
	}
	if got.SetBy != "" {
		t.Fatalf("SetTrust without SetBy = %+v", got)
	}
	// An admin's override records who set it (the audit, with UpdatedAt and the source).
	_, err = s.SetTrust(ctx, partnergraph.Trust{From: a.ID, To: b.ID, Score: 0.6, Source: partnergraph.SourceAdmin, SetBy: "admin-root"})
	must(t, err)
	e, err := s.TrustEdge(ctx, a.ID, b.ID)
	must(t, err)
	if e.Score != 0.6 || e.Source != partnergraph.SourceAdmin || e.Note != "" || e.SetBy != "admin-root" {
		t.Fatalf("TrustEdge after replace = %+v", e)
	}
	page, err := s.TrustEdges(ctx, partnergraph.TrustFilter{BusinessID: b.ID, Direction: partnergraph.Incoming}, partnergraph.Page{First: 10})
	must(t, err)
	if len(page.Items) != 1 || page.Items[0].SetBy != "admin-root" {
		t.Fatalf("TrustEdges incoming = %+v, want the override with its SetBy", page.Items)
	}
	var exported []partnergraph.Trust
	must(t, s.Export(ctx, func(r partnergraph.Record) error {
		if r.Trust != nil {
			exported = append(exported, *r.Trust)
		}
		return nil
	}))
	if len(exported) != 1 || exported[0].SetBy != "admin-root" {
		t.Fatalf("exported trust %+v, want the override with its SetBy", exported)
	}
	_, err = s.TrustEdge(ctx, b.ID, a.ID)
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	for _, c := range []struct {
		tr    partnergraph.Trust
		code  partnergraph.Code
		field string
	}{
		{partnergraph.Trust{From: a.ID, To: a.ID, Score: 0.5}, partnergraph.EINVALID, "to"},
		{partnergraph.Trust{From: a.ID, To: b.ID, Score: 1.1}, partnergraph.EINVALID, "score"},
		{partnergraph.Trust{From: a.ID, To: b.ID, Score: -0.1}, partnergraph.EINVALID, "score"},
		{partnergraph.Trust{From: a.ID, To: "missing", Score: 0.5}, partnergraph.ENOTFOUND, "to"},
		{partnergraph.Trust{From: "missing", To: b.ID, Score: 0.5}, partnergraph.ENOTFOUND, "from"},
	} {
		_, err := s.SetTrust(ctx, c.tr)
		wantCode(t, err, c.code, c.field)
	}
	counts, err := s.TrustCounts(ctx, []string{a.ID, b.ID, "missing"})
	must(t, err)
	if counts[a.ID] != (partnergraph.TrustCount{Outgoing: 1}) || counts[b.ID] != (partnergraph.TrustCount{Incoming: 1}) || counts["missing"] != (partnergraph.TrustCount{}) {
		t.Fatalf("TrustCounts = %v", counts)
	}
	must(t, s.RemoveTrust(ctx, a.ID, b.ID))
	wantCode(t, s.RemoveTrust(ctx, a.ID, b.ID), partnergraph.ENOTFOUND, "")
}

func testTrustListing(t *testing.T, s partnergraph.Store) {
	var bs []*partnergraph.Business
	for i := 0; i < 5; i++ {
		bs = append(bs, addBusiness(t, s, fmt.Sprintf("B%d", i), 1, 1))
	}
	// Everyone trusts everyone: 20 edges.
	for _, from := range bs {
		for _, to := range bs {
			if from != to {
				_, err := s.SetTrust(ctx, partnergraph.Trust{From: from.ID, To: to.ID, Score: 0.5})
				must(t, err)
			}
		}
	}
	list := func(f partnergraph.TrustFilter, n int) []partnergraph.Trust {
		return collect(t, n, func(p partnergraph.Page) (partnergraph.Slice[partnergraph.Trust], error) {
			return s.TrustEdges(ctx, f, p)
		})
	}
	out := list(partnergraph.TrustFilter{BusinessID: bs[0].ID, Direction: partnergraph.Outgoing}, 3)
	in := list(partnergraph.TrustFilter{BusinessID: bs[0].ID, Direction: partnergraph.Incoming}, 3)
	all := list(partnergraph.TrustFilter{}, 7)
	if len(out) != 4 || len(in) != 4 || len(all) != 20 {
		t.Fatalf("out %d, in %d, all %d; want 4, 4, 20", len(out), len(in), len(all))
	}
	for _, e := range out {
		if e.From != bs[0].ID {
			t.Fatalf("outgoing edge %v", e)
		}
	}
	for _, e := range in {
		if e.To != bs[0].ID {
			t.Fatalf("incoming edge %v", e)
		}
	}
	seen := map[[2]string]bool{}
	for _, e := range all {
		seen[[2]string{e.From, e.To}] = true
	}
	if len(seen) != 20 {
		t.Fatalf("paging repeated or skipped edges: %d distinct", len(seen))
	}
	_, err := s.TrustEdges(ctx, partnergraph.TrustFilter{BusinessID: bs[0].ID, Direction: "SIDEWAYS"}, partnergraph.Page{})
	wantCode(t, err, partnergraph.EINVALID, "direction")
}

func flat(cents int64) partnergraph.FeeTerms {
	return partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: cents, Currency: "USD"}
}

func testPartnerships(t *testing.T, s partnergraph.Store) {
	a := addBusiness(t, s, "A", 1, 1)
	b := addBusiness(t, s, "B", 1, 1)
	p := &partnergraph.Partnership{ProposerID: a.ID, PartnerID: b.ID, Terms: flat(15000), Message: "let's work together"}
	must(t, s.CreatePartnership(ctx, p))
	if p.ID == "" || p.Status != partnergraph.PartnershipProposed || p.CreatedAt.IsZero() {
		t.Fatalf("CreatePartnership = %+v", p)
	}
	got, err := s.Partnership(ctx, p.ID)
	must(t, err)
	if got.Terms != p.Terms || got.Message != p.Message || got.ProposerID != a.ID || got.PartnerID != b.ID {
		t.Fatalf("Partnership = %+v", got)
	}
	_, err = s.Partnership(ctx, "missing")
	wantCode(t, err, partnergraph.ENOTFOUND, "")

	_, err = s.SetPartnershipStatus(ctx, p.ID, []partnergraph.PartnershipStatus{partnergraph.PartnershipActive}, partnergraph.PartnershipEnded)
	wantCode(t, err, partnergraph.ECONFLICT, "")
	active, err := s.SetPartnershipStatus(ctx, p.ID, []partnergraph.PartnershipStatus{partnergraph.PartnershipProposed}, partnergraph.PartnershipActive)
	must(t, err)
	if active.Status != partnergraph.PartnershipActive || active.RespondedAt == nil || active.EndedAt != nil {
		t.Fatalf("accepted = %+v", active)
	}
	ended, err := s.SetPartnershipStatus(ctx, p.ID, []partnergraph.PartnershipStatus{partnergraph.PartnershipActive}, partnergraph.PartnershipEnded)
	must(t, err)
	if ended.EndedAt == nil {
		t.Fatalf("ended = %+v", ended)
	}
	_, err = s.SetPartnershipStatus(ctx, "missing", []partnergraph.PartnershipStatus{partnergraph.PartnershipActive}, partnergraph.PartnershipEnded)
	wantCode(t, err, partnergraph.ENOTFOUND, "")

	for _, c := range []struct {
		p     partnergraph.Partnership
		code  partnergraph.Code
		field string
	}{
		{partnergraph.Partnership{ProposerID: a.ID, PartnerID: a.ID, Terms: flat(100)}, partnergraph.EINVALID, "partnerId"},
		{partnergraph.Partnership{ProposerID: a.ID, PartnerID: b.ID, Terms: flat(0)}, partnergraph.EINVALID, "terms.amount"},
		{partnergraph.Partnership{ProposerID: a.ID, PartnerID: b.ID, Terms: partnergraph.FeeTerms{Type: partnergraph.FeePercent, PercentBP: 10001, Currency: "USD"}}, partnergraph.EINVALID, "terms.percent"},
		{partnergraph.Partnership{ProposerID: a.ID, PartnerID: b.ID, Terms: partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 100, Currency: "usd"}}, partnergraph.EINVALID, "terms.currency"},
		{partnergraph.Partnership{ProposerID: a.ID, PartnerID: "missing", Terms: flat(100)}, partnergraph.ENOTFOUND, "partnerId"},
	} {
		wantCode(t, s.CreatePartnership(ctx, &c.p), c.code, c.field)
	}
}

func testPartnershipOnePerPair(t *testing.T, s partnergraph.Store) {
	a := addBusiness(t, s, "A", 1, 1)
	b := addBusiness(t, s, "B", 1, 1)
	p := &partnergraph.Partnership{ProposerID: a.ID, PartnerID: b.ID, Terms: flat(100)}
	must(t, s.CreatePartnership(ctx, p))
	// The other direction is the same pair.
	wantCode(t, s.CreatePartnership(ctx, &partnergraph.Partnership{ProposerID: b.ID, PartnerID: a.ID, Terms: flat(100)}), partnergraph.ECONFLICT, "")
	_, err := s.SetPartnershipStatus(ctx, p.ID, []partnergraph.PartnershipStatus{partnergraph.PartnershipProposed}, partnergraph.PartnershipDeclined)
	must(t, err)
	// Declined is closed: a new proposal may follow.
	q := &partnergraph.Partnership{ProposerID: b.ID, PartnerID: a.ID, Terms: flat(200)}
	must(t, s.CreatePartnership(ctx, q))
	// Reopening the declined one would make two open partnerships for the pair.
	_, err = s.SetPartnershipStatus(ctx, p.ID, []partnergraph.PartnershipStatus{partnergraph.PartnershipDeclined}, partnergraph.PartnershipActive)
	wantCode(t, err, partnergraph.ECONFLICT, "")
	dup := &partnergraph.Partnership{ID: q.ID, ProposerID: a.ID, PartnerID: addBusiness(t, s, "C", 1, 1).ID, Terms: flat(1)}
	wantCode(t, s.CreatePartnership(ctx, dup), partnergraph.ECONFLICT, "")

	// Many concurrent proposals for one pair: exactly one wins.
	c := addBusiness(t, s, "C2", 1, 1)
	d := addBusiness(t, s, "D", 1, 1)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from, to := c.ID, d.ID
			if i%2 == 1 {
				from, to = to, from
			}
			errs[i] = s.CreatePartnership(ctx, &partnergraph.Partnership{ProposerID: from, PartnerID: to, Terms: flat(100)})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch partnergraph.ErrorCode(err) {
		case "":
			ok++
		case partnergraph.ECONFLICT:
		default:
			t.Fatalf("concurrent propose: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent proposals for one pair succeeded, want 1", ok)
	}
}

func testPartnershipListing(t *testing.T, s partnergraph.Store) {
	hub := addBusiness(t, s, "Hub", 1, 1)
	var created []string
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 7; i++ {
		other := addBusiness(t, s, fmt.Sprintf("P%d", i), 1, 1)
		p := &partnergraph.Partnership{ProposerID: hub.ID, PartnerID: other.ID, Terms: flat(100), CreatedAt: base.Add(time.Duration(i) * time.Hour)}
		if i%2 == 1 {
			p.ProposerID, p.PartnerID = other.ID, hub.ID
		}
		must(t, s.CreatePartnership(ctx, p))
		created = append(created, p.ID)
		if i < 3 {
			_, err := s.SetPartnershipStatus(ctx, p.ID, []partnergraph.PartnershipStatus{partnergraph.PartnershipProposed}, partnergraph.PartnershipActive)
			must(t, err)
		}
	}
	x, y := addBusiness(t, s, "X", 1, 1), addBusiness(t, s, "Y", 1, 1)
	must(t, s.CreatePartnership(ctx, &partnergraph.Partnership{ProposerID: x.ID, PartnerID: y.ID, Terms: flat(1)}))
	list := func(f partnergraph.PartnershipFilter) []string {
		ps := collect(t, 2, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Partnership], error) {
			return s.Partnerships(ctx, f, p)
		})
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.ID
		}
		return out
	}
	newestFirst := slices.Clone(created)
	slices.Reverse(newestFirst)
	if got := list(partnergraph.PartnershipFilter{BusinessID: hub.ID}); !slices.Equal(got, newestFirst) {
		t.Fatalf("hub's partnerships = %v, want newest first %v", got, newestFirst)
	}
	if got := list(partnergraph.PartnershipFilter{BusinessID: hub.ID, Status: partnergraph.PartnershipActive}); !slices.Equal(got, []string{created[2], created[1], created[0]}) {
		t.Fatalf("hub's active partnerships = %v", got)
	}
	if got := list(partnergraph.PartnershipFilter{}); len(got) != 8 {
		t.Fatalf("all partnerships = %d, want 8", len(got))
	}
	_, err := s.Partnerships(ctx, partnergraph.PartnershipFilter{Status: "MAYBE"}, partnergraph.Page{})
	wantCode(t, err, partnergraph.EINVALID, "status")
}

func testParallelWriters(t *testing.T, s partnergraph.Store) {
	addServices(t, s, "tyres")
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*3)
	hub := addBusiness(t, s, "Hub", 1, 1)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				b := newBusiness(fmt.Sprintf("W%d-%d", w, i), 1, 1)
				if err := s.CreateBusiness(ctx, b, fmt.Sprintf("user-%d", w)); err != nil {
					errs <- err
					continue
				}
				if err := s.SetBusinessServices(ctx, b.ID, []string{"tyres"}); err != nil {
					errs <- err
				}
				// Everyone sets the same edge to the hub, twice: still one edge each.
				for range 2 {
					if _, err := s.SetTrust(ctx, partnergraph.Trust{From: b.ID, To: hub.ID, Score: 0.5}); err != nil {
						errs <- err
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all := collect(t, 100, func(p partnergraph.Page) (partnergraph.Slice[*partnergraph.Business], error) {
		return s.Businesses(ctx, partnergraph.BusinessFilter{Services: []string{"tyres"}}, p)
	})
	if len(all) != writers*each {
		t.Fatalf("%d businesses, want %d", len(all), writers*each)
	}
	counts, err := s.TrustCounts(ctx, []string{hub.ID})
	must(t, err)
	if counts[hub.ID].Incoming != writers*each {
		t.Fatalf("hub has %d incoming edges, want %d", counts[hub.ID].Incoming, writers*each)
	}
}

// exampleRecords is a small graph of every kind, in import order.
func exampleRecords() []partnergraph.Record {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	later := t0.Add(time.Hour)
	return []partnergraph.Record{
		{Service: &partnergraph.Service{ID: "collision-repair", Name: "Collision repair", Sector: "auto"}},
		{Service: &partnergraph.Service{ID: "tyres", Name: "Tyres", Sector: "auto"}},
		{Complement: &partnergraph.Complement{From: "collision-repair", To: "tyres", Weight: 0.8, Source: partnergraph.SourceCurated}},
		{Business: &partnergraph.BusinessRecord{Business: partnergraph.Business{ID: "daves", Name: "Dave's Collision", Location: partnergraph.Point{Lat: 39.8, Lng: -89.65}, Status: partnergraph.BusinessActive, Verified: true, DailyLeadCap: 20, ServiceRadiusKm: 25, CreatedAt: t0}, Services: []string{"collision-repair"}, Owners: []string{"user-dave"}}},
		{Business: &partnergraph.BusinessRecord{Business: partnergraph.Business{ID: "mikes", Name: "Mike's Tyre", Location: partnergraph.Point{Lat: 39.81, Lng: -89.64}, Status: partnergraph.BusinessActive, DailyLeadCap: 10, ServiceRadiusKm: 30, CreatedAt: t0}, Services: []string{"tyres"}}},
		{Network: &partnergraph.Network{ID: "chamber", Name: "Chamber", Visibility: partnergraph.Public, CreatedAt: t0}},
		{Membership: &partnergraph.Membership{BusinessID: "daves", NetworkID: "chamber", Role: partnergraph.RoleOrganizer, Since: t0}},
		{Trust: &partnergraph.Trust{From: "daves", To: "mikes", Score: 0.9, Note: "good", Source: partnergraph.SourceMember, UpdatedAt: t0}},
		{Partnership: &partnergraph.Partnership{ID: "p1", ProposerID: "daves", PartnerID: "mikes", Status: partnergraph.PartnershipActive, Terms: partnergraph.FeeTerms{Type: partnergraph.FeePercent, PercentBP: 1000, Currency: "USD"}, CreatedAt: t0, RespondedAt: &later}},
	}
}

func seq(records []partnergraph.Record) iter.Seq2[partnergraph.Record, error] {
	return func(yield func(partnergraph.Record, error) bool) {
		for i, r := range records {
			r.Line = i + 1
			if !yield(r, nil) {
				return
			}
		}
	}
}

func export(t *testing.T, s partnergraph.Store) []partnergraph.Record {
	t.Helper()
	var out []partnergraph.Record
	must(t, s.Export(ctx, func(r partnergraph.Record) error {
		out = append(out, r)
		return nil
	}))
	return out
}

func testImportExportRoundTrip(t *testing.T, s partnergraph.Store) {
	in := exampleRecords()
	stats, err := s.Import(ctx, seq(in))
	must(t, err)
	if stats["business"] != 2 || stats["partnership"] != 1 || stats["service"] != 2 {
		t.Fatalf("ImportStats = %v", stats)
	}
	// Importing again changes nothing: import is idempotent.
	_, err = s.Import(ctx, seq(in))
	must(t, err)
	out := export(t, s)
	if len(out) != len(in) {
		t.Fatalf("exported %d records, imported %d", len(out), len(in))
	}
	for i := range in {
		if got, want := fmt.Sprintf("%+v", flatten(out[i])), fmt.Sprintf("%+v", flatten(in[i])); got != want {
			t.Fatalf("record %d:\n got %s\nwant %s", i, got, want)
		}
	}
	dave, err := s.Business(ctx, "daves")
	must(t, err)
	if !dave.Verified || !dave.CreatedAt.Equal(in[3].Business.CreatedAt) {
		t.Fatalf("imported business = %+v", dave)
	}
	owned, _ := s.OwnedBy(ctx, "user-dave")
	if !slices.Equal(owned, []string{"daves"}) {
		t.Fatalf("imported owners = %v", owned)
	}
}

// flatten renders a record's one object with pointers followed and times in UTC, for comparing.
func flatten(r partnergraph.Record) string {
	switch {
	case r.Service != nil:
		return fmt.Sprintf("%+v", *r.Service)
	case r.Complement != nil:
		return fmt.Sprintf("%+v", *r.Complement)
	case r.Business != nil:
		b := *r.Business
		b.CreatedAt = b.CreatedAt.UTC()
		return fmt.Sprintf("%+v", b)
	case r.Network != nil:
		n := *r.Network
		n.CreatedAt = n.CreatedAt.UTC()
		return fmt.Sprintf("%+v", n)
	case r.Membership != nil:
		m := *r.Membership
		m.Since = m.Since.UTC()
		return fmt.Sprintf("%+v", m)
	case r.Trust != nil:
		tr := *r.Trust
		tr.UpdatedAt = tr.UpdatedAt.UTC()
		return fmt.Sprintf("%+v", tr)
	default:
		p := *r.Partnership
		p.CreatedAt = p.CreatedAt.UTC()
		ra := ""
		if p.RespondedAt != nil {
			ra = p.RespondedAt.UTC().String()
		}
		p.RespondedAt, p.EndedAt = nil, nil
		return fmt.Sprintf("%+v responded %s", p, ra)
	}
}

// testImportAgainFinishes: an import that stopped part way (Neo4j commits in batches) leaves
// a prefix of its records written; importing all of them again gives what one import would.
func testImportAgainFinishes(t *testing.T, s partnergraph.Store) {
	in := exampleRecords()
	for n := range len(in) {
		_, err := s.Import(ctx, seq(in[:n]))
		must(t, err)
		_, err = s.Import(ctx, seq(in))
		must(t, err)
		out := export(t, s)
		if len(out) != len(in) {
			t.Fatalf("after %d records, then all: exported %d records, imported %d", n, len(out), len(in))
		}
		for i := range in {
			if got, want := flatten(out[i]), flatten(in[i]); got != want {
				t.Fatalf("after %d records, then all: record %d:\n got %s\nwant %s", n, i, got, want)
			}
		}
	}
}

func testImportAtomic(t *testing.T, s partnergraph.Store) {
	in := exampleRecords()
	bad := append(slices.Clone(in), partnergraph.Record{Trust: &partnergraph.Trust{From: "daves", To: "nobody", Score: 0.5, Source: partnergraph.SourceMember}})
	_, err := s.Import(ctx, seq(bad))
	wantCode(t, err, partnergraph.ENOTFOUND, "")
	if want := fmt.Sprintf("line %d:", len(bad)); len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Fatalf("error %q does not name line %d", err, len(bad))
	}
	if out := export(t, s); len(out) != 0 {
		t.Fatalf("a failed import wrote %d records", len(out))
	}
	// An error from the reader aborts the import too.
	failing := func(yield func(partnergraph.Record, error) bool) {
		if yield(in[0], nil) {
			yield(partnergraph.Record{}, partnergraph.Errorf(partnergraph.EINVALID, "line 2: broken"))
		}
	}
	_, err = s.Import(ctx, failing)
	wantCode(t, err, partnergraph.EINVALID, "")
	if out := export(t, s); len(out) != 0 {
		t.Fatalf("an aborted import wrote %d records", len(out))
	}
}
