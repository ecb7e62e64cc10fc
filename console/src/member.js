// The member's views: their businesses and partnerships, suggestions, the live inbox, their
// leads as referrer (live), and the ledger. Each takes the business picked in the shell.
import { useEffect, useState } from 'preact/hooks';
import { html, fmt, when } from './html.js';
import { gql, subscribe } from './api.js';
import { useQuery, Status } from './hooks.js';

const PARTNERSHIPS = `query($id: ID!) { partnerships(businessId: $id, first: 50) { edges { node {
  id status message createdAt proposer { id name } partner { id name } terms { type amount percent currency } } } } }`;

/** The caller's businesses, and the partnerships of the one picked (answering proposals). */
export function BusinessesView({ business, viewer }) {
  const q = useQuery(PARTNERSHIPS, { id: business.id });
  const [msg, setMsg] = useState('');
  const respond = async (p, accept) => {
    try {
      await gql(`mutation($id: ID!, $accept: Boolean!) { respondToPartnership(input: {partnershipId: $id, accept: $accept}) { partnership { status } } }`, { id: p.id, accept });
      setMsg(`${accept ? 'Accepted' : 'Declined'} the proposal of ${p.proposer.name}.`);
      q.reload();
    } catch (e) {
      setMsg(e.message);
    }
  };
  return html`
    <h2>Your businesses</h2>
    <ul class="cards">
      ${viewer.businesses.map((b) => html`
        <li class="card" aria-current=${b.id === business.id ? 'true' : undefined}>
          <h3>${b.name}</h3>
          <p>${b.city} · ${b.services.map((s) => s.name).join(', ')}</p>
          <p><${Badges} b=${b} /> trusts ${b.trustCounts.trusts}, trusted by ${b.trustCounts.trustedBy}</p>
        </li>`)}
    </ul>
    <h2>Partnerships of ${business.name}</h2>
    <p aria-live="polite">${msg}</p>
    <${Status} q=${q} what="partnerships" />
    ${q.data && html`
      <div class="scroll"><table>
        <thead><tr><th scope="col">Partner</th><th scope="col">Status</th><th scope="col">Terms</th><th scope="col">Since</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
        <tbody>
          ${q.data.partnerships.edges.map(({ node: p }) => {
            const other = p.proposer.id === business.id ? p.partner : p.proposer;
            return html`<tr>
              <td>${other.name}</td><td>${p.status.toLowerCase()}</td><td>${terms(p.terms)}</td><td>${when(p.createdAt)}</td>
              <td>${p.status === 'PROPOSED' && p.partner.id === business.id && html`
                <button type="button" onClick=${() => respond(p, true)}>Accept</button>
                <button type="button" class="secondary" onClick=${() => respond(p, false)}>Decline</button>`}</td>
            </tr>`;
          })}
        </tbody>
      </table></div>`}`;
}

export function Badges({ b }) {
  return html`${b.verified && html`<span class="badge ok">verified</span> `}${b.status !== 'ACTIVE' && html`<span class="badge warn">${b.status.toLowerCase()}</span> `}`;
}

function terms(t) {
  return t.type === 'FLAT' ? `${t.amount} ${t.currency} flat` : `${t.percent}% (${t.currency})`;
}

const SUGGESTIONS = `query($id: ID!) {
  partnerSuggestions(businessId: $id, first: 10) { business { id name city verified status services { name } }
    score distanceKm reasons components { signal value weight } }
  networkSuggestions(businessId: $id, first: 5) { network { id name region } score members reasons components { signal value weight } }
}`;

const SIGNAL_NAMES = {
  COMPLEMENT: 'complementary services', SOCIAL: 'common partners', PAGERANK: 'trust reach', DISTANCE: 'nearby',
  NETWORKS: 'shared networks', QUALITY: 'quality', PARTNERS: 'your partners there', LOCAL: 'local', SIZE: 'size',
};

