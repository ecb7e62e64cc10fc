package neo4jstore

import (
	"context"
	"embed"
	"path"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Every Cypher statement lives in its own file under cypher/, named for what it does, so that
// tools/cypherlint can check it offline with Neo4j's parser and the graph schema.
//
//go:embed cypher/*.cypher
var cypherFiles embed.FS

// statement is one embedded Cypher statement. Its only constructor is stmt, so a statement
// cannot be made up from a string literal elsewhere in the package.
type statement struct{ text string }

// stmt loads cypher/<name>.cypher. A missing file panics at package initialisation: it is a
// build mistake, and the unit tests (which need no server) catch it.
func stmt(name string) statement {
	b, err := cypherFiles.ReadFile(path.Join("cypher", name+".cypher"))
	if err != nil || strings.TrimSpace(string(b)) == "" {
		panic("neo4jstore: missing or empty statement cypher/" + name + ".cypher")
	}
	return statement{text: string(b)}
}

// The statements, by the file they come from.
var (
	businessCreate           = stmt("business_create")
	businessImport           = stmt("business_import")
	businessByIDs            = stmt("business_by_ids")
	businessLock             = stmt("business_lock")
	businessUpdate           = stmt("business_update")
	businessListByName       = stmt("business_list_by_name")
	businessListByDistance   = stmt("business_list_by_distance")
	businessSearchByName     = stmt("business_search_by_name")
	businessSearchByDistance = stmt("business_search_by_distance")
	businessSetServices      = stmt("business_set_services")
	businessServices         = stmt("business_services")
	businessExport           = stmt("business_export")
	importExisting           = stmt("import_existing")
	ownerAdd                 = stmt("owner_add")
	ownerBusinesses          = stmt("owner_businesses")

	servicePut       = stmt("service_put")
	serviceList      = stmt("service_list")
	serviceLock      = stmt("service_lock")
	serviceExport    = stmt("service_export")
	complementSet    = stmt("complement_set")
	complementRemove = stmt("complement_remove")
	complementList   = stmt("complement_list")
	complementExport = stmt("complement_export")

	networkCreate            = stmt("network_create")
	networkImport            = stmt("network_import")
	networkByIDs             = stmt("network_by_ids")
	networkList              = stmt("network_list")
	networkExport            = stmt("network_export")
	networkLock              = stmt("network_lock")
	membershipCreate         = stmt("membership_create")
	membershipPut            = stmt("membership_put")
	membershipDelete         = stmt("membership_delete")
	membershipListAll        = stmt("membership_list_all")
	membershipListByBusiness = stmt("membership_list_by_business")
	membershipListByNetwork  = stmt("membership_list_by_network")
	membershipOfBusinesses   = stmt("membership_of_businesses")

	trustSet          = stmt("trust_set")
	trustDelete       = stmt("trust_delete")
	trustGet          = stmt("trust_get")
	trustListAll      = stmt("trust_list_all")
	trustExport       = stmt("trust_export")
	trustListOutgoing = stmt("trust_list_outgoing")
	trustListIncoming = stmt("trust_list_incoming")
	trustCounts       = stmt("trust_counts")

	partnershipCreate         = stmt("partnership_create")
	partnershipPut            = stmt("partnership_put")
	partnershipByID           = stmt("partnership_by_id")
	partnershipLock           = stmt("partnership_lock")
	partnershipOpenForPairs   = stmt("partnership_open_for_pairs")
	partnershipSetStatus      = stmt("partnership_set_status")
	partnershipListAll        = stmt("partnership_list_all")
	partnershipListByBusiness = stmt("partnership_list_by_business")
	partnershipExport         = stmt("partnership_export")

	seqReserve       = stmt("seq_reserve")
	seqCheck         = stmt("seq_check")
	seqRelease       = stmt("seq_release")
	seqTop           = stmt("seq_top")
	seqOpen          = stmt("seq_open")
	leadCreate       = stmt("lead_create")
	leadByID         = stmt("lead_by_id")
	leadByKey        = stmt("lead_by_key")
	leadLock         = stmt("lead_lock")
	leadErase        = stmt("lead_erase")
	leadEraseDue     = stmt("lead_erase_due")
	leadEraseLock    = stmt("lead_erase_lock")
	offerErase       = stmt("offer_erase")
	leadRefs         = stmt("lead_refs")
	leadUpdate       = stmt("lead_update")
	leadPurgeKeys    = stmt("lead_purge_keys")
	offerCreate      = stmt("offer_create")
	offerByIDs       = stmt("offer_by_ids")
	offerAnswer      = stmt("offer_answer")
	offerListByLead  = stmt("offer_list_by_lead")
	offerInbox       = stmt("offer_inbox")
	offerDue         = stmt("offer_due")
	outcomePage      = stmt("outcome_page")
	offerCountsSince = stmt("offer_counts_since")
	offerCapTake     = stmt("offer_cap_take")
	eventCreate      = stmt("event_create")
	eventFeed        = stmt("event_feed")
	eventErasures    = stmt("event_erasures")
	commissionCreate = stmt("commission_create")
	commissionList   = stmt("commission_list")
	commissionByLead = stmt("commission_by_lead")

	returnByLead    = stmt("return_by_lead")
	returnByLeads   = stmt("return_by_leads")
	returnCreate    = stmt("return_create")
	returnUpdate    = stmt("return_update")
	returnDue       = stmt("return_due")
	returnList      = stmt("return_list")
	returnStats     = stmt("return_stats")
	returnCloseLead = stmt("return_close_lead")
	reversalCreate  = stmt("reversal_create")
	reversalByLead  = stmt("reversal_by_lead")
	ledgerRows      = stmt("ledger_rows")

	changeCreate  = stmt("change_create")
	changeFeed    = stmt("change_feed")
	changeTrim    = stmt("change_trim")
	changeTrimmed = stmt("change_trimmed")

	tokenRevoke        = stmt("token_revoke")
	tokenRevokedBefore = stmt("token_revoked_before")

	fittedWeightsSave = stmt("fitted_weights_save")
	fittedWeightsGet  = stmt("fitted_weights_get")

	migrationApplied      = stmt("migration_applied")
	migrationRecord       = stmt("migration_record")
	migrationAwaitIndexes = stmt("migration_await_indexes")

	migrationLeaseConstraint = stmt("migration_lease_constraint")
	migrationLeaseLock       = stmt("migration_lease_lock")
	migrationLeaseTake       = stmt("migration_lease_take")
	migrationLeaseRelease    = stmt("migration_lease_release")
)

// run executes st in tx and reads all of its records before returning, because a managed
// transaction's results are only valid inside its work function. Its errors go back
// unwrapped: the driver decides by their type whether to retry the transaction.
func run(ctx context.Context, tx neo4j.ManagedTransaction, st statement, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, st.text, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}
