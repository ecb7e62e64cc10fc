package neo4jstore

import (
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// Values cross the driver as map[string]any (it refuses structs). Times are Neo4j DATETIME
// values in UTC, which keep nanoseconds and compare and sort natively; integers come back as
// int64; locations are WGS-84 points (SRID 4326, x = longitude, y = latitude), which the point
// index and point.distance work on.

// wgs84 is the spatial reference id of WGS-84 longitude/latitude points.
const wgs84 = 4326

func toPoint(p partnergraph.Point) neo4j.Point2D {
	return neo4j.Point2D{X: p.Lng, Y: p.Lat, SpatialRefId: wgs84}
}

// optTime is a nullable time as a parameter: nil removes the property.
func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// values reads typed fields from a node's properties or a record, keeping the first error.
// A missing or null field reads as the zero value; a field of the wrong type is an error.
type values struct {
	m   map[string]any
	err error
}

func field[T any](v *values, key string) T {
	var zero T
	raw, ok := v.m[key]
	if !ok || raw == nil {
		return zero
	}
	t, ok := raw.(T)
	if !ok && v.err == nil {
		v.err = fmt.Errorf("property %s is %T, not %T", key, raw, zero)
	}
	return t
}

func (v *values) str(key string) string   { return field[string](v, key) }
func (v *values) boolean(key string) bool { return field[bool](v, key) }
func (v *values) integer(key string) int64 {
	return field[int64](v, key)
}

// float also accepts an integer, which Cypher returns for a whole number written as one.
func (v *values) float(key string) float64 {
	if n, ok := v.m[key].(int64); ok {
		return float64(n)
	}
	return field[float64](v, key)
}

func (v *values) time(key string) time.Time { return field[time.Time](v, key).UTC() }

func (v *values) optTime(key string) *time.Time {
	if v.m[key] == nil {
		return nil
	}
	t := v.time(key)
	return &t
}

func (v *values) point(key string) partnergraph.Point {
	p := field[neo4j.Point2D](v, key)
	return partnergraph.Point{Lat: p.Y, Lng: p.X}
}

// nodeValues reads the properties of the node under key in rec.
func nodeValues(rec *neo4j.Record, key string) (*values, error) {
	n, _, err := neo4j.GetRecordValue[neo4j.Node](rec, key)
	if err != nil {
		return nil, err
	}
	return &values{m: n.Props}, nil
}

func businessParams(b *partnergraph.Business) map[string]any {
	return map[string]any{
		"id":              b.ID,
		"name":            b.Name,
		"description":     b.Description,
		"website":         b.Website,
		"phone":           b.Phone,
		"email":           b.Email,
		"location":        toPoint(b.Location),
		"city":            b.City,
		"country":         b.Country,
		"serviceRadiusKm": b.ServiceRadiusKm,
		"status":          string(b.Status),
		"verified":        b.Verified,
		"dailyLeadCap":    int64(b.DailyLeadCap),
		"createdAt":       b.CreatedAt.UTC(),
	}
}

func businessFrom(v *values) (*partnergraph.Business, error) {
	b := &partnergraph.Business{
		ID:              v.str("id"),
		Name:            v.str("name"),
		Description:     v.str("description"),
		Website:         v.str("website"),
		Phone:           v.str("phone"),
		Email:           v.str("email"),
		Location:        v.point("location"),
		City:            v.str("city"),
		Country:         v.str("country"),
		ServiceRadiusKm: v.float("serviceRadiusKm"),
		Status:          partnergraph.BusinessStatus(v.str("status")),
		Verified:        v.boolean("verified"),
		DailyLeadCap:    int(v.integer("dailyLeadCap")),
		CreatedAt:       v.time("createdAt"),
	}
	if v.err != nil {
		return nil, fmt.Errorf("business %q: %w", b.ID, v.err)
	}
	return b, nil
}

// businessOf reads the business node under key "b" of rec.
func businessOf(rec *neo4j.Record) (*partnergraph.Business, error) {
	v, err := nodeValues(rec, "b")
	if err != nil {
		return nil, err
	}
	return businessFrom(v)
}

func networkParams(n *partnergraph.Network) map[string]any {
	return map[string]any{
		"id":         n.ID,
		"name":       n.Name,
		"region":     n.Region,
		"visibility": string(n.Visibility),
		"createdAt":  n.CreatedAt.UTC(),
	}
}

// networkOf reads the network node under key "n" of rec.
func networkOf(rec *neo4j.Record) (*partnergraph.Network, error) {
	v, err := nodeValues(rec, "n")
	if err != nil {
		return nil, err
	}
	n := &partnergraph.Network{
		ID:         v.str("id"),
		Name:       v.str("name"),
		Region:     v.str("region"),
		Visibility: partnergraph.Visibility(v.str("visibility")),
		CreatedAt:  v.time("createdAt"),
	}
	if v.err != nil {
		return nil, fmt.Errorf("network %q: %w", n.ID, v.err)
	}
	return n, nil
}

func serviceOf(rec *neo4j.Record) (partnergraph.Service, error) {
	v := &values{m: rec.AsMap()}
	s := partnergraph.Service{ID: v.str("id"), Name: v.str("name"), Sector: v.str("sector")}
	return s, v.err
}

func complementOf(rec *neo4j.Record) (partnergraph.Complement, error) {
	v := &values{m: rec.AsMap()}
	c := partnergraph.Complement{
		From:   v.str("from"),
		To:     v.str("to"),
		Weight: v.float("weight"),
		Source: partnergraph.Source(v.str("source")),
	}
	return c, v.err
}

func complementRow(c partnergraph.Complement) map[string]any {
	return map[string]any{"from": c.From, "to": c.To, "weight": c.Weight, "source": string(c.Source)}
}

func membershipRow(m partnergraph.Membership) map[string]any {
	return map[string]any{
		"businessId": m.BusinessID,
		"networkId":  m.NetworkID,
		"role":       string(m.Role),
		"since":      m.Since.UTC(),
	}
}

func membershipOf(rec *neo4j.Record) (partnergraph.Membership, error) {
	v := &values{m: rec.AsMap()}
	m := partnergraph.Membership{
		BusinessID: v.str("businessId"),
		NetworkID:  v.str("networkId"),
		Role:       partnergraph.MemberRole(v.str("role")),
		Since:      v.time("since"),
	}
	return m, v.err
}

func trustRow(t partnergraph.Trust) map[string]any {
	return map[string]any{
		"from":      t.From,
		"to":        t.To,
		"score":     t.Score,
		"note":      t.Note,
		"source":    string(t.Source),
		"updatedAt": t.UpdatedAt.UTC(),
		"setBy":     t.SetBy,
	}
}

func trustOf(rec *neo4j.Record) (partnergraph.Trust, error) {
	v := &values{m: rec.AsMap()}
	t := partnergraph.Trust{
		From:      v.str("from"),
		To:        v.str("to"),
		Score:     v.float("score"),
		Note:      v.str("note"),
		Source:    partnergraph.Source(v.str("source")),
		UpdatedAt: v.time("updatedAt"),
		SetBy:     v.str("setBy"),
	}
	return t, v.err
}

// pairKey names the unordered pair of businesses, so that A→B and B→A are one pair. Ids
// never contain '|'.
func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "|" + b
}

