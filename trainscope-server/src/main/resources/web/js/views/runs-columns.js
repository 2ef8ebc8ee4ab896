// The Runs table's columns and its sort. A column (see virtual-table.js) gives the text used for
// widths, the cell shown, and the value sorted by; missing values sort last in both directions,
// and ties fall back to the run name.

import { el, fmt } from '../util.js';
import { num } from '../api.js';
import { fmtWall, fmtDuration } from './format.js';

/** An integer with thousands separators (toLocaleString is far too slow for thousands of cells). */
export const count = v => (v === null || v === undefined || Number.isNaN(v) ? ''
  : String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ','));

const missing = v => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) || v === '';
const collator = new Intl.Collator(undefined, { numeric: true });

/**
 * A run whose last event is at most this old (seconds) is taken as still training, until the server
 * says its own window (/api/hparams' liveSeconds, by which it judges sessions): one window for both tabs.
 */
const DEFAULT_LIVE_SECONDS = 600;

/**
 * The run first, then what people compare runs by, results before settings: the status, the
 * session metrics, the last values of the chosen tags, then the hyperparameters; then the run's
 * bookkeeping (steps, times, events, files, problems). The results stay in view beside the run's
 * name however many hyperparameters there are.
 *
 * @param rows the table's rows (buildRow)
 * @param tags the scalar tags whose last values are columns
 * @param hpTable /api/hparams, or null to leave out hyperparameters, metrics and status
 * @param values LastValues
 */
export function runColumns({ rows, tags, hpTable, values, runColor, runName = run => run, onProblems, now = Date.now() / 1000,
  seen = () => NaN }) {
  const cols = [
    { id: 'name', label: 'Run', text: r => runName(r.run), value: r => runName(r.run), minWidth: 160, maxWidth: 320, extra: 18,
      cell: r => el('span', { class: 'run-cell', title: r.run },
        el('span', { class: 'swatch', style: { background: runColor(r.run) } }),
        el('span', { class: 'run-name', text: runName(r.run) })) },
  ];
  const live = hpTable && hpTable.liveSeconds > 0 ? hpTable.liveSeconds : DEFAULT_LIVE_SECONDS;
  const status = r => statusOf(r, now, seen(r.run), live);
  cols.push({ id: 'status', label: 'Status', maxWidth: 110,
    title: 'The session\'s end as logged (hparams); running: no end logged and an event in the last '
      + `${live / 60} minutes; finished?: a session that logged no end and has been silent longer`,
    text: r => status(r).text, value: r => status(r).text || null,
    cell: r => {
      const s = status(r);
      return s.text ? el('span', { class: `run-status status-${s.cls || s.text}`, text: s.text, title: s.title }) : '';
    } });
  if (hpTable) metricColumns(cols, rows, hpTable);
  for (const tag of tags) {
    const get = r => (r.scalarTags.has(tag) ? values.get(r.run, tag) : undefined);
    cols.push({ id: `s:${tag}`, label: tag, num: true, title: `Last value of ${tag}`, maxWidth: 200,
      text: r => { const v = get(r); return !r.scalarTags.has(tag) ? '' : v ? fmt(v.value) : '…'; },
      value: r => { const v = get(r); return v ? v.value : null; },
      cell: r => {
        const v = get(r);
        if (!r.scalarTags.has(tag)) return '';
        if (!v) return el('span', { class: 'muted', text: '…' });
        if (v.error) return el('span', { class: 'error', text: 'error', title: v.error });
        return el('span', { text: fmt(v.value), title: `${tag} = ${v.value} at step ${v.step}` });
      } });
  }
  if (hpTable) hparamColumns(cols, rows, hpTable);
  const meta = [
    { id: 'first', label: 'First step', num: true, text: r => count(r.first), value: r => r.first },
    { id: 'last', label: 'Last step', num: true, text: r => count(r.last), value: r => r.last },
    { id: 'start', label: 'Started', text: r => fmtWall(r.start), value: r => r.start, title: 'Wall time of the first event' },
    { id: 'duration', label: 'Duration', num: true, text: r => fmtDuration(r.duration), value: r => r.duration,
      title: 'From the first to the last event' },
    { id: 'events', label: 'Events', num: true, text: r => count(r.events), value: r => r.events },
    { id: 'files', label: 'Files', num: true, text: r => count(r.files), value: r => r.files, title: 'Event files' },
    { id: 'problems', label: 'Problems', num: true, text: r => count(r.problems), value: r => r.problems,
      title: 'Damage found while reading the event files',
      cell: r => (r.problems > 0
        ? el('button', { type: 'button', class: 'link problems', text: `${count(r.problems)} ⚠`,
          title: 'Show the problems', onclick: () => onProblems(r.run) })
        : '0') },
  ];
  return cols.concat(meta);
}

