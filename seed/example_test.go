package seed

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
)

// example is the decoded example network, indexed for the tests.
type example struct {
	records      []partnergraph.Record
	services     map[string]partnergraph.Service
	complements  []partnergraph.Complement
	businesses   map[string]*partnergraph.BusinessRecord
	networks     map[string]*partnergraph.Network
	memberships  []partnergraph.Membership
	trust        map[[2]string]partnergraph.Trust
	partnerships map[string]*partnergraph.Partnership
}

// loadExample decodes the example, failing the test on the first error.
func loadExample(t *testing.T) *example {
	t.Helper()
	ex := &example{
		services:     map[string]partnergraph.Service{},
		businesses:   map[string]*partnergraph.BusinessRecord{},
		networks:     map[string]*partnergraph.Network{},
		trust:        map[[2]string]partnergraph.Trust{},
		partnerships: map[string]*partnergraph.Partnership{},
	}
	for r, err := range Example() {
		if err != nil {
			t.Fatalf("Example: %v", err)
		}
		ex.records = append(ex.records, r)
		switch r.Kind() {
		case "service":
			ex.services[r.Service.ID] = *r.Service
		case "complement":
			ex.complements = append(ex.complements, *r.Complement)
		case "business":
			ex.businesses[r.Business.ID] = r.Business
		case "network":
			ex.networks[r.Network.ID] = r.Network
		case "membership":
			ex.memberships = append(ex.memberships, *r.Membership)
		case "trust":
			ex.trust[[2]string{r.Trust.From, r.Trust.To}] = *r.Trust
		case "partnership":
			ex.partnerships[r.Partnership.ID] = r.Partnership
		}
	}
	return ex
}

func (ex *example) business(t *testing.T, id string) *partnergraph.BusinessRecord {
	t.Helper()
	b, ok := ex.businesses[id]
	if !ok {
		t.Fatalf("business %q is missing", id)
	}
	return b
}

// offers reports whether b offers service s.
func offers(b *partnergraph.BusinessRecord, s string) bool { return slices.Contains(b.Services, s) }

var kindOrder = []string{"service", "complement", "business", "network", "membership", "trust", "partnership"}

func TestExampleDecodesInOrder(t *testing.T) {
	counts := map[string]int{}
	last, prevLine := 0, 0
	for r, err := range Example() {
		if err != nil {
			t.Fatalf("Example: %v", err)
		}
		if r.Line != prevLine+1 {
			t.Errorf("record on line %d follows line %d: the file has blank lines or lost records", r.Line, prevLine)
		}
		prevLine = r.Line
		k := slices.Index(kindOrder, r.Kind())
		if k < 0 {
			t.Fatalf("line %d: kind %q", r.Line, r.Kind())
		}
		if k < last {
			t.Errorf("line %d: %s after %s; want the order %v", r.Line, kindOrder[k], kindOrder[last], kindOrder)
		}
		last = k
		counts[r.Kind()]++
	}
	if n := strings.Count(exampleJSONL, "\n"); n != prevLine || !strings.HasSuffix(exampleJSONL, "\n") {
		t.Errorf("example.jsonl has %d newlines for %d records; want one record per line, newline-terminated", n, prevLine)
	}
	want := map[string][2]int{ // inclusive ranges
		"service":     {25, 40},
		"complement":  {40, 70},
		"business":    {43, 60},
		"network":     {5, 5},
		"membership":  {40, 80},
		"trust":       {120, 200},
		"partnership": {25, 40},
	}
	for kind, r := range want {
		if n := counts[kind]; n < r[0] || n > r[1] {
			t.Errorf("%d %s records; want %d to %d", n, kind, r[0], r[1])
		}
	}
	t.Logf("records by kind: %v", counts)
}

