// The HParams tab's data: /api/hparams turned into columns and rows, the filters shared by the
// table, the parallel coordinates and the scatter matrix, sorting, and the table as CSV.
//
// Column ids: 'run', 'state', 'h:<hparam>', 'm:<metric>' (the last value), 'm:<metric>:min',
// 'm:<metric>:max'. A column: {id, label, kind: 'run'|'state'|'hparam'|'metric', type: 'number'|
// 'string'|'bool', domain (discrete columns: their values), name (hparam or metric), stat
// ('last'|'min'|'max' for metrics), value(row)}.
//
// Filters (URL x.hpFilter, JSON): {<column id>: [min, max]} for a numeric column (either end may
// be null: open), {<column id>: {in: [values]}} for a discrete one; x.hpState: the states shown,
// joined by ',' (absent: all).

import { num } from '../api.js';

export const STATES = ['running', 'finished', 'failed'];

/** A session: {run, runs, values, metrics, stats, status, state, stateInferred, ...} with numbers parsed. */
export function sessions(table) {
  return (table.rows || []).map(r => {
    const stats = {};
    for (const [k, s] of Object.entries(r.stats || {})) {
      stats[k] = { ...s, last: num(s.last), min: num(s.min), max: num(s.max) };
    }
    const metrics = {};
    for (const [k, v] of Object.entries(r.metrics || {})) metrics[k] = num(v);
    return { ...r, runs: r.runs && r.runs.length ? r.runs : [r.run], metrics, stats };
  });
}

/** Every column of the table in order: run, state, hparams, then each metric's last, min and max. */
export function columns(table) {
  const out = [
    { id: 'run', label: 'Run', kind: 'run', type: 'string', value: r => r.run },
    { id: 'state', label: 'Status', kind: 'state', type: 'string', domain: STATES, value: r => r.state },
  ];
  for (const c of table.columns || []) {
    const label = c.displayName || c.name;
    if (c.kind === 'hparam') {
      out.push({ id: 'h:' + c.name, label, name: c.name, kind: 'hparam', type: c.type,
        domain: c.type === 'number' ? null : (c.domain || []).map(String), title: c.description || c.name,
        value: r => hparamValue(r, c.name, c.type) });
    } else {
      for (const stat of ['last', 'min', 'max']) {
        const suffix = stat === 'last' ? '' : ':' + stat;
        out.push({ id: 'm:' + c.name + suffix, label: stat === 'last' ? label : `${label} (${stat})`, name: c.name,
          kind: 'metric', stat, type: 'number', domain: null,
          title: `${c.description || c.name}: ${stat === 'last' ? 'the last value' : `the ${stat === 'min' ? 'least' : 'greatest'} value over the run`}`,
          value: r => metricValue(r, c.name, stat) });
      }
    }
  }
  return out;
}

function hparamValue(r, name, type) {
  const v = r.values ? r.values[name] : undefined;
  if (v === undefined || v === null) return null;
  if (type === 'number') return typeof v === 'number' ? v : num(v);
  return String(v);
}

function metricValue(r, name, stat) {
  const s = r.stats[name];
  if (s) return s[stat];
  return stat === 'last' && name in r.metrics ? r.metrics[name] : null;
}

/** The columns hidden by default: the min and max of each metric. */
export function defaultHidden(cols) {
  return cols.filter(c => c.kind === 'metric' && c.stat !== 'last').map(c => c.id);
}

/** The filters in the URL, or {} when absent or unreadable. */
export function parseFilters(text) {
  if (!text) return {};
  try {
    const f = JSON.parse(text);
    return f && typeof f === 'object' && !Array.isArray(f) ? f : {};
  } catch (e) {
    return {};
  }
}

export function serializeFilters(filters) {
  const kept = Object.entries(filters).filter(([, f]) => f !== null && f !== undefined);
  return kept.length ? JSON.stringify(Object.fromEntries(kept)) : undefined;
}

/** Whether a session passes every filter and the state filter. */
export function passes(row, cols, filters, states) {
  if (states && !states.has(row.state)) return false;
  for (const c of cols) {
    const f = filters[c.id];
    if (!f) continue;
    const v = c.value(row);
    if (Array.isArray(f)) {
      if (typeof v !== 'number' || Number.isNaN(v)) return false;
      if (f[0] !== null && f[0] !== undefined && v < f[0]) return false;
      if (f[1] !== null && f[1] !== undefined && v > f[1]) return false;
    } else if (f && Array.isArray(f.in)) {
      if (!f.in.map(String).includes(String(v))) return false;
    }
  }
  return true;
}

/** The rows sorted by a column: numbers numerically (NaN and missing last), text by locale. */
export function sortRows(rows, col, desc) {
  const key = col.value;
  const missing = v => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
  const out = [...rows];
  out.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (missing(x) || missing(y)) return missing(x) === missing(y) ? 0 : missing(x) ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y
      : String(x).localeCompare(String(y), undefined, { numeric: true });
    return desc ? -c : c;
  });
  return out;
}

/** The distinct values of a discrete column among the rows, with its declared domain. */
export function domainOf(col, rows) {
  const seen = new Set(col.domain || []);
  for (const r of rows) {
    const v = col.value(r);
    if (v !== null && v !== undefined) seen.add(String(v));
  }
  return [...seen].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** The finite [min, max] of a numeric column among the rows, or null. */
export function extentOf(col, rows) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    const v = col.value(r);
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * A number as a plain decimal for CSV: the shortest text that reads back as the same double,
 * without an exponent (1796628416.58, 0.0001, 1e-7 as 0.0000001); NaN and infinities as
 * pandas and R read them.
 */
export function plainNumber(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const [mant, expText] = s.split(/e/i);
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const point = mant.replace('-', '').indexOf('.');
  const intLen = (point < 0 ? mant.replace('-', '').length : point) + exp;
  let out;
  if (intLen <= 0) out = '0.' + '0'.repeat(-intLen) + digits;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = digits.slice(0, intLen) + '.' + digits.slice(intLen);
  return (neg ? '-' : '') + out;
}

function csvField(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return plainNumber(v);
  const s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** The table as CSV (RFC 4180): a header of column labels, then each row's values, every column. */
export function toCsv(cols, rows) {
  const lines = [cols.map(c => csvField(c.kind === 'run' ? 'run' : c.kind === 'state' ? 'status' : csvLabel(c))).join(',')];
  for (const r of rows) lines.push(cols.map(c => csvField(c.value(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A CSV header names the hparam or metric itself (not its display name), metrics' min/max with a suffix. */
function csvLabel(c) {
  if (c.kind === 'hparam') return c.name;
  return c.stat === 'last' ? c.name : `${c.name} (${c.stat})`;
}
