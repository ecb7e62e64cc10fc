package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/partnergraph/partnergraph"
)

const leadColumns = `id, coalesce(idempotency_key, ''), input_hash, referrer_id, service_id, lat, lng,
	customer_name, customer_email, customer_phone, consent_text, consent_given_at, notes, mode,
	max_offers, status, reason, value_minor, currency, created_at, closed_at, erased_at, erased_by`

func scanLead(row scanner) (*partnergraph.Lead, error) {
	var l partnergraph.Lead
	var consent, created int64
	var closed, erased sql.NullInt64
	var erasedBy string
	err := row.Scan(&l.ID, &l.IdempotencyKey, &l.InputHash, &l.ReferrerID, &l.ServiceID, &l.Location.Lat,
		&l.Location.Lng, &l.Customer.Name, &l.Customer.Email, &l.Customer.Phone, &l.Consent.Text, &consent,
		&l.Notes, &l.Mode, &l.MaxOffers, &l.Status, &l.Reason, &l.ValueMinor, &l.Currency, &created, &closed,
		&erased, &erasedBy)
	if err != nil {
		return nil, err
	}
	l.Consent.GivenAt, l.CreatedAt, l.ClosedAt = fromNanos(consent), fromNanos(created), fromNullNanos(closed)
	if erased.Valid {
		l.Erased = &partnergraph.Erasure{At: fromNanos(erased.Int64), By: erasedBy}
	}
	return &l, nil
}

const offerColumns = `seq, id, lead_id, business_id, rank, path, path_trust, score, reasons, status,
	decline_reason, created_at, expires_at, responded_at`

func scanOffer(row scanner) (partnergraph.Offer, error) {
	var o partnergraph.Offer
	var path, reasons jsonStrings
	var created, expires int64
	var responded sql.NullInt64
	err := row.Scan(&o.Seq, &o.ID, &o.LeadID, &o.BusinessID, &o.Rank, &path, &o.PathTrust, &o.Score, &reasons,
		&o.Status, &o.DeclineReason, &created, &expires, &responded)
	o.Path, o.Reasons = path, reasons
	o.CreatedAt, o.ExpiresAt, o.RespondedAt = fromNanos(created), fromNanos(expires), fromNullNanos(responded)
	return o, err
}

const eventColumns = `seq, kind, coalesce(lead_id, ''), referrer_id, status, message, webhook_id, at`

func scanEvent(row scanner) (partnergraph.LeadEvent, error) {
	var e partnergraph.LeadEvent
	var at int64
	err := row.Scan(&e.Seq, &e.Kind, &e.LeadID, &e.ReferrerID, &e.Status, &e.Message, &e.WebhookID, &at)
	e.At = fromNanos(at)
	return e, err
}

const commissionColumns = `id, lead_id, partnership_id, payer_id, payee_id, amount_minor, currency, status, created_at`

// commissionReadColumns are commissionColumns as read: a reversed commission reads as VOID,
// its row unchanged (the reversal is a line of its own).
const commissionReadColumns = `id, lead_id, partnership_id, payer_id, payee_id, amount_minor, currency,
	CASE WHEN EXISTS (SELECT 1 FROM commission_reversals r WHERE r.commission_id = commissions.id) THEN 'VOID' ELSE status END AS status,
	created_at`

func scanCommission(row scanner) (partnergraph.Commission, error) {
	var c partnergraph.Commission
	var created int64
	err := row.Scan(&c.ID, &c.LeadID, &c.PartnershipID, &c.PayerID, &c.PayeeID, &c.AmountMinor, &c.Currency, &c.Status, &created)
	c.CreatedAt = fromNanos(created)
	return c, err
}

