// Subscribes to lead offers with three clients no one here wrote (graphql-ws, graphql-sse,
// Apollo Client over graphql-ws), submits a lead, and checks that each client receives the
// offer with its trust path. Tokens come from the server binary's `token` command.
//
//   PARTNERGRAPH=/path/to/partnergraph DB=/path/to/pg.db node subscribe.mjs http://127.0.0.1:8080/graphql
import { execFileSync } from 'node:child_process';
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';
import { ApolloClient, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';

const url = process.argv[2];
const token = (sub) =>
  execFileSync(process.env.PARTNERGRAPH, ['token', '--db', process.env.DB, '--sub', sub, '--role', 'member'], { encoding: 'utf8' }).trim();
const andy = token('user-andy');
const dave = token('user-dave');
const andyID = Buffer.from('Business:andys-attorney').toString('base64url');
const daveID = Buffer.from('Business:daves-collision').toString('base64url');
const query = `subscription($b: ID!) { leadOffers(businessId: $b) { id status pathTrust path { name } lead { notes } } }`;

function fail(msg) {
  console.error('FAIL', msg);
  process.exit(1);
}

// waitFor resolves with the first offer for the lead whose notes are `key`.
function viaGraphqlWs(key) {
  const client = createWsClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${andy}` } });
  return new Promise((resolve, reject) => {
    client.subscribe({ query, variables: { b: andyID } }, {
      next: (r) => { if (r.data?.leadOffers?.lead?.notes === key) { resolve(r.data.leadOffers); client.dispose(); } },
      error: reject,
      complete: () => {},
    });
  });
}

function viaSSE(key) {
  const client = createSseClient({ url, headers: { Authorization: `Bearer ${andy}` } });
  return new Promise((resolve, reject) => {
    client.subscribe({ query, variables: { b: andyID } }, {
      next: (r) => { if (r.data?.leadOffers?.lead?.notes === key) { resolve(r.data.leadOffers); client.dispose(); } },
      error: reject,
      complete: () => {},
    });
  });
}

function viaApollo(key) {
  const wsClient = createWsClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${andy}` } });
  const client = new ApolloClient({ link: new GraphQLWsLink(wsClient), cache: new InMemoryCache() });
  return new Promise((resolve, reject) => {
    const sub = client.subscribe({ query: gql(query), variables: { b: andyID } }).subscribe({
      next: (r) => { if (r.data?.leadOffers?.lead?.notes === key) { resolve(r.data.leadOffers); sub.unsubscribe(); wsClient.dispose(); } },
      error: reject,
    });
  });
}

async function submit(key) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${dave}` },
    body: JSON.stringify({
      query: `mutation($in: SubmitLeadInput!) { submitLead(input: $in) { lead { id status } } }`,
      variables: { in: {
        referrerId: daveID, service: 'personal-injury-attorney', location: { lat: 39.8, lng: -89.65 },
        customer: { name: 'Conformance Customer', email: 'c@example.com' },
        consent: { text: 'The customer agreed to be referred.', givenAt: '2026-11-20T10:00:00Z' },
        notes: key, idempotencyKey: key,
      } },
    }),
  });
  const body = await res.json();
  if (body.errors) fail(`submitLead: ${JSON.stringify(body.errors)}`);
}

for (const [name, follow] of [['graphql-ws', viaGraphqlWs], ['graphql-sse', viaSSE], ['Apollo Client', viaApollo]]) {
  const key = `conformance-${name.replace(/\W/g, '')}-${Date.now()}`;
  const got = follow(key);
  await new Promise((r) => setTimeout(r, 300)); // let the subscription start
  await submit(key);
  const offer = await Promise.race([got, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 10000))]).catch((e) => fail(`${name}: ${e.message ?? JSON.stringify(e)}`));
  if (offer.status !== 'PENDING' || offer.path[0].name !== "Dave's Collision" || !(offer.pathTrust > 0)) fail(`${name}: offer ${JSON.stringify(offer)}`);
  console.log(`${name}: received the offer (path ${offer.path.map((b) => b.name).join(' → ')}, trust ${offer.pathTrust.toFixed(2)})`);
}
process.exit(0);
