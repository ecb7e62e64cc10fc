// The trust graph at the size admins look at: a few thousand businesses drawn, in a real
// browser (Playwright driving Debian's chromium), against the real binary over a synthetic
// network (`partnergraph seed --synthetic N`, 100,000 businesses by default, in SQLite in a
// temporary directory). It opens the trust graph on a well-connected business and expands
// (a mouse click on a drawn business, the best-connected one not yet expanded) until the
// drawing holds MAX_NODES businesses, then once more to see the cap stop it. Per step it prints
// the businesses and edges drawn, the time from the click to the layout done (the drawing's
// data-state turning "ready"; the app's performance measures split it into the neighbourhood
// query, adding the elements and the layout) and to the next frame painted after it, and the
// page's JS heap (the DevTools protocol's Performance.getMetrics). At the end it clicks a
// business in the full drawing and prints how long the page takes to show it.
//
// It prints figures and asserts only what must hold (the drawing grows, stops at the cap with
// its message, no page error); it asserts no speed. Not part of CI (.ci/run): it takes minutes.
//
//   console/scale.sh
//   SCALE_N=20000 console/scale.sh                 # a smaller network
//   PARTNERGRAPH=/path/to/binary SCALE_DB=/path/to/seeded.db console/scale.sh
//
// SCALE_PROFILE=1 also prints where the page spent the time of the expansion at the cap (the
// DevTools protocol's sampling profiler, self time per function). SCALE_DB reuses a database
// already seeded with `partnergraph seed --synthetic N` (the server migrates and writes to
// it). CHROMIUM names the browser (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const N = Number(process.env.SCALE_N || 100000);
const MAX_NODES = 3000; // graphview.js's cap
const MAX_STEPS = 60;

if (!existsSync(browserPath)) {
  console.error(`no chromium at ${browserPath} (apt-get install chromium, or set CHROMIUM)`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'pg-console-scale-'));
const db = process.env.SCALE_DB || join(work, 'pg.db');
let server;
let browser;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  rmSync(work, { recursive: true, force: true });
};

const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
const ms = (x) => (x === undefined ? '-' : String(Math.round(x)));

let bin = process.env.PARTNERGRAPH;
if (!bin) {
  bin = join(work, 'partnergraph');
  execFileSync('go', ['build', '-o', bin, './cmd/partnergraph'], { cwd: repo, stdio: 'inherit' });
}

