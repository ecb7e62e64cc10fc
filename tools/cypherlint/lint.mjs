// Lints every .cypher file under store/neo4jstore with Neo4j's own Cypher parser and semantic
// analyser (@neo4j-cypher/language-support), against the graph schema that the Neo4j store
// declares, and checks that no Go file there holds Cypher of its own.
//
// Exit status: 0 when every statement is clean, 1 on any error or warning (an unknown label,
// relationship type or property key is a typo until proven otherwise), 2 when the linter
// itself does not work.
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const storeDir = join(repo, 'store', 'neo4jstore');

// The graph model of store/neo4jstore (see its README). Keep in step with the .cypher files.
const graphSchema = [
  { from: 'Business', relType: 'OFFERS', to: 'Service' },
  { from: 'Service', relType: 'COMPLEMENTS', to: 'Service' },
  { from: 'Business', relType: 'MEMBER_OF', to: 'Network' },
  { from: 'Business', relType: 'TRUSTS', to: 'Business' },
  { from: 'Business', relType: 'PARTY', to: 'Partnership' },
  { from: 'User', relType: 'OWNS', to: 'Business' },
  { from: 'Lead', relType: 'REFERRED_BY', to: 'Business' },
  { from: 'Lead', relType: 'HAS_OFFER', to: 'Offer' },
  { from: 'Offer', relType: 'TO', to: 'Business' },
];
const labels = [
  'Business', 'Service', 'Network', 'Partnership', 'User', 'Migration',
  'Lead', 'Offer', 'LeadEvent', 'Commission', 'Counter', 'SeqReservation', 'OfferDay', 'TokenRevocation',
  'MigrationLease', 'Change', 'ChangeTrim', 'LeadReturn', 'CommissionReversal', 'Webhook',
  'WebhookDelivery', 'FittedWeights',
];
const relationshipTypes = [...new Set(graphSchema.map((r) => r.relType))];
const propertyKeys = [
  // Business
  'id', 'name', 'description', 'website', 'phone', 'email', 'location', 'city', 'country',
  'serviceRadiusKm', 'status', 'verified', 'dailyLeadCap', 'createdAt',
  // Service
  'sector',
  // Network
  'region', 'visibility',
  // Partnership
  'proposerId', 'partnerId', 'pairKey', 'openPair', 'feeType', 'amountMinor', 'percentBp',
  'currency', 'message', 'respondedAt', 'endedAt',
  // User
  'sub',
  // Migration
  'version', 'appliedAt',
  // Lead (also status, reason, location, currency, createdAt above)
  'idempotencyKey', 'inputHash', 'referrerId', 'serviceId', 'customerName', 'customerEmail',
  'customerPhone', 'consentText', 'consentGivenAt', 'notes', 'mode', 'maxOffers', 'reason',
  'valueMinor', 'closedAt', 'erasedAt', 'erasedBy',
  // Offer
  'leadId', 'businessId', 'seq', 'rank', 'path', 'pathTrust', 'reasons', 'declineReason',
  'expiresAt',
  // LeadEvent
  'at',
  // Commission
  'partnershipId', 'payerId', 'payeeId',
  // Counter (name, and the value it hands out)
  'value',
  // SeqReservation (a range of seqs reserved for one write, and when readers stop waiting)
  'first', 'last', 'deadline',
  // OfferDay (businessId above; the UTC day, and the offers made to the business that day)
  'day', 'offers',
  // TokenRevocation
  'subject', 'revokedBefore',
  // Change (seq, id, at above; what changed, its second key, the Store handle that wrote it)
  'kind', 'to', 'origin',
  // ChangeTrim (name above; the highest seq trimmed)
  'upTo',
  // MigrationLease (name, expiresAt above)
  'holder',
  // Webhook (id, businessId, createdAt, attempts above; its feeds' cursors, retry state, lease)
  'url', 'events', 'secret', 'previousSecret', 'previousUntil', 'enabled', 'disabledReason',
  'offerCursor', 'eventCursor', 'attempts', 'failingSince', 'nextAttemptAt', 'leaseHolder',
  'leaseUntil',
  // WebhookDelivery (seq, status, createdAt, updatedAt above)
  'key', 'webhookId', 'eventId', 'event', 'statusCode', 'latencyNs', 'lastError', 'response',
  // the throw-away property that *_lock statements set and remove to take a write lock
  '_lock',
  // LeadReturn (leadId, referrerId, reason, note, status-like state; who, when and why of each step)
  'offerId', 'recipientId', 'state', 'requestedBy', 'requestedAt', 'contestBy', 'contestedBy',
  'contestedAt', 'contestNote', 'decidedBy', 'decidedAt', 'decisionNote',
  // CommissionReversal (id, leadId, payerId, payeeId, amountMinor, currency, reason, createdAt above)
  'commissionId',
  // FittedWeights (key, at above; the fit's fields as JSON)
  'body',
  // relationships: COMPLEMENTS, MEMBER_OF, TRUSTS, PARTY
  'weight', 'source', 'role', 'since', 'score', 'note', 'updatedAt', 'setBy',
  // accessors of temporal values, not stored properties (health_leads buckets by createdAt)
  'epochMillis',
];

