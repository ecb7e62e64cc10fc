package seed

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Synthetic yields a synthetic network of n businesses, the same for the same n and seed, in
// an order Store.Import accepts: the example's services and complements, businesses, networks,
// memberships, then trust and partnerships.
//
// It is what partner suggestions are evaluated and benchmarked on, so it imitates what makes
// a referral network predictable: towns of Zipf-like sizes on a map, businesses clustered
// around their town's centre, services drawn from the example's taxonomy, and edges mostly
// between nearby businesses whose services complement each other, with triadic closure (a
// partner's partner becomes a partner), hub businesses that many link to, and some noise.
// Businesses join over five and a half years and link to businesses that joined before them,
// so older businesses have more partners; introductions through a common partner keep adding
// partnerships for years after, and trust often comes before a partnership, so a temporal
// split has something to predict. Each business has about 20 trust and partnership edges.
//
// It streams: per business it keeps some 110 bytes (position, services, id, a dozen
// neighbours for triadic closure), so n = 1,000,000 takes about 120 MB; generating it takes
// some 20 s on one core. Ids are "syn-0000042",
// "syn-net-…", "syn-p-…". Errors: EINVALID for n < 1; the example's own errors.
func Synthetic(n int, seed int64) iter.Seq2[partnergraph.Record, error] {
	return func(yield func(partnergraph.Record, error) bool) {
		if n < 1 {
			yield(partnergraph.Record{}, partnergraph.Invalidf("n", "must be at least 1"))
			return
		}
		g := &synth{n: n, rng: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))}
		g.run(yield)
	}
}

// Shape of the synthetic network.
const (
	synBusinessesPerTown = 300     // towns = n / this, at least 3
	synTownSpacingKm     = 40      // average distance between neighbouring towns
	synHubShare          = 0.015   // businesses that many others link to
	synTargets           = 10      // mean neighbours a business picks among those before it
	synHubTargets        = 3       // hubs pick this many times more
	synPartnerShare      = 0.45    // of the neighbours picked, those it also partners with
	synKnown             = 12      // neighbours kept per business for triadic closure
	synCellDeg           = 0.1     // grid cell of the generator's spatial index
	synYears             = 5.5     // businesses join from synStart over this many years
	synEndYears          = 6.5     // no edge is created after synStart plus this many years
	synMaxAttempts       = 6       // tries to find a valid neighbour per pick
	synKmPerDeg          = 111.195 // kilometres per degree of latitude
	synNone              = 0xff    // no second service
)

// synBusiness.flags: the status in the low two bits, then hub and verified.
const (
	synStatusActive    = 0
	synStatusPending   = 1
	synStatusSuspended = 2
	synHub             = 1 << 2
	synVerified        = 1 << 3
)

var synStart = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

type synService struct {
	id, name, sector string
	popularity       float64
}

type synTown struct {
	name     string
	lat, lng float64
	spreadKm float64
	hubs     []int32
	county   int32
}

// synBusiness is what the generator remembers of a business: 20 bytes, plus its id and known
// neighbours.
type synBusiness struct {
	lat, lng float32
	town     int32
	created  uint32 // Unix seconds
	svc      [2]uint8
	flags    uint8
	radius   uint8 // km
}

type synth struct {
	n   int
	rng *rand.Rand

	services []synService
	comp     [][]float64 // comp[s][t]: weight of the complement s → t
	pick     [][]float64 // per service, cumulative weights of the services its neighbours offer
	towns    []synTown
	townCum  []float64
	biz      []synBusiness
	ids      []string
	known    [][synKnown]int32
	nknown   []uint8
	cells    []uint64 // sorted (cell, service) keys of the spatial index
	cellOff  []int32
	cellBiz  []int32
	chamber  []int32 // per town: network index or -1
	club     []int32
	sectors  []string
	pid      int
}

