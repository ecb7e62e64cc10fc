package matching

import (
	"math"
	"slices"

	"github.com/partnergraph/partnergraph"
)

// write runs one change under the write lock, then compacts if the overlay has grown.
func (g *Graph) write(fn func() error) error {
	g.wmu.Lock()
	defer g.wmu.Unlock()
	g.mu.Lock()
	err := fn()
	g.mu.Unlock()
	if err == nil {
		g.maybeCompact()
	}
	return err
}

// Apply projects one record of the interchange format, as Store.Import would write it, so
// that a graph can follow an import or an export stream. Errors: EINVALID for a record that
// holds no object, ENOTFOUND for a reference to a business or network the graph has not seen.
func (g *Graph) Apply(r partnergraph.Record) error {
	switch {
	case r.Service != nil:
		g.PutService(*r.Service)
		return nil
	case r.Complement != nil:
		return g.SetComplement(*r.Complement)
	case r.Business != nil:
		return g.PutBusiness(r.Business.Business, r.Business.Services)
	case r.Network != nil:
		return g.PutNetwork(*r.Network)
	case r.Membership != nil:
		return g.Join(*r.Membership)
	case r.Trust != nil:
		return g.SetTrust(*r.Trust)
	case r.Partnership != nil:
		return g.PutPartnership(*r.Partnership)
	}
	return partnergraph.Errorf(partnergraph.EINVALID, "record holds no object")
}

// PutService records a service or its new name.
func (g *Graph) PutService(s partnergraph.Service) {
	_ = g.write(func() error { g.putService(s); return nil })
}

// SetComplement creates or replaces the complement c.From → c.To in the layer of its source
// (CURATED or LEARNED; when a pair has both, the weights are blended). EINVALID for a weight
// outside [0,1].
func (g *Graph) SetComplement(c partnergraph.Complement) error {
	if err := partnergraph.CheckUnit("weight", c.Weight); err != nil {
		return err
	}
	return g.write(func() error { g.setComplement(c); return nil })
}

// RemoveComplement deletes the complement from → to. ENOTFOUND if there is none.
func (g *Graph) RemoveComplement(from, to string) error {
	return g.write(func() error { return g.removeComplement(from, to) })
}

// PutBusiness creates or updates a business. services replaces the services it offers; nil
// keeps them (Store.UpdateBusiness returns a business without its services). EINVALID for an
// empty id.
func (g *Graph) PutBusiness(b partnergraph.Business, services []string) error {
	if b.ID == "" {
		return partnergraph.Invalidf("id", "must not be empty")
	}
	return g.write(func() error { g.putBusiness(b, services); return nil })
}

// SetServices replaces the services a business offers. ENOTFOUND for an unknown business.
func (g *Graph) SetServices(businessID string, services []string) error {
	return g.write(func() error {
		v, err := g.node(businessID)
		if err != nil {
			return err
		}
		g.setServices(v, services)
		return nil
	})
}

// SetAcceptance sets the share of offered leads the business accepts, a quality signal that
// Learn otherwise keeps from lead outcomes: for tests, and for a rate known from elsewhere.
// EINVALID outside [0,1], ENOTFOUND for an unknown business.
func (g *Graph) SetAcceptance(businessID string, rate float64) error {
	if err := partnergraph.CheckUnit("rate", rate); err != nil {
		return err
	}
	return g.write(func() error {
		v, err := g.node(businessID)
		if err != nil {
			return err
		}
		g.accept[v] = float32(rate)
		return nil
	})
}

// PutNetwork creates or renames a network. EINVALID for an empty id.
func (g *Graph) PutNetwork(n partnergraph.Network) error {
	if n.ID == "" {
		return partnergraph.Invalidf("id", "must not be empty")
	}
	return g.write(func() error { g.putNetwork(n); return nil })
}