// openPair is the value of a partnership's openPair property: its pair key while it is open,
// else null, so that the uniqueness constraint on openPair allows one open partnership a pair.
func openPair(p *partnergraph.Partnership) any {
	if !p.Status.Open() {
		return nil
	}
	return pairKey(p.ProposerID, p.PartnerID)
}

func partnershipParams(p *partnergraph.Partnership) map[string]any {
	return map[string]any{
		"id":          p.ID,
		"proposerId":  p.ProposerID,
		"partnerId":   p.PartnerID,
		"pairKey":     pairKey(p.ProposerID, p.PartnerID),
		"openPair":    openPair(p),
		"status":      string(p.Status),
		"feeType":     string(p.Terms.Type),
		"amountMinor": p.Terms.AmountMinor,
		"percentBp":   p.Terms.PercentBP,
		"currency":    p.Terms.Currency,
		"message":     p.Message,
		"createdAt":   p.CreatedAt.UTC(),
		"respondedAt": optTime(p.RespondedAt),
		"endedAt":     optTime(p.EndedAt),
	}
}

// partnershipOf reads the partnership node under key "p" of rec.
func partnershipOf(rec *neo4j.Record) (*partnergraph.Partnership, error) {
	v, err := nodeValues(rec, "p")
	if err != nil {
		return nil, err
	}
	p := &partnergraph.Partnership{
		ID:         v.str("id"),
		ProposerID: v.str("proposerId"),
		PartnerID:  v.str("partnerId"),
		Status:     partnergraph.PartnershipStatus(v.str("status")),
		Terms: partnergraph.FeeTerms{
			Type:        partnergraph.FeeType(v.str("feeType")),
			AmountMinor: v.integer("amountMinor"),
			PercentBP:   v.integer("percentBp"),
			Currency:    v.str("currency"),
		},
		Message:     v.str("message"),
		CreatedAt:   v.time("createdAt"),
		RespondedAt: v.optTime("respondedAt"),
		EndedAt:     v.optTime("endedAt"),
	}
	if v.err != nil {
		return nil, fmt.Errorf("partnership %q: %w", p.ID, v.err)
	}
	return p, nil
}