func (g *synth) run(yield func(partnergraph.Record, error) bool) {
	for r, err := range Example() {
		if err != nil {
			yield(r, err)
			return
		}
		switch {
		case r.Service != nil:
			g.services = append(g.services, synService{id: r.Service.ID, name: r.Service.Name, sector: r.Service.Sector})
		case r.Complement != nil:
		default:
			continue
		}
		if !yield(r, nil) {
			return
		}
	}
	if !g.taxonomy() {
		yield(partnergraph.Record{}, partnergraph.Errorf(partnergraph.EINTERNAL, "synthetic: the example has no complements"))
		return
	}
	g.placeTowns()
	if !g.businesses(yield) {
		return
	}
	g.index()
	if !g.networks(yield) {
		return
	}
	g.edges(yield)
}

// taxonomy reads the complements of the example (a second pass over the embedded file, so the
// generator keeps no records) and draws each service's popularity.
func (g *synth) taxonomy() bool {
	idx := map[string]int{}
	for i, s := range g.services {
		idx[s.id] = i
		if !slices.Contains(g.sectors, s.sector) {
			g.sectors = append(g.sectors, s.sector)
		}
	}
	g.comp = make([][]float64, len(g.services))
	for i := range g.comp {
		g.comp[i] = make([]float64, len(g.services))
		g.services[i].popularity = 0.5 + 1.5*g.rng.Float64()
	}
	found := false
	for r, err := range Example() {
		if err == nil && r.Complement != nil {
			g.comp[idx[r.Complement.From]][idx[r.Complement.To]] = r.Complement.Weight
			found = true
		}
	}
	g.pick = make([][]float64, len(g.services))
	for s := range g.services {
		cum, sum := make([]float64, len(g.services)), 0.0
		for t := range g.services {
			if t != s {
				sum += g.comp[s][t] + 0.5*g.comp[t][s]
			}
			cum[t] = sum
		}
		g.pick[s] = cum
	}
	return found
}

var (
	synTownStems = []string{"Ash", "Oak", "Elm", "Maple", "Cedar", "Pine", "Willow", "Birch", "Stone", "River",
		"Lake", "Fair", "Green", "Brook", "Clear", "Spring", "Shelby", "Mill", "North", "South", "East", "West",
		"Red", "White", "Black", "Silver", "Gold", "Iron", "High", "Glen"}
	synTownEnds = []string{"field", "ville", "ford", "ton", "wood", "dale", "brook", "port", "burg", "view",
		"haven", "mont", "ridge", "side", "bridge", "worth", "bury", "stead", "moor", "crest"}
	synNames = []string{"Bluebird", "Summit", "Prairie", "Lakeside", "Riverside", "Granite", "Maple", "Cedar",
		"Golden", "Silver", "Northstar", "Keystone", "Pioneer", "Liberty", "Heritage", "Evergreen", "Harbor",
		"Sunrise", "Redwood", "Main Street", "Old Town", "Union", "Capital", "Frontier", "Crossroads", "Beacon",
		"Meadow", "Highland", "Copper", "Clearwater", "Family", "Precision", "Reliable", "Premier", "Hometown",
		"Parkside", "Westgate", "Eastside", "Bright", "True North"}
)

// placeTowns puts towns of Zipf sizes (the k-th largest has 1/k of the largest's businesses)
// on a square map whose side grows with the number of towns, so that towns stay about
// synTownSpacingKm apart at any n. Counties group towns in 150 km squares, for sector guilds.
func (g *synth) placeTowns() {
	t := max(3, g.n/synBusinessesPerTown)
	side := synTownSpacingKm * math.Sqrt(float64(t))
	g.towns = make([]synTown, t)
	g.townCum = make([]float64, t)
	sum := 0.0
	for i := range g.towns {
		sum += 1 / float64(i+1)
		g.townCum[i] = sum
	}
	for i := range g.towns {
		size := float64(g.n) / float64(i+1) / sum
		y, x := (g.rng.Float64()-0.5)*side, (g.rng.Float64()-0.5)*side
		lat := 40 + y/synKmPerDeg
		lng := -90 + x/(synKmPerDeg*math.Cos(lat*math.Pi/180))
		name := synTownStems[i%len(synTownStems)] + synTownEnds[(i/len(synTownStems))%len(synTownEnds)]
		if k := i / (len(synTownStems) * len(synTownEnds)); k > 0 {
			name += " " + strconv.Itoa(k+1)
		}
		cy, cx := int32(math.Floor((y+side)/150)), int32(math.Floor((x+side)/150))
		g.towns[i] = synTown{name: name, lat: lat, lng: lng, spreadKm: 1 + 0.1*math.Sqrt(size), county: cy<<16 | cx}
	}
}

