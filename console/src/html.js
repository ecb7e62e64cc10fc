// htm bound to Preact: tagged templates instead of JSX, so the build needs no JSX plugin.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

/** A number with at most d decimals, as people read them. */
export function fmt(x, d = 2) {
  if (x === null || x === undefined) return '–';
  return Number(x).toLocaleString('en-US', { maximumFractionDigits: d });
}

/** A timestamp in the reader's time zone. */
export function when(t) {
  if (!t) return '';
  return new Date(t).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
