package neo4jstore

import (
	"context"
	"errors"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph"
)

// noticeSeqs is how many seqs telling n businesses numbers (writeNotices): an event in each
// one's feed and a LEAD_EVENT change for each, which wakes its subscribers on every server.
func noticeSeqs(n int) int { return 2 * n }

// errMoreToTell is what a write returns when it has more businesses to tell than it reserved
// seqs for (an offer was made between the count and the write): it is retried, counted again.
var errMoreToTell = errors.New("more businesses to tell than seqs reserved")

// writeNotices writes the events, each in its business's feed, numbered from first on, then
// a LEAD_EVENT change for each; it returns the next free seq, or errMoreToTell when that
// would pass end (the first seq past the write's reservation).
func (s *Store) writeNotices(ctx context.Context, tx neo4j.ManagedTransaction, first, end int64, events []partnergraph.LeadEvent) (int64, error) {
	next := first + int64(noticeSeqs(len(events)))
	if next > end {
		return 0, errMoreToTell
	}
	assignSeqs(first, nil, events)
	if err := createOffersAndEvents(ctx, tx, nil, events); err != nil {
		return 0, err
	}
	changes := make([]change, len(events))
	for i, e := range events {
		changes[i] = change{kind: partnergraph.ChangeLeadEvent, id: e.ReferrerID}
	}
	return next, s.appendChanges(ctx, tx, first+int64(len(events)), changes)
}