func (g *synth) sample(cum []float64) int {
	x := g.rng.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearchFunc(cum, x, func(c, x float64) int {
		if c <= x {
			return -1
		}
		return 1
	})
	return min(i, len(cum)-1)
}

func (g *synth) created(v int32) time.Time { return time.Unix(int64(g.biz[v].created), 0).UTC() }

// businesses draws and yields the businesses, remembering what the edges need.
func (g *synth) businesses(yield func(partnergraph.Record, error) bool) bool {
	svcCum, sum := make([]float64, len(g.services)), 0.0
	for i, s := range g.services {
		sum += s.popularity
		svcCum[i] = sum
	}
	g.biz = make([]synBusiness, g.n)
	g.ids = make([]string, g.n)
	g.known = make([][synKnown]int32, g.n)
	g.nknown = make([]uint8, g.n)
	span := synYears * 365.25 * 24 * 3600
	for i := range g.n {
		v := int32(i)
		tw := g.sample(g.townCum)
		town := &g.towns[tw]
		dy, dx := g.rng.NormFloat64()*town.spreadKm, g.rng.NormFloat64()*town.spreadKm
		lat := town.lat + dy/synKmPerDeg
		lng := town.lng + dx/(synKmPerDeg*math.Cos(town.lat*math.Pi/180))
		s := g.sample(svcCum)
		b := synBusiness{lat: float32(lat), lng: float32(lng), town: int32(tw), svc: [2]uint8{uint8(s), synNone}}
		if g.rng.Float64() < 0.12 { // a second service of the same sector
			for range 4 {
				if t := g.sample(svcCum); t != s && g.services[t].sector == g.services[s].sector {
					b.svc[1] = uint8(t)
					break
				}
			}
		}
		hub := g.rng.Float64() < synHubShare
		switch x := g.rng.Float64(); {
		case x < 0.015:
			b.flags = synStatusSuspended
		case x < 0.04:
			b.flags = synStatusPending
		}
		if hub && b.flags == synStatusActive {
			b.flags |= synHub
			town.hubs = append(town.hubs, v)
		}
		if g.rng.Float64() < 0.4 || (hub && g.rng.Float64() < 0.8) {
			b.flags |= synVerified
		}
		b.radius = uint8(15 + 5*g.rng.IntN(10))
		// Joining times grow with the index, so a business's earlier neighbours joined before it.
		at := synStart.Add(time.Duration((float64(i) + g.rng.Float64()) / float64(g.n) * span * float64(time.Second)))
		b.created = uint32(at.Unix())
		g.biz[i] = b
		g.ids[i] = fmt.Sprintf("syn-%07d", i)

		status := partnergraph.BusinessActive
		switch b.flags & 3 {
		case synStatusPending:
			status = partnergraph.BusinessPending
		case synStatusSuspended:
			status = partnergraph.BusinessSuspended
		}
		services := []string{g.services[s].id}
		if b.svc[1] != synNone {
			services = append(services, g.services[b.svc[1]].id)
		}
		rec := &partnergraph.BusinessRecord{
			Business: partnergraph.Business{
				ID: g.ids[i], Name: synNames[g.rng.IntN(len(synNames))] + " " + g.services[s].name,
				Location: partnergraph.Point{Lat: round6(lat), Lng: round6(lng)}, City: town.name, Country: "US",
				ServiceRadiusKm: float64(b.radius), Status: status, Verified: b.flags&synVerified != 0,
				DailyLeadCap: partnergraph.DefaultDailyLeadCap, CreatedAt: at,
			},
			Services: services,
		}
		if !yield(partnergraph.Record{Business: rec}, nil) {
			return false
		}
	}
	return true
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func synCell(lat, lng float32) (int32, int32) {
	return int32(math.Floor(float64(lat) / synCellDeg)), int32(math.Floor(float64(lng) / synCellDeg))
}

func synKey(cy, cx int32, s uint8) uint64 {
	return uint64(uint32(cy+4096))<<40 | uint64(uint32(cx+8192))<<16 | uint64(s)
}

// index sorts the businesses by (cell, service) so that the ones offering a service near a
// point, and joined before a given one, are a few binary searches away.
func (g *synth) index() {
	type entry struct {
		key uint64
		v   int32
	}
	es := make([]entry, 0, g.n+g.n/8)
	for i, b := range g.biz {
		cy, cx := synCell(b.lat, b.lng)
		for _, s := range b.svc {
			if s != synNone {
				es = append(es, entry{synKey(cy, cx, s), int32(i)})
			}
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.v, b.v)) })
	g.cellBiz = make([]int32, len(es))
	for i, e := range es {
		g.cellBiz[i] = e.v
		if i == 0 || e.key != es[i-1].key {
			g.cells = append(g.cells, e.key)
			g.cellOff = append(g.cellOff, int32(i))
		}
	}
	g.cellOff = append(g.cellOff, int32(len(es)))
}