/** Partner and network suggestions, with their components and reasons, and a proposal form. */
export function SuggestionsView({ business }) {
  const q = useQuery(SUGGESTIONS, { id: business.id });
  const [proposing, setProposing] = useState('');
  const [msg, setMsg] = useState('');
  return html`
    <h2>Partner suggestions for ${business.name}</h2>
    <p aria-live="polite" class="notice">${msg}</p>
    <${Status} q=${q} what="suggestions" />
    ${q.data && html`
      <ol class="cards" aria-label="Partner suggestions">
        ${q.data.partnerSuggestions.map((s) => html`
          <li class="card suggestion">
            <h3>${s.business.name} <span class="score" title="score">${fmt(s.score, 3)}</span></h3>
            <p>${s.business.city} · ${fmt(s.distanceKm, 1)} km · ${s.business.services.map((x) => x.name).join(', ')} <${Badges} b=${s.business} /></p>
            <${Components} list=${s.components} score=${s.score} />
            <ul class="reasons">${s.reasons.map((r) => html`<li>${r}</li>`)}</ul>
            ${proposing === s.business.id
              ? html`<${ProposeForm} from=${business} to=${s.business}
                  onDone=${(m) => { setProposing(''); setMsg(m); if (m) q.reload(); }} />`
              : html`<button type="button" onClick=${() => setProposing(s.business.id)}>Propose a partnership</button>`}
          </li>`)}
        ${q.data.partnerSuggestions.length === 0 && html`<li>No suggestions.</li>`}
      </ol>
      <h2>Network suggestions</h2>
      <ol class="cards" aria-label="Network suggestions">
        ${q.data.networkSuggestions.map((s) => html`
          <li class="card">
            <h3>${s.network.name} <span class="score">${fmt(s.score, 3)}</span></h3>
            <p>${s.network.region} · ${s.members} members</p>
            <${Components} list=${s.components} score=${s.score} />
            <ul class="reasons">${s.reasons.map((r) => html`<li>${r}</li>`)}</ul>
          </li>`)}
        ${q.data.networkSuggestions.length === 0 && html`<li>No network to suggest.</li>`}
      </ol>`}`;
}

const COLORS = { COMPLEMENT: '#1f5fa8', SOCIAL: '#7a3e9d', PAGERANK: '#a14a00', DISTANCE: '#1a7f37', NETWORKS: '#8a6d00', QUALITY: '#b3261e', PARTNERS: '#7a3e9d', LOCAL: '#1a7f37', SIZE: '#555' };

/** A score's parts: a bar (each signal's value × weight) and the same as a table. */
function Components({ list, score }) {
  const total = list.reduce((a, c) => a + c.value * c.weight, 0) || 1;
  return html`
    <div class="bar" aria-hidden="true">
      ${list.filter((c) => c.value * c.weight > 0).map((c) => html`<span style=${{ width: (100 * c.value * c.weight) / total + '%', background: COLORS[c.signal] }} title=${c.signal}></span>`)}
    </div>
    <details>
      <summary>Score ${fmt(score, 3)}: its components</summary>
      <table class="compact">
        <thead><tr><th scope="col">Signal</th><th scope="col">Value</th><th scope="col">Weight</th><th scope="col">Part</th></tr></thead>
        <tbody>${list.map((c) => html`<tr><th scope="row"><span class="swatch" style=${{ background: COLORS[c.signal] }}></span>${SIGNAL_NAMES[c.signal] || c.signal}</th>
          <td>${fmt(c.value)}</td><td>${fmt(c.weight)}</td><td>${fmt(c.value * c.weight, 3)}</td></tr>`)}</tbody>
      </table>
    </details>`;
}

function ProposeForm({ from, to, onDone }) {
  const [type, setType] = useState('FLAT');
  const [amount, setAmount] = useState('100.00');
  const [currency, setCurrency] = useState('USD');
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const id = 'p-' + to.id.replace(/[^A-Za-z0-9]/g, '');
  const submit = async (e) => {
    e.preventDefault();
    const t = type === 'FLAT' ? { type, amount, currency } : { type, percent: amount, currency };
    try {
      const d = await gql(`mutation($in: ProposePartnershipInput!) { proposePartnership(input: $in) { partnership { id status } } }`,
        { in: { proposerId: from.id, partnerId: to.id, terms: t, message } });
      onDone(`Proposed a partnership to ${to.name} (${d.proposePartnership.partnership.status.toLowerCase()}).`);
    } catch (err) {
      setError(err.message);
    }
  };
  return html`
    <form class="inline" onSubmit=${submit} aria-label=${'Propose a partnership to ' + to.name}>
      <label for=${id + 't'}>Fee</label>
      <select id=${id + 't'} value=${type} onChange=${(e) => setType(e.currentTarget.value)}>
        <option value="FLAT">flat amount</option><option value="PERCENT">percent of the job</option>
      </select>
      <label for=${id + 'a'}>${type === 'FLAT' ? 'Amount' : 'Percent'}</label>
      <input id=${id + 'a'} inputmode="decimal" value=${amount} onInput=${(e) => setAmount(e.currentTarget.value)} />
      <label for=${id + 'c'}>Currency</label>
      <input id=${id + 'c'} size="4" value=${currency} onInput=${(e) => setCurrency(e.currentTarget.value)} />
      <label for=${id + 'm'}>Message</label>
      <input id=${id + 'm'} value=${message} onInput=${(e) => setMessage(e.currentTarget.value)} />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit">Send proposal</button>
      <button type="button" class="secondary" onClick=${() => onDone('')}>Cancel</button>
    </form>`;
}