// TestExampleReferentialIntegrity checks what Store.Import relies on: every id a record
// refers to is defined on an earlier line, ids and edge keys are unique (a repeated key would
// silently replace the earlier record), and the timeline is consistent.
func TestExampleReferentialIntegrity(t *testing.T) {
	ex := loadExample(t)
	services := map[string]bool{}
	businesses := map[string]time.Time{}
	networks := map[string]time.Time{}
	complements := map[[2]string]bool{}
	members := map[[2]string]bool{}
	organizers := map[string]int{}
	trust := map[[2]string]bool{}
	partnerships := map[string]bool{}
	open := map[[2]string]string{}
	needBusiness := func(line int, what, id string) time.Time {
		t.Helper()
		c, ok := businesses[id]
		if !ok {
			t.Errorf("line %d: %s %q is not a business defined earlier", line, what, id)
		}
		return c
	}
	for _, r := range ex.records {
		switch r.Kind() {
		case "service":
			if services[r.Service.ID] {
				t.Errorf("line %d: service %q repeated", r.Line, r.Service.ID)
			}
			services[r.Service.ID] = true
		case "complement":
			c := r.Complement
			for _, s := range []string{c.From, c.To} {
				if !services[s] {
					t.Errorf("line %d: complement service %q is not defined earlier", r.Line, s)
				}
			}
			if complements[[2]string{c.From, c.To}] {
				t.Errorf("line %d: complement %s→%s repeated", r.Line, c.From, c.To)
			}
			complements[[2]string{c.From, c.To}] = true
		case "business":
			b := r.Business
			if _, ok := businesses[b.ID]; ok {
				t.Errorf("line %d: business %q repeated", r.Line, b.ID)
			}
			businesses[b.ID] = b.CreatedAt
			if len(b.Services) == 0 {
				t.Errorf("line %d: business %q offers no service", r.Line, b.ID)
			}
			for _, s := range b.Services {
				if !services[s] {
					t.Errorf("line %d: business %q offers undefined service %q", r.Line, b.ID, s)
				}
			}
		case "network":
			n := r.Network
			if _, ok := networks[n.ID]; ok {
				t.Errorf("line %d: network %q repeated", r.Line, n.ID)
			}
			networks[n.ID] = n.CreatedAt
		case "membership":
			m := r.Membership
			bc := needBusiness(r.Line, "membership businessId", m.BusinessID)
			nc, ok := networks[m.NetworkID]
			if !ok {
				t.Errorf("line %d: membership networkId %q is not a network defined earlier", r.Line, m.NetworkID)
			}
			key := [2]string{m.BusinessID, m.NetworkID}
			if members[key] {
				t.Errorf("line %d: membership %v repeated", r.Line, key)
			}
			members[key] = true
			if m.Role == partnergraph.RoleOrganizer {
				organizers[m.NetworkID]++
			}
			if m.Since.Before(bc) || m.Since.Before(nc) {
				t.Errorf("line %d: %s joined %s on %v, before one of them was created", r.Line, m.BusinessID, m.NetworkID, m.Since)
			}
		case "trust":
			tr := r.Trust
			fc := needBusiness(r.Line, "trust from", tr.From)
			tc := needBusiness(r.Line, "trust to", tr.To)
			key := [2]string{tr.From, tr.To}
			if trust[key] {
				t.Errorf("line %d: trust %s→%s repeated", r.Line, tr.From, tr.To)
			}
			trust[key] = true
			if tr.UpdatedAt.Before(fc) || tr.UpdatedAt.Before(tc) {
				t.Errorf("line %d: trust %s→%s updated before a business was created", r.Line, tr.From, tr.To)
			}
		case "partnership":
			p := r.Partnership
			pc := needBusiness(r.Line, "partnership proposerId", p.ProposerID)
			qc := needBusiness(r.Line, "partnership partnerId", p.PartnerID)
			if partnerships[p.ID] {
				t.Errorf("line %d: partnership %q repeated", r.Line, p.ID)
			}
			partnerships[p.ID] = true
			if p.CreatedAt.Before(pc) || p.CreatedAt.Before(qc) {
				t.Errorf("line %d: partnership %q created before a business was", r.Line, p.ID)
			}
			if p.Status.Open() {
				pair := [2]string{min(p.ProposerID, p.PartnerID), max(p.ProposerID, p.PartnerID)}
				if other, ok := open[pair]; ok {
					t.Errorf("line %d: %q and %q are both open for the pair %v", r.Line, other, p.ID, pair)
				}
				open[pair] = p.ID
			}
		}
	}
	for id := range networks {
		if organizers[id] != 1 {
			t.Errorf("network %q has %d organizers; want 1", id, organizers[id])
		}
	}
}