// before returns the businesses offering service s in the cell, that joined before u.
func (g *synth) before(cy, cx int32, s uint8, u int32) []int32 {
	k, ok := slices.BinarySearch(g.cells, synKey(cy, cx, s))
	if !ok {
		return nil
	}
	l := g.cellBiz[g.cellOff[k]:g.cellOff[k+1]]
	n, _ := slices.BinarySearch(l, u)
	return l[:n]
}

// networks yields a chamber of commerce per town of 8 businesses or more, a private referral
// club per town of 100 or more, and a guild per county and sector with 20 businesses or more
// in it; then the memberships, a business joining each of its networks with some chance
// (hubs with more).
func (g *synth) networks(yield func(partnergraph.Record, error) bool) bool {
	townSize := make([]int32, len(g.towns))
	sectorOf := make([]int, len(g.services))
	for i, s := range g.services {
		sectorOf[i] = slices.Index(g.sectors, s.sector)
	}
	guildSize := map[[2]int32]int32{}
	for _, b := range g.biz {
		townSize[b.town]++
		guildSize[[2]int32{g.towns[b.town].county, int32(sectorOf[b.svc[0]])}]++
	}
	// A county's guilds are named after its largest town: the first one seen, as towns are
	// numbered by size.
	countyName := map[int32]string{}
	for _, t := range g.towns {
		if _, ok := countyName[t.county]; !ok {
			countyName[t.county] = t.name
		}
	}
	netCreated := synStart.Add(-30 * 24 * time.Hour)
	emit := func(id, name, region string, vis partnergraph.Visibility) bool {
		return yield(partnergraph.Record{Network: &partnergraph.Network{ID: id, Name: name, Region: region, Visibility: vis, CreatedAt: netCreated}}, nil)
	}
	g.chamber = make([]int32, len(g.towns))
	g.club = make([]int32, len(g.towns))
	var netIDs []string
	for i, t := range g.towns {
		g.chamber[i], g.club[i] = -1, -1
		if townSize[i] >= 8 {
			g.chamber[i] = int32(len(netIDs))
			netIDs = append(netIDs, fmt.Sprintf("syn-net-%05d-chamber", i))
			if !emit(netIDs[len(netIDs)-1], t.name+" Chamber of Commerce", t.name, partnergraph.Public) {
				return false
			}
		}
		if townSize[i] >= 100 {
			g.club[i] = int32(len(netIDs))
			netIDs = append(netIDs, fmt.Sprintf("syn-net-%05d-club", i))
			if !emit(netIDs[len(netIDs)-1], t.name+" Referral Club", t.name, partnergraph.Private) {
				return false
			}
		}
	}
	// Guilds in a fixed order: by county, then sector.
	keys := make([][2]int32, 0, len(guildSize))
	for k, n := range guildSize {
		if n >= 20 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b [2]int32) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	guilds := map[[2]int32]int32{}
	for _, k := range keys {
		guilds[k] = int32(len(netIDs))
		netIDs = append(netIDs, fmt.Sprintf("syn-net-g%08x-%d", uint32(k[0]), k[1]))
		sector := g.sectors[k[1]]
		if !emit(netIDs[len(netIDs)-1], countyName[k[0]]+" Area "+sector+" Guild", countyName[k[0]]+" area", partnergraph.Public) {
			return false
		}
	}
	organized := make([]bool, len(netIDs))
	for i, b := range g.biz {
		hub := b.flags&synHub != 0
		join := func(n int32, p, hubP float64) bool {
			if n < 0 || (g.rng.Float64() >= p && !(hub && g.rng.Float64() < hubP)) {
				return true
			}
			role := partnergraph.RoleMember
			if !organized[n] {
				role, organized[n] = partnergraph.RoleOrganizer, true
			}
			since := g.created(int32(i)).Add(time.Duration(g.rng.IntN(200*24)) * time.Hour)
			return yield(partnergraph.Record{Membership: &partnergraph.Membership{BusinessID: g.ids[i], NetworkID: netIDs[n], Role: role, Since: since}}, nil)
		}
		guild, ok := guilds[[2]int32{g.towns[b.town].county, int32(sectorOf[b.svc[0]])}]
		if !ok {
			guild = -1
		}
		if !join(g.chamber[b.town], 0.3, 0.8) || !join(guild, 0.25, 0.6) || !join(g.club[b.town], 0.05, 0.4) {
			return false
		}
	}
	return true
}

