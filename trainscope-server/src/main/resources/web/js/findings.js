// The diagnosis as the page holds it: every finding of /api/findings, the verdict of each training
// (root cause, consequences, others, notes, as indices into the findings) and the count per run and
// severity. main.js reloads it when the server says findingsChanged; the Findings tab, the Layers
// tab and the run list's badges read it. openEvidence() shows a finding's evidence: the Findings
// tab's evidence view (views/evidence.js) of one tag of the finding's run, entered and left
// through the browser's history.

import * as state from './state.js';
import { api } from './api.js';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };
/** The state key of the evidence shown: a JSON object {rule, run, tag, from, to}, absent for none. */
export const EVIDENCE = 'x.evidence';

let data = { version: -1, findings: [], verdicts: [], counts: {} };
const listeners = new Set();
let explained = { version: -1, bySubject: new Map() };

export async function reload() {
  const next = await api.findings();
  data = { verdicts: [], ...next };
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

/**
 * What the doctor could examine in the training a run belongs to (/api/explain): the roles of its
 * tags and the coverage of every rule; asked once per training and findings version.
 */
export function explain(subject, run) {
  if (explained.version !== data.version) explained = { version: data.version, bySubject: new Map() };
  let p = explained.bySubject.get(subject);
  if (!p) {
    p = api.explain(run);
    explained.bySubject.set(subject, p);
    p.catch(() => explained.bySubject.delete(subject));
  }
  return p;
}

/**
 * Opens the evidence of a finding: one of its tags in the finding's run, as a new entry in the
 * browser's history, so that Back returns to where the user was. Nothing of the user's filters,
 * run selection or zoom is changed.
 */
export function openEvidence(f, tag) {
  const value = JSON.stringify({ rule: f.rule, run: f.run, tag, from: f.fromStep, to: f.toStep });
  state.set({ tab: 'findings', [EVIDENCE]: value }, { push: true });
}

/** Leaves the evidence: Back when the page itself pushed it, else to the list of findings. */
export function leaveEvidence() {
  if (state.pushed()) history.back();
  else state.set({ [EVIDENCE]: undefined }, { push: true });
}

/** The evidence state value as {rule, run, tag, from, to}, or null when absent or malformed. */
export function evidenceOf(value) {
  if (!value) return null;
  let e;
  try {
    e = JSON.parse(value);
  } catch (err) {
    return null;
  }
  if (!e || typeof e.run !== 'string' || typeof e.tag !== 'string' || !Number.isFinite(e.from) ||
      !Number.isFinite(e.to) || e.to < e.from) return null;
  return { rule: typeof e.rule === 'string' ? e.rule : '', run: e.run, tag: e.tag, from: e.from, to: e.to };
}

/** The finding an evidence state names (null when the findings changed since). */
export function findingOf(ev) {
  return data.findings.find(f => f.run === ev.run && f.rule === ev.rule && f.fromStep === ev.from &&
    f.toStep === ev.to && (f.tags || []).includes(ev.tag)) || null;
}

/**
 * The steps to show around a finding's [from, to] in a series logged from `first` to `last` in
 * `count` values: widened by 15 % of its width on each side, and by at least three logging
 * intervals, so that a finding at one step still shows its neighbours; then clipped to the
 * series' own steps (a chart never starts before the run's first step or ends after its last).
 */
export function evidenceRange(from, to, first, last, count) {
  if (!(last >= first)) return { x0: from, x1: Math.max(to, from + 1) };
  const interval = count > 1 ? (last - first) / (count - 1) : 1;
  const pad = Math.max(1, Math.ceil(Math.max(0.15 * (to - from), 3 * interval)));
  let x0 = Math.max(first, from - pad);
  let x1 = Math.min(last, to + pad);
  if (!(x1 > x0)) {
    // the finding lies outside this series' steps, or the series has one step: all of it
    x0 = first;
    x1 = last > first ? last : first + 1;
  }
  return { x0, x1 };
}
