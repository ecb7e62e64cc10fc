package leads

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph"
)

// why collects, while nextOffers runs for an explanation, what it decided about the traced
// business and every candidate it weighed.
type why struct {
	trace partnergraph.RouteTrace
	own   map[string]int // offers of the lead itself today, by business: not counted against caps
	cands []partnergraph.RoutedCandidate
	self  *partnergraph.RoutedCandidate // the traced business among cands, if it was one
}

// weighed records what nextOffers decided about one candidate, in the order it weighed them.
func (w *why) weighed(c partnergraph.Candidate, rank, offersToday int, outcome partnergraph.RoutingRule) {
	w.cands = append(w.cands, partnergraph.RoutedCandidate{
		BusinessID: c.BusinessID, Rank: rank, Score: c.Score, PathTrust: c.PathTrust, OffersToday: offersToday, Rule: outcome,
	})
}

// WhyNot explains why the lead was not offered to the business, or, for a hypothetical lead
// (no ID: a service, a place and a referrer), whether and why it would not be: the first rule
// of routing that left the business out, the margin and the signals it lacked when it ranked
// below the businesses offered the lead, and what would change it. The explanation is the
// routing itself run again, now, with the business traced (nextOffers with a trace): for a
// lead routed earlier, as it was first offered (to as many businesses as it has been offered
// to), its own offers not counted against the daily caps. When the graph has changed since so
// that routing would now offer it to the business, the rule is CHANGED_SINCE. The result names
// no business but the business and the referrer, and no customer; its Candidates (for admins)
// name and score every candidate weighed.
//
// Errors: NOT_FOUND for an unknown business or referrer; BAD_USER_INPUT (field referrerId)
// for a hypothetical lead from a business that may not refer leads.
func (s *Service) WhyNot(ctx context.Context, l *partnergraph.Lead, businessID string) (*partnergraph.WhyNotRouted, error) {
	if _, err := s.store.Business(ctx, businessID); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	w := &why{trace: partnergraph.RouteTrace{BusinessID: businessID}, own: map[string]int{}}
	n := max(l.MaxOffers, 1)
	if l.ID != "" {
		offers, err := s.store.OffersOfLead(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		dayStart := now.Truncate(24 * time.Hour)
		for _, o := range offers {
			if o.BusinessID == businessID {
				return &partnergraph.WhyNotRouted{BusinessID: businessID, Rule: partnergraph.RuleOffered,
					Message: fmt.Sprintf("The lead was offered to you (offer %d of the lead).", o.Rank), MissingSignals: []partnergraph.RoutingSignal{}, Remedies: []string{}}, nil
			}
			if !o.CreatedAt.Before(dayStart) {
				w.own[o.BusinessID]++
			}
		}
		n = max(n, len(offers))
	} else {
		referrer, err := s.store.Business(ctx, l.ReferrerID)
		if err != nil {
			return nil, partnergraph.WithFieldPrefix("referrerId", err)
		}
		if referrer.Status != partnergraph.BusinessActive {
			return nil, partnergraph.Invalidf("referrerId", "is %s and cannot refer leads", strings.ToLower(string(referrer.Status)))
		}
	}
	if _, _, err := s.nextOffers(ctx, l, map[string]bool{}, n, 1, now, w); err != nil {
		return nil, err
	}
	return w.explain(l), nil
}

// explain turns what routing decided about the traced business into the answer.
func (w *why) explain(l *partnergraph.Lead) *partnergraph.WhyNotRouted {
	t := &w.trace
	out := &partnergraph.WhyNotRouted{BusinessID: t.BusinessID, Rule: t.Rule, MissingSignals: []partnergraph.RoutingSignal{}, Remedies: []string{}}
	for i, c := range w.cands {
		if c.BusinessID == t.BusinessID {
			w.self = &w.cands[i]
			out.Rule = c.Rule // the lifecycle's rules come after the projection's
		}
	}
	out.Candidates = w.cands
	if w.self == nil && t.Self != nil {
		// It passed every rule but ranked beyond the candidates routing weighed.
		out.Candidates = append(out.Candidates, partnergraph.RoutedCandidate{
			BusinessID: t.BusinessID, Rank: t.Position, Score: t.Self.Score, PathTrust: t.Self.PathTrust, Rule: out.Rule,
		})
	}
	hypothetical := l.ID == ""
	switch out.Rule {
	case partnergraph.RuleOffered:
		if !hypothetical {
			out.Rule = partnergraph.RuleChangedSince
			out.Message = "Routed now, this lead would be offered to you: what kept it from you when it was routed (a daily cap since reset, trust given since) has changed."
			break
		}
		out.Message = "A lead like this would be offered to you."
	case partnergraph.RuleReferrer:
		out.Message = "You referred this lead: a business is never offered its own lead."
	case partnergraph.RuleNotActive:
		status := strings.ToLower(string(t.Status))
		if t.Status == partnergraph.BusinessActive {
			status = "not yet active in routing" // the projection lags the store by a write
		}
		out.Message = fmt.Sprintf("Your business is %s: only active businesses are offered leads.", status)
		if t.Status == partnergraph.BusinessSuspended {
			out.Remedies = append(out.Remedies, "ask an admin to lift the suspension")
		} else {
			out.Remedies = append(out.Remedies, "ask an admin to activate the business")
		}
	case partnergraph.RuleServiceNotOffered:
		out.Message = fmt.Sprintf("You do not offer %s.", t.ServiceName)
		out.Remedies = append(out.Remedies, fmt.Sprintf("add the service %s (%s) to the business's services", t.ServiceName, l.ServiceID))
	case partnergraph.RuleOutsideRadius:
		// Rounded up to 5 km, so that the answer does not pin down the customer's place.
		need := 5 * math.Ceil(t.DistanceKm/5)
		out.Message = fmt.Sprintf("The customer's place is outside your service radius of %.0f km.", t.RadiusKm)
		out.Remedies = append(out.Remedies, fmt.Sprintf("raise the service radius to at least %.0f km", need))
	case partnergraph.RuleNoTrustedPath:
		out.Message = fmt.Sprintf("No trusted path of at most %d steps leads from %s, the referrer, to you.", t.MaxHops, t.Referrer)
		out.Remedies = append(out.Remedies,
			fmt.Sprintf("a trust edge from %s to you, or an active partnership with it", t.Referrer),
			fmt.Sprintf("a trust edge from a business %s trusts", t.Referrer))
	case partnergraph.RuleBelowTrustFloor:
		out.Message = "Too little trust from verified businesses reaches you: routing sends leads only to businesses above its trust floor."
		out.Remedies = append(out.Remedies, "a trust edge from a verified business, or from a business verified ones trust")
		if !t.Verified {
			out.Remedies = append(out.Remedies, "get verified by an admin")
		}
	case partnergraph.RuleDailyCap:
		out.Message = fmt.Sprintf("You had been offered %d leads today, your daily cap.", w.self.OffersToday)
		out.Remedies = append(out.Remedies, "raise the daily lead cap")
	case partnergraph.RuleRankedBelow:
		w.rankedBelow(out)
	}
	return out
}

// rankedBelow explains a business that could take the lead but ranked below the businesses
// offered it: by how much, and what it lacked against the lowest-ranked of them.
func (w *why) rankedBelow(out *partnergraph.WhyNotRouted) {
	t := &w.trace
	var bar *partnergraph.RoutedCandidate
	for i, c := range w.cands {
		if c.Rule == partnergraph.RuleOffered {
			bar = &w.cands[i]
		}
	}
	if bar == nil || t.Self == nil {
		out.Message = fmt.Sprintf("You ranked %d of %d businesses that could take the lead; routing weighs the best %d, and none of them could be offered it.", t.Position, t.Ranked, len(w.cands))
		out.Remedies = append(out.Remedies, "more trust on the path from the referrer raises the rank")
		return
	}
	margin := math.Round((bar.Score-t.Self.Score)*100) / 100
	out.Margin = &margin
	mine, theirs := t.Signals[t.BusinessID], t.Signals[bar.BusinessID]
	lacked := []struct {
		signal       partnergraph.RoutingSignal
		mine, theirs float64
		remedy       string
	}{
		{partnergraph.SignalPathTrust, mine.PathTrust, theirs.PathTrust, fmt.Sprintf("more trust on the path from %s: its trust in you, or an active partnership with it", t.Referrer)},
		{partnergraph.SignalCloseness, mine.Closeness, theirs.Closeness, ""}, // where the business is: nothing to advise
		{partnergraph.SignalAcceptance, mine.Acceptance, theirs.Acceptance, "accept more of the leads you are offered"},
		{partnergraph.SignalQuality, mine.Quality, theirs.Quality, "trust from more businesses, and verification"},
	}
	for _, s := range lacked {
		if s.mine < s.theirs {
			out.MissingSignals = append(out.MissingSignals, s.signal)
			if s.remedy != "" {
				out.Remedies = append(out.Remedies, s.remedy)
			}
		}
	}
	offered := "the lowest-scored business offered it"
	if w.self != nil && nearTieStep(w.self.Score) == nearTieStep(bar.Score) && w.self.OffersToday > bar.OffersToday {
		out.MissingSignals = append(out.MissingSignals, partnergraph.SignalFewerLeadsToday)
		out.Remedies = append(out.Remedies, "none needed for near-ties: the business offered fewer leads today goes first, which evens out over the day")
		offered = "a business offered it that had fewer leads today"
	}
	if margin > 0 {
		out.Message = fmt.Sprintf("You could take the lead, but your score was %.2f below %s.", margin, offered)
	} else {
		out.Message = fmt.Sprintf("You could take the lead and were near-tied with %s.", offered)
	}
}