// strs reads a list of strings. The server returns lists as []any; a missing list reads as
// nil, an empty one as an empty slice.
func (v *values) strs(key string) []string {
	switch raw := v.m[key].(type) {
	case nil:
		return nil
	case []string:
		return append([]string{}, raw...)
	case []any:
		out := make([]string, len(raw))
		for i, x := range raw {
			s, ok := x.(string)
			if !ok && v.err == nil {
				v.err = fmt.Errorf("property %s holds %T, not string", key, x)
			}
			out[i] = s
		}
		return out
	default:
		if v.err == nil {
			v.err = fmt.Errorf("property %s is %T, not a list of strings", key, raw)
		}
		return nil
	}
}

// optNode reads the properties of the node under key in rec, or nil if the value is null (an
// OPTIONAL MATCH that found nothing).
func optNode(rec *neo4j.Record, key string) (*values, error) {
	n, isNil, err := neo4j.GetRecordValue[neo4j.Node](rec, key)
	if err != nil || isNil {
		return nil, err
	}
	return &values{m: n.Props}, nil
}

// optString is a string parameter that is null when empty, so that the property is absent.
func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// list is a string list parameter that is never null: nil becomes the empty list.
func list(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func leadParams(l *partnergraph.Lead) map[string]any {
	return map[string]any{
		"id":             l.ID,
		"idempotencyKey": optString(l.IdempotencyKey),
		"inputHash":      l.InputHash,
		"referrerId":     l.ReferrerID,
		"serviceId":      l.ServiceID,
		"location":       toPoint(l.Location),
		"customerName":   l.Customer.Name,
		"customerEmail":  l.Customer.Email,
		"customerPhone":  l.Customer.Phone,
		"consentText":    l.Consent.Text,
		"consentGivenAt": l.Consent.GivenAt.UTC(),
		"notes":          l.Notes,
		"mode":           string(l.Mode),
		"maxOffers":      int64(l.MaxOffers),
		"status":         string(l.Status),
		"reason":         l.Reason,
		"valueMinor":     l.ValueMinor,
		"currency":       l.Currency,
		"createdAt":      l.CreatedAt.UTC(),
		"closedAt":       optTime(l.ClosedAt),
	}
}

// leadOf reads the lead node under key "l" of rec. A purged idempotency key reads as "".
func leadOf(rec *neo4j.Record) (*partnergraph.Lead, error) {
	v, err := nodeValues(rec, "l")
	if err != nil {
		return nil, err
	}
	l := &partnergraph.Lead{
		ID:             v.str("id"),
		IdempotencyKey: v.str("idempotencyKey"),
		InputHash:      v.str("inputHash"),
		ReferrerID:     v.str("referrerId"),
		ServiceID:      v.str("serviceId"),
		Location:       v.point("location"),
		Customer: partnergraph.Customer{
			Name:  v.str("customerName"),
			Email: v.str("customerEmail"),
			Phone: v.str("customerPhone"),
		},
		Consent:    partnergraph.Consent{Text: v.str("consentText"), GivenAt: v.time("consentGivenAt")},
		Notes:      v.str("notes"),
		Mode:       partnergraph.LeadMode(v.str("mode")),
		MaxOffers:  int(v.integer("maxOffers")),
		Status:     partnergraph.LeadStatus(v.str("status")),
		Reason:     v.str("reason"),
		ValueMinor: v.integer("valueMinor"),
		Currency:   v.str("currency"),
		CreatedAt:  v.time("createdAt"),
		ClosedAt:   v.optTime("closedAt"),
	}
	if at := v.optTime("erasedAt"); at != nil {
		l.Erased = &partnergraph.Erasure{At: *at, By: v.str("erasedBy")}
	}
	if v.err != nil {
		return nil, fmt.Errorf("lead %q: %w", l.ID, v.err)
	}
	return l, nil
}

// offerRow is an offer as a row of offer_create.
func offerRow(o *partnergraph.Offer) map[string]any {
	return map[string]any{
		"id":            o.ID,
		"leadId":        o.LeadID,
		"businessId":    o.BusinessID,
		"seq":           o.Seq,
		"rank":          int64(o.Rank),
		"path":          list(o.Path),
		"pathTrust":     o.PathTrust,
		"score":         o.Score,
		"reasons":       list(o.Reasons),
		"status":        string(o.Status),
		"declineReason": o.DeclineReason,
		"createdAt":     o.CreatedAt.UTC(),
		"expiresAt":     o.ExpiresAt.UTC(),
		"respondedAt":   optTime(o.RespondedAt),
	}
}

func offerFrom(v *values) (partnergraph.Offer, error) {
	o := partnergraph.Offer{
		ID:            v.str("id"),
		LeadID:        v.str("leadId"),
		BusinessID:    v.str("businessId"),
		Seq:           v.integer("seq"),
		Rank:          int(v.integer("rank")),
		Path:          v.strs("path"),
		PathTrust:     v.float("pathTrust"),
		Score:         v.float("score"),
		Reasons:       v.strs("reasons"),
		Status:        partnergraph.OfferStatus(v.str("status")),
		DeclineReason: v.str("declineReason"),
		CreatedAt:     v.time("createdAt"),
		ExpiresAt:     v.time("expiresAt"),
		RespondedAt:   v.optTime("respondedAt"),
	}
	if v.err != nil {
		return partnergraph.Offer{}, fmt.Errorf("offer %q: %w", o.ID, v.err)
	}
	return o, nil
}

// offerOf reads the offer node under key "o" of rec.
func offerOf(rec *neo4j.Record) (partnergraph.Offer, error) {
	v, err := nodeValues(rec, "o")
	if err != nil {
		return partnergraph.Offer{}, err
	}
	return offerFrom(v)
}

// eventRow is a lead event as a row of event_create.
func eventRow(e *partnergraph.LeadEvent) map[string]any {
	return map[string]any{
		"seq":        e.Seq,
		"leadId":     e.LeadID,
		"referrerId": e.ReferrerID,
		"status":     string(e.Status),
		"message":    e.Message,
		"at":         e.At.UTC(),
	}
}

// eventOf reads the lead event node under key "e" of rec.
func eventOf(rec *neo4j.Record) (partnergraph.LeadEvent, error) {
	v, err := nodeValues(rec, "e")
	if err != nil {
		return partnergraph.LeadEvent{}, err
	}
	e := partnergraph.LeadEvent{
		Seq:        v.integer("seq"),
		LeadID:     v.str("leadId"),
		ReferrerID: v.str("referrerId"),
		Status:     partnergraph.LeadStatus(v.str("status")),
		Message:    v.str("message"),
		At:         v.time("at"),
	}
	if v.err != nil {
		return partnergraph.LeadEvent{}, fmt.Errorf("lead event %d: %w", e.Seq, v.err)
	}
	return e, nil
}

func commissionParams(c *partnergraph.Commission) map[string]any {
	return map[string]any{
		"id":            c.ID,
		"leadId":        c.LeadID,
		"partnershipId": c.PartnershipID,
		"payerId":       c.PayerID,
		"payeeId":       c.PayeeID,
		"amountMinor":   c.AmountMinor,
		"currency":      c.Currency,
		"status":        string(c.Status),
		"createdAt":     c.CreatedAt.UTC(),
	}
}

// commissionOf reads the commission node under key "c" of rec.
func commissionOf(rec *neo4j.Record) (partnergraph.Commission, error) {
	v, err := nodeValues(rec, "c")
	if err != nil {
		return partnergraph.Commission{}, err
	}
	c := partnergraph.Commission{
		ID:            v.str("id"),
		LeadID:        v.str("leadId"),
		PartnershipID: v.str("partnershipId"),
		PayerID:       v.str("payerId"),
		PayeeID:       v.str("payeeId"),
		AmountMinor:   v.integer("amountMinor"),
		Currency:      v.str("currency"),
		Status:        partnergraph.CommissionStatus(v.str("status")),
		CreatedAt:     v.time("createdAt"),
	}
	if v.err != nil {
		return partnergraph.Commission{}, fmt.Errorf("commission %q: %w", c.ID, v.err)
	}
	// A reversed commission reads as VOID; its node is never changed.
	if voided, ok := rec.Get("voided"); ok && voided == true {
		c.Status = partnergraph.CommissionVoid
	}
	return c, nil
}