func TestExampleFieldRanges(t *testing.T) {
	ex := loadExample(t)
	for _, c := range ex.complements {
		if c.Source != partnergraph.SourceCurated || c.Weight <= 0 || c.Weight > 1 {
			t.Errorf("complement %s→%s: weight %v source %s; want (0,1] CURATED", c.From, c.To, c.Weight, c.Source)
		}
	}
	verified, suspended := 0, 0
	for id, b := range ex.businesses {
		if b.Country != "US" || b.City == "" || b.Description == "" || b.Website == "" || b.Phone == "" || b.Email == "" {
			t.Errorf("business %q lacks contact details: %+v", id, b.Business)
		}
		if b.DailyLeadCap < 10 || b.DailyLeadCap > 50 || b.ServiceRadiusKm < 15 || b.ServiceRadiusKm > 60 {
			t.Errorf("business %q: dailyLeadCap %d, serviceRadiusKm %v; want 10-50 and 15-60", id, b.DailyLeadCap, b.ServiceRadiusKm)
		}
		if y := b.CreatedAt.Year(); y < 2025 || y > 2026 {
			t.Errorf("business %q created in %d", id, y)
		}
		if want := "user-" + id; len(b.Owners) != 1 || (b.Owners[0] != want && !slices.Contains([]string{"daves-collision", "mikes-tyre", "andys-attorney"}, id)) {
			t.Errorf("business %q owners %v; want [%s]", id, b.Owners, want)
		}
		if b.Verified {
			verified++
		}
		if b.Status == partnergraph.BusinessSuspended {
			suspended++
		} else if b.Status != partnergraph.BusinessActive {
			t.Errorf("business %q status %s", id, b.Status)
		}
	}
	if f := float64(verified) / float64(len(ex.businesses)); f < 0.35 || f > 0.65 {
		t.Errorf("%d of %d businesses verified; want about half", verified, len(ex.businesses))
	}
	if suspended != 1 {
		t.Errorf("%d suspended businesses; want 1", suspended)
	}
	notes := 0
	for k, tr := range ex.trust {
		if tr.Score < 0.3 || tr.Score > 0.95 || tr.Source != partnergraph.SourceMember {
			t.Errorf("trust %v: score %v source %s; want 0.3-0.95 MEMBER", k, tr.Score, tr.Source)
		}
		if tr.Note != "" {
			notes++
		}
	}
	if notes < 5 {
		t.Errorf("%d trust edges have notes; want some", notes)
	}
	statuses := map[partnergraph.PartnershipStatus]int{}
	for id, p := range ex.partnerships {
		statuses[p.Status]++
		if !strings.HasPrefix(id, "p-") || p.Terms.Currency != "USD" || p.CreatedAt.Year() != 2026 {
			t.Errorf("partnership %q: want a p- id, USD terms and a 2026 creation", id)
		}
		if p.Terms.Type == partnergraph.FeePercent && (p.Terms.PercentBP < 500 || p.Terms.PercentBP > 2000) {
			t.Errorf("partnership %q: %d bp; want 500-2000", id, p.Terms.PercentBP)
		}
		answered := p.Status != partnergraph.PartnershipProposed
		if (p.RespondedAt != nil) != answered || (p.EndedAt != nil) != (p.Status == partnergraph.PartnershipEnded) {
			t.Errorf("partnership %q %s: respondedAt %v, endedAt %v", id, p.Status, p.RespondedAt, p.EndedAt)
		}
		if p.RespondedAt != nil && !p.RespondedAt.After(p.CreatedAt) || p.EndedAt != nil && p.RespondedAt != nil && !p.EndedAt.After(*p.RespondedAt) {
			t.Errorf("partnership %q: timestamps out of order", id)
		}
	}
	if statuses[partnergraph.PartnershipDeclined] != 1 || statuses[partnergraph.PartnershipEnded] != 1 ||
		statuses[partnergraph.PartnershipProposed] < 2 || statuses[partnergraph.PartnershipActive] < len(ex.partnerships)/2 {
		t.Errorf("partnership statuses %v; want mostly ACTIVE, a few PROPOSED, one DECLINED, one ENDED", statuses)
	}
}

