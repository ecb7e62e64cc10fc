// The admin's views: the trust graph around a business (search, expand, filter, curate in
// place), the complement weights as a services × services matrix, and the suspicious groups.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html, fmt } from './html.js';
import { gql } from './api.js';
import { useQuery, Status } from './hooks.js';
import { TrustGraph, MAX_NODES, sectorLegend } from './graphview.js';
import { Badges } from './member.js';

const B = `fragment B on Business { id name city status verified services { slug name sector } trustCounts { trusts trustedBy } }`;
const EDGE = `score source note from { ...B } to { ...B }`;
// A business's neighbourhood in one query, from the server's projection: at most NEIGHBOURS
// businesses per expansion (truncated says when more lie within reach).
const NEIGHBOURHOOD = `query($id: ID!, $max: Int) { neighbourhood(businessId: $id, depth: 1, maxNodes: $max) {
  truncated nodes { id name sector services city verified suspended trustReceived }
  trust { from to score weight overridden } partnerships { a b status } } }`;
const NEIGHBOURS = 500;
// The most pages of 100 members read for a network picked as a filter.
const MAX_PAGES = 25;

/**
 * Draws a business's neighbourhood into g; resolves to what the drawing says of it: full
 * (the drawing holds MAX_NODES businesses and some were left out) and truncated (the server
 * left out businesses beyond NEIGHBOURS).
 */
async function expand(g, id) {
  const d = await gql(NEIGHBOURHOOD, { id, max: NEIGHBOURS });
  performance.mark('graph:read');
  // New neighbours start beside the business, so that the layout grows the picture from there.
  const full = !g.addNeighbourhood(d.neighbourhood, g.positionOf(id));
  return { full, truncated: d.neighbourhood.truncated };
}