// distKm is the equirectangular distance, good to a fraction of a percent at town scale.
func (g *synth) distKm(u, v int32) float64 {
	a, b := g.biz[u], g.biz[v]
	dy := float64(a.lat-b.lat) * synKmPerDeg
	dx := float64(a.lng-b.lng) * synKmPerDeg * math.Cos(float64(a.lat)*math.Pi/180)
	return math.Hypot(dy, dx)
}

// competitors share a service within either one's service radius: they fight over the same
// customers, and suggestions never propose them to each other.
func (g *synth) competitors(u, v int32) bool {
	a, b := g.biz[u], g.biz[v]
	shared := false
	for _, s := range a.svc {
		if s != synNone && (s == b.svc[0] || s == b.svc[1]) {
			shared = true
		}
	}
	return shared && g.distKm(u, v) <= float64(max(a.radius, b.radius))
}

// fit is the complement between two businesses' services, both directions counted.
func (g *synth) fit(u, v int32) float64 {
	best := 0.0
	for _, s := range g.biz[u].svc {
		for _, t := range g.biz[v].svc {
			if s != synNone && t != synNone && s != t {
				best = math.Max(best, g.comp[s][t]+0.5*g.comp[t][s])
			}
		}
	}
	return math.Min(1, best)
}

// near picks a business offering service t that joined before u, near u: a few random ones
// from u's cell and the cells around it, the nearest of them.
func (g *synth) near(u int32, t uint8) int32 {
	b := g.biz[u]
	cy, cx := synCell(b.lat, b.lng)
	for _, r := range []int32{1, 3} {
		var lists [][]int32
		total := 0
		for dy := -r; dy <= r; dy++ {
			for dx := -r; dx <= r; dx++ {
				if l := g.before(cy+dy, cx+dx, t, u); len(l) > 0 {
					lists = append(lists, l)
					total += len(l)
				}
			}
		}
		if total == 0 {
			continue
		}
		best, bestD := int32(-1), math.Inf(1)
		for range 4 {
			k := g.rng.IntN(total)
			for _, l := range lists {
				if k < len(l) {
					if d := g.distKm(u, l[k]); d < bestD {
						best, bestD = l[k], d
					}
					break
				}
				k -= len(l)
			}
		}
		return best
	}
	return -1
}

