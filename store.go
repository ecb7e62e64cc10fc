package partnergraph

import (
	"context"
	"iter"
)

// Page sizes of listings.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Page asks for up to First items after the item whose cursor is After ("" for the start).
type Page struct {
	First int
	After string
}

// CheckPageSize returns EINVALID naming "first" unless first is in 1..MaxPageSize.
func CheckPageSize(first int) error {
	if first < 1 || first > MaxPageSize {
		return Invalidf("first", "must be between 1 and %d", MaxPageSize)
	}
	return nil
}

// Validate fills a zero First with DefaultPageSize and returns EINVALID naming "first".
func (p *Page) Validate() error {
	if p.First == 0 {
		p.First = DefaultPageSize
	}
	return CheckPageSize(p.First)
}

// Slice is one page of a listing: the items, each item's opaque cursor, and whether more
// items follow the last one.
type Slice[T any] struct {
	Items   []T
	Cursors []string
	HasNext bool
}

// SliceOf makes the page of a listing read with a limit of first+1: the extra item, if any,
// only tells that more follow. A page is never nil, so an empty one encodes as [].
func SliceOf[T any](items []T, cursors []string, first int) Slice[T] {
	s := Slice[T]{Items: items, Cursors: cursors}
	if len(items) > first {
		s.Items, s.Cursors, s.HasNext = items[:first], cursors[:first], true
	}
	if s.Items == nil {
		s.Items, s.Cursors = []T{}, []string{}
	}
	return s
}

// MembershipFilter narrows a membership listing; zero fields do not filter.
type MembershipFilter struct {
	BusinessID string
	NetworkID  string
}