/** Search, draw, expand, filter, and curate: verify, suspend, override trust. */
export function GraphView() {
  const box = useRef(null);
  const [g, setG] = useState(null);
  const [rev, setRev] = useState(0);
  const [sel, setSel] = useState(null);
  const [msg, setMsg] = useState('');
  const [filter, setFilter] = useState({ service: '', town: '', network: '', members: null });
  const networks = useQuery(`{ networks(first: 100) { edges { node { id name } } } }`, {});
  // The drawing's tap handler is made once; it reads the filter of the moment through this.
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const bump = () => setRev((r) => r + 1);

  useEffect(() => {
    let graph;
    let live = true;
    TrustGraph.create(box.current, (kind, data) => {
      setSel({ kind, data });
      if (kind === 'node') open(graph, data.id, false);
    }).then((x) => {
      graph = x;
      if (live) setG(x);
      else x.destroy();
    });
    return () => {
      live = false;
      graph?.destroy();
    };
  }, []);

  // The drawing's data-state says whether an expansion is under way (loading) or laid out
  // (ready), and performance measures time its parts (query, add, layout): console/scale.sh
  // waits for and reads them to measure the drawing at a few thousand businesses.
  const setState = (s) => box.current?.setAttribute('data-state', s);
  const open = async (graph, id, fresh) => {
    try {
      setMsg('Loading…');
      setState('loading');
      performance.mark('graph:expand');
      if (fresh) graph.clear();
      const { full, truncated } = await expand(graph, id);
      performance.mark('graph:added');
      graph.focus(id);
      graph.layout({ fresh });
      graph.filter(filterRef.current);
      performance.measure('graph:query', 'graph:expand', 'graph:read');
      performance.measure('graph:add', 'graph:read', 'graph:added');
      performance.measure('graph:layout', 'graph:added');
      setState('ready');
      const node = graph.nodes().find((n) => n.id === id);
      if (node) setSel({ kind: 'node', data: node });
      const c = graph.counts();
      setMsg(full ? `The drawing holds at most ${MAX_NODES} businesses; not all neighbours were added.`
        : `Drawn: ${c.nodes} businesses, ${c.trust} trust edges, ${c.partnerships} partnerships.` +
          (truncated ? ` Truncated: the business has more neighbours than the ${NEIGHBOURS} drawn.` : ''));
      bump();
    } catch (e) {
      setState('error');
      setMsg(e.message);
    }
  };

  useEffect(() => {
    if (g) {
      g.filter(filter);
      bump();
    }
  }, [filter, g]);

  // A network's members are read once when it is picked (pages of 100), then matched by id.
  const pickNetwork = async (id) => {
    if (!id) return setFilter({ ...filter, network: '', members: null });
    try {
      const members = new Set();
      let after = null;
      for (let i = 0; i < MAX_PAGES; i++) {
        const d = await gql(`query($n: ID!, $after: String) { businesses(filter: {networkId: $n}, first: 100, after: $after) {
          edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { n: id, after });
        d.businesses.edges.forEach((e) => members.add(e.node.id));
        if (!d.businesses.pageInfo.hasNextPage) break;
        after = d.businesses.pageInfo.endCursor;
      }
      setFilter({ ...filter, network: id, members });
    } catch (e) {
      setMsg(e.message);
    }
  };

  const nodes = g ? g.nodes() : [];
  const services = [...new Set(nodes.flatMap((n) => n.services))].sort();
  const towns = [...new Set(nodes.map((n) => n.city))].sort();
  const c = g ? g.counts() : null;
  return html`
    <h2>Trust graph</h2>
    <${Search} onPick=${(id) => g && open(g, id, true)} />
    <div class="graph-tools">
      <label for="f-service">Service</label>
      <select id="f-service" value=${filter.service} onChange=${(e) => setFilter({ ...filter, service: e.currentTarget.value })}>
        <option value="">all</option>${services.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
      <label for="f-town">Town</label>
      <select id="f-town" value=${filter.town} onChange=${(e) => setFilter({ ...filter, town: e.currentTarget.value })}>
        <option value="">all</option>${towns.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
      <label for="f-network">Network</label>
      <select id="f-network" value=${filter.network} onChange=${(e) => pickNetwork(e.currentTarget.value)}>
        <option value="">all</option>${(networks.data?.networks.edges || []).map(({ node: n }) => html`<option value=${n.id}>${n.name}</option>`)}
      </select>
    </div>
    <p aria-live="polite" class="notice" data-testid="graph-status">${msg}</p>
    <div class="graph-layout">
      <div class="graph" ref=${box} role="img" aria-label=${c ? `Trust graph: ${c.nodes} businesses, ${c.trust} trust edges, ${c.partnerships} partnerships. The same businesses are listed below.` : 'Trust graph'}></div>
      <${Inspector} g=${g} sel=${sel} onChange=${(s) => { setSel(s); bump(); }} onExpand=${(id) => g && open(g, id, false)} />
    </div>
    <${Legend} />
    <${NodeList} nodes=${nodes} onSelect=${(n) => { g.select(n.id); setSel({ kind: 'node', data: n }); }} />`;
}

/** What a drawn business's data says of the trust it gives and gets. */
function trustText(d) {
  const parts = [];
  if (d.trusts !== undefined) parts.push(`trusts ${d.trusts}, trusted by ${d.trustedBy}`);
  if (d.trustReceived !== undefined) parts.push(`trust received ${fmt(d.trustReceived)}`);
  return parts.join(', ');
}

function Legend() {
  return html`
    <ul class="legend" aria-label="Legend">
      ${sectorLegend().map(([s, col]) => html`<li><span class="swatch" style=${{ background: col }}></span>${s}</li>`)}
      <li><span class="swatch ring-ok"></span>verified</li>
      <li><span class="swatch ring-bad"></span>suspended</li>
      <li><span class="line trust"></span>trust (arrow: who trusts whom; width: score)</li>
      <li><span class="line admin"></span>trust set by an admin</li>
      <li><span class="line partnership"></span>partnership</li>
    </ul>`;
}

function NodeList({ nodes, onSelect }) {
  // The rows are made only while the list is open: a closed list of 3,000 rows re-rendered on
  // every click cost the drawing seconds (console/scale.sh).
  const [open, setOpen] = useState(false);
  if (!nodes.length) return null;
  const shown = nodes.filter((n) => !n.hidden);
  if (open) shown.sort((a, b) => b.weight - a.weight);
  return html`
    <details class="nodelist" onToggle=${(e) => setOpen(e.currentTarget.open)}>
      <summary>The ${shown.length} businesses drawn, as a list</summary>
      ${open && html`<div class="scroll"><table>
        <thead><tr><th scope="col">Business</th><th scope="col">Town</th><th scope="col">Sector</th><th scope="col">Trust</th><th scope="col">Marks</th></tr></thead>
        <tbody>${shown.map((n) => html`<tr>
          <th scope="row"><button type="button" class="link" onClick=${() => onSelect(n)}>${n.name}</button></th>
          <td>${n.city}</td><td>${n.sector}</td><td>${trustText(n)}</td><td><${Badges} b=${n} /></td></tr>`)}</tbody>
      </table></div>`}
    </details>`;
}

function Search({ onPick }) {
  const [text, setText] = useState('');
  const [hits, setHits] = useState(null);
  const [error, setError] = useState('');
  const run = async (e) => {
    e.preventDefault();
    try {
      const d = await gql(`query($s: String) { businesses(filter: {search: $s}, first: 10) { edges { node { id name city } } } }`, { s: text });
      setHits(d.businesses.edges.map((x) => x.node));
      setError('');
    } catch (err) {
      setError(err.message);
    }
  };
  return html`
    <form class="inline" role="search" onSubmit=${run}>
      <label for="search">Business</label>
      <input id="search" type="search" value=${text} placeholder="name or words" onInput=${(e) => setText(e.currentTarget.value)} />
      <button type="submit">Search</button>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${hits && html`<ul class="hits" aria-label="Search results">
      ${hits.map((b) => html`<li><button type="button" onClick=${() => { setHits(null); onPick(b.id); }}>${b.name}, ${b.city}</button></li>`)}
      ${hits.length === 0 && html`<li>No business matches.</li>`}
    </ul>`}`;
}

/** What is selected in a drawing, and the admin's actions on it. */
function Inspector({ g, sel, onChange, onExpand }) {
  const [msg, setMsg] = useState('');
  const [score, setScore] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => {
    setMsg('');
    if (sel?.kind === 'edge' && sel.data.kind === 'trust') {
      setScore(String(sel.data.score));
      setNote(sel.data.note || '');
    }
  }, [sel?.data?.id]);
  if (!sel) return html`<aside class="inspector"><p>Select a business or an edge in the drawing, or a business in the list below it.</p></aside>`;
  const d = sel.data;
  const act = async (query, vars, done) => {
    try {
      const r = await gql(query + ' ' + B, vars);
      const b = done(r);
      g.addBusiness(b);
      onChange({ kind: 'node', data: g.nodes().find((n) => n.id === b.id) });
      setMsg('Saved.');
    } catch (e) {
      setMsg(e.message);
    }
  };
  if (sel.kind === 'node') {
    return html`
      <aside class="inspector" aria-label="Selected business">
        <h3>${d.name}</h3>
        <p>${d.city} · ${d.serviceNames.join(', ')}</p>
        <p>${trustText(d)} · <span data-testid="marks">${d.verified ? 'verified' : 'not verified'}, ${d.status.toLowerCase()}</span></p>
        <div class="actions">
          ${onExpand && html`<button type="button" onClick=${() => onExpand(d.id)}>Expand</button>`}
          <button type="button" onClick=${() => act(`mutation($id: ID!, $v: Boolean) { verifyBusiness(input: {businessId: $id, verified: $v}) { business { ...B } } }`,
            { id: d.id, v: !d.verified }, (r) => r.verifyBusiness.business)}>${d.verified ? 'Remove verification' : 'Verify'}</button>
          <button type="button" class="danger" onClick=${() => act(`mutation($id: ID!, $s: Boolean) { suspendBusiness(input: {businessId: $id, suspended: $s}) { business { ...B } } }`,
            { id: d.id, s: d.status !== 'SUSPENDED' }, (r) => r.suspendBusiness.business)}>${d.status === 'SUSPENDED' ? 'Lift suspension' : 'Suspend'}</button>
        </div>
        <p aria-live="polite">${msg}</p>
        <${TrustList} g=${g} id=${d.id} onPick=${(e) => { g.select(e.id); onChange({ kind: 'edge', data: e }); }} />
      </aside>`;
  }
  if (d.kind === 'partnership') {
    return html`<aside class="inspector" aria-label="Selected partnership"><h3>Partnership</h3><p>${d.fromName} and ${d.toName}: ${d.status.toLowerCase()}</p></aside>`;
  }
  const save = async (e) => {
    e.preventDefault();
    try {
      const r = await gql(`mutation($in: SetTrustInput!) { setTrust(input: $in) { trust { ${EDGE} } } } ${B}`,
        { in: { fromId: d.source, toId: d.target, score: Number(score), note } });
      g.addTrust(r.setTrust.trust);
      onChange({ kind: 'edge', data: { ...d, score: r.setTrust.trust.score, source_: r.setTrust.trust.source, note: r.setTrust.trust.note } });
      setMsg(`Saved: ${fmt(r.setTrust.trust.score)} (${r.setTrust.trust.source.toLowerCase()}).`);
    } catch (err) {
      setMsg(err.message);
    }
  };
  return html`
    <aside class="inspector" aria-label="Selected trust edge">
      <h3>Trust</h3>
      <p>${d.fromName} trusts ${d.toName}: <strong>${fmt(d.score)}</strong> (${d.source_.toLowerCase()})${d.weight !== undefined ? `; routing weight ${fmt(d.weight)}` : ''}</p>
      ${d.note && html`<p>“${d.note}”</p>`}
      <form onSubmit=${save}>
        <label for="ov-score">Override the score (0 to 1)</label>
        <input id="ov-score" type="number" min="0" max="1" step="0.05" value=${score} onInput=${(e) => setScore(e.currentTarget.value)} />
        <label for="ov-note">Note</label>
        <input id="ov-note" value=${note} onInput=${(e) => setNote(e.currentTarget.value)} />
        <button type="submit">Override</button>
      </form>
      <p aria-live="polite">${msg}</p>
    </aside>`;
}

/** The selected business's trust edges in the drawing: the keyboard's way to an edge. */
function TrustList({ g, id, onPick }) {
  const edges = g ? g.trustOf(id) : [];
  if (!edges.length) return null;
  edges.sort((x, y) => y.score - x.score);
  return html`
    <details>
      <summary>Its ${edges.length} trust edges drawn</summary>
      <ul class="edges">${edges.map((e) => html`<li><button type="button" class="link" onClick=${() => onPick(e)}>${e.fromName} → ${e.toName}</button> ${fmt(e.score)}</li>`)}</ul>
    </details>`;
}

const MATRIX = `{ complementMatrix { services { slug name sector } cells { from to curated learned effective } } }`;

/** The complement weights: curated (editable) and learned, side by side in each cell. */
export function ComplementsView() {
  const q = useQuery(MATRIX, {});
  const [msg, setMsg] = useState('');
  const [sector, setSector] = useState('');
  if (!q.data) return html`<h2>Complement weights</h2><${Status} q=${q} what="the complement matrix" />`;
  const all = q.data.complementMatrix.services;
  const sectorsList = [...new Set(all.map((s) => s.sector))];
  const rows = sector ? all.filter((s) => s.sector === sector) : all;
  const cells = new Map(q.data.complementMatrix.cells.map((c) => [`${c.from}>${c.to}`, c]));
  const save = async (from, to, value) => {
    const w = value === '' ? 0 : Number(value);
    if (Number.isNaN(w) || w < 0 || w > 1) {
      setMsg('A weight is a number from 0 to 1.');
      return;
    }
    try {
      await gql(`mutation($in: SetComplementInput!) { setComplement(input: $in) { complement { weight } } }`, { in: { from: from.slug, to: to.slug, weight: w } });
      setMsg(`${from.name} → ${to.name}: ${w === 0 ? 'removed' : fmt(w)}.`);
      q.reload();
    } catch (e) {
      setMsg(e.message);
    }
  };
  return html`
    <h2>Complement weights</h2>
    <p>How often customers of the row's service need the column's. Each cell: the curated weight
      (edit, then Enter or leave the cell; empty or 0 removes it) and, below it, the weight learned
      from lead outcomes (<span class="learned">in italics</span>). Matching uses the curated one, the learned one, or a blend of both (a cell's tooltip).</p>
    <div class="graph-tools">
      <label for="c-sector">Rows of sector</label>
      <select id="c-sector" value=${sector} onChange=${(e) => setSector(e.currentTarget.value)}>
        <option value="">all</option>${sectorsList.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
    </div>
    <p aria-live="polite" class="notice">${msg}</p>
    <div class="scroll matrix-box">
      <table class="matrix">
        <thead><tr><th scope="col"><span class="sr">from \ to</span></th>${all.map((s) => html`<th scope="col" title=${s.name}><span class="vert">${s.name}</span></th>`)}</tr></thead>
        <tbody>${rows.map((from) => html`<tr>
          <th scope="row">${from.name}</th>
          ${all.map((to) => {
            if (to.slug === from.slug) return html`<td class="diag"></td>`;
            const c = cells.get(`${from.slug}>${to.slug}`);
            const cur = c?.curated ?? undefined;
            const learned = c?.learned ?? undefined;
            return html`<td class=${cur !== undefined ? 'has' : ''} title=${c ? `used by matching: ${fmt(c.effective)}` : undefined}>
              <input aria-label=${`${from.name} to ${to.name}, curated weight`} inputmode="decimal" size="3"
                key=${from.slug + to.slug + (cur ?? '')} defaultValue=${cur === undefined ? '' : String(cur)}
                onKeyDown=${(e) => e.key === 'Enter' && e.currentTarget.blur()}
                onChange=${(e) => save(from, to, e.currentTarget.value.trim())} />
              ${learned !== undefined && html`<small class="learned" data-testid="learned"><span class="sr">learned </span>${fmt(learned)}</small>`}
            </td>`;
          })}
        </tr>`)}</tbody>
      </table>
    </div>`;
}

const GROUPS = `{ suspiciousGroups(first: 20) { edges { node { id kind score
  members { ...B } subject { ...B }
  evidence { size density mutualTrustPairs trustEdges recentMembers unverifiedMembers leads acceptedLeads
    declinedLeads expiredLeads wonLeads returnedLeads returnRate declineRate expiryRate badRate trusters clusterShare } } } } } ${B}`;

const KIND_TEXT = {
  DENSE_CLIQUE: 'Dense clique of mutual trust among new, unverified businesses',
  LEAD_LOOP: 'Lead loop with mostly declined or expired leads',
  ONE_CLUSTER_TRUST: 'Trust from one cluster only',
};

/** The groups that look like collusion, with their evidence, each drawable. */
export function GroupsView() {
  const q = useQuery(GROUPS, {});
  const [drawn, setDrawn] = useState(null);
  return html`
    <h2>Suspicious groups</h2>
    <${Status} q=${q} what="suspicious groups" />
    ${q.data && q.data.suspiciousGroups.edges.length === 0 && html`<p>No group looks like collusion.</p>`}
    ${q.data && html`<ul class="cards" aria-label="Suspicious groups">
      ${q.data.suspiciousGroups.edges.map(({ node: grp }) => html`
        <li class="card group">
          <h3>${KIND_TEXT[grp.kind] || grp.kind} <span class="score">${fmt(grp.score)}</span></h3>
          ${grp.subject && html`<p>Trusted: <strong>${grp.subject.name}</strong></p>`}
          <p>${grp.subject ? 'By' : 'Members'}: ${grp.members.map((m) => m.name).join(', ')}</p>
          <${Evidence} e=${grp.evidence} />
          <button type="button" aria-pressed=${drawn?.id === grp.id} onClick=${() => setDrawn(grp)}>Draw this group</button>
        </li>`)}
    </ul>`}
    ${drawn && html`<${GroupDrawing} key=${drawn.id} grp=${drawn} />`}`;
}

function Evidence({ e }) {
  const rows = [
    ['members', e.size], ['density of mutual trust', fmt(e.density)], ['mutual trust pairs', e.mutualTrustPairs],
    ['trust edges', e.trustEdges], ['registered in the last 180 days', e.recentMembers], ['unverified', e.unverifiedMembers],
    ['leads answered', e.leads], ['accepted', e.acceptedLeads], ['declined', e.declinedLeads], ['expired', e.expiredLeads],
    ['won', e.wonLeads], ['returned', e.returnedLeads], ['return rate', fmt(e.returnRate)], ['bad rate', fmt(e.badRate)],
  ];
  if (e.trusters !== null) rows.push(['businesses trusting the subject', e.trusters]);
  if (e.clusterShare !== null) rows.push(['share of its trust from the cluster', fmt(e.clusterShare)]);
  return html`<dl class="evidence">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/** A group drawn: its members (and subject) and the trust among them. */
function GroupDrawing({ grp }) {
  const box = useRef(null);
  const [g, setG] = useState(null);
  const [sel, setSel] = useState(null);
  const [msg, setMsg] = useState('Drawing…');
  const [, setRev] = useState(0);
  useEffect(() => {
    let graph;
    let live = true;
    (async () => {
      graph = await TrustGraph.create(box.current, (kind, data) => setSel({ kind, data }));
      if (!live) return graph.destroy();
      const people = [...grp.members, ...(grp.subject ? [grp.subject] : [])];
      people.forEach((b) => graph.addBusiness(b));
      const ids = new Set(people.map((b) => b.id));
      // Each member's outgoing trust (a query each, under the server's cost cap), then only the
      // edges inside the group.
      const q = `query($id: ID!) { trustEdges(businessId: $id, first: 100) { edges { node { score source note from { id name } to { id name } } } } }`;
      try {
        const answers = await Promise.all(people.map((b) => gql(q, { id: b.id })));
        answers.forEach((d) => d.trustEdges.edges.forEach(({ node: t }) => ids.has(t.to.id) && graph.addTrust(t)));
        if (grp.subject) graph.focus(grp.subject.id);
        graph.layout({ circle: true });
        const c = graph.counts();
        setMsg(`Drawn: ${c.nodes} businesses, ${c.trust} trust edges among them.`);
      } catch (e) {
        setMsg(e.message);
      }
      setG(graph);
    })();
    return () => {
      live = false;
      graph?.destroy();
    };
  }, [grp.id]);
  return html`
    <section aria-label="The group drawn">
      <h3>The group drawn</h3>
      <p aria-live="polite" data-testid="group-status">${msg}</p>
      <div class="graph-layout">
        <div class="graph small" ref=${box} role="img" aria-label="The group's members and the trust among them"></div>
        <${Inspector} g=${g} sel=${sel} onChange=${(s) => { setSel(s); setRev((r) => r + 1); }} onExpand=${null} />
      </div>
      <${NodeList} nodes=${g ? g.nodes() : []} onSelect=${(n) => { g.select(n.id); setSel({ kind: 'node', data: n }); }} />
    </section>`;
}