func (g *synth) remember(u, v int32) {
	if k := g.nknown[u]; k < synKnown {
		g.known[u][k] = v
		g.nknown[u]++
		return
	}
	g.known[u][g.rng.IntN(synKnown)] = v
}

// pickNeighbour proposes one neighbour for u among the businesses before it: most often a
// nearby business offering a complementary service, else a partner of a neighbour already
// picked (triadic closure), a hub of u's town, or noise: any business of the town or, rarely,
// of the map. It returns -1 when the pick failed, and whether it was a closure.
func (g *synth) pickNeighbour(u int32, picked []int32) (int32, bool) {
	b := g.biz[u]
	switch x := g.rng.Float64(); {
	case x < 0.30 && len(picked) > 0:
		w := picked[g.rng.IntN(len(picked))]
		if k := g.nknown[w]; k > 0 {
			v := g.known[w][g.rng.IntN(int(k))]
			if g.rng.Float64() < 0.3+0.7*g.fit(u, v) {
				return v, true
			}
		}
		return -1, false
	case x < 0.40:
		hubs := g.towns[b.town].hubs
		if n, _ := slices.BinarySearch(hubs, u); n > 0 {
			return hubs[g.rng.IntN(n)], false
		}
		return -1, false
	case x < 0.50:
		t := b.svc[0]
		if g.rng.Float64() < 0.8 {
			t = uint8(g.rng.IntN(len(g.services)))
		}
		return g.near(u, t), false
	case x < 0.52:
		return g.rng.Int32N(u + 1), false
	}
	s := b.svc[0]
	if b.svc[1] != synNone && g.rng.IntN(2) == 0 {
		s = b.svc[1]
	}
	return g.near(u, uint8(g.sample(g.pick[s]))), false
}

// edges yields, business by business, the trust and partnerships it forms with businesses
// that joined before it. Each pair is decided once, at the later business, so no pair is
// repeated and no pair has two open partnerships.
func (g *synth) edges(yield func(partnergraph.Record, error) bool) {
	var picked []int32
	for i := range g.n {
		u := int32(i)
		b := g.biz[u]
		if b.flags&3 != synStatusActive {
			continue
		}
		m := 1 + poisson(g.rng, synTargets)
		if b.flags&synHub != 0 {
			m *= synHubTargets
		}
		picked = picked[:0]
		for range m {
			v, closure := int32(-1), false
			for range synMaxAttempts {
				if v, closure = g.pickNeighbour(u, picked); v >= 0 && v != u && !slices.Contains(picked, v) && !g.competitors(u, v) {
					break
				}
				v = -1
			}
			if v < 0 {
				continue
			}
			picked = append(picked, v)
			g.remember(u, v)
			g.remember(v, u)
			if !g.link(u, v, closure, yield) {
				return
			}
		}
	}
}