// SubmitLead implements partnergraph.LeadStore. It validates l (EINVALID), fills its id,
// InputHash (l.Hash()), status (OFFERED) and creation time when they are empty, and writes the
// lead, offers and events in one transaction. The idempotency key is looked up inside that
// transaction, and every write goes through the one writer connection, so concurrent retries
// of one submission create one lead. A key is the referrer's own: another referrer's lead
// under the same key is neither found nor a conflict. ECONFLICT naming "idempotencyKey" if the
// key holds a lead of the same referrer with another input, and naming "dailyLeadCap" if an offer
// would take its recipient past its daily cap; ENOTFOUND naming "referrerId", "service" or
// "businessId" (of an offer).
// On success with created=true, l, offers and events hold what was written (ids, Seq); on
// created=false or an error they are left as they were (but for l.Validate's defaults).
func (s *Store) SubmitLead(ctx context.Context, l *partnergraph.Lead, offers []partnergraph.Offer, events []partnergraph.LeadEvent) (*partnergraph.Lead, bool, error) {
	nl, no, ne, err := partnergraph.PrepareSubmission(l, offers, events, fromNanos(now()))
	if err != nil {
		return nil, false, err
	}

	var existing *partnergraph.Lead
	err = s.write(ctx, func(tx *txn) error {
		old, err := scanLead(tx.QueryRowContext(ctx, `SELECT `+leadColumns+` FROM leads WHERE referrer_id = ? AND idempotency_key = ?`, nl.ReferrerID, nl.IdempotencyKey))
		if err == nil {
			if old.InputHash != nl.InputHash {
				return &partnergraph.Error{Code: partnergraph.ECONFLICT, Field: "idempotencyKey", Message: "was already used for a lead with other input"}
			}
			existing = old
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := mustExist(ctx, tx, "businesses", "business", "referrerId", nl.ReferrerID); err != nil {
			return err
		}
		if err := mustExist(ctx, tx, "services", "service", "service", nl.ServiceID); err != nil {
			return err
		}
		if err := insertLead(ctx, tx, &nl); err != nil {
			return err
		}
		for i := range no {
			if err := insertOffer(ctx, tx, &no[i]); err != nil {
				return err
			}
		}
		for i := range ne {
			if err := insertEvent(ctx, tx, &ne[i]); err != nil {
				return err
			}
		}
		return leadChanges(ctx, tx, nil, no, ne)
	})
	if err != nil {
		return nil, false, wrap("submit lead", err)
	}
	if existing != nil {
		return existing, false, nil
	}
	*l = nl
	copy(offers, no)
	copy(events, ne)
	return l, true, nil
}

func insertLead(ctx context.Context, tx *txn, l *partnergraph.Lead) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO leads (id, idempotency_key, input_hash, referrer_id, service_id,
		lat, lng, customer_name, customer_email, customer_phone, consent_text, consent_given_at, notes, mode,
		max_offers, status, reason, value_minor, currency, created_at, closed_at) VALUES (`+placeholders(21)+`)`,
		l.ID, l.IdempotencyKey, l.InputHash, l.ReferrerID, l.ServiceID, l.Location.Lat, l.Location.Lng,
		l.Customer.Name, l.Customer.Email, l.Customer.Phone, l.Consent.Text, l.Consent.GivenAt.UnixNano(),
		l.Notes, l.Mode, l.MaxOffers, l.Status, l.Reason, l.ValueMinor, l.Currency, l.CreatedAt.UnixNano(),
		toNullNanos(l.ClosedAt))
	if isUnique(err) {
		// The key was looked up in this transaction, so only the id can collide.
		return partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q already exists", l.ID)
	}
	return err
}

// insertOffer writes o and sets o.Seq to the seq the database gave it. It counts the
// recipient's offers of the day against its daily lead cap in the same transaction, which is
// the only writer (one write connection), so that concurrent submits and transitions never
// take a business past its cap: ENOTFOUND naming "businessId" for an unknown recipient, and
// partnergraph.CheckDailyCap's ECONFLICT.
func insertOffer(ctx context.Context, tx *txn, o *partnergraph.Offer) error {
	var limit, sent int
	err := tx.QueryRowContext(ctx, `SELECT b.daily_lead_cap, coalesce((SELECT n FROM offer_counts c
		WHERE c.business_id = b.id AND c.day = ?), 0) FROM businesses b WHERE b.id = ?`,
		o.CreatedAt.UnixNano()/int64(24*time.Hour), o.BusinessID).Scan(&limit, &sent)
	if errors.Is(err, sql.ErrNoRows) {
		return &partnergraph.Error{Code: partnergraph.ENOTFOUND, Field: "businessId", Message: fmt.Sprintf("business %q not found", o.BusinessID)}
	}
	if err != nil {
		return err
	}
	if err := partnergraph.CheckDailyCap(o.BusinessID, limit, sent); err != nil {
		return err
	}
	path, err := jsonArray(o.Path)
	if err != nil {
		return err
	}
	reasons, err := jsonArray(o.Reasons)
	if err != nil {
		return err
	}
	var seq int64
	err = tx.QueryRowContext(ctx, `INSERT INTO offers (id, lead_id, business_id, rank, path, path_trust, score,
		reasons, status, decline_reason, created_at, expires_at, responded_at) VALUES (`+placeholders(13)+`) RETURNING seq`,
		o.ID, o.LeadID, o.BusinessID, o.Rank, path, o.PathTrust, o.Score, reasons, o.Status, o.DeclineReason,
		o.CreatedAt.UnixNano(), o.ExpiresAt.UnixNano(), toNullNanos(o.RespondedAt)).Scan(&seq)
	if isUnique(err) {
		return partnergraph.Errorf(partnergraph.ECONFLICT, "offer %q already exists", o.ID)
	}
	if err != nil {
		return err
	}
	o.Seq = seq
	return nil
}

// insertEvent writes e (of kind STATUS unless set; a notice about no lead has a NULL lead_id)
// and sets e.Seq.
func insertEvent(ctx context.Context, tx *txn, e *partnergraph.LeadEvent) error {
	if e.Kind == "" {
		e.Kind = partnergraph.EventStatus
	}
	var leadID any
	if e.LeadID != "" {
		leadID = e.LeadID
	}
	return tx.QueryRowContext(ctx, `INSERT INTO lead_events (kind, lead_id, referrer_id, status, message, webhook_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		string(e.Kind), leadID, e.ReferrerID, e.Status, e.Message, e.WebhookID, e.At.UnixNano()).Scan(&e.Seq)
}

