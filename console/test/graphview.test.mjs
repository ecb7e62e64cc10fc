// The drawing's model, headless in Node (node --test): the cap on its size, the filters, and
// the edges a business's inspector lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustGraph, MAX_NODES, BIG } from '../src/graphview.js';

const biz = (id, { city = 'Springfield', services = ['tyres'], sector = 'Auto', trustedBy = 1 } = {}) => ({
  id, name: id, city, status: 'ACTIVE', verified: false,
  services: services.map((slug) => ({ slug, name: slug, sector })), trustCounts: { trusts: 0, trustedBy },
});

test('the drawing stops at MAX_NODES businesses and says so', async () => {
  const g = await TrustGraph.create(null, () => {});
  for (let i = 0; i < MAX_NODES; i++) assert.equal(g.addBusiness(biz('b' + i)), true);
  assert.equal(g.addBusiness(biz('one-too-many')), false);
  assert.equal(g.size, MAX_NODES);
  // A business already drawn is updated, not refused.
  assert.equal(g.addBusiness({ ...biz('b0'), verified: true }), true);
  assert.equal(g.nodes().find((n) => n.id === 'b0').verified, true);
  g.layout(); // the rings layout of a big drawing runs headless too
  g.destroy();
});

test('trust edges need both ends drawn; partnerships are kept apart', async () => {
  const g = await TrustGraph.create(null, () => {});
  g.addBusiness(biz('a'));
  g.addBusiness(biz('b'));
  g.addTrust({ from: { id: 'a', name: 'a' }, to: { id: 'b', name: 'b' }, score: 0.8, source: 'MEMBER' });
  g.addTrust({ from: { id: 'a', name: 'a' }, to: { id: 'nowhere', name: 'x' }, score: 0.8, source: 'MEMBER' });
  g.addTrust({ from: { id: 'a', name: 'a' }, to: { id: 'b', name: 'b' }, score: 0.5, source: 'ADMIN' });
  g.addPartnership({ id: 'p1', status: 'ACTIVE', proposer: { id: 'a', name: 'a' }, partner: { id: 'b', name: 'b' } });
  assert.deepEqual(g.counts(), { nodes: 2, trust: 1, partnerships: 1 });
  const [edge] = g.trustOf('b');
  assert.equal(edge.score, 0.5);
  assert.equal(edge.source_, 'ADMIN');
  g.destroy();
});

test('filters hide what does not match, never the focus', async () => {
  const g = await TrustGraph.create(null, () => {});
  g.addBusiness(biz('focus', { city: 'Capital City', services: ['towing'] }));
  g.addBusiness(biz('tyres-sp', { city: 'Springfield', services: ['tyres'] }));
  g.addBusiness(biz('tyres-sh', { city: 'Shelbyville', services: ['tyres'] }));
  g.addBusiness(biz('law-sp', { city: 'Springfield', services: ['personal-injury-attorney'] }));
  g.focus('focus');
  const shown = () => g.nodes().filter((n) => !n.hidden).map((n) => n.id).sort();
  g.filter({ service: 'tyres' });
  assert.deepEqual(shown(), ['focus', 'tyres-sh', 'tyres-sp']);
  g.filter({ service: 'tyres', town: 'Springfield' });
  assert.deepEqual(shown(), ['focus', 'tyres-sp']);
  g.filter({ members: new Set(['law-sp']) });
  assert.deepEqual(shown(), ['focus', 'law-sp']);
  g.filter({});
  assert.equal(shown().length, 4);
  g.destroy();
});

// A neighbourhood as the server's neighbourhood query answers it.
const node = (id, { suspended = false, trustReceived = 1.5 } = {}) => ({
  id, name: 'Name ' + id, sector: 'Auto', services: ['tyres', 'towing'], city: 'Springfield', verified: true, suspended, trustReceived,
});

