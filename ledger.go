package partnergraph

import "slices"

// LedgerLine is one partner's row of a business's ledger: the reciprocity referral groups
// track by hand.
type LedgerLine struct {
	PartnerID        string
	LeadsGiven       int // leads the business referred to the partner (offers made)
	LeadsReceived    int // leads the partner referred to the business
	AcceptedGiven    int
	AcceptedReceived int
	WonGiven         int
	WonReceived      int
	Currency         string
	CommissionOwed   int64 // the business owes the partner (minor units)
	CommissionEarned int64 // the partner owes the business
	// Reversal marks a line of reversed commissions (returns accepted after the lead was
	// won): its amounts are negative, and the commissions' own line still shows what was owed,
	// so that history is never edited and summing a column gives what is owed now.
	Reversal bool
}

// LedgerFact is one aggregate a store reads for a business's ledger: the leads exchanged with
// a partner in one direction, or commission amounts with a partner in one currency.
type LedgerFact struct {
	PartnerID string
	// Given counts offers the business made to the partner; Received, offers the partner
	// made to the business. Neither: the fact is about money.
	Given, Received      bool
	Leads, Accepted, Won int
	Currency             string
	Owed, Earned         int64 // the business owes the partner; the partner owes the business
	// Reversal: Owed and Earned are the amounts of reversed commissions (positive), which
	// LedgerLines puts on reversal lines of their own, negated.
	Reversal bool
}

// LedgerLines assembles a business's ledger from the facts its store read: one line per
// partner, by partner id. Money in different currencies cannot be added, so a partner with
// commissions in several currencies has one line per currency, by currency: the first carries
// the lead counts and the others only their commissions, so that summing any column over the
// lines gives the right total. A partner without commissions has Currency "". Reversed
// commissions follow their partner's commission lines, one reversal line per currency, with
// negative amounts (LedgerLine.Reversal). Never nil.
func LedgerLines(facts []LedgerFact) []LedgerLine {
	type money struct{ owed, earned int64 }
	lines := map[string]*LedgerLine{}
	commissions := map[string]map[string]money{}
	reversals := map[string]map[string]money{}
	for _, f := range facts {
		l := lines[f.PartnerID]
		if l == nil {
			l = &LedgerLine{PartnerID: f.PartnerID}
			lines[f.PartnerID] = l
		}
		switch {
		case f.Given:
			l.LeadsGiven, l.AcceptedGiven, l.WonGiven = f.Leads, f.Accepted, f.Won
		case f.Received:
			l.LeadsReceived, l.AcceptedReceived, l.WonReceived = f.Leads, f.Accepted, f.Won
		default:
			into := commissions
			if f.Reversal {
				into = reversals
			}
			if into[f.PartnerID] == nil {
				into[f.PartnerID] = map[string]money{}
			}
			m := into[f.PartnerID][f.Currency]
			m.owed, m.earned = m.owed+f.Owed, m.earned+f.Earned
			into[f.PartnerID][f.Currency] = m
		}
	}
	ids := make([]string, 0, len(lines))
	for id := range lines {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := []LedgerLine{}
	for _, id := range ids {
		line := *lines[id]
		currencies := sortedKeys(commissions[id])
		if len(currencies) == 0 {
			out = append(out, line)
		}
		for i, cur := range currencies {
			if i > 0 {
				line = LedgerLine{PartnerID: id}
			}
			m := commissions[id][cur]
			line.Currency, line.CommissionOwed, line.CommissionEarned = cur, m.owed, m.earned
			out = append(out, line)
		}
		for _, cur := range sortedKeys(reversals[id]) {
			m := reversals[id][cur]
			out = append(out, LedgerLine{PartnerID: id, Currency: cur, CommissionOwed: -m.owed, CommissionEarned: -m.earned, Reversal: true})
		}
	}
	return out
}

// sortedKeys returns m's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