// insertEvents writes the events, each with its LEAD_EVENT change for its business's feed.
func insertEvents(ctx context.Context, tx *txn, events []partnergraph.LeadEvent) error {
	for i := range events {
		if err := insertEvent(ctx, tx, &events[i]); err != nil {
			return err
		}
	}
	return leadChanges(ctx, tx, nil, nil, events)
}

func insertCommission(ctx context.Context, tx *txn, c *partnergraph.Commission) error {
	if err := mustExist(ctx, tx, "partnerships", "partnership", "commission.partnershipId", c.PartnershipID); err != nil {
		return err
	}
	if err := mustExist(ctx, tx, "businesses", "business", "commission.payerId", c.PayerID); err != nil {
		return err
	}
	if err := mustExist(ctx, tx, "businesses", "business", "commission.payeeId", c.PayeeID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO commissions (`+commissionColumns+`) VALUES (`+placeholders(9)+`)`,
		c.ID, c.LeadID, c.PartnershipID, c.PayerID, c.PayeeID, c.AmountMinor, c.Currency, c.Status, c.CreatedAt.UnixNano())
	if isUnique(err) {
		if ok, _ := exists(ctx, tx, "commissions", c.ID); ok {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "commission %q already exists", c.ID)
		}
		return partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q already has a commission", c.LeadID)
	}
	return err
}

// jsonArray encodes a string list for a JSON column; nil becomes [] so that the column always
// holds an array.
func jsonArray(xs []string) (string, error) {
	if xs == nil {
		xs = []string{}
	}
	b, err := json.Marshal(xs)
	return string(b), err
}

// Lead implements partnergraph.LeadStore. ENOTFOUND for an unknown id. A lead whose
// idempotency key was purged has IdempotencyKey "".
func (s *Store) Lead(ctx context.Context, id string) (*partnergraph.Lead, error) {
	return lead(ctx, s.r, id)
}

func lead(ctx context.Context, q querier, id string) (*partnergraph.Lead, error) {
	l, err := scanLead(q.QueryRowContext(ctx, `SELECT `+leadColumns+` FROM leads WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q not found", id)
	}
	return l, wrap("find lead", err)
}

