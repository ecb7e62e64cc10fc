// Runs graphql-http's GraphQL-over-HTTP audits against a running PartnerGraph server and
// fails if any MUST audit fails. SHOULD and MAY failures are listed (see the README for why).
//
//   node audit.mjs http://127.0.0.1:8080/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2] ?? 'http://127.0.0.1:8080/graphql';
const audits = serverAudits({ url });
let mustFailed = 0;
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const audit of audits) {
  const result = await audit.fn();
  counts[result.status]++;
  if (result.status !== 'ok') {
    const level = audit.name.split(' ')[0];
    if (level === 'MUST') mustFailed++;
    console.log(`${result.status.toUpperCase()} ${audit.id} ${audit.name}: ${result.reason}`);
  }
}
console.log(`graphql-http audits: ${audits.length} run, ${counts.ok} ok, ${counts.warn} warnings (SHOULD), ${counts.notice} notices (MAY), ${counts.error} errors; ${mustFailed} MUST failed`);
process.exit(mustFailed > 0 ? 1 : 0);
