// The console in a real browser (Playwright driving Debian's chromium), against the real
// binary: a server on 127.0.0.1:0 over the example network with a planted ring
// (`partnergraph seed --plant 5`), tokens minted by `partnergraph token`.
//
// Member: Andy's owner signs in, sees suggestions; a lead that Dave's owner submits through
// the API appears live in Andy's inbox, with its trust path, and Andy accepts it; Dave's "My
// leads" follows the lead's status live; the member views fit a phone's width. Admin: opens
// Dave's Collision's neighbourhood, expands it, verifies a business, edits a complement weight,
// finds the planted ring among the suspicious groups and draws it, and reads the network's
// health (the lead above in its charts and their tables). Any uncaught error,
// console error or Content-Security-Policy violation in the page fails the run.
//
//   node e2e/console.e2e.mjs                   # builds the binary from this checkout
//   PARTNERGRAPH=/path/to/binary node e2e/console.e2e.mjs
//   CONSOLE_SCREENSHOTS=../docs/console node e2e/console.e2e.mjs   # also save a PNG of each view
//
// CHROMIUM names the browser (default /usr/bin/chromium). Without one the run fails under
// CI=true and is skipped (saying so) otherwise.
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = process.env.CONSOLE_SCREENSHOTS ? resolve(process.env.CONSOLE_SCREENSHOTS) : '';

if (!existsSync(browserPath)) {
  const msg = `no chromium at ${browserPath} (apt-get install chromium, or set CHROMIUM)`;
  if (process.env.CI === 'true') {
    console.error('FAIL: ' + msg);
    process.exit(1);
  }
  console.log('SKIPPED: ' + msg);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'pg-console-e2e-'));
const db = join(work, 'pg.db');
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

let bin = process.env.PARTNERGRAPH;
if (!bin) {
  bin = join(work, 'partnergraph');
  execFileSync('go', ['build', '-o', bin, './cmd/partnergraph'], { cwd: repo, stdio: 'inherit' });
}

function step(s) {
  console.log('== ' + s);
}

/** Starts the server on 127.0.0.1:0 and resolves to its base URL. */
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

function token(sub, role) {
  return execFileSync(bin, ['token', '--db', db, '--sub', sub, '--role', role, '--ttl', '1h']).toString().trim();
}

const B64 = (s) => Buffer.from(s).toString('base64').replace(/=+$/, '');
const id = (kind, raw) => B64(`${kind}:${raw}`);

async function api(base, tok, query, variables = {}) {
  const res = await fetch(base + '/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + tok },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** A page that records what the browser reports as wrong. */
const pages = [];
async function openPage(ctx, url, problems) {
  const page = await ctx.newPage();
  pages.push(page);
  page.on('pageerror', (e) => problems.push('uncaught: ' + e.message));
  page.on('console', (m) => {
    // A 429 is the server's rate limit, which the console waits out and retries (api.js).
    if (/status of 429/.test(m.text())) return;
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push('console: ' + m.text());
  });
  page.setDefaultTimeout(15000);
  await page.goto(url);
  return page;
}

async function signIn(page, tok, who) {
  await page.getByRole('textbox', { name: 'Token' }).fill(tok);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${who}`).waitFor();
}

async function shot(page, name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, name + '.png'), fullPage: false });
}

// axe-core, the accessibility checker, evaluated in the page through the DevTools protocol
// (which the page's Content-Security-Policy does not govern, so the page keeps its CSP).
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const a11yFailures = [];

/** Checks the page against WCAG 2.1 A and AA (labels, names, contrast, structure) with axe-core. */
async function accessible(page, what) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const { passes, violations } = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`),
    };
  });
  console.log(`   axe-core, ${what}: ${passes} rules passed, ${violations.length} violated`);
  for (const v of violations) a11yFailures.push(`${what}: ${v}`);
}

/** Presses Tab until the focus is on the element whose text is name. */
async function tabTo(page, name) {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement.textContent.trim())) === name) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