const OFFER_FIELDS = `id cursor status reasons pathTrust score createdAt expiresAt declineReason
  path { id name } lead { id status notes service { name } customer { name phone email } }`;

/** The inbox, live: the leadOffers subscription replays it, then streams new offers. */
export function InboxView({ business }) {
  const [offers, setOffers] = useState([]);
  const [state, setState] = useState('connecting');
  const [error, setError] = useState('');
  const [msg, setMsg] = useState('');
  useEffect(() => {
    return subscribe(`subscription($id: ID!) { leadOffers(businessId: $id) { ${OFFER_FIELDS} } }`,
      { id: business.id }, {
        next: (d) => {
          const o = d.leadOffers;
          setOffers((list) => upsert(list, o));
          setState('live');
          if (o.status === 'PENDING') setMsg(`New lead offer: ${o.lead.service.name}.`);
        },
        error: (e) => setError(e.message),
        onState: setState,
      });
  }, [business.id]);
  const answer = async (o, accept, reason) => {
    try {
      const d = accept
        ? await gql(`mutation($id: ID!) { acceptLead(input: {offerId: $id}) { offer { ${OFFER_FIELDS} } } }`, { id: o.id })
        : await gql(`mutation($id: ID!, $r: String) { declineLead(input: {offerId: $id, reason: $r}) { offer { ${OFFER_FIELDS} } } }`, { id: o.id, r: reason || null });
      const next = accept ? d.acceptLead.offer : d.declineLead.offer;
      setOffers((list) => upsert(list, next));
      setMsg(`${accept ? 'Accepted' : 'Declined'} the lead (${next.lead.service.name}).`);
    } catch (e) {
      setMsg(e.message);
    }
  };
  const shown = [...offers].reverse();
  return html`
    <h2>Inbox of ${business.name} <span class=${'live ' + state}>${state === 'live' ? '● live' : state}</span></h2>
    <p class="sr" aria-live="polite">${msg}</p>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${shown.length === 0 && html`<p>No offers yet. New ones appear here as they are made.</p>`}
    <ul class="cards" aria-label="Lead offers">
      ${shown.map((o) => html`<${OfferCard} key=${o.id} o=${o} onAnswer=${answer} />`)}
    </ul>`;
}

function upsert(list, o) {
  const i = list.findIndex((x) => x.id === o.id);
  if (i < 0) return [...list, o];
  const copy = list.slice();
  copy[i] = { ...list[i], ...o };
  return copy;
}

