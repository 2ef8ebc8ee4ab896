// The diagnosis as the page holds it: every finding of /api/findings and the count per run and
// severity. main.js reloads it when the server says findingsChanged; the Findings tab, the Layers
// tab and the run list's badges read it. focusFinding() opens the evidence: the chart of a tag,
// zoomed to the finding's steps with them highlighted.

import * as state from './state.js';
import { api } from './api.js';
import { regex } from './util.js';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };

let data = { version: -1, findings: [], counts: {} };
const listeners = new Set();

export async function reload() {
  const next = await api.findings();
  data = next;
  for (const fn of listeners) {
    try { fn(data); } catch (e) { console.error(e); }
  }
  return data;
}

export function current() {
  return data;
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function rank(severity) {
  return SEVERITY_RANK[severity] ?? 3;
}

/** Findings sorted most severe first, then by run, then by first step. */
export function sorted(findings) {
  return [...findings].sort((a, b) => rank(a.severity) - rank(b.severity) || (a.run < b.run ? -1 : a.run > b.run ? 1 : 0) ||
    a.fromStep - b.fromStep);
}

export function reEscape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Shows the evidence of a finding: the Scalars tab filtered to the tag, the finding's run ticked,
 * the chart zoomed around the finding's steps with the steps themselves highlighted (x.focus).
 */
export function focusFinding(f, tag) {
  const runFilter = state.get('runFilter');
  const re = regex(runFilter);   // the run list's own reading of the filter
  const keepFilter = !(re instanceof Error) && (!re || re.test(f.run));
  state.set({
    tab: 'scalars',
    tagFilter: '^' + reEscape(tag) + '$',
    runFilter: keepFilter ? runFilter : '',
    hidden: state.hiddenWithout(f.run),
    xAxis: 'step',
    'x.focus': `${f.fromStep}:${f.toStep}`,
  });
}

/** The x.focus state as {from, to} steps, or null. */
export function focusRange(value) {
  const m = /^(-?\d+):(-?\d+)$/.exec(value || '');
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return to >= from ? { from, to } : null;
}