func TestExampleTownsAndClusters(t *testing.T) {
	ex := loadExample(t)
	towns := map[string][]partnergraph.Point{}
	for _, b := range ex.businesses {
		towns[b.City] = append(towns[b.City], b.Location)
	}
	if len(towns) < 3 {
		t.Errorf("%d towns; want at least 3", len(towns))
	}
	centre := func(town string) partnergraph.Point {
		var c partnergraph.Point
		for _, p := range towns[town] {
			c.Lat += p.Lat / float64(len(towns[town]))
			c.Lng += p.Lng / float64(len(towns[town]))
		}
		return c
	}
	for town, pts := range towns {
		c := centre(town)
		for _, p := range pts {
			if d := partnergraph.DistanceKm(c, p); d > 5 {
				t.Errorf("a business of %s is %.1f km from the town centre", town, d)
			}
		}
	}
	spr := centre("Springfield")
	if d := partnergraph.DistanceKm(spr, centre("Shelbyville")); d < 25 || d > 40 {
		t.Errorf("Shelbyville is %.1f km from Springfield; want 25-40", d)
	}
	if d := partnergraph.DistanceKm(spr, centre("Capital City")); d < 100 {
		t.Errorf("Capital City is %.1f km from Springfield; want 100+", d)
	}

	offered := map[string]int{}
	for _, b := range ex.businesses {
		for _, s := range b.Services {
			offered[s]++
		}
	}
	clusters := map[string]int{}
	for id, s := range ex.services {
		if offered[id] == 0 {
			t.Errorf("no business offers service %q", id)
		}
		clusters[s.Sector] += offered[id]
	}
	if len(clusters) < 5 {
		t.Errorf("%d clusters (sectors); want at least 5: %v", len(clusters), clusters)
	}
	for _, want := range []string{"Auto", "Home", "Events"} {
		if clusters[want] < 5 {
			t.Errorf("cluster %s has %d businesses; want at least 5", want, clusters[want])
		}
	}
	t.Logf("towns: %d, businesses by cluster: %v", len(towns), clusters)
}

func TestExampleDaveMikeAndy(t *testing.T) {
	ex := loadExample(t)
	trio := []struct{ id, service, owner string }{
		{"daves-collision", "collision-repair", "user-dave"},
		{"mikes-tyre", "tyres", "user-mike"},
		{"andys-attorney", "personal-injury-attorney", "user-andy"},
	}
	for i, x := range trio {
		b := ex.business(t, x.id)
		if !offers(b, x.service) || b.City != "Springfield" || !b.Verified || b.Status != partnergraph.BusinessActive ||
			!slices.Equal(b.Owners, []string{x.owner}) {
			t.Errorf("%s: services %v, city %q, verified %v, status %s, owners %v", x.id, b.Services, b.City, b.Verified, b.Status, b.Owners)
		}
		for _, y := range trio[i+1:] {
			c := ex.business(t, y.id)
			if d := partnergraph.DistanceKm(b.Location, c.Location); d > 3 {
				t.Errorf("%s and %s are %.1f km apart; want a few km at most", x.id, y.id, d)
			}
			for _, key := range [][2]string{{x.id, y.id}, {y.id, x.id}} {
				tr, ok := ex.trust[key]
				if !ok || tr.Score < 0.8 || tr.Score > 0.95 {
					t.Errorf("trust %s→%s: %v (present %v); want 0.8-0.95", key[0], key[1], tr.Score, ok)
				}
			}
		}
	}
	terms := func(a, b string) (partnergraph.FeeTerms, bool) {
		for _, p := range ex.partnerships {
			if p.Status == partnergraph.PartnershipActive &&
				(p.ProposerID == a && p.PartnerID == b || p.ProposerID == b && p.PartnerID == a) {
				return p.Terms, true
			}
		}
		return partnergraph.FeeTerms{}, false
	}
	if got, ok := terms("daves-collision", "andys-attorney"); !ok || got != (partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 15000, Currency: "USD"}) {
		t.Errorf("Dave↔Andy active terms %+v (found %v); want FLAT 150.00 USD", got, ok)
	}
	if got, ok := terms("daves-collision", "mikes-tyre"); !ok || got != (partnergraph.FeeTerms{Type: partnergraph.FeePercent, PercentBP: 1000, Currency: "USD"}) {
		t.Errorf("Dave↔Mike active terms %+v (found %v); want PERCENT 10%%", got, ok)
	}
	if _, ok := terms("mikes-tyre", "andys-attorney"); !ok {
		t.Error("Mike↔Andy have no active partnership")
	}
	for _, x := range trio {
		if !slices.ContainsFunc(ex.memberships, func(m partnergraph.Membership) bool {
			return m.BusinessID == x.id && m.NetworkID == "springfield-chamber"
		}) {
			t.Errorf("%s is not in the Springfield Chamber", x.id)
		}
	}
	for _, from := range []string{"daves-collision", "andys-attorney"} {
		for key := range ex.trust {
			if key[0] == from && key[1] != "mikes-tyre" && offers(ex.business(t, key[1]), "tyres") {
				t.Errorf("%s trusts tyre shop %s; only Mike's should be", from, key[1])
			}
		}
	}
}

