// The admin's health view: what became of the network's leads and offers over a range of days,
// from networkHealth. Each chart is a labelled image with the same numbers in a table below it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html, fmt } from './html.js';
import { useQuery, Status } from './hooks.js';
import { barChart } from './charts.js';

const HEALTH = `query($from: Time!, $to: Time!) { networkHealth(from: $from, to: $to, bucket: DAY, top: 10) {
  leads { start total offered accepted unroutable won lost }
  routingFailures { kind count }
  offers { made pending accepted declined expired withdrawn acceptanceRate }
  topReferrers { business { id name } leads won }
  topRecipients { business { id name } offers accepted } } }`;

const STATUSES = [['offered', 'Offered'], ['accepted', 'Accepted'], ['won', 'Won'], ['lost', 'Lost'], ['unroutable', 'Unroutable']];
const FAILURES = { NO_PROVIDER: 'No provider offers the service', NO_TRUSTED_PATH: 'No trusted path', DAILY_CAP: 'Daily lead cap reached', OTHER: 'Other' };
const OFFERS = [['accepted', 'Accepted'], ['declined', 'Declined'], ['expired', 'Expired'], ['pending', 'Pending'], ['withdrawn', 'Withdrawn']];

/** The UTC days [from, to) of the last n days, today included. */
function lastDays(n) {
  const to = new Date();
  to.setUTCHours(0, 0, 0, 0);
  to.setUTCDate(to.getUTCDate() + 1);
  const from = new Date(to);
  from.setUTCDate(from.getUTCDate() - n);
  return { from: from.toISOString(), to: to.toISOString() };
}

const day = (t) => new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

export function HealthView() {
  const [days, setDays] = useState(30);
  const range = lastDays(days);
  const q = useQuery(HEALTH, range);
  const h = q.data?.networkHealth;
  return html`
    <h2>Network health</h2>
    <div class="graph-tools">
      <label for="h-days">Leads created in</label>
      <select id="h-days" value=${days} onChange=${(e) => setDays(Number(e.currentTarget.value))}>
        ${[7, 30, 90].map((n) => html`<option value=${n}>the last ${n} days</option>`)}
      </select>
      <button type="button" class="secondary" onClick=${q.reload}>Refresh</button>
    </div>
    <${Status} q=${q} what="the network's health" />
    ${h && html`<div class="charts">
      <${Figure} id="h-leads" title="Leads per day, by status now" wide
        chart=${{ labels: h.leads.map((b) => day(b.start)), stacked: true,
          datasets: STATUSES.map(([k, label]) => ({ label, data: h.leads.map((b) => b[k]) })) }}
        head=${['Day', ...STATUSES.map(([, l]) => l), 'Total']}
        rows=${h.leads.filter((b) => b.total > 0).map((b) => [day(b.start), ...STATUSES.map(([k]) => b[k]), b.total])}
        summary=${count(h.leads.reduce((s, b) => s + b.total, 0), 'lead') + ` in ${h.leads.length} days.`} />
      <${Figure} id="h-failures" title="Routing failures, by reason"
        chart=${{ labels: h.routingFailures.map((f) => FAILURES[f.kind] || f.kind), horizontal: true,
          datasets: [{ label: 'Unroutable leads', data: h.routingFailures.map((f) => f.count) }] }}
        head=${['Reason', 'Unroutable leads']}
        rows=${h.routingFailures.map((f) => [FAILURES[f.kind] || f.kind, f.count])}
        summary=${h.routingFailures.length ? count(h.routingFailures.reduce((s, f) => s + f.count, 0), 'unroutable lead') + '.' : 'No lead was unroutable.'} />
      <${Figure} id="h-offers" title="Offers, by what became of them"
        chart=${{ labels: OFFERS.map(([, l]) => l), datasets: [{ label: 'Offers', data: OFFERS.map(([k]) => h.offers[k]) }] }}
        head=${['Offers', 'Count']}
        rows=${[['Made', h.offers.made], ...OFFERS.map(([k, l]) => [l, h.offers[k]])]}
        summary=${`${count(h.offers.made, 'offer')} made; acceptance rate ${h.offers.acceptanceRate === null ? 'not yet known (none answered)' : fmt(h.offers.acceptanceRate * 100, 0) + '%'}.`} />
      <${Figure} id="h-referrers" title="Top referrers"
        chart=${{ labels: h.topReferrers.map((r) => r.business.name), horizontal: true,
          datasets: [{ label: 'Leads referred', data: h.topReferrers.map((r) => r.leads) }, { label: 'Won', data: h.topReferrers.map((r) => r.won) }] }}
        head=${['Business', 'Leads referred', 'Won']}
        rows=${h.topReferrers.map((r) => [r.business.name, r.leads, r.won])}
        summary=${h.topReferrers.length ? '' : 'No lead was referred.'} />
      <${Figure} id="h-recipients" title="Top recipients"
        chart=${{ labels: h.topRecipients.map((r) => r.business.name), horizontal: true,
          datasets: [{ label: 'Offers received', data: h.topRecipients.map((r) => r.offers) }, { label: 'Accepted', data: h.topRecipients.map((r) => r.accepted) }] }}
        head=${['Business', 'Offers received', 'Accepted']}
        rows=${h.topRecipients.map((r) => [r.business.name, r.offers, r.accepted])}
        summary=${h.topRecipients.length ? '' : 'No offer was made.'} />
    </div>`}`;
}

/**
 * A chart with its title, a one-line summary, and its numbers as a table (the text
 * alternative: the canvas is an image named by the title, described by the summary).
 */
function Figure({ id, title, chart, head, rows, summary, wide }) {
  const canvas = useRef(null);
  const [error, setError] = useState('');
  const key = JSON.stringify(chart);
  useEffect(() => {
    let c;
    let live = true;
    if (!rows.length) return undefined;
    barChart(canvas.current, chart).then((x) => {
      if (live) c = x;
      else x.destroy();
    }, (e) => setError(e.message));
    return () => {
      live = false;
      c?.destroy();
    };
  }, [key]);
  return html`
    <figure class=${'chart' + (wide ? ' wide' : '')} aria-labelledby=${id + '-t'} data-testid=${id}>
      <figcaption id=${id + '-t'}>${title}</figcaption>
      ${summary && html`<p id=${id + '-s'} class="hint">${summary}</p>`}
      ${rows.length > 0 && html`<div class="chart-box"><canvas ref=${canvas} role="img" aria-label=${title + ' (the table below holds the same numbers)'}></canvas></div>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${rows.length > 0 && html`<details>
        <summary>${title}, as a table</summary>
        <div class="scroll"><table>
          <thead><tr>${head.map((x) => html`<th scope="col">${x}</th>`)}</tr></thead>
          <tbody>${rows.map((r) => html`<tr><th scope="row">${r[0]}</th>${r.slice(1).map((x) => html`<td>${x}</td>`)}</tr>`)}</tbody>
        </table></div>
      </details>`}
    </figure>`;
}

/** n things, in words: "1 lead", "2 leads". */
function count(n, what) {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
