package partnergraph

import (
	"context"
	"strings"
	"time"
)

// The network's health over a time range (issue 17's console): leads per status per bucket,
// routing failures by kind, what became of the offers made, and the top referrers and
// recipients. It is read from the store, so that every server on one store gives the same
// answer, with range queries on creation times that indexes serve, and bounded by MaxHealthBuckets
// and MaxHealthTop.

// Health buckets: an hour or a UTC day.
const (
	BucketHour = time.Hour
	BucketDay  = 24 * time.Hour
)

// Bounds of a health query: at most this many buckets (a month of hours, two years and a half
// of days), and at most this many top referrers and recipients.
const (
	MaxHealthBuckets = 1000
	MaxHealthTop     = 100
)

// HealthQuery asks for the health of the network between From (inclusive) and To (exclusive):
// leads and offers created in the range. Buckets are Bucket long and start at From.
type HealthQuery struct {
	From, To time.Time
	Bucket   time.Duration
	// Top is how many referrers and recipients to rank, 1..MaxHealthTop.
	Top int
}

// Validate returns EINVALID naming "from", "to", "bucket" or "top".
func (q HealthQuery) Validate() error {
	if err := RequireTime("from", q.From); err != nil {
		return err
	}
	if err := RequireTime("to", q.To); err != nil {
		return err
	}
	if q.Bucket != BucketHour && q.Bucket != BucketDay {
		return Invalidf("bucket", "must be an hour or a day")
	}
	if !q.To.After(q.From) {
		return Invalidf("to", "must be after from")
	}
	if q.Buckets() > MaxHealthBuckets {
		return Invalidf("to", "at most %d buckets from from", MaxHealthBuckets)
	}
	if q.Top < 1 || q.Top > MaxHealthTop {
		return Invalidf("top", "must be 1..%d", MaxHealthTop)
	}
	return nil
}

// Buckets is how many buckets the range holds, the last one possibly cut short by To.
func (q HealthQuery) Buckets() int {
	return int((q.To.Sub(q.From) + q.Bucket - 1) / q.Bucket)
}

// UnroutableKind is what kind of routing failure left a lead UNROUTABLE.
type UnroutableKind string

// The kinds of routing failures, told apart by what routing writes as the lead's reason (see
// unroutableKinds).
const (
	UnroutableNoProvider    UnroutableKind = "NO_PROVIDER"     // no business offers the service
	UnroutableNoTrustedPath UnroutableKind = "NO_TRUSTED_PATH" // none reachable along trust, or none serves the place
	UnroutableDailyCap      UnroutableKind = "DAILY_CAP"       // the candidates reached their daily lead cap
	UnroutableOther         UnroutableKind = "OTHER"
)

// UnroutableKinds are the kinds with the text their reasons contain, in the order they are
// tested; a reason that contains none is OTHER. Both stores count by these (SQLite with
// instr, Neo4j with CONTAINS), and the routing tests check that the reasons routing writes
// fall under the kind they mean.
var UnroutableKinds = []struct {
	Kind     UnroutableKind
	Contains string
}{
	{UnroutableNoProvider, "no business offers "},
	{UnroutableNoTrustedPath, "no trusted path from "},
	{UnroutableDailyCap, " reached their daily lead cap"},
}

// UnroutableKindOf is the kind of routing failure a lead's reason tells.
func UnroutableKindOf(reason string) UnroutableKind {
	for _, k := range UnroutableKinds {
		if strings.Contains(reason, k.Contains) {
			return k.Kind
		}
	}
	return UnroutableOther
}

// LeadBucket counts the leads created in one bucket, by their status now.
type LeadBucket struct {
	Start                                    time.Time
	Offered, Accepted, Unroutable, Won, Lost int
}

// Total is every lead of the bucket.
func (b LeadBucket) Total() int { return b.Offered + b.Accepted + b.Unroutable + b.Won + b.Lost }

// OfferCounts count the offers made in a range, by their status now.
type OfferCounts struct {
	Made, Pending, Accepted, Declined, Expired, Withdrawn int
}

// ReferrerCount is a business's leads referred in a range, and how many of them are WON.
type ReferrerCount struct {
	BusinessID string
	Leads, Won int
}

// RecipientCount is a business's offers received in a range, and how many it accepted.
type RecipientCount struct {
	BusinessID       string
	Offers, Accepted int
}

// Health is the answer to a HealthQuery.
type Health struct {
	// Leads has one bucket per HealthQuery.Buckets, in order, empty ones included.
	Leads []LeadBucket
	// Unroutable counts the UNROUTABLE leads by kind; kinds without one are absent.
	Unroutable map[UnroutableKind]int
	Offers     OfferCounts
	// Referrers are the Top businesses with the most leads referred, then by id.
	Referrers []ReferrerCount
	// Recipients are the Top businesses with the most offers accepted, then the most offers
	// received, then by id.
	Recipients []RecipientCount
}

// NewHealth returns the Health of q with its empty buckets, for a store to count into.
func NewHealth(q HealthQuery) Health {
	h := Health{Leads: make([]LeadBucket, q.Buckets()), Unroutable: map[UnroutableKind]int{}}
	for i := range h.Leads {
		h.Leads[i].Start = q.From.Add(time.Duration(i) * q.Bucket).UTC()
	}
	return h
}

// AddLeads counts n leads of the status in bucket i; a bucket outside the range (a row a store
// should not have returned) is ignored.
func (h *Health) AddLeads(i int, status LeadStatus, n int) {
	if i < 0 || i >= len(h.Leads) {
		return
	}
	b := &h.Leads[i]
	switch status {
	case LeadOffered:
		b.Offered += n
	case LeadAccepted:
		b.Accepted += n
	case LeadUnroutable:
		b.Unroutable += n
	case LeadWon:
		b.Won += n
	case LeadLost:
		b.Lost += n
	}
}

// AddOffers counts n offers of the status.
func (c *OfferCounts) AddOffers(status OfferStatus, n int) {
	c.Made += n
	switch status {
	case OfferPending:
		c.Pending += n
	case OfferAccepted:
		c.Accepted += n
	case OfferDeclined:
		c.Declined += n
	case OfferExpired:
		c.Expired += n
	case OfferWithdrawn:
		c.Withdrawn += n
	}
}

// HealthStore reads the network's health: part of Store (storetest.Run holds its contract).
type HealthStore interface {
	// NetworkHealth counts the leads and offers created in q's range. EINVALID as
	// HealthQuery.Validate.
	NetworkHealth(ctx context.Context, q HealthQuery) (Health, error)
}