func TestExampleNetworks(t *testing.T) {
	ex := loadExample(t)
	want := map[string]partnergraph.Visibility{
		"springfield-chamber":        partnergraph.Public,
		"tri-county-auto-guild":      partnergraph.Public,
		"shelbyville-wedding-pros":   partnergraph.Public,
		"capital-city-home-alliance": partnergraph.Public,
		"main-street-referral-club":  partnergraph.Private,
	}
	for id, vis := range want {
		n, ok := ex.networks[id]
		if !ok || n.Visibility != vis {
			t.Errorf("network %q: %+v; want visibility %s", id, n, vis)
		}
	}
	if n := ex.networks["springfield-chamber"]; n != nil && (n.Name != "Springfield Chamber of Commerce" || n.Region != "Springfield") {
		t.Errorf("springfield-chamber: %+v", n)
	}
}

// TestExampleCompetitors checks that suggestions have to choose: several shops offer the same
// service in the same and other towns, and Dave trusts the Springfield alternatives to his
// partners less, if at all.
func TestExampleCompetitors(t *testing.T) {
	ex := loadExample(t)
	byTownService := map[[2]string][]string{}
	for id, b := range ex.businesses {
		for _, s := range b.Services {
			byTownService[[2]string{b.City, s}] = append(byTownService[[2]string{b.City, s}], id)
		}
	}
	for _, s := range []string{"tyres", "personal-injury-attorney", "insurance-broker"} {
		if n := len(byTownService[[2]string{"Springfield", s}]); n < 2 {
			t.Errorf("%d %s businesses in Springfield; want competitors", n, s)
		}
	}
	for _, town := range []string{"Shelbyville", "Capital City"} {
		for _, s := range []string{"tyres", "collision-repair", "personal-injury-attorney"} {
			if len(byTownService[[2]string{town, s}]) == 0 {
				t.Errorf("no %s in %s", s, town)
			}
		}
	}
	score := func(from, to string) float64 { return ex.trust[[2]string{from, to}].Score } // 0 if absent
	for _, s := range []string{"personal-injury-attorney", "insurance-broker"} {
		ids := byTownService[[2]string{"Springfield", s}]
		sort.Slice(ids, func(i, j int) bool { return score("daves-collision", ids[i]) > score("daves-collision", ids[j]) })
		best := score("daves-collision", ids[0])
		for _, id := range ids[1:] {
			if score("daves-collision", id) >= best-0.2 {
				t.Errorf("Dave trusts %s %v, close to his favourite %s %s (%v)", id, score("daves-collision", id), s, ids[0], best)
			}
		}
	}
}

// TestExampleNewTyreShop checks the signals that should make a new tyre shop in Springfield
// find Dave's Collision and Andy's Attorney as its best partners: their services are the
// strongest complements of tyres, and among the nearby businesses offering any complement of
// tyres they are verified and the most trusted. It checks data, not a particular scorer.
func TestExampleNewTyreShop(t *testing.T) {
	ex := loadExample(t)
	weights := map[string]float64{}
	for _, c := range ex.complements {
		if c.From == "tyres" {
			weights[c.To] = c.Weight
		}
	}
	var targets []string
	for s := range weights {
		targets = append(targets, s)
	}
	sort.Slice(targets, func(i, j int) bool { return weights[targets[i]] > weights[targets[j]] })
	if len(targets) < 3 || !slices.Contains(targets[:2], "collision-repair") || !slices.Contains(targets[:2], "personal-injury-attorney") {
		t.Errorf("complements of tyres by weight %v (%v); want collision-repair and personal-injury-attorney first", targets, weights)
	}

	shop := partnergraph.Point{Lat: 39.80, Lng: -89.65}
	incoming := map[string]float64{}
	for k, tr := range ex.trust {
		incoming[k[1]] += tr.Score
	}
	var near []string
	for id, b := range ex.businesses {
		if b.Status == partnergraph.BusinessActive && partnergraph.DistanceKm(shop, b.Location) <= 10 &&
			slices.ContainsFunc(b.Services, func(s string) bool { return weights[s] > 0 }) {
			near = append(near, id)
		}
	}
	sort.Slice(near, func(i, j int) bool { return incoming[near[i]] > incoming[near[j]] })
	if len(near) < 4 || !slices.Contains(near[:2], "daves-collision") || !slices.Contains(near[:2], "andys-attorney") {
		var got []string
		for _, id := range near {
			got = append(got, fmt.Sprintf("%s=%.2f", id, incoming[id]))
		}
		t.Errorf("nearby complements of tyres by incoming trust: %v; want Dave's and Andy's first", got)
	}
}