// Join makes a business a member of a network (again being one is not an error). ENOTFOUND
// for an unknown business or network.
func (g *Graph) Join(m partnergraph.Membership) error {
	return g.write(func() error {
		v, n, err := g.membership(m.BusinessID, m.NetworkID)
		if err != nil {
			return err
		}
		ns := g.nets.get(v)
		if _, ok := slices.BinarySearch(ns, n); ok {
			return nil
		}
		ns = g.nets.own(v)
		i, _ := slices.BinarySearch(ns, n)
		g.nets.put(v, slices.Insert(ns, i, n))
		g.countMember(v, n, 1)
		return nil
	})
}

// Leave ends a membership. ENOTFOUND if the business is not a member of the network.
func (g *Graph) Leave(businessID, networkID string) error {
	return g.write(func() error {
		v, n, err := g.membership(businessID, networkID)
		if err != nil {
			return err
		}
		ns := g.nets.get(v)
		if _, ok := slices.BinarySearch(ns, n); !ok {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "business %q is not a member of network %q", businessID, networkID)
		}
		ns = g.nets.own(v)
		i, _ := slices.BinarySearch(ns, n)
		g.nets.put(v, slices.Delete(ns, i, i+1))
		g.countMember(v, n, -1)
		return nil
	})
}

// SetTrust creates or replaces the trust edge t.From → t.To. EINVALID for a score outside
// [0,1] or a business trusting itself, ENOTFOUND for an unknown business.
func (g *Graph) SetTrust(t partnergraph.Trust) error {
	if err := partnergraph.CheckUnit("score", t.Score); err != nil {
		return err
	}
	return g.write(func() error {
		u, v, err := g.pair(t.From, t.To)
		if err != nil {
			return err
		}
		g.setTrust(u, v, quantize(t.Score), t.Source == partnergraph.SourceAdmin)
		return nil
	})
}

// RemoveTrust deletes the trust edge from → to. ENOTFOUND if there is none.
func (g *Graph) RemoveTrust(from, to string) error {
	return g.write(func() error {
		u, v, err := g.pair(from, to)
		if err != nil {
			return err
		}
		if l, ok := g.linkTo(u, v); !ok || l.out == 0 {
			return partnergraph.Errorf(partnergraph.ENOTFOUND, "no trust edge from %q to %q", from, to)
		}
		g.setTrust(u, v, 0, false)
		return nil
	})
}

// PutPartnership records a partnership or its new status; the last one applied for a pair
// sets the pair's status. EINVALID for an unknown status or a business partnering itself,
// ENOTFOUND for an unknown business.
func (g *Graph) PutPartnership(p partnergraph.Partnership) error {
	st, ok := pairStatus(p.Status)
	if !ok {
		return p.Status.Check("status")
	}
	return g.write(func() error {
		u, v, err := g.pair(p.ProposerID, p.PartnerID)
		if err != nil {
			return err
		}
		if l, ok := g.linkTo(u, v); st == pairActive && (!ok || l.st != pairActive) {
			g.joined.Add(1)
		}
		g.setPair(u, v, st)
		return nil
	})
}

func pairStatus(s partnergraph.PartnershipStatus) (uint8, bool) {
	switch s {
	case partnergraph.PartnershipProposed:
		return pairProposed, true
	case partnergraph.PartnershipActive:
		return pairActive, true
	case partnergraph.PartnershipDeclined:
		return pairDeclined, true
	case partnergraph.PartnershipEnded:
		return pairEnded, true
	}
	return 0, false
}

func businessStatus(s partnergraph.BusinessStatus) uint8 {
	switch s {
	case partnergraph.BusinessPending:
		return statusPending
	case partnergraph.BusinessSuspended:
		return statusSuspended
	}
	return statusActive
}

// pair resolves two distinct businesses.
func (g *Graph) pair(a, b string) (int32, int32, error) {
	u, err := g.node(a)
	if err != nil {
		return 0, 0, err
	}
	v, err := g.node(b)
	if err != nil {
		return 0, 0, err
	}
	if u == v {
		return 0, 0, partnergraph.Invalidf("to", "must differ from the business itself")
	}
	return u, v, nil
}

