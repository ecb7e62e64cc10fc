package partnergraph

import (
	"context"
	"time"
)

// ChangeKind names what a change record is about, and so which record a follower re-reads.
type ChangeKind string

// The kinds of change, with what ID and To hold.
const (
	ChangeBusiness    ChangeKind = "BUSINESS"    // ID: the business (created, updated, status, services)
	ChangeService     ChangeKind = "SERVICE"     // ID: the service
	ChangeComplement  ChangeKind = "COMPLEMENT"  // ID, To: the two services (set or removed)
	ChangeNetwork     ChangeKind = "NETWORK"     // ID: the network
	ChangeMembership  ChangeKind = "MEMBERSHIP"  // ID: the business, To: the network (joined or left)
	ChangeTrust       ChangeKind = "TRUST"       // ID, To: the two businesses (set or removed)
	ChangePartnership ChangeKind = "PARTNERSHIP" // ID: the partnership (created or moved)
	ChangeOffer       ChangeKind = "OFFER"       // ID: the recipient of a new offer (its inbox grew)
	ChangeLeadEvent   ChangeKind = "LEAD_EVENT"  // ID: the referrer of a lead with a new event
	ChangeOutcome     ChangeKind = "OUTCOME"     // ID: an offer that was answered (accepted, declined, expired)
	ChangeImport      ChangeKind = "IMPORT"      // a bulk import: a follower rebuilds its projection
	ChangeReturn      ChangeKind = "RETURN"      // ID: a lead whose return was accepted (a bad outcome to learn)
	ChangeWeights     ChangeKind = "WEIGHTS"     // new fitted weights of the suggestion signals (FittedWeightStore)
)

// Change is one entry of the change feed: a committed write that another server's projection
// or subscribers care about. It names what changed, not the new values: a follower re-reads
// the record, so applying a change twice, or one its own process already applied, is harmless.
type Change struct {
	Seq    int64 // the position in the feed: the order in which the writes committed
	Kind   ChangeKind
	ID     string
	To     string    // the second key of pairs (trust, complement, membership), else ""
	Origin string    // the Store handle that wrote it (ChangeFeed.Origin)
	At     time.Time // when it was written, for the follower's lag and for trimming
}

// ErrChangesTrimmed is what Changes returns when changes after the asked position were
// trimmed: the reader cannot know what it missed and must rebuild its state from the store.
var ErrChangesTrimmed = &Error{Code: ECONFLICT, Message: "the change feed was trimmed past this position: rebuild from the store"}

// ChangeFeed is the log of committed writes. Every write of the Store that the projection or
// a subscriber cares about appends its changes in the same transaction, so a change is in the
// feed if and only if its write committed.
type ChangeFeed interface {
	// Changes returns up to limit changes with Seq > after, by Seq. It never skips a change:
	// one that commits later will have a Seq above every change returned before it (or the
	// read waits for it). ErrChangesTrimmed when changes after `after` were trimmed.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
	// ChangesHead returns a position up to which the feed is complete now (0 for an empty
	// feed): every change at or below it has committed. A server notes it before it builds
	// its projection from the store, then follows the feed from there.
	ChangesHead(ctx context.Context) (int64, error)
	// TrimChanges deletes the changes written before the time and returns how many; a later
	// Changes from a position before them returns ErrChangesTrimmed.
	TrimChanges(ctx context.Context, before time.Time) (int, error)
	// Origin is this Store handle's name in the changes it writes, unique per Open, so that a
	// server can tell its own writes from those of other servers.
	Origin() string
}