// Offer implements partnergraph.LeadStore. ENOTFOUND for an unknown id.
func (s *Store) Offer(ctx context.Context, id string) (*partnergraph.Offer, error) {
	o, err := scanOffer(s.r.QueryRowContext(ctx, `SELECT `+offerColumns+` FROM offers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "offer %q not found", id)
	}
	if err != nil {
		return nil, wrap("find offer", err)
	}
	return &o, nil
}

// OffersOfLead implements partnergraph.LeadStore: by rank, then seq (a re-offer to the same
// rank comes after the first). ENOTFOUND for an unknown lead; a lead without offers has none.
func (s *Store) OffersOfLead(ctx context.Context, leadID string) ([]partnergraph.Offer, error) {
	out, err := s.offers(ctx, `WHERE lead_id = ? ORDER BY rank, seq`, leadID)
	if err != nil {
		return nil, wrap("list offers of lead", err)
	}
	if len(out) == 0 {
		// Leads are never deleted, so checking after the read cannot race.
		if err := mustExist(ctx, s.r, "leads", "lead", "", leadID); err != nil {
			return nil, wrap("list offers of lead", err)
		}
	}
	return out, nil
}

// offers returns the offers that the query's tail (WHERE … ORDER BY … LIMIT …) selects; never nil.
func (s *Store) offers(ctx context.Context, tail string, args ...any) ([]partnergraph.Offer, error) {
	out := []partnergraph.Offer{}
	err := eachRow(ctx, s.r, `SELECT `+offerColumns+` FROM offers `+tail, args, func(rows *sql.Rows) error {
		o, err := scanOffer(rows)
		out = append(out, o)
		return err
	})
	return out, err
}

// Inbox implements partnergraph.LeadStore: Seq is the cursor, so a subscriber that resumes
// with the last Seq it saw misses nothing. EINVALID naming "first" unless limit is in
// 1..partnergraph.MaxFeedSize. An unknown business has an empty inbox.
func (s *Store) Inbox(ctx context.Context, businessID string, after int64, limit int) ([]partnergraph.Offer, error) {
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out, err := s.offers(ctx, `WHERE business_id = ? AND seq > ? ORDER BY seq LIMIT ?`, businessID, after, limit)
	return out, wrap("read inbox", err)
}

// LeadEvents implements partnergraph.LeadStore, as Inbox does for offers. EINVALID naming
// "first" unless limit is in 1..partnergraph.MaxFeedSize.
func (s *Store) LeadEvents(ctx context.Context, referrerID string, after int64, limit int) ([]partnergraph.LeadEvent, error) {
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out := []partnergraph.LeadEvent{}
	err := eachRow(ctx, s.r, `SELECT `+eventColumns+` FROM lead_events WHERE referrer_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
		[]any{referrerID, after, limit}, func(rows *sql.Rows) error {
			e, err := scanEvent(rows)
			out = append(out, e)
			return err
		})
	return out, wrap("read lead events", err)
}

// LeadErasures implements partnergraph.LeadErasureFeed, as LeadEvents does (the index
// lead_events_kind_feed skips the status changes). EINVALID naming "first".
func (s *Store) LeadErasures(ctx context.Context, businessID string, after int64, limit int) ([]partnergraph.LeadEvent, error) {
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out := []partnergraph.LeadEvent{}
	err := eachRow(ctx, s.r, `SELECT `+eventColumns+` FROM lead_events WHERE referrer_id = ? AND kind = ? AND seq > ? ORDER BY seq LIMIT ?`,
		[]any{businessID, string(partnergraph.EventLeadErased), after, limit}, func(rows *sql.Rows) error {
			e, err := scanEvent(rows)
			out = append(out, e)
			return err
		})
	return out, wrap("read lead erasures", err)
}

// Apply implements partnergraph.LeadStore: one write transaction that checks the lead's status
// and each answered offer's PENDING status before it writes, so that two answers racing for a
// SHARED lead cannot both win. EINVALID for a malformed transition (LeadFrom must name at
// least one status: a transition that would accept any status is a bug waiting to happen);
// ENOTFOUND for an unknown lead, offer, business or partnership; ECONFLICT if the lead is not in
// LeadFrom, its pending offers are not t.Pending (with t.CheckPending), an answered offer is not
// PENDING or belongs to another lead, a new offer would take its recipient past its daily cap
// (naming "dailyLeadCap"), or the lead already has a commission. On success the elements of t.NewOffers and t.Events and *t.Commission hold
// what was written (ids, Seq); on error nothing is written and they are left as they were.
func (s *Store) Apply(ctx context.Context, t partnergraph.Transition) error {
	at, no, c, err := t.Prepare(fromNanos(now()))
	if err != nil {
		return err
	}
	ne := slices.Clone(t.Events)

	err = s.write(ctx, func(tx *txn) error {
		l, err := lead(ctx, tx, t.LeadID)
		if err != nil {
			return err
		}
		if !slices.Contains(t.LeadFrom, l.Status) {
			return partnergraph.Errorf(partnergraph.ECONFLICT, "lead %q is %s, not %v", l.ID, l.Status, t.LeadFrom)
		}
		if t.CheckPending {
			pending, err := pendingOffers(ctx, tx, l.ID)
			if err != nil {
				return err
			}
			if err := t.ComparePending(pending); err != nil {
				return err
			}
		}
		for _, a := range t.Answer {
			if err := answerOffer(ctx, tx, l.ID, a, at); err != nil {
				return err
			}
		}
		if t.LeadTo != "" {
			l.Status, l.Reason = t.LeadTo, t.Reason
			if t.LeadTo == partnergraph.LeadWon || t.LeadTo == partnergraph.LeadLost {
				l.ClosedAt = &at
			}
			_, err := tx.ExecContext(ctx, `UPDATE leads SET status = ?, reason = ?, closed_at = ? WHERE id = ?`,
				l.Status, l.Reason, toNullNanos(l.ClosedAt), l.ID)
			if err != nil {
				return err
			}
		}
		if t.Currency != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE leads SET value_minor = ?, currency = ? WHERE id = ?`, t.ValueMinor, t.Currency, l.ID); err != nil {
				return err
			}
		}
		for i := range no {
			if err := insertOffer(ctx, tx, &no[i]); err != nil {
				return err
			}
		}
		for i := range ne {
			if err := ne[i].Prepare(l, at); err != nil {
				return err
			}
			if err := insertEvent(ctx, tx, &ne[i]); err != nil {
				return err
			}
		}
		if c != nil {
			if err := insertCommission(ctx, tx, c); err != nil {
				return err
			}
		}
		return leadChanges(ctx, tx, t.OutcomeOffers(), no, ne)
	})
	if err != nil {
		return wrap("apply lead transition", err)
	}
	copy(t.NewOffers, no)
	copy(t.Events, ne)
	if c != nil {
		*t.Commission = *c
	}
	return nil
}

// leadChanges appends the changes of a lead write: an outcome per offer answered or closed, an offer
// for its recipient's inbox and an event for its referrer's feed.
func leadChanges(ctx context.Context, tx *txn, outcomes []string, offers []partnergraph.Offer, events []partnergraph.LeadEvent) error {
	for _, id := range outcomes {
		if err := tx.change(ctx, partnergraph.ChangeOutcome, id, ""); err != nil {
			return err
		}
	}
	for _, o := range offers {
		if err := tx.change(ctx, partnergraph.ChangeOffer, o.BusinessID, ""); err != nil {
			return err
		}
	}
	for _, e := range events {
		if err := tx.change(ctx, partnergraph.ChangeLeadEvent, e.ReferrerID, ""); err != nil {
			return err
		}
	}
	return nil
}

// pendingOffers returns the ids of the lead's PENDING offers, read in the write transaction.
func pendingOffers(ctx context.Context, tx *txn, leadID string) ([]string, error) {
	var out []string
	err := eachRow(ctx, tx, `SELECT id FROM offers WHERE lead_id = ? AND status = 'PENDING'`, []any{leadID}, func(rows *sql.Rows) error {
		var id string
		err := rows.Scan(&id)
		out = append(out, id)
		return err
	})
	return out, err
}

// answerOffer is the compare-and-set of one offer from PENDING, and says why when it fails.
func answerOffer(ctx context.Context, tx *txn, leadID string, a partnergraph.OfferAnswer, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE offers SET status = ?, decline_reason = ?, responded_at = ?
		WHERE id = ? AND lead_id = ? AND status = 'PENDING'`, a.Status, a.DeclineReason, at.UnixNano(), a.OfferID, leadID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var owner string
	var status partnergraph.OfferStatus
	err = tx.QueryRowContext(ctx, `SELECT lead_id, status FROM offers WHERE id = ?`, a.OfferID).Scan(&owner, &status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return partnergraph.Errorf(partnergraph.ENOTFOUND, "offer %q not found", a.OfferID)
	case err != nil:
		return err
	case owner != leadID:
		return partnergraph.Errorf(partnergraph.ECONFLICT, "offer %q is not an offer of lead %q", a.OfferID, leadID)
	}
	return partnergraph.Errorf(partnergraph.ECONFLICT, "offer %q is %s, not PENDING", a.OfferID, status)
}

// DueOffers implements partnergraph.LeadStore: the PENDING offers that expired at or before
// now, the longest overdue first (then by seq). EINVALID naming "now" for a zero time, and
// "first" unless limit is in 1..partnergraph.MaxFeedSize.
func (s *Store) DueOffers(ctx context.Context, now time.Time, limit int) ([]partnergraph.Offer, error) {
	if err := partnergraph.RequireTime("now", now); err != nil {
		return nil, err
	}
	if err := partnergraph.CheckFeedLimit(limit); err != nil {
		return nil, err
	}
	out, err := s.offers(ctx, `WHERE status = 'PENDING' AND expires_at <= ? ORDER BY expires_at, seq LIMIT ?`, now.UnixNano(), limit)
	return out, wrap("find due offers", err)
}

// OffersSince implements partnergraph.LeadStore. Every offer counts, whatever became of it: a
// daily cap limits what a business is sent, not what it kept. A business with no offers is
// absent from the map (which reads as 0); a zero since counts every offer.
func (s *Store) OffersSince(ctx context.Context, businessIDs []string, since time.Time) (map[string]int, error) {
	from := int64(math.MinInt64)
	if !since.IsZero() {
		from = since.UnixNano()
	}
	// Since the start of a UTC day (the daily cap's question), the per-day counts answer in
	// one row per business; any other time counts the offers themselves.
	const day = int64(24 * time.Hour)
	query := `SELECT business_id, count(*) FROM offers WHERE business_id IN (%s) AND created_at >= ? GROUP BY business_id`
	arg := from
	if from > 0 && from%day == 0 {
		query = `SELECT business_id, sum(n) FROM offer_counts WHERE business_id IN (%s) AND day >= ? GROUP BY business_id`
		arg = from / day
	}
	out := make(map[string]int, len(businessIDs))
	err := inChunks(businessIDs, func(chunk []string) error {
		return eachRow(ctx, s.r, fmt.Sprintf(query, placeholders(len(chunk))), append(anys(chunk), arg), func(rows *sql.Rows) error {
			var id string
			var n int
			err := rows.Scan(&id, &n)
			out[id] = n
			return err
		})
	})
	return out, wrap("count offers", err)
}

// Ledger implements partnergraph.LeadStore: one line per partner, by partner id, counting the
// offers each side made to the other (an offer is a lead given, whatever became of it) and
// summing commissions. Money in different currencies cannot be added, so a partner with
// commissions in several currencies has one line per currency, by currency: the first carries
// the lead counts and the others only their commissions, so that summing any column over the
// lines gives the right total. A partner without commissions has Currency "". An unknown
// business has no lines.
//
// One statement computes it, so that the counts and the sums come from one snapshot.
func (s *Store) Ledger(ctx context.Context, businessID string) ([]partnergraph.LedgerLine, error) {
	var facts []partnergraph.LedgerFact
	err := eachRow(ctx, s.r, `
		SELECT 'given', o.business_id, '', count(*), sum(o.status = 'ACCEPTED'), sum(o.status = 'ACCEPTED' AND l.status = 'WON'), 0, 0
		FROM leads l JOIN offers o ON o.lead_id = l.id
		WHERE l.referrer_id = :b AND o.business_id <> :b GROUP BY o.business_id
		UNION ALL
		SELECT 'received', l.referrer_id, '', count(*), sum(o.status = 'ACCEPTED'), sum(o.status = 'ACCEPTED' AND l.status = 'WON'), 0, 0
		FROM offers o JOIN leads l ON l.id = o.lead_id
		WHERE o.business_id = :b AND l.referrer_id <> :b GROUP BY l.referrer_id
		UNION ALL
		SELECT 'money', CASE WHEN payer_id = :b THEN payee_id ELSE payer_id END, currency, 0, 0, 0,
			sum(CASE WHEN payer_id = :b THEN amount_minor ELSE 0 END), sum(CASE WHEN payee_id = :b THEN amount_minor ELSE 0 END)
		FROM commissions WHERE (payer_id = :b OR payee_id = :b) AND payer_id <> payee_id GROUP BY 2, 3
		UNION ALL
		SELECT 'reversal', CASE WHEN payer_id = :b THEN payee_id ELSE payer_id END, currency, 0, 0, 0,
			sum(CASE WHEN payer_id = :b THEN amount_minor ELSE 0 END), sum(CASE WHEN payee_id = :b THEN amount_minor ELSE 0 END)
		FROM commission_reversals WHERE (payer_id = :b OR payee_id = :b) AND payer_id <> payee_id GROUP BY 2, 3`,
		[]any{sql.Named("b", businessID)}, func(rows *sql.Rows) error {
			var kind string
			var f partnergraph.LedgerFact
			if err := rows.Scan(&kind, &f.PartnerID, &f.Currency, &f.Leads, &f.Accepted, &f.Won, &f.Owed, &f.Earned); err != nil {
				return err
			}
			f.Given, f.Received, f.Reversal = kind == "given", kind == "received", kind == "reversal"
			facts = append(facts, f)
			return nil
		})
	if err != nil {
		return nil, wrap("read ledger", err)
	}
	return partnergraph.LedgerLines(facts), nil
}

// Commissions implements partnergraph.LeadStore: newest first, paged by (created_at, id).
// EINVALID naming "first" or "after". An unknown business has none.
func (s *Store) Commissions(ctx context.Context, businessID string, p partnergraph.Page) (partnergraph.Slice[partnergraph.Commission], error) {
	var zero partnergraph.Slice[partnergraph.Commission]
	if err := p.Validate(); err != nil {
		return zero, err
	}
	after, hasAfter, err := decodeCursor(p.After)
	if err != nil {
		return zero, err
	}
	if !hasAfter {
		after.N, after.ID = math.MaxInt64, "\U0010FFFF"
	}
	var items []partnergraph.Commission
	var cursors []string
	// Two keyset reads, one per index, each limited, then merged: a page costs the same however
	// many commissions the business has (an OR would sort them all).
	err = eachRow(ctx, s.r, `
		SELECT * FROM (SELECT `+commissionReadColumns+` FROM commissions WHERE payer_id = ? AND (created_at, id) < (?, ?)
			ORDER BY created_at DESC, id DESC LIMIT ?)
		UNION ALL
		SELECT * FROM (SELECT `+commissionReadColumns+` FROM commissions WHERE payee_id = ? AND (created_at, id) < (?, ?)
			ORDER BY created_at DESC, id DESC LIMIT ?)
		ORDER BY created_at DESC, id DESC LIMIT ?`,
		[]any{businessID, after.N, after.ID, p.First + 1, businessID, after.N, after.ID, p.First + 1, p.First + 1}, func(rows *sql.Rows) error {
			c, err := scanCommission(rows)
			if err == nil {
				items = append(items, c)
				cursors = append(cursors, cursor{N: c.CreatedAt.UnixNano(), ID: c.ID}.encode())
			}
			return err
		})
	if err != nil {
		return zero, wrap("list commissions", err)
	}
	return partnergraph.SliceOf(items, cursors, p.First), nil
}

// CommissionOfLead implements partnergraph.LeadStore: one read of the lead_id unique index.
// ENOTFOUND for a lead without a commission and for an unknown lead.
func (s *Store) CommissionOfLead(ctx context.Context, leadID string) (*partnergraph.Commission, error) {
	c, err := scanCommission(s.r.QueryRowContext(ctx, `SELECT `+commissionReadColumns+` FROM commissions WHERE lead_id = ?`, leadID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, partnergraph.Errorf(partnergraph.ENOTFOUND, "lead %q has no commission", leadID)
	}
	if err != nil {
		return nil, wrap("find commission", err)
	}
	return &c, nil
}

// IdempotencyWindow is how long an idempotency key is kept at least: a client may retry a
// submission for this long and still get the lead it created.
const IdempotencyWindow = 24 * time.Hour

// PurgeIdempotencyKeys implements partnergraph.LeadStore: it sets the keys of leads created
// before the time to NULL, which the unique index allows any number of times, and returns how
// many it cleared. EINVALID naming "before" for a zero time or one within IdempotencyWindow of
// now, since purging a recent key would let a retry create a second lead.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	if err := partnergraph.RequireTime("before", before); err != nil {
		return 0, err
	}
	if before.After(time.Now().Add(-IdempotencyWindow)) {
		return 0, partnergraph.Invalidf("before", "must be at least %s ago", IdempotencyWindow)
	}
	var n int64
	err := s.write(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE leads SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL AND created_at < ?`, before.UnixNano())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), wrap("purge idempotency keys", err)
}

// Outcomes implements partnergraph.LeadStore, a page of answered offers at a time with their
// leads read in one query per page.
func (s *Store) Outcomes(ctx context.Context, since time.Time, fn func(partnergraph.Offer, partnergraph.Lead) error) error {
	after, seq := int64(math.MinInt64), int64(-1)
	if !since.IsZero() {
		after = since.UnixNano()
	}
	for {
		var offers []partnergraph.Offer
		err := eachRow(ctx, s.r, `SELECT `+offerColumns+` FROM offers
			WHERE status IN ('ACCEPTED', 'DECLINED', 'EXPIRED') AND (responded_at, seq) > (?, ?)
			ORDER BY responded_at, seq LIMIT 1000`, []any{after, seq}, func(rows *sql.Rows) error {
			o, err := scanOffer(rows)
			offers = append(offers, o)
			return err
		})
		if err != nil || len(offers) == 0 {
			return wrap("read outcomes", err)
		}
		ids := make([]string, 0, len(offers))
		for _, o := range offers {
			ids = append(ids, o.LeadID)
		}
		leads := map[string]*partnergraph.Lead{}
		err = inChunks(ids, func(chunk []string) error {
			return eachRow(ctx, s.r, `SELECT `+leadColumns+` FROM leads WHERE id IN (`+placeholders(len(chunk))+`)`, anys(chunk), func(rows *sql.Rows) error {
				l, err := scanLead(rows)
				if err == nil {
					leads[l.ID] = l
				}
				return err
			})
		})
		if err != nil {
			return wrap("read outcomes", err)
		}
		for _, o := range offers {
			if l := leads[o.LeadID]; l != nil {
				if err := fn(o, *l); err != nil {
					return err
				}
			}
		}
		last := offers[len(offers)-1]
		after, seq = last.RespondedAt.UnixNano(), last.Seq
	}
}