func (g *Graph) membership(businessID, networkID string) (int32, int32, error) {
	v, err := g.node(businessID)
	if err != nil {
		return 0, 0, err
	}
	n, ok := g.netIndex[networkID]
	if !ok {
		return 0, 0, partnergraph.Errorf(partnergraph.ENOTFOUND, "network %q not found", networkID)
	}
	return v, n, nil
}

func (g *Graph) cityIdx(name string) uint32 {
	if c, ok := g.cityIndex[name]; ok {
		return c
	}
	c := uint32(len(g.cities))
	g.cities = append(g.cities, name)
	g.cityIndex[name] = c
	return c
}

func (g *Graph) putNetwork(n partnergraph.Network) {
	if i, ok := g.netIndex[n.ID]; ok {
		nw := &g.networks[i]
		nw.name, nw.region, nw.private = n.Name, n.Region, n.Visibility == partnergraph.Private
		return
	}
	g.netIndex[n.ID] = int32(len(g.networks))
	g.networks = append(g.networks, networkInfo{
		id: n.ID, name: n.Name, region: n.Region, private: n.Visibility == partnergraph.Private,
		svcCount: make([]int32, len(g.svcs)),
	})
}

// countMember adds (d = 1) or removes (d = -1) business v to the aggregates of network n.
func (g *Graph) countMember(v, n int32, d int32) {
	nw := &g.networks[n]
	nw.members += d
	if d > 0 {
		nw.list = append(nw.list, v)
	} else if i := slices.Index(nw.list, v); i >= 0 {
		nw.list[i] = nw.list[len(nw.list)-1]
		nw.list = nw.list[:len(nw.list)-1]
	}
	nw.sumLat += float64(d) * float64(g.lat[v])
	nw.sumLng += float64(d) * float64(g.lng[v])
	for _, s := range g.services.get(v) {
		nw.svcCount[s] += d
	}
}

// putBusiness creates or updates a node. A new node's lists go to the base while a builder
// fills the graph, to the overlay afterwards.
func (g *Graph) putBusiness(b partnergraph.Business, services []string) {
	g.trustEdits++ // status and verification feed the global trust
	v, ok := g.index[b.ID]
	if !ok {
		v = int32(len(g.ids))
		g.index[b.ID] = v
		g.ids = append(g.ids, b.ID)
		g.names = append(g.names, b.Name)
		g.lat = append(g.lat, float32(b.Location.Lat))
		g.lng = append(g.lng, float32(b.Location.Lng))
		g.radius = append(g.radius, radiusOf(b))
		g.status = append(g.status, businessStatus(b.Status))
		g.verified = append(g.verified, b.Verified)
		g.created = append(g.created, unixSeconds(b.CreatedAt))
		g.city = append(g.city, g.cityIdx(b.City))
		g.accept = append(g.accept, float32(math.NaN()))
		g.deg = append(g.deg, 0)
		g.wdeg = append(g.wdeg, 0)
		g.inTrust = append(g.inTrust, 0)
		svcs := g.serviceList(services)
		if g.services.baseNodes() == int(v) {
			g.services.appendBase(svcs)
		} else {
			g.services.put(v, svcs)
		}
		for _, s := range svcs {
			g.svcs[s].count++
		}
		g.grid.add(v, g.lat[v], g.lng[v], svcs)
		return
	}
	lat, lng := float32(b.Location.Lat), float32(b.Location.Lng)
	if lat != g.lat[v] || lng != g.lng[v] {
		svcs := g.services.get(v)
		g.grid.remove(v, g.lat[v], g.lng[v], svcs)
		for _, n := range g.nets.get(v) {
			nw := &g.networks[n]
			nw.sumLat += float64(lat - g.lat[v])
			nw.sumLng += float64(lng - g.lng[v])
		}
		g.lat[v], g.lng[v] = lat, lng
		g.grid.add(v, lat, lng, svcs)
	}
	g.names[v] = b.Name
	g.radius[v] = radiusOf(b)
	g.status[v] = businessStatus(b.Status)
	g.verified[v] = b.Verified
	if !b.CreatedAt.IsZero() { // a business read back without its creation keeps the one known
		g.created[v] = unixSeconds(b.CreatedAt)
	}
	g.city[v] = g.cityIdx(b.City)
	if services != nil {
		g.setServices(v, services)
	}
}

