// The console's one way to the server: the public GraphQL API, over HTTP for queries and
// mutations and over the websocket (graphql-transport-ws, which the server speaks) for the two
// subscriptions. It holds no rules of its own: what a caller may see and do is the API's answer.
import { createClient } from 'graphql-ws';

// The console is served at /console/; the API is /graphql beside it.
const httpURL = new URL('../graphql', document.baseURI).href;
const wsURL = httpURL.replace(/^http/, 'ws');

let token = '';
let ws = null;
let connected = false;

/** An answer with errors: message joined, the first error's extensions.code kept. */
export class APIError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code || '';
  }
}

/** Sets the bearer token of every later call, and drops the websocket of the previous one. */
export function setToken(t) {
  token = t || '';
  if (ws) {
    ws.dispose();
    ws = null;
    connected = false;
  }
}

// How many times a rate-limited call waits and tries again before it gives up.
const RATE_RETRIES = 3;

/**
 * Runs a query or mutation; resolves to its data, rejects with an APIError. A call the
 * server rate-limits (RATE_LIMITED, its retryAfterSeconds) waits that long and tries again.
 */
export async function gql(query, variables = {}) {
  for (let i = 0; ; i++) {
    try {
      return await post(query, variables);
    } catch (e) {
      const wait = e instanceof APIError && e.code === 'RATE_LIMITED' ? e.errors[0].extensions.retryAfterSeconds : undefined;
      if (wait === undefined || i >= RATE_RETRIES) throw e;
      await new Promise((r) => setTimeout(r, Math.min(wait, 30) * 1000));
    }
  }
}

async function post(query, variables) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(httpURL, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new APIError([{ message: `the server answered HTTP ${res.status}` }]);
  }
  if (body.errors?.length) {
    const e = new APIError(body.errors);
    // The token expired or was revoked: the shell signs out and says why.
    if (e.code === 'UNAUTHENTICATED' && token) dispatchEvent(new CustomEvent('partnergraph:unauthenticated', { detail: e.message }));
    throw e;
  }
  return body.data;
}

/**
 * Starts a subscription; sink gets next(data), error(err) and onState('live'|'reconnecting').
 * Returns the function that ends it. The client reconnects by itself and subscribes again
 * with the same variables, so after a reconnect the feed is replayed from the cursor it
 * started at: callers drop what they have seen (by id or cursor).
 */
export function subscribe(query, variables, sink) {
  if (!ws) {
    ws = createClient({
      url: wsURL,
      connectionParams: () => (token ? { Authorization: 'Bearer ' + token } : {}),
      retryAttempts: Infinity,
      // 4403: the server refused the token (bad, expired or revoked); retrying cannot help.
      shouldRetry: (e) => !(e && typeof e.code === 'number' && e.code >= 4400 && e.code < 4500 && e.code !== 4408),
      lazy: true,
      on: {
        connected: () => {
          connected = true;
          listeners.forEach((l) => l('live'));
        },
        closed: () => {
          connected = false;
          listeners.forEach((l) => l('reconnecting'));
        },
      },
    });
  }
  const onState = sink.onState || (() => {});
  listeners.add(onState);
  // A subscription on a connection that is already open is live at once.
  if (connected) onState('live');
  let stopped = false;
  const stop = ws.subscribe(
    { query, variables },
    {
      next: (msg) => {
        if (msg.errors?.length) sink.error?.(new APIError(msg.errors));
        else sink.next(msg.data);
      },
      error: (err) => {
        if (Array.isArray(err)) return sink.error?.(new APIError(err));
        if (err?.code === 4403 && token) dispatchEvent(new CustomEvent('partnergraph:unauthenticated', { detail: err.reason || 'the server refused the token' }));
        sink.error?.(new Error(closeMessage(err)));
      },
      complete: () => {},
    },
  );
  return () => {
    if (stopped) return;
    stopped = true;
    listeners.delete(onState);
    stop();
  };
}

const listeners = new Set();

function closeMessage(err) {
  if (err && typeof err.code === 'number') return `the connection closed (${err.code}${err.reason ? ': ' + err.reason : ''})`;
  return String(err?.message || err);
}