function OfferCard({ o, onAnswer }) {
  const [reason, setReason] = useState('');
  const rid = 'r-' + o.id.replace(/[^A-Za-z0-9]/g, '');
  return html`
    <li class=${'card offer ' + o.status.toLowerCase()} data-status=${o.status}>
      <h3>${o.lead.service.name} <span class="badge">${o.status.toLowerCase()}</span></h3>
      <p>${o.lead.notes || 'No notes.'}</p>
      <${TrustPath} path=${o.path} trust=${o.pathTrust} />
      <ul class="reasons">${o.reasons.map((r) => html`<li>${r}</li>`)}</ul>
      ${o.lead.customer
        ? html`<p class="customer">Customer: <strong>${o.lead.customer.name}</strong> ${o.lead.customer.phone || ''} ${o.lead.customer.email || ''}</p>`
        : html`<p class="hint">The customer's details show once you accept.</p>`}
      <p class="hint">Offered ${when(o.createdAt)}${o.status === 'PENDING' ? `, answer by ${when(o.expiresAt)}` : ''}${o.declineReason ? ` · declined: ${o.declineReason}` : ''}</p>
      ${o.status === 'PENDING' && html`
        <div class="actions">
          <button type="button" onClick=${() => onAnswer(o, true)}>Accept</button>
          <label class="sr" for=${rid}>Reason for declining</label>
          <input id=${rid} placeholder="reason (optional)" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} />
          <button type="button" class="secondary" onClick=${() => onAnswer(o, false, reason)}>Decline</button>
        </div>`}
    </li>`;
}

/** The trusted path from the referrer to the recipient, as a row of steps. */
export function TrustPath({ path, trust }) {
  return html`
    <figure class="path">
      <ol aria-label="Trust path">${path.map((b) => html`<li>${b.name}</li>`)}</ol>
      <figcaption>trust along the path ${fmt(trust, 2)}</figcaption>
    </figure>`;
}

/** The leads the business referred, with their status live over leadUpdates. */
export function LeadsView({ business }) {
  const [leads, setLeads] = useState(new Map());
  const [state, setState] = useState('connecting');
  const [error, setError] = useState('');
  useEffect(() => {
    const seen = new Set();
    return subscribe(`subscription($id: ID!) { leadUpdates(businessId: $id) {
        cursor status message at lead { id status createdAt service { name } offers { business { name } status } } } }`,
      { id: business.id }, {
        next: (d) => {
          const ev = d.leadUpdates;
          if (seen.has(ev.cursor)) return; // replayed after a reconnect
          seen.add(ev.cursor);
          setLeads((m) => {
            const next = new Map(m);
            const prev = next.get(ev.lead.id);
            next.set(ev.lead.id, { lead: ev.lead, status: ev.status, events: [...(prev?.events || []), ev] });
            return next;
          });
          setState('live');
        },
        error: (e) => setError(e.message),
        onState: setState,
      });
  }, [business.id]);
  const list = [...leads.values()].reverse();
  return html`
    <h2>Leads referred by ${business.name} <span class=${'live ' + state}>${state === 'live' ? '● live' : state}</span></h2>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${list.length === 0 && html`<p>No leads referred yet. Status changes appear here as they happen.</p>`}
    <ul class="cards" aria-label="Referred leads" aria-live="polite">
      ${list.map(({ lead, status, events }) => html`
        <li class="card" data-status=${status}>
          <h3>${lead.service.name} <span class="badge">${status.toLowerCase()}</span></h3>
          <p class="hint">Referred ${when(lead.createdAt)} · offered to ${lead.offers.map((o) => `${o.business.name} (${o.status.toLowerCase()})`).join(', ') || 'no one'}</p>
          <ol class="events">${events.map((e) => html`<li><time datetime=${e.at}>${when(e.at)}</time> ${e.message}</li>`)}</ol>
        </li>`)}
    </ul>`;
}

/** The ledger: per partner, leads both ways and the commissions. */
export function LedgerView({ business }) {
  const q = useQuery(`query($id: ID!) { ledger(businessId: $id) { partner { id name } leadsGiven leadsReceived
    acceptedGiven acceptedReceived wonGiven wonReceived commissionOwed commissionEarned currency } }`, { id: business.id });
  return html`
    <h2>Ledger of ${business.name}</h2>
    <${Status} q=${q} what="the ledger" />
    ${q.data && (q.data.ledger.length === 0
      ? html`<p>No leads with partners yet.</p>`
      : html`<div class="scroll"><table>
          <caption>Per partner: leads given and received (accepted, won), commission owed and earned</caption>
          <thead><tr><th scope="col">Partner</th><th scope="col">Given</th><th scope="col">Received</th>
            <th scope="col">Won given</th><th scope="col">Won received</th><th scope="col">Owed</th><th scope="col">Earned</th></tr></thead>
          <tbody>${q.data.ledger.map((l) => html`<tr>
            <th scope="row">${l.partner.name}</th>
            <td>${l.leadsGiven} (${l.acceptedGiven})</td><td>${l.leadsReceived} (${l.acceptedReceived})</td>
            <td>${l.wonGiven}</td><td>${l.wonReceived}</td>
            <td>${l.commissionOwed} ${l.currency || ''}</td><td>${l.commissionEarned} ${l.currency || ''}</td></tr>`)}</tbody>
        </table></div>`)}`;
}
