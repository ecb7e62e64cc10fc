// The drawing's model, headless in Node (node --test): the cap on its size, the filters, and
// the edges a business's inspector lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustGraph, MAX_NODES } from '../src/graphview.js';

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
