package partnergraph

import "context"

// LeadReturnsByLead reads the returns of many leads at once: the part of Store that lets a
// page of leads show their returns in one store call (the API's loaders) rather than one per
// lead. storetest.Run holds its contract.
type LeadReturnsByLead interface {
	// LeadReturnsOf returns the returns of the leads with these ids that have one, keyed by
	// lead id; leads without a return, and unknown ids, are left out.
	LeadReturnsOf(ctx context.Context, leadIDs []string) (map[string]*LeadReturn, error)
}
