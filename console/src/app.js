// The shell: sign-in, the caller's views (member, and admin for admin tokens), routing by hash.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { gql, setToken, APIError } from './api.js';
import { savedToken, saveToken, claims, devMode } from './session.js';
import { BusinessesView, SuggestionsView, InboxView, LeadsView, LedgerView } from './member.js';
import { GraphView, ComplementsView, GroupsView } from './admin.js';
import { HealthView } from './health.js';

const VIEWER = `{ viewer { sub roles businesses { id name city status verified
  services { slug name sector } trustCounts { trusts trustedBy } } } }`;

const memberViews = [
  ['businesses', 'Businesses', BusinessesView],
  ['suggestions', 'Suggestions', SuggestionsView],
  ['inbox', 'Inbox', InboxView],
  ['leads', 'My leads', LeadsView],
  ['ledger', 'Ledger', LedgerView],
];
const adminViews = [
  ['graph', 'Trust graph', GraphView],
  ['complements', 'Complements', ComplementsView],
  ['groups', 'Suspicious groups', GroupsView],
  ['health', 'Health', HealthView],
];

function route() {
  return location.hash.replace(/^#\/?/, '') || '';
}

export function App() {
  const [token, setTok] = useState(savedToken());
  const [viewer, setViewer] = useState(null);
  const [error, setError] = useState('');
  const [view, setView] = useState(route());
  const [biz, setBiz] = useState('');

  useEffect(() => {
    const on = () => setView(route());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);

  useEffect(() => {
    const on = (e) => {
      setError('Signed out: ' + e.detail);
      saveToken('');
      setTok('');
    };
    addEventListener('partnergraph:unauthenticated', on);
    return () => removeEventListener('partnergraph:unauthenticated', on);
  }, []);

  useEffect(() => {
    setToken(token);
    setViewer(null);
    if (!token) return;
    let live = true;
    gql(VIEWER)
      .then((d) => {
        if (!live) return;
        setViewer(d.viewer);
        setBiz((b) => b || d.viewer.businesses[0]?.id || '');
        setError('');
      })
      .catch((e) => {
        if (!live) return;
        setError(e instanceof APIError && e.code === 'UNAUTHENTICATED' ? 'The server refused this token: ' + e.message : e.message);
        saveToken('');
        setTok('');
      });
    return () => {
      live = false;
    };
  }, [token]);

  const signIn = (t) => {
    saveToken(t);
    setTok(t);
  };
  const signOut = () => {
    saveToken('');
    setTok('');
    setBiz('');
    location.hash = '';
  };

  if (!token || !viewer) {
    return html`<${SignIn} onSignIn=${signIn} error=${error} busy=${!!token && !viewer} />`;
  }
  const isAdmin = viewer.roles.includes('admin');
  const views = [...(viewer.businesses.length || !isAdmin ? memberViews : []), ...(isAdmin ? adminViews : [])];
  const current = views.find(([k]) => k === view) || views[0];
  const [key, , View] = current;
  const business = viewer.businesses.find((b) => b.id === biz);
  const isMember = memberViews.some(([k]) => k === key);
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
    <header class="top">
      <h1>PartnerGraph console</h1>
      <p class="who">Signed in as <strong>${viewer.sub}</strong> (${viewer.roles.join(', ') || 'no role'})</p>
      <button type="button" class="link" onClick=${signOut}>Sign out</button>
    </header>
    <nav class="tabs" aria-label="Views">
      ${views.map(([k, label]) => html`<a href=${'#/' + k} aria-current=${k === key ? 'page' : undefined}>${label}</a>`)}
    </nav>
    ${isMember && viewer.businesses.length > 1 && html`
      <div class="picker">
        <label for="biz">Business</label>
        <select id="biz" value=${biz} onChange=${(e) => setBiz(e.currentTarget.value)}>
          ${viewer.businesses.map((b) => html`<option value=${b.id}>${b.name}</option>`)}
        </select>
      </div>`}
    <main id="main" tabindex="-1">
      ${isMember && !business
        ? html`<p>This account owns no business yet. Register one through the API (<code>registerBusiness</code>).</p>`
        : html`<${View} key=${key + biz} business=${business} viewer=${viewer} />`}
    </main>`;
}

function SignIn({ onSignIn, error, busy }) {
  const [value, setValue] = useState('');
  const [help, setHelp] = useState(false);
  const dev = devMode();
  const c = value ? claims(value.trim()) : null;
  const submit = (e) => {
    e.preventDefault();
    const t = value.trim().replace(/^Bearer\s+/i, '');
    if (t) onSignIn(t);
  };
  return html`
    <main id="main" class="signin">
      <h1>PartnerGraph console</h1>
      <p>Sign in with a token for the API. It is kept in this tab only (sessionStorage) and sent
        as <code>Authorization: Bearer …</code> on every request.</p>
      <form onSubmit=${submit}>
        <label for="token">Token</label>
        <textarea id="token" rows="4" spellcheck=${false} autocomplete="off" value=${value}
          aria-describedby="token-hint" onInput=${(e) => setValue(e.currentTarget.value)}></textarea>
        <p id="token-hint" class="hint">${c ? `Token for ${c.sub} (${(c.roles || []).join(', ')}), expires ${c.exp ? new Date(c.exp * 1000).toLocaleString() : 'never'}` : 'Paste a JWT.'}</p>
        ${error && html`<p class="error" role="alert">${error}</p>`}
        <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      ${dev && html`
        <button type="button" class="link" aria-expanded=${help} aria-controls="mint" onClick=${() => setHelp(!help)}>How do I get a token?</button>
        ${help && html`<${MintHelp} />`}`}
    </main>`;
}

function MintHelp() {
  return html`
    <section id="mint" class="card" aria-label="Minting a development token">
      <p>This server runs in development mode, and signs tokens with the development secret in its
        data directory. In a terminal, in the directory the server was started from, mint one
        (give <code>token</code> the server's <code>--db</code> if it was started with one):</p>
      <pre><code>go run ./cmd/partnergraph token --sub user-andy --role member --ttl 1h</code></pre>
      <p>The example network's owners are <code>user-dave</code>, <code>user-mike</code>, <code>user-andy</code>
        and <code>user-<var>business id</var></code> for the others. An
        admin (the trust graph, complements, suspicious groups, health):</p>
      <pre><code>go run ./cmd/partnergraph token --sub root --role admin --ttl 1h</code></pre>
      <p>Copy the printed token into the box above. A token lives at most 24 hours.</p>
    </section>`;
}
