import { useCallback, useEffect, useState } from 'preact/hooks';
import { gql } from './api.js';
import { html } from './html.js';

/** Runs a query when vars change; reload() runs it again. */
export function useQuery(query, vars) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const key = JSON.stringify(vars);
  const load = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    gql(query, vars)
      .then((data) => live && setState({ data, error: null, loading: false }))
      .catch((error) => live && setState({ data: null, error, loading: false }));
    return () => {
      live = false;
    };
  }, [query, key]);
  useEffect(load, [load]);
  return { ...state, reload: load };
}

/** What a view shows while its query runs or after it failed. */
export function Status({ q, what }) {
  if (q.error) return html`<p class="error" role="alert">Could not load ${what}: ${q.error.message}</p>`;
  if (q.loading && !q.data) return html`<p aria-live="polite">Loading ${what}…</p>`;
  return null;
}
