package matching_test

import (
	"testing"

	"github.com/partnergraph/partnergraph/store/storetest"
)

// Why each Store method that Projected does not handle needs no projection.
const (
	read       = "a read: the projection follows writes only"
	leadWrite  = "leads are not in the projection; their outcomes reach it through leads.Learner"
	notInGraph = "writes what the projection does not hold"
)

// TestProjectedHandlesEveryWrite fails when a write is added to partnergraph.Store that
// Projected neither projects nor lists here: embedding would pass it to the store alone, and
// suggestions and routing would miss it until the next restart.
func TestProjectedHandlesEveryWrite(t *testing.T) {
	storetest.Decorates(t, "Projected", map[string]string{
		"Business": read, "BusinessesByID": read, "Businesses": read, "ServicesOf": read,
		"OwnedBy": read, "Services": read, "Complements": read,
		"Network": read, "NetworksByID": read, "Networks": read, "Memberships": read, "MembershipsOf": read,
		"TrustEdge": read, "TrustEdges": read, "TrustCounts": read,
		"Partnership": read, "Partnerships": read, "Export": read,
		"Lead": read, "Offer": read, "OffersOfLead": read, "Inbox": read, "LeadEvents": read, "LeadErasures": read,
		"DueOffers": read, "OffersSince": read, "Ledger": read, "Commissions": read, "CommissionOfLead": read, "Outcomes": read,
		"TokensRevokedBefore": read, "FittedWeights": read, "Changes": read, "ChangesHead": read, "Origin": read,
		"TrimChanges": "forgets old change records; the graph they named stays as it is",

		"LeadReturn": read, "LeadReturnsOf": read, "DueReturns": read, "Returns": read, "ReturnStats": read, "NetworkHealth": read, "CommissionReversals": read,

		"SubmitLead": leadWrite, "Apply": leadWrite, "PurgeIdempotencyKeys": leadWrite,
		"EraseLead":        leadWrite + " (erasure keeps what outcomes teach: the service, the offers)",
		"EraseClosedLeads": leadWrite + " (erasure keeps what outcomes teach: the service, the offers)",
		"RequestReturn":    leadWrite, "MoveReturn": leadWrite,
		"AddOwner":     notInGraph + " (owners)",
		"RevokeTokens": notInGraph + " (token revocations)",
		"Webhook":      read, "Webhooks": read, "WebhookDeliveries": read, "ClaimWebhooks": notInGraph + " (webhook leases)", "ReleaseWebhooks": notInGraph + " (webhook leases)",
		"CreateWebhook": notInGraph + " (webhooks)", "UpdateWebhook": notInGraph + " (webhooks)", "DeleteWebhook": notInGraph + " (webhooks)",
		"RecordWebhookAttempt": notInGraph + " (webhook deliveries)", "RedeliverWebhook": notInGraph + " (webhook cursors)",
		"Import": "bulk: the projection is built from the store after an import (matching.Build)",
		"Close":  "releases the store; the projection holds nothing to release",
	})
}