function startServer() {
  return new Promise((resolveURL, reject) => {
    server = spawn(bin, ['--addr', '127.0.0.1:0', '--db', db, '--seed=false'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    server.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) resolveURL(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${log}`)));
  });
}

const B64 = (s) => Buffer.from(s).toString('base64').replace(/=+$/, '');

async function api(base, tok, query, variables = {}) {
  for (;;) {
    const res = await fetch(base + '/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + tok },
      body: JSON.stringify({ query, variables }),
    });
    if (res.status === 429) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }
}

/** The best-trusted of the synthetic network's first businesses (its hubs are among them). */
async function wellConnected(base, tok) {
  let best = null;
  for (let from = 0; from < 200; from += 20) {
    const fields = [];
    for (let i = from; i < from + 20; i++) {
      fields.push(`b${i}: business(id: "${B64('Business:syn-' + String(i).padStart(7, '0'))}") { id name city trustCounts { trustedBy } }`);
    }
    const d = await api(base, tok, `{ ${fields.join(' ')} }`);
    for (const b of Object.values(d)) if (b && (!best || b.trustCounts.trustedBy > best.trustCounts.trustedBy)) best = b;
  }
  return best;
}

// In the page: the drawing's Cytoscape instance (Cytoscape keeps it on its container).
const CY = `document.querySelector('.graph')?._cyreg?.cy`;

/**
 * Arms the page to time the next click: from the click (capture phase, so before the app sees
 * it) to the drawing's data-state turning ready (the layout done) and to two animation frames
 * later (the frame after it painted). Resolves in the page to those times and the app's measures.
 */
async function armTiming(page) {
  await page.evaluate(() => {
    performance.clearMeasures();
    const box = document.querySelector('.graph');
    box.removeAttribute('data-state');
    window.__scale = new Promise((done) => {
      let t0;
      document.addEventListener('click', () => { t0 = performance.now(); }, { capture: true, once: true });
      // A tap on the drawing is not a DOM click on a button: the canvas's mouseup starts it.
      document.addEventListener('mouseup', () => { t0 ??= performance.now(); }, { capture: true, once: true });
      const obs = new MutationObserver(() => {
        const s = box.getAttribute('data-state');
        if (s !== 'ready' && s !== 'error') return;
        obs.disconnect();
        const laid = performance.now();
        requestAnimationFrame(() => requestAnimationFrame(() => {
          const m = Object.fromEntries(performance.getEntriesByType('measure').map((e) => [e.name, e.duration]));
          done({ state: s, layout: laid - t0, painted: performance.now() - t0, query: m['graph:query'], add: m['graph:add'], lay: m['graph:layout'] });
        }));
      });
      obs.observe(box, { attributes: true, attributeFilter: ['data-state'] });
    });
  });
}

async function heapMB(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return (m.JSHeapUsedSize / 1048576).toFixed(0);
}

/** Zooms the drawing onto a business (as an admin would before clicking it) and clicks it with the mouse. */
async function clickNode(page, id) {
  const at = await page.evaluate((nid) => {
    const cy = document.querySelector('.graph')._cyreg.cy;
    const n = cy.getElementById(nid);
    cy.zoom(2);
    cy.center(n);
    const p = n.renderedPosition();
    const r = cy.container().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, id);
  // Let the zoomed drawing paint before the click, so that the click's time is the click's own.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.mouse.click(at.x, at.y);
}

/** SCALE_PROFILE=1: the functions the last expansion spent the most time in (self time, sampled). */
function printProfile(profile) {
  const dt = new Map(profile.nodes.map((n) => [n.id, 0]));
  profile.samples.forEach((id, i) => dt.set(id, dt.get(id) + (profile.timeDeltas[i] || 0)));
  const self = new Map();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) || 0) + dt.get(n.id) / 1000);
  }
  console.log('profile of the step above, self time:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms(v).padStart(6)} ms  ${k}`);
}

const problems = [];
try {
  console.log(`# console scale: ${new Date().toISOString()}, load average ${load()}, ${N.toLocaleString('en')} businesses`);
  if (!process.env.SCALE_DB) {
    const t = Date.now();
    // Its progress lines are kept out of the figures (and shown if it fails, in the error).
    execFileSync(bin, ['seed', '--db', db, '--synthetic', String(N)], { stdio: ['ignore', 'ignore', 'pipe'] });
    console.log(`seeded in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  const base = await startServer();
  const root = execFileSync(bin, ['token', '--db', db, '--sub', 'root', '--role', 'admin', '--ttl', '1h']).toString().trim();
  const hub = await wellConnected(base, root);
  console.log(`start: ${hub.name}, ${hub.city} (trusted by ${hub.trustCounts.trustedBy})`);

  browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  console.log(`chromium ${browser.version()}, viewport 1280×860`);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => problems.push('uncaught: ' + e.message));
  page.on('console', (m) => {
    if (/status of 429/.test(m.text())) return;
    if (m.type() === 'error') problems.push('console: ' + m.text());
  });
  page.setDefaultTimeout(120000);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(base + '/console/');
  await page.getByRole('textbox', { name: 'Token' }).fill(root);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as root').waitFor();
  await page.locator('.graph').waitFor();
  await page.waitForFunction(`!!(${CY})`);
  console.log(`heap after sign-in: ${await heapMB(cdp)} MB`);

  const status = page.getByTestId('graph-status');
  const rows = [];
  const expanded = new Set();
  const record = async (step, what, t) => {
    const c = await page.evaluate(`(() => { const cy = ${CY}; return { nodes: cy.nodes().length, trust: cy.edges('.trust').length, partnerships: cy.edges('.partnership').length, focus: cy.nodes('.focus').id() }; })()`);
    const msg = await status.innerText();
    const row = { step, what, ...c, ...t, heap: await heapMB(cdp), capped: /holds at most/.test(msg), truncated: /Truncated/.test(msg) };
    rows.push(row);
    console.log([String(step).padStart(4), String(row.nodes).padStart(8), String(row.trust).padStart(8), String(row.partnerships).padStart(8),
      ms(row.query).padStart(8), ms(row.add).padStart(8), ms(row.lay).padStart(8), ms(row.layout).padStart(10), ms(row.painted).padStart(10),
      String(row.heap).padStart(8), ` ${row.capped ? 'cap reached' : row.truncated ? 'truncated' : ''}`].join(''));
    assert.equal(row.state, 'ready', `step ${step}: the expansion failed: ${msg}`);
    expanded.add(c.focus);
    return row;
  };
  console.log('step: 0 is the search pick, then a mouse click on a drawn business each; times in ms from the click');
  console.log('step   drawn   trust  partner   query     add  layout  →layout  →painted  heapMB');

  // Step 0: search the business and pick it.
  await page.getByRole('searchbox', { name: 'Business' }).fill(hub.name);
  await page.getByRole('button', { name: 'Search' }).click();
  await armTiming(page);
  await page.getByRole('button', { name: `${hub.name}, ${hub.city}` }).first().click();
  let last = await record(0, hub.name, await page.evaluate(() => window.__scale));

  // Then expand the best-trusted business drawn and not expanded yet, until the cap stops the drawing.
  let step = 1;
  for (; step <= MAX_STEPS && !last.capped; step++) {
    const next = await page.evaluate((done) => {
      const skip = new Set(done);
      const n = document.querySelector('.graph')._cyreg.cy.nodes().filter((x) => !skip.has(x.id())).sort((a, b) => (b.data('weight') ?? 0) - (a.data('weight') ?? 0))[0];
      return n.id();
    }, [...expanded]);
    await armTiming(page);
    await clickNode(page, next);
    const before = last.nodes;
    last = await record(step, next, await page.evaluate(() => window.__scale));
    assert.ok(last.nodes >= before, `step ${step}: the drawing shrank`);
  }
  assert.ok(last.capped, `the drawing did not reach the cap in ${MAX_STEPS} steps (${last.nodes} businesses)`);
  assert.equal(last.nodes, MAX_NODES);

  // One more: the cap holds (no growth) and says so.
  const next = await page.evaluate((done) => {
    const skip = new Set(done);
    return document.querySelector('.graph')._cyreg.cy.nodes().filter((x) => !skip.has(x.id())).sort((a, b) => (b.data('weight') ?? 0) - (a.data('weight') ?? 0))[0].id();
  }, [...expanded]);
  await armTiming(page);
  if (process.env.SCALE_PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await cdp.send('Profiler.start');
  }
  await clickNode(page, next);
  last = await record(step, next, await page.evaluate(() => window.__scale));
  if (process.env.SCALE_PROFILE) printProfile((await cdp.send('Profiler.stop')).profile);
  assert.equal(last.nodes, MAX_NODES, 'the drawing grew past the cap');
  await status.filter({ hasText: `The drawing holds at most ${MAX_NODES} businesses` }).waitFor();
  console.log(`cap: ${last.nodes} businesses after one more expansion; the status says "${await status.innerText()}"`);

  // Responsive at the cap: a click on a business shows it in the inspector.
  const probe = await page.evaluate((done) => {
    const skip = new Set(done);
    const n = document.querySelector('.graph')._cyreg.cy.nodes().filter((x) => !skip.has(x.id()))[0];
    return { id: n.id(), name: n.data('name') };
  }, [...expanded]);
  await armTiming(page);
  const t0 = Date.now();
  await clickNode(page, probe.id);
  await page.getByRole('complementary', { name: 'Selected business' }).getByRole('heading', { name: probe.name }).waitFor();
  const shown = Date.now() - t0;
  const t = await page.evaluate(() => window.__scale);
  console.log(`responsive: a click on a business in the full drawing showed it in the inspector after ${shown} ms ` +
    `(measured from the script, with its round trips to the browser); its expansion laid out after ${ms(t.layout)} ms, painted after ${ms(t.painted)} ms`);
  console.log(`# done: ${new Date().toISOString()}, load average ${load()}, heap ${await heapMB(cdp)} MB`);
  assert.deepEqual(problems, [], 'the page reported problems');
} catch (e) {
  console.error(problems.join('\n'));
  await cleanup();
  throw e;
}
await cleanup();