// link yields the trust and partnership records between u and an earlier business v.
func (g *synth) link(u, v int32, closure bool, yield func(partnergraph.Record, error) bool) bool {
	start := max(g.biz[u].created, g.biz[v].created)
	// Most links form within months of the later business joining; introductions through a
	// common partner keep forming for years, so established businesses still gain partners.
	delay := g.rng.ExpFloat64() * 90
	if closure {
		delay += g.rng.ExpFloat64() * 400
	}
	end := synStart.Add(time.Duration(synEndYears * 365.25 * 24 * float64(time.Hour)))
	begin := time.Unix(int64(start), 0).UTC()
	at := begin.Add(time.Duration(delay * 24 * float64(time.Hour)))
	if at.After(end) {
		at = begin.Add(time.Duration(g.rng.Float64() * float64(end.Sub(begin))))
	}
	at = at.Add(time.Duration(g.rng.IntN(24*3600)) * time.Second)
	quality := 0.0
	if g.biz[v].flags&synVerified != 0 {
		quality = 0.1
	}
	partner := g.biz[v].flags&3 == synStatusActive && g.rng.Float64() < synPartnerShare
	// Trust often comes first: members endorse a business before they sign up with it.
	trust := func(from, to int32, lo, hi float64, early bool) bool {
		score := math.Round(math.Min(1, lo+(hi-lo)*g.rng.Float64()+quality)*100) / 100
		when := at.Add(time.Duration(g.rng.IntN(72)) * time.Hour)
		if early && g.rng.IntN(2) == 0 {
			when = at.Add(-time.Duration(g.rng.Float64() * float64(at.Sub(time.Unix(int64(start), 0)))))
		}
		return yield(partnergraph.Record{Trust: &partnergraph.Trust{From: g.ids[from], To: g.ids[to], Score: score, Source: partnergraph.SourceMember, UpdatedAt: when}}, nil)
	}
	if partner {
		if g.rng.Float64() < 0.04 { // an earlier attempt that did not last
			st := partnergraph.PartnershipDeclined
			if g.rng.IntN(2) == 0 {
				st = partnergraph.PartnershipEnded
			}
			if !g.partnership(v, u, st, at.Add(-time.Duration(1+g.rng.IntN(60))*24*time.Hour), yield) {
				return false
			}
		}
		st := partnergraph.PartnershipActive
		switch x := g.rng.Float64(); {
		case x < 0.08:
			st = partnergraph.PartnershipProposed
		case x < 0.16:
			st = partnergraph.PartnershipDeclined
		case x < 0.22:
			st = partnergraph.PartnershipEnded
		}
		if !g.partnership(u, v, st, at, yield) {
			return false
		}
		if g.rng.Float64() < 0.85 && !trust(u, v, 0.55, 0.95, true) {
			return false
		}
		return g.rng.Float64() >= 0.75 || trust(v, u, 0.55, 0.95, true)
	}
	if g.rng.Float64() < 0.9 && !trust(u, v, 0.3, 0.9, false) {
		return false
	}
	return g.rng.Float64() >= 0.5 || trust(v, u, 0.3, 0.9, false)
}

func (g *synth) partnership(a, b int32, st partnergraph.PartnershipStatus, at time.Time, yield func(partnergraph.Record, error) bool) bool {
	g.pid++
	p := &partnergraph.Partnership{
		ID: "syn-p-" + strconv.Itoa(g.pid), ProposerID: g.ids[a], PartnerID: g.ids[b], Status: st, CreatedAt: at,
		Terms: partnergraph.FeeTerms{Type: partnergraph.FeePercent, PercentBP: int64(500 + 250*g.rng.IntN(7)), Currency: "USD"},
	}
	if g.rng.IntN(3) == 0 {
		p.Terms = partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: int64(2500 * (1 + g.rng.IntN(12))), Currency: "USD"}
	}
	if st != partnergraph.PartnershipProposed {
		r := at.Add(time.Duration(1+g.rng.IntN(120)) * time.Hour)
		p.RespondedAt = &r
	}
	if st == partnergraph.PartnershipEnded {
		e := at.Add(time.Duration(30+g.rng.IntN(300)) * 24 * time.Hour)
		p.EndedAt = &e
	}
	return yield(partnergraph.Record{Partnership: p}, nil)
}

// poisson draws from a Poisson distribution by Knuth's method (fine for small means).
func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