test('a neighbourhood is drawn from its node ids: names on edges, overrides, partnerships, the cap', async () => {
  const g = await TrustGraph.create(null, () => {});
  const nb = {
    nodes: [node('a'), node('b', { suspended: true, trustReceived: 0.25 })],
    trust: [{ from: 'a', to: 'b', score: 0.8, weight: 0.9, overridden: false }, { from: 'b', to: 'a', score: 0.4, weight: 0.4, overridden: true }],
    partnerships: [{ a: 'a', b: 'b', status: 'ACTIVE' }],
  };
  assert.equal(g.addNeighbourhood(nb), true);
  assert.deepEqual(g.counts(), { nodes: 2, trust: 2, partnerships: 1 });
  const b = g.nodes().find((n) => n.id === 'b');
  assert.equal(b.status, 'SUSPENDED');
  assert.equal(b.trustReceived, 0.25);
  assert.deepEqual(b.services, ['tyres', 'towing']);
  const byFrom = Object.fromEntries(g.trustOf('a').map((e) => [e.source, e]));
  assert.equal(byFrom.a.fromName, 'Name a');
  assert.equal(byFrom.a.toName, 'Name b');
  assert.equal(byFrom.a.weight, 0.9);
  assert.equal(byFrom.a.source_, 'MEMBER');
  assert.equal(byFrom.b.source_, 'ADMIN');
  // The same neighbourhood again changes nothing.
  assert.equal(g.addNeighbourhood(nb), true);
  assert.deepEqual(g.counts(), { nodes: 2, trust: 2, partnerships: 1 });
  // An admin's action answers a Business: it updates the node but keeps its colour and size.
  const before = g.nodes().find((n) => n.id === 'a');
  g.addBusiness({ ...biz('a', { sector: 'Legal' }), name: 'Name a', verified: false });
  const after = g.nodes().find((n) => n.id === 'a');
  assert.equal(after.verified, false);
  assert.equal(after.color, before.color);
  assert.equal(after.size, before.size);
  assert.equal(after.trustReceived, 1.5);
  g.destroy();

  // A neighbourhood bigger than the drawing's room: false, and the drawing stops at MAX_NODES.
  const big = await TrustGraph.create(null, () => {});
  const many = Array.from({ length: MAX_NODES + 1 }, (_, i) => node('n' + i));
  assert.equal(big.addNeighbourhood({ nodes: many, trust: [], partnerships: [] }), false);
  assert.equal(big.size, MAX_NODES);
  big.destroy();
});

test('a big drawing draws its edges as plain lines without arrows, a small one curved with arrows', async () => {
  const g = await TrustGraph.create(null, () => {});
  const trust = (a, b) => ({ from: { id: a, name: a }, to: { id: b, name: b }, score: 0.5, source: 'MEMBER' });
  // Headless, Cytoscape computes no style: the class is what the style's edge.big rule draws
  // as a line without an arrow (seen in chromium by console/scale.sh).
  const shape = (id) => (g.cy.getElementById(id).hasClass('big') ? 'line' : 'curved with an arrow');
  for (let i = 0; i < BIG; i++) g.addBusiness(biz('b' + i));
  g.addTrust(trust('b0', 'b1'));
  g.layout();
  assert.deepEqual(shape('t:b0>b1'), 'curved with an arrow', 'at BIG businesses the drawing is still small');
  g.addBusiness(biz('b-big'));
  g.addTrust(trust('b1', 'b2')); // added to a big drawing: a line at once
  assert.deepEqual(shape('t:b1>b2'), 'line');
  g.layout();
  assert.deepEqual(shape('t:b0>b1'), 'line', 'the drawing grew big: its old edges are lines too');
  g.clear();
  g.addBusiness(biz('a'));
  g.addBusiness(biz('b'));
  g.addTrust(trust('a', 'b'));
  g.layout();
  assert.deepEqual(shape('t:a>b'), 'curved with an arrow');
  g.destroy();
});