/** The page is no wider than the viewport: nothing to scroll sideways at phone width. */
async function fitsWidth(page, what) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${what}: the page is ${scroll}px wide in a ${inner}px viewport`);
}

const problems = [];
try {
  step('seed the example network with a planted ring, start the server');
  execFileSync(bin, ['seed', '--db', db, '--plant', '5'], { stdio: 'inherit' });
  const base = await startServer();
  const console_ = base + '/console/';
  const andy = token('user-andy', 'member');
  const dave = token('user-dave', 'member');
  const root = token('root', 'admin');
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const desktop = { viewport: { width: 1280, height: 860 } };

  step('sign-in page (development mode: the token help)');
  const andyCtx = await browser.newContext(desktop);
  const a = await openPage(andyCtx, console_, problems);
  await a.getByRole('button', { name: 'How do I get a token?' }).click();
  await a.getByText('token --sub user-andy --role member').waitFor();
  await shot(a, 'signin');
  await accessible(a, 'signin');

  step("Andy's owner signs in: businesses, suggestions");
  await signIn(a, andy, 'user-andy');
  await a.getByRole('heading', { name: 'Your businesses' }).waitFor();
  await shot(a, 'businesses');
  await accessible(a, 'businesses');
  await a.getByRole('link', { name: 'Suggestions' }).click();
  const suggestions = a.getByRole('list', { name: 'Partner suggestions' }).locator('> li.card');
  await suggestions.first().waitFor();
  assert.ok((await suggestions.count()) > 0, 'no partner suggestion');
  assert.match(await suggestions.first().innerText(), /Propose a partnership/);
  await suggestions.first().locator('summary').click();
  await a.getByRole('list', { name: 'Network suggestions' }).waitFor();
  await shot(a, 'suggestions');
  await accessible(a, 'suggestions');

  step('propose a partnership from a suggestion');
  const firstName = (await suggestions.first().locator('h3').innerText()).split('\n')[0].replace(/\s+[\d.]+$/, '');
  await suggestions.first().getByRole('button', { name: 'Propose a partnership' }).click();
  await suggestions.first().getByLabel('Amount').fill('80.00');
  await suggestions.first().getByRole('button', { name: 'Send proposal' }).click();
  await a.getByText(`Proposed a partnership to ${firstName} (proposed).`).waitFor();

  step("Dave's owner watches his leads; Andy's inbox is live");
  const daveCtx = await browser.newContext(desktop);
  const d = await openPage(daveCtx, console_, problems);
  await signIn(d, dave, 'user-dave');
  await d.getByRole('link', { name: 'My leads' }).click();
  await d.getByText('● live').waitFor();
  await a.getByRole('link', { name: 'Inbox' }).click();
  await a.getByText('● live').waitFor();

  step('a lead submitted through the API appears in the inbox without reloading');
  const submitted = await api(base, dave, `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { lead { id status } } }`, {
    in: {
      referrerId: id('Business', 'daves-collision'), service: 'personal-injury-attorney', location: { lat: 39.8, lng: -89.65 },
      customer: { name: 'Pat Driver', phone: '+1 217 555 0142' },
      consent: { text: "Pat agreed that Dave's Collision shares these details with one attorney.", givenAt: '2026-11-20T10:00:00Z' },
      notes: 'rear-ended at a light', idempotencyKey: 'console-e2e-1',
    },
  });
  const offer = a.getByRole('list', { name: 'Lead offers' }).locator('> li').filter({ hasText: 'rear-ended at a light' });
  await offer.waitFor();
  assert.equal(await offer.getAttribute('data-status'), 'PENDING');
  assert.deepEqual(await offer.getByRole('list', { name: 'Trust path' }).locator('li').allInnerTexts(),
    ["Dave's Collision", "Andy's Attorney Services"]);
  await d.getByRole('list', { name: 'Referred leads' }).locator('> li[data-status="OFFERED"]').waitFor();
  await shot(a, 'inbox');
  await accessible(a, 'inbox');

  step('Andy accepts; the customer shows; Dave sees the status change live');
  await offer.getByRole('button', { name: 'Accept' }).click();
  await a.locator('li[data-status="ACCEPTED"]').filter({ hasText: 'Pat Driver' }).waitFor();
  // The event carries the lead as it is now: its offer accepted, not as the first event read it.
  await d.getByRole('list', { name: 'Referred leads' }).locator('> li[data-status="ACCEPTED"]')
    .filter({ hasText: "offered to Andy's Attorney Services (accepted)" }).waitFor();
  await shot(d, 'leads');
  await accessible(d, 'leads');

  step('the ledger');
  await a.getByRole('link', { name: 'Ledger' }).click();
  await a.getByRole('rowheader', { name: "Dave's Collision" }).waitFor();
  await shot(a, 'ledger');
  await accessible(a, 'ledger');

  step("a revoked token signs the console out: Dave's open page returns to the sign-in");
  await api(base, root, `mutation { revokeTokens(input: {subject: "user-dave"}) { revokedBefore } }`);
  await d.getByRole('alert').filter({ hasText: /^Signed out: / }).waitFor();
  await d.getByRole('textbox', { name: 'Token' }).waitFor();
  assert.equal(await d.evaluate(() => sessionStorage.length), 0, 'the revoked token is still kept');

  step('the member views at phone width');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const p = await openPage(phone, console_, problems);
  // By keyboard alone: Tab to the token, type it, Tab to the button, Enter; Tab to a view, Enter.
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'token');
  await p.keyboard.insertText(andy);
  await p.keyboard.press('Tab');
  await p.keyboard.press('Enter');
  await p.getByText('Signed in as user-andy').waitFor();
  await fitsWidth(p, 'businesses');
  for (const [link, ready] of [['Suggestions', 'Partner suggestions'], ['Inbox', 'Lead offers']]) {
    await tabTo(p, link);
    await p.keyboard.press('Enter');
    await p.getByRole('list', { name: ready }).locator('> li').first().waitFor();
    await fitsWidth(p, link);
  }
  await shot(p, 'inbox-phone');
  await accessible(p, 'inbox-phone');
  await p.getByRole('link', { name: 'Ledger' }).click();
  await p.getByRole('rowheader', { name: "Dave's Collision" }).waitFor();
  await fitsWidth(p, 'Ledger');

  step("admin: Dave's Collision's neighbourhood");
  const adminCtx = await browser.newContext(desktop);
  const g = await openPage(adminCtx, console_, problems);
  await signIn(g, root, 'root');
  // The drawing reads a neighbourhood with one neighbourhood query, not pages of trust edges.
  const graphReads = [];
  g.on('request', (r) => {
    const body = r.method() === 'POST' && r.url().endsWith('/graphql') ? r.postData() || '' : '';
    if (/neighbourhood\(|trustEdges\(|partnerships\(/.test(body)) graphReads.push(/neighbourhood\(/.test(body) ? 'neighbourhood' : 'paged');
  });
  await g.getByRole('searchbox', { name: 'Business' }).fill("Dave's");
  await g.getByRole('button', { name: 'Search' }).click();
  await g.getByRole('button', { name: "Dave's Collision, Springfield" }).click();
  const status = g.getByTestId('graph-status');
  await status.filter({ hasText: /^Drawn: \d+ businesses/ }).waitFor();
  const drawn = Number(/Drawn: (\d+)/.exec(await status.innerText())[1]);
  assert.ok(drawn > 10, `only ${drawn} businesses drawn around Dave's Collision`);
  assert.deepEqual(graphReads, ['neighbourhood'], 'the neighbourhood was not read with one neighbourhood query');
  assert.doesNotMatch(await status.innerText(), /Truncated/);
  await g.getByRole('complementary', { name: 'Selected business' }).getByRole('heading', { name: "Dave's Collision" }).waitFor();
  await shot(g, 'graph');
  await accessible(g, 'graph');

  step('expand a neighbour (the drawing grows), then verify an unverified business');
  await g.getByText(/The \d+ businesses drawn, as a list/).click();
  const inspector = g.getByRole('complementary', { name: 'Selected business' });
  await g.locator('.nodelist').getByRole('button', { name: 'Ledger & Line Accounting' }).click();
  await inspector.getByRole('heading', { name: 'Ledger & Line Accounting' }).waitFor();
  await inspector.getByRole('button', { name: 'Expand' }).click();
  await status.filter({ hasText: new RegExp(`^Drawn: (?!${drawn} )\\d+ businesses`) }).waitFor();
  assert.deepEqual(graphReads, ['neighbourhood', 'neighbourhood']);
  const rows = g.locator('.nodelist tbody tr');
  const texts = await rows.allInnerTexts();
  const unverified = texts.findIndex((t) => !/verified/.test(t));
  assert.ok(unverified >= 0, 'every business drawn is verified');
  const name = (await rows.nth(unverified).locator('th').innerText()).trim();
  await rows.nth(unverified).getByRole('button').click();
  await inspector.getByRole('heading', { name }).waitFor();
  await inspector.getByTestId('marks').filter({ hasText: /^not verified/ }).waitFor();
  await inspector.getByRole('button', { name: 'Verify', exact: true }).click();
  await inspector.getByTestId('marks').filter({ hasText: /^verified/ }).waitFor();
  await inspector.getByRole('button', { name: 'Suspend' }).click();
  await inspector.getByTestId('marks').filter({ hasText: /suspended$/ }).waitFor();
  await inspector.getByRole('button', { name: 'Lift suspension' }).click();
  await inspector.getByTestId('marks').filter({ hasText: /^verified, active$/ }).waitFor();
  const found = await api(base, root, `query($s: String) { businesses(filter: {search: $s}, first: 1) { edges { node { name verified } } } }`, { s: name });
  assert.equal(found.businesses.edges[0].node.name, name);
  assert.equal(found.businesses.edges[0].node.verified, true, `${name} is not verified on the server`);

  step('filter the drawing by town, then by network');
  await g.getByLabel('Town').selectOption('Shelbyville');
  // The list beside the drawing shows what the drawing shows: Shelbyville's businesses and the focus.
  await g.waitForFunction(() => {
    const towns = [...document.querySelectorAll('.nodelist tbody tr td:nth-child(2)')].map((td) => td.textContent);
    return towns.length > 1 && towns.filter((t) => t !== 'Shelbyville').length === 1;
  });
  assert.equal(await g.locator('.nodelist tbody tr').filter({ hasText: 'Ledger & Line Accounting' }).count(), 1, 'the focus (the business expanded last) is hidden');
  await g.getByLabel('Town').selectOption('');
  await g.getByLabel('Network').selectOption({ label: 'Tri-County Auto Guild' });
  // Dave's Collision is its organizer; the tyre and attorney practices are not members.
  await g.waitForFunction(() => {
    const names = [...document.querySelectorAll('.nodelist tbody tr th')].map((th) => th.textContent.trim());
    return names.includes("Dave's Collision") && !names.includes("Andy's Attorney Services");
  });
  await g.getByLabel('Network').selectOption('');

  step("override a trust edge: Dave's Collision → Andy's Attorney Services");
  await g.locator('.nodelist').getByRole('button', { name: "Dave's Collision" }).click();
  await inspector.getByRole('heading', { name: "Dave's Collision" }).waitFor();
  await inspector.getByText(/Its \d+ trust edges drawn/).click();
  await inspector.getByRole('button', { name: "Dave's Collision → Andy's Attorney Services" }).click();
  const edge = g.getByRole('complementary', { name: 'Selected trust edge' });
  await edge.getByLabel('Override the score (0 to 1)').fill('0.5');
  await edge.getByLabel('Note').fill('checked by phone');
  await edge.getByRole('button', { name: 'Override' }).click();
  await edge.getByText('Saved: 0.5 (admin).').waitFor();
  await g.evaluate(() => window.scrollTo(0, 0));
  await shot(g, 'graph-edge');
  await accessible(g, 'graph-edge');
  const te = await api(base, root, `query($id: ID!) { trustEdges(businessId: $id, first: 100) { edges { node { to { name } score source note } } } }`,
    { id: id('Business', 'daves-collision') });
  const over = te.trustEdges.edges.map((e) => e.node).find((t) => t.to.name === "Andy's Attorney Services");
  assert.deepEqual(over, { to: { name: "Andy's Attorney Services" }, score: 0.5, source: 'ADMIN', note: 'checked by phone' });

  step('complement weights: curated ones edited, learned ones beside them');
  // Andy's owner wins the lead: matching learns that collision repair's customers needed an attorney.
  await api(base, andy, `mutation($id: ID!) { closeLead(input: {leadId: $id, outcome: WON, value: "1000.00", currency: "USD"}) { lead { status } } }`,
    { id: submitted.submitLead.lead.id });
  const matrixReads = [];
  g.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/graphql') && /complementMatrix/.test(r.postData() || '')) matrixReads.push(r.url());
  });
  await g.getByRole('link', { name: 'Complements' }).click();
  const names = Object.fromEntries((await api(base, root, `{ services { slug name } }`)).services.map((x) => [x.slug, x.name]));
  const learnedCell = g.getByLabel(`${names['collision-repair']} to ${names['personal-injury-attorney']}, curated weight`).locator('xpath=..');
  await learnedCell.getByTestId('learned').filter({ hasText: /^learned 0\.\d+$|^learned 1$/ }).waitFor();
  assert.ok(matrixReads.length >= 1, 'the matrix was not read with complementMatrix');
  const cell = g.getByLabel('Tyres to Car Rental, curated weight');
  await cell.fill('0.35');
  await cell.press('Enter');
  await g.getByText('Tyres → Car Rental: 0.35.').waitFor();
  const svc = await api(base, root, `{ services { slug complements { to { slug } weight source } } }`);
  const tyres = svc.services.find((s) => s.slug === 'tyres');
  assert.ok(tyres.complements.some((c) => c.to.slug === 'car-rental' && c.source === 'CURATED' && Math.abs(c.weight - 0.35) < 1e-9),
    'the weight did not reach the server');
  await shot(g, 'complements');
  await accessible(g, 'complements');

  step('suspicious groups: the planted ring is found and drawn');
  await g.getByRole('link', { name: 'Suspicious groups' }).click();
  const groups = g.getByRole('list', { name: 'Suspicious groups' }).locator('> li');
  const ring = groups.filter({ hasText: 'Dense clique' }).filter({ hasText: 'Ring Member 1' });
  await ring.waitFor();
  for (let i = 1; i <= 5; i++) assert.match(await ring.innerText(), new RegExp(`Ring Member ${i}\\b`));
  // Its evidence counts returned leads too (the planted ring returned none).
  const evidence = Object.fromEntries(await ring.locator('dl.evidence > div').evaluateAll((ds) => ds.map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent])));
  assert.equal(evidence.returned, '0');
  assert.equal(evidence['return rate'], '0');
  await ring.getByRole('button', { name: 'Draw this group' }).click();
  await g.getByTestId('group-status').filter({ hasText: 'Drawn: 5 businesses, 20 trust edges among them.' }).waitFor();
  await g.getByRole('heading', { name: 'The group drawn' }).evaluate((h) => h.scrollIntoView());
  await shot(g, 'groups');
  await accessible(g, 'groups');

  step('network health: the lead Dave referred and Andy won shows in the charts and their tables');
  await g.getByRole('link', { name: 'Health' }).click();
  await g.getByRole('heading', { name: 'Network health' }).waitFor();
  const figure = (name) => g.getByRole('figure', { name });
  for (const name of ['Leads per day, by status now', 'Offers, by what became of them', 'Top referrers', 'Top recipients']) {
    // Each chart is an image named after its figure, and Chart.js has painted on it.
    const canvas = figure(name).getByRole('img', { name: new RegExp('^' + name) });
    await g.waitForFunction((c) => {
      const { width, height } = c;
      const px = c.getContext('2d').getImageData(0, 0, width, height).data;
      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
      return false;
    }, await canvas.elementHandle());
    await figure(name).getByText(`${name}, as a table`).click();
  }
  const cells = async (fig, row) => (await figure(fig).getByRole('row', { name: new RegExp('^' + row) }).first().locator('td').allInnerTexts()).map(Number);
  const [referred, won] = await cells('Top referrers', "Dave's Collision");
  assert.ok(referred >= 1 && won >= 1, `Dave's Collision referred ${referred} leads, ${won} won`);
  const [offers, accepted] = await cells('Top recipients', "Andy's Attorney Services");
  assert.ok(offers >= 1 && accepted >= 1, `Andy's Attorney Services: ${offers} offers, ${accepted} accepted`);
  const today = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const todays = await cells('Leads per day, by status now', today);
  assert.ok(todays.at(-1) >= 1 && todays[2] >= 1, `today's leads (offered, accepted, won, lost, unroutable, total): ${todays}`);
  await figure('Offers, by what became of them').getByText(/^\d+ offers? made; acceptance rate \d+%/).waitFor();
  await g.evaluate(() => window.scrollTo(0, 0));
  await shot(g, 'health');
  await accessible(g, 'health');

  assert.deepEqual(problems, [], 'the browser reported problems');
  assert.deepEqual(a11yFailures, [], 'axe-core found accessibility violations');
  console.log('PASS: the console in chromium');
} catch (e) {
  console.error(problems.length ? `browser problems:\n${problems.join('\n')}` : '');
  console.error(e);
  process.exitCode = 1;
  // What each page showed when the run failed, next to the screenshots (or in the temporary directory's parent).
  const dir = shots || tmpdir();
  for (const [i, page] of pages.entries()) {
    await page.screenshot({ path: join(dir, `console-e2e-failure-${i}.png`) }).catch(() => {});
  }
  console.error(`the pages at the failure: ${join(dir, 'console-e2e-failure-*.png')}`);
} finally {
  await cleanup();
}