func TestReadJSONL(t *testing.T) {
	svc := func(id string) string { return `{"service":{"id":"` + id + `","name":"X","sector":"Y"}}` }
	t.Run("blank lines and line numbers", func(t *testing.T) {
		in := "\n" + svc("a") + "\r\n  \n" + svc("b") // no final newline
		var lines []int
		for r, err := range ReadJSONL(strings.NewReader(in)) {
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, r.Line)
		}
		if !slices.Equal(lines, []int{2, 4}) {
			t.Errorf("lines %v; want [2 4]", lines)
		}
	})
	t.Run("stops after first error", func(t *testing.T) {
		in := svc("a") + "\n" + `{"service":{"id":"Bad Slug","name":"X","sector":"Y"}}` + "\n" + `{"nope":1}` + "\n" + svc("c") + "\n"
		n, errs := 0, []error{}
		for _, err := range ReadJSONL(strings.NewReader(in)) {
			n++
			if err != nil {
				errs = append(errs, err)
			}
		}
		if n != 2 || len(errs) != 1 {
			t.Fatalf("%d yields, errors %v; want 2 yields and 1 error", n, errs)
		}
		if partnergraph.ErrorCode(errs[0]) != partnergraph.EINVALID || !strings.HasPrefix(errs[0].Error(), "line 2: ") {
			t.Errorf("error %q (%s); want EINVALID at line 2", errs[0], partnergraph.ErrorCode(errs[0]))
		}
	})
	t.Run("consumer stops early", func(t *testing.T) {
		n := 0
		for range ReadJSONL(strings.NewReader(svc("a") + "\n" + svc("b") + "\n")) {
			n++
			break
		}
		if n != 1 {
			t.Errorf("%d yields after break", n)
		}
	})
	t.Run("line length", func(t *testing.T) {
		fits := svc("a") + strings.Repeat(" ", MaxLineBytes-1-len(svc("a"))) + "\n"
		tooLong := svc("a") + strings.Repeat(" ", MaxLineBytes) + "\n"
		var got []error
		for _, err := range ReadJSONL(strings.NewReader(svc("z") + "\n" + fits + tooLong + svc("b") + "\n")) {
			got = append(got, err)
		}
		if len(got) != 3 || got[0] != nil || got[1] != nil || got[2] == nil {
			t.Fatalf("errors %v; want nil, nil, then one error", got)
		}
		if partnergraph.ErrorCode(got[2]) != partnergraph.EINVALID || !strings.HasPrefix(got[2].Error(), "line 3: ") {
			t.Errorf("error %q (%s); want EINVALID at line 3", got[2], partnergraph.ErrorCode(got[2]))
		}
	})
	t.Run("read error", func(t *testing.T) {
		boom := errors.New("disk on fire")
		r := io.MultiReader(strings.NewReader(svc("a")+"\n"), &failReader{boom})
		var last error
		n := 0
		for _, err := range ReadJSONL(r) {
			n++
			last = err
		}
		if n != 2 || !errors.Is(last, boom) || !strings.HasPrefix(last.Error(), "line 2: ") {
			t.Errorf("%d yields, last error %v; want the read error at line 2", n, last)
		}
	})
}

type failReader struct{ err error }

func (r *failReader) Read([]byte) (int, error) { return 0, r.err }