// Store keeps the graph. Every implementation passes storetest.Run.
//
// Methods validate their input (EINVALID naming the field), return ENOTFOUND for a missing
// object they were asked about or that a write refers to, and ECONFLICT when a write would
// break a uniqueness rule. A write that fails changes nothing. Listings return EINVALID for a
// malformed cursor.
type Store interface {
	// CreateBusiness prepares b (Business.Prepare: EINVALID, an id unless set, a creation
	// time), stores it and makes ownerSub (if not "") its owner. ECONFLICT if the id is taken.
	CreateBusiness(ctx context.Context, b *Business, ownerSub string) error
	// Business returns the business with the id, or ENOTFOUND.
	Business(ctx context.Context, id string) (*Business, error)
	// BusinessesByID returns the businesses with these ids that exist, keyed by id.
	BusinessesByID(ctx context.Context, ids []string) (map[string]*Business, error)
	// UpdateBusiness applies the patch and returns the result. ENOTFOUND, EINVALID.
	UpdateBusiness(ctx context.Context, id string, patch BusinessPatch) (*Business, error)
	// Businesses lists businesses matching f: by name, or by distance when f.Near is set.
	Businesses(ctx context.Context, f BusinessFilter, p Page) (Slice[*Business], error)
	// SetBusinessServices replaces the services a business offers. ENOTFOUND for an unknown
	// business or service (Field "services").
	SetBusinessServices(ctx context.Context, businessID string, serviceIDs []string) error
	// ServicesOf returns the service ids each business offers, sorted, keyed by business id.
	ServicesOf(ctx context.Context, businessIDs []string) (map[string][]string, error)

	// AddOwner makes the user with the subject sub an owner of the business. ENOTFOUND.
	AddOwner(ctx context.Context, sub, businessID string) error
	// OwnedBy returns the ids of the businesses the user owns, sorted.
	OwnedBy(ctx context.Context, sub string) ([]string, error)

	// PutService creates or renames a service.
	PutService(ctx context.Context, s Service) error
	// Services returns every service, by sector then name.
	Services(ctx context.Context) ([]Service, error)
	// SetComplement creates or replaces the complement from c.From to c.To. ENOTFOUND for an
	// unknown service.
	SetComplement(ctx context.Context, c Complement) error
	// RemoveComplement deletes the complement. ENOTFOUND if there is none.
	RemoveComplement(ctx context.Context, from, to string) error
	// Complements returns every complement, by from then to.
	Complements(ctx context.Context) ([]Complement, error)

	// CreateNetwork prepares n (Network.Prepare), and stores it; organizerID (if not "") joins
	// it as ORGANIZER. ECONFLICT if the id is taken.
	CreateNetwork(ctx context.Context, n *Network, organizerID string) error
	// Network returns the network with the id, or ENOTFOUND.
	Network(ctx context.Context, id string) (*Network, error)
	// NetworksByID returns the networks with these ids that exist, keyed by id.
	NetworksByID(ctx context.Context, ids []string) (map[string]*Network, error)
	// Networks lists networks by name.
	Networks(ctx context.Context, p Page) (Slice[*Network], error)
	// Join adds a membership (Since set now). ECONFLICT if already a member, ENOTFOUND.
	Join(ctx context.Context, m Membership) (Membership, error)
	// Leave removes a membership. ENOTFOUND if the business is not a member.
	Leave(ctx context.Context, businessID, networkID string) error
	// Memberships lists memberships matching f, by network then business.
	Memberships(ctx context.Context, f MembershipFilter, p Page) (Slice[Membership], error)
	// MembershipsOf returns each business's memberships keyed by business id.
	MembershipsOf(ctx context.Context, businessIDs []string) (map[string][]Membership, error)

	// SetTrust creates or replaces the trust edge t.From → t.To (UpdatedAt set now).
	// ENOTFOUND for an unknown business.
	SetTrust(ctx context.Context, t Trust) (Trust, error)
	// RemoveTrust deletes the edge. ENOTFOUND if there is none.
	RemoveTrust(ctx context.Context, from, to string) error
	// TrustEdge returns the edge from → to, or ENOTFOUND.
	TrustEdge(ctx context.Context, from, to string) (Trust, error)
	// TrustEdges lists edges matching f, by from then to.
	TrustEdges(ctx context.Context, f TrustFilter, p Page) (Slice[Trust], error)
	// TrustCounts returns how many edges leave and enter each business, keyed by id.
	TrustCounts(ctx context.Context, businessIDs []string) (map[string]TrustCount, error)

	// CreatePartnership prepares p (Partnership.Prepare), and stores it. ENOTFOUND for an
	// unknown business; ECONFLICT if the pair already has an open (PROPOSED or ACTIVE)
	// partnership or the id is taken.
	CreatePartnership(ctx context.Context, p *Partnership) error
	// Partnership returns the partnership with the id, or ENOTFOUND.
	Partnership(ctx context.Context, id string) (*Partnership, error)
	// SetPartnershipStatus moves a partnership to status to, if its status is one of from;
	// otherwise ECONFLICT. It records when it was answered (ACTIVE, DECLINED) or ended.
	SetPartnershipStatus(ctx context.Context, id string, from []PartnershipStatus, to PartnershipStatus) (*Partnership, error)
	// Partnerships lists partnerships matching f, newest first.
	Partnerships(ctx context.Context, f PartnershipFilter, p Page) (Slice[*Partnership], error)

	// Import writes every record, creating or replacing by id (by key for edges). A bad record
	// (EINVALID, a reference to nothing at an earlier line or in the store, a second open
	// partnership of a pair) or a reader's error fails it before anything is written, and the
	// error names the record's line. A store may commit a large import in parts (Neo4j does):
	// a failure while writing (the server, or a concurrent writer) may then leave the records
	// before it written, and its error says so. Import is idempotent: importing the same
	// records again finishes such an import.
	Import(ctx context.Context, records iter.Seq2[Record, error]) (ImportStats, error)
	// Export calls yield for every object, in an order Import accepts.
	Export(ctx context.Context, yield func(Record) error) error

	LeadStore
	LeadErasure
	LeadErasureFeed
	ReturnStore
	LeadReturnsByLead
	HealthStore
	WebhookStore
	WebhookLeaseRelease
	TokenRevocations
	FittedWeightStore
	ChangeFeed

	// Close releases the store's resources.
	Close() error
}