// radiusOf is the business's service radius, with the default for a zero one (a business that
// was not validated, such as one built in a test).
func radiusOf(b partnergraph.Business) float32 {
	if b.ServiceRadiusKm <= 0 {
		return partnergraph.DefaultServiceRadiusKm
	}
	return float32(b.ServiceRadiusKm)
}

// serviceList resolves service slugs to sorted, distinct indexes.
func (g *Graph) serviceList(ids []string) []uint16 {
	out := make([]uint16, 0, len(ids))
	for _, id := range ids {
		out = append(out, g.serviceIdx(id))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (g *Graph) setServices(v int32, services []string) {
	old, svcs := g.services.get(v), g.serviceList(services)
	if slices.Equal(old, svcs) {
		return
	}
	g.grid.remove(v, g.lat[v], g.lng[v], old)
	for _, n := range g.nets.get(v) {
		for _, s := range old {
			g.networks[n].svcCount[s]--
		}
		for _, s := range svcs {
			g.networks[n].svcCount[s]++
		}
	}
	for _, s := range old {
		g.svcs[s].count--
	}
	for _, s := range svcs {
		g.svcs[s].count++
	}
	g.services.put(v, svcs)
	g.grid.add(v, g.lat[v], g.lng[v], svcs)
}

// editLink changes u's link to v with fn, keeping u's degrees in step, and drops the link when
// nothing is left in it.
func (g *Graph) editLink(u, v int32, fn func(*link)) {
	g.trustEdits++ // trust and partnerships feed the global trust
	ls := g.links.own(u)
	i, ok := findLink(ls, v)
	old := link{to: v}
	if ok {
		old = ls[i]
	}
	nl := old
	fn(&nl)
	empty := nl.out == 0 && nl.in == 0 && nl.st == pairNone
	switch {
	case ok && empty:
		ls = slices.Delete(ls, i, i+1)
	case ok:
		ls[i] = nl
	case !empty:
		ls = slices.Insert(ls, i, nl)
	}
	g.links.put(u, ls)
	ow, nw := old.weight(), nl.weight()
	g.wdeg[u] += float32(nw - ow)
	switch {
	case ow > 0 && nw == 0:
		g.deg[u]--
	case ow == 0 && nw > 0:
		g.deg[u]++
	}
}

// setTrust sets u's trust in v (q = 0 removes it), admin saying that an admin set it.
func (g *Graph) setTrust(u, v int32, q uint8, admin bool) {
	old := uint8(0)
	if l, ok := g.linkTo(u, v); ok {
		old = l.out
	}
	g.editLink(u, v, func(l *link) { l.out, l.fl = q, setFlag(l.fl, flagOutAdmin, admin && q != 0) })
	g.editLink(v, u, func(l *link) { l.in, l.fl = q, setFlag(l.fl, flagInAdmin, admin && q != 0) })
	g.inTrust[v] += float32(trustScore(q) - trustScore(old))
}

func (g *Graph) setPair(u, v int32, st uint8) {
	g.editLink(u, v, func(l *link) { l.st = st })
	g.editLink(v, u, func(l *link) { l.st = st })
}

// setFlag returns flags with the flag set or cleared.
func setFlag(flags, flag uint8, on bool) uint8 {
	if on {
		return flags | flag
	}
	return flags &^ flag
}