function hparamColumns(cols, rows, hpTable) {
  const present = (key, name) => rows.some(r => r.hp && !missing(r.hp[key][name]));
  for (const name of hpTable.hparams.filter(n => present('values', n))) {
    const get = r => (r.hp ? r.hp.values[name] : undefined);
    cols.push({ id: `h:${name}`, label: name, title: `Hyperparameter ${name}`, maxWidth: 220,
      num: rows.some(r => typeof get(r) === 'number'),
      text: r => hpText(get(r)), value: r => sortable(get(r)), cell: r => hpCell(r, hpText(get(r))) });
  }
}

function metricColumns(cols, rows, hpTable) {
  const present = name => rows.some(r => r.hp && !missing(r.hp.metrics[name]));
  for (const name of hpTable.metrics.filter(present)) {
    const get = r => (r.hp ? num(r.hp.metrics[name]) : undefined);
    const text = r => (missing(get(r)) ? '' : fmt(get(r)));
    cols.push({ id: `m:${name}`, label: name, num: true, title: `Metric ${name}: its last value in the session`,
      maxWidth: 200, text, value: r => get(r), cell: r => hpCell(r, text(r)) });
  }
}

/** The metrics of /api/hparams shown as columns for these rows. */
export function metricNames(rows, hpTable) {
  return hpTable.metrics.filter(name => rows.some(r => r.hp && !missing(r.hp.metrics[name])));
}

/** Rows sorted by a column; missing values last either way, ties by run name. */
export function sortBy(rows, col, reverse) {
  const keyed = rows.map(r => [col.value(r), r]);
  const dir = reverse ? -1 : 1;
  keyed.sort((a, b) => {
    const ma = missing(a[0]);
    const mb = missing(b[0]);
    if (ma || mb) return ma && mb ? collator.compare(a[1].run, b[1].run) : (ma ? 1 : -1);
    const c = typeof a[0] === 'number' && typeof b[0] === 'number'
      ? a[0] - b[0] : collator.compare(String(a[0]), String(b[0]));
    return c !== 0 ? c * dir : collator.compare(a[1].run, b[1].run);
  });
  return keyed.map(k => k[1]);
}

/** A value taken from a timestamp-named sub-run's session is shown in italics, saying so. */
function hpCell(r, text) {
  if (!text) return '';
  return r.hp && r.hp.from ? el('span', { class: 'inherited', text, title: `from the session in ${r.hp.from}` }) : text;
}

function hpText(v) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || v === 'NaN' || v === 'Infinity' || v === '-Infinity') return fmt(num(v));
  return String(v);
}

function sortable(v) {
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return num(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/**
 * A run's status: the end its session logged (success, failure, aborted); else running when its
 * last event (its wall time, or when the page last heard of new steps: `seen`, in seconds) is at
 * most `live` seconds old; else, for a session that logged no end, finished? (the HParams tab's
 * word and rule for it). {text, title}.
 */
export function statusOf(r, now, seen = NaN, live = DEFAULT_LIVE_SECONDS) {
  const hp = r.hp;
  if (hp && hp.status) {
    return { text: hp.status.replace(/^STATUS_/, '').toLowerCase(),
      title: `The session's end, as logged${hp.from ? ` (in ${hp.from})` : ''}` };
  }
  const age = now - Math.max(Number.isFinite(r.end) ? r.end : -Infinity, Number.isFinite(seen) ? seen : -Infinity);
  if (Number.isFinite(age) && age <= live) {
    return { text: 'running', title: `No end logged; the last event came ${fmtAge(Math.max(0, age))} ago` };
  }
  if (hp) {
    return { text: 'finished?', cls: 'inferred', title: 'The session logged no end, and no event came in the last '
      + `${live / 60} minutes: taken to have finished (it may have stopped without saying how, or be paused)` };
  }
  return { text: '', title: '' };
}

function fmtAge(s) {
  return s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}
