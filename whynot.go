package partnergraph

// RoutingRule names a rule of lead routing, as the API names it. Routing applies the rules to
// each business in the order of the constants below (RuleReferrer first, RuleRankedBelow
// last), and the first that leaves a business out is the answer to "why was this lead not
// offered to me?". RuleOffered means that none did.
type RoutingRule string

// The rules, in the order routing applies them.
const (
	// RuleOffered: no rule left the business out; it was offered the lead (or, for a
	// hypothetical lead, would be).
	RuleOffered RoutingRule = "OFFERED"
	// RuleReferrer: a business is never offered a lead it referred.
	RuleReferrer RoutingRule = "REFERRER"
	// RuleNotActive: the business is suspended or not yet active.
	RuleNotActive RoutingRule = "NOT_ACTIVE"
	// RuleServiceNotOffered: the business does not offer the lead's service.
	RuleServiceNotOffered RoutingRule = "SERVICE_NOT_OFFERED"
	// RuleOutsideRadius: the customer's place is outside the business's service radius.
	RuleOutsideRadius RoutingRule = "OUTSIDE_RADIUS"
	// RuleNoTrustedPath: no path of trust (or active partnerships) from the referrer reaches
	// the business within the hop limit.
	RuleNoTrustedPath RoutingRule = "NO_TRUSTED_PATH"
	// RuleBelowTrustFloor: the business has too little global trust (TrustRank from verified
	// businesses) to be sent leads.
	RuleBelowTrustFloor RoutingRule = "BELOW_TRUST_FLOOR"
	// RuleDailyCap: the business was offered its daily lead cap today already.
	RuleDailyCap RoutingRule = "DAILY_CAP"
	// RuleRankedBelow: the business could take the lead but ranked below the businesses that
	// were offered it.
	RuleRankedBelow RoutingRule = "RANKED_BELOW"
	// RuleChangedSince: for a lead routed earlier, routing now would offer it to the
	// business: what kept it away then (a daily cap since reset, trust given since) changed.
	RuleChangedSince RoutingRule = "CHANGED_SINCE"
)

// RoutingSignal is one signal of a candidate's routing score.
type RoutingSignal string

// The signals a business may lack against the businesses offered a lead.
const (
	// SignalPathTrust: the product of trust along the path from the referrer.
	SignalPathTrust RoutingSignal = "PATH_TRUST"
	// SignalCloseness: nearness to the customer's place.
	SignalCloseness RoutingSignal = "CLOSENESS"
	// SignalAcceptance: the share of offered leads the business accepted.
	SignalAcceptance RoutingSignal = "ACCEPTANCE"
	// SignalQuality: verified, trusted by many, accepts leads.
	SignalQuality RoutingSignal = "QUALITY"
	// SignalFewerLeadsToday: among near-tied candidates the one offered fewer leads today
	// goes first.
	SignalFewerLeadsToday RoutingSignal = "FEWER_LEADS_TODAY"
)

// RouteSignals are the values (each 0..1) that a candidate's routing score weighs.
type RouteSignals struct {
	PathTrust, Closeness, Acceptance, Quality float64
}

// RouteTrace asks one route to account for one business: the caller sets BusinessID, and
// routing fills in the rest as it applies its rules, so that the explanation of a decision is
// the decision itself, not a second implementation of it.
type RouteTrace struct {
	// BusinessID is the business to account for.
	BusinessID string

	// Rule is the first rule that left the business out, or RuleOffered if it was returned
	// as a candidate. The lead lifecycle goes on to apply the daily cap and its own order.
	Rule RoutingRule
	// Status, Verified, DistanceKm (from the customer's place) and RadiusKm describe the
	// business as routing saw it.
	Status     BusinessStatus
	Verified   bool
	DistanceKm float64
	RadiusKm   float64
	// Referrer names the lead's referrer; ServiceName the lead's service.
	Referrer, ServiceName string
	// MaxHops is the most steps a trusted path may take.
	MaxHops int
	// Self is the business's own candidacy once it passed every rule but the ranking: its
	// score and signals. Nil before that.
	Self *Candidate
	// Position is the business's place (1 first) among the Ranked businesses that passed
	// every rule, by score; 0 if it did not pass them.
	Position, Ranked int
	// Signals holds the signals of every candidate routing returned and of the business.
	Signals map[string]RouteSignals
}

// WhyNotRouted explains why a lead was not (or a hypothetical lead would not be) offered to
// a business: the first rule that left it out, with what would change it.
type WhyNotRouted struct {
	BusinessID string
	Rule       RoutingRule
	Message    string
	// Margin is how far the business's score fell short of the lowest-scored business offered
	// the lead (RuleRankedBelow only), rounded to 0.01; negative when fairness among near-ties
	// decided.
	Margin         *float64
	MissingSignals []RoutingSignal
	Remedies       []string
	// Candidates are the businesses routing weighed for the offers, in the order it offered
	// them, with the business asked about: for admins only.
	Candidates []RoutedCandidate
}

// RoutedCandidate is one business routing weighed for a lead's offers, with what became of
// it.
type RoutedCandidate struct {
	BusinessID  string
	Rank        int // in the order offers were made in, 1 first
	Score       float64
	PathTrust   float64
	OffersToday int
	Rule        RoutingRule // OFFERED, DAILY_CAP, NOT_ACTIVE or RANKED_BELOW
}