// Neo4j's built-in functions and procedures, keyed by Cypher version, as the package's own
// tests declare them. Without them unknown functions are not reported at all.
const { functions, procedures } = testData.mockSchema;

function schema(parameters) {
  return {
    labels,
    relationshipTypes,
    propertyKeys,
    graphSchema,
    functions,
    procedures,
    defaultLanguage: 'CYPHER 5',
    parameters,
  };
}

const paramRE = /\$([A-Za-z_][A-Za-z0-9_]*)/g;

// Parameters are taken from the statement's own text: that each one gets a value is checked
// by the server (a missing parameter fails the statement) and by the contract tests.
function parametersOf(text) {
  const out = {};
  for (const m of stripComments(text).matchAll(paramRE)) out[m[1]] = null;
  return out;
}

function stripComments(text) {
  return text.replace(/\/\/[^\n]*/g, '');
}

const ERROR = 1;
const WARNING = 2;

function lint(text, parameters = parametersOf(text)) {
  return lintCypherQuery(text, schema(parameters)).diagnostics;
}

// The analyser fails silently (no diagnostics at all) when it cannot run, for instance on a
// malformed function catalogue. So first make it flag statements that are known to be wrong.
function proveAlive() {
  const probes = [
    { text: 'RETURN x', severity: ERROR, want: /not defined/, what: 'an undefined variable' },
    { text: 'RETURN noSuchFunction(1) AS y', severity: ERROR, want: /noSuchFunction/, what: 'an unknown function' },
    { text: 'RETURN $undeclared AS y', severity: ERROR, want: /undeclared/, what: 'an undeclared parameter', parameters: {} },
    { text: 'MATCH (n:Busines) RETURN n', severity: WARNING, want: /Busines/, what: 'an unknown label' },
    { text: 'MATCH (b:Business) RETURN b.nmae', severity: WARNING, want: /nmae/, what: 'an unknown property key' },
    { text: 'MATCH (s:Service)-[:OFFERS]->(b:Business) RETURN b', severity: WARNING, want: /./, what: 'a relationship against the graph schema' },
    { text: 'MATCH (b:Business RETURN b', severity: ERROR, want: /./, what: 'a syntax error' },
  ];
  let dead = 0;
  for (const p of probes) {
    const found = lint(p.text, p.parameters).some((d) => d.severity === p.severity && p.want.test(d.message));
    if (!found) {
      console.error(`cypherlint: the linter reports nothing for ${p.what} (${p.text}): it is not working`);
      dead++;
    }
  }
  if (dead > 0) process.exit(2);
  console.log(`cypherlint: linter alive (${probes.length} known-bad statements flagged)`);
}

function walk(dir, ext) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

function main() {
  proveAlive();
  let errors = 0;
  let warnings = 0;
  const files = walk(storeDir, '.cypher');
  if (files.length === 0) {
    console.error(`cypherlint: no .cypher files under ${relative(process.cwd(), storeDir)}`);
    process.exit(1);
  }
  for (const file of files) {
    const name = relative(repo, file);
    const text = readFileSync(file, 'utf8');
    if (stripComments(text).trim() === '') {
      console.log(`${name}:1:1: error: no statement`);
      errors++;
      continue;
    }
    for (const d of lint(text)) {
      const where = `${name}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
      if (d.severity === ERROR) {
        errors++;
        console.log(`${where}: error: ${d.message}`);
      } else if (d.severity === WARNING) {
        warnings++;
        console.log(`${where}: warning: ${d.message}`);
      } else {
        console.log(`${where}: note: ${d.message}`);
      }
    }
  }
  // Cypher belongs in the .cypher files, never in Go string literals.
  const cypherInGo = /\b(MATCH|MERGE|CREATE)\s*\(|\bDETACH\s+DELETE\b|\bUNWIND\s+\$/;
  const goFiles = walk(storeDir, '.go');
  for (const file of goFiles) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (cypherInGo.test(line)) {
        errors++;
        console.log(`${relative(repo, file)}:${i + 1}:1: error: Cypher in Go source; put it in a .cypher file`);
      }
    });
  }
  console.log(`cypherlint: ${files.length} .cypher files, ${goFiles.length} .go files: ${errors} errors, ${warnings} warnings`);
  process.exit(errors + warnings > 0 ? 1 : 0);
}

main();
