// The tooltip of a chart: every series at the cursor's x, nearest value to the cursor first, with
// its smoothed value and the nearest real point (a point as logged: its exact step and value, the
// first or last point of the bucket under the cursor), relative time, and, where the chart shows
// buckets of several points, the bucket's min and max, how many points and which steps; plus the
// NaN/Inf marks under the cursor. Dots mark the line values the rows describe.
// Each row (tbody tr) carries data-name (the run or group) and, for a run, data-step and
// data-value (the real point, the value as a JS number's string), and data-count, data-min,
// data-max, data-from, data-to (its steps) of its bucket, for the browser tests.

import { el, clear } from '../util.js';
import { nearest, nearestPoint } from './series.js';
import { fmt, fmtExact, fmtStepFull, fmtHours, fmtWall, fmtMark, shorten } from './format.js';

const MAX_ROWS = 12;
const MARK_PX = 6;

export class Tooltip {
  constructor() {
    this.box = el('div', { class: 'sc-tip', hidden: true, role: 'tooltip' });
    this.dots = [];
  }

  attach(over) {
    over.append(this.box);
    this.over = over;
  }

  hide() {
    this.box.hidden = true;
    for (const d of this.dots) d.hidden = true;
  }

  /** Fills the tooltip for the uPlot cursor; `model` is what the chart drew. */
  update(u, model) {
    const { left, top } = u.cursor;
    if (left === undefined || left === null || left < 0 || !model || model.series.length === 0) {
      this.hide();
      return;
    }
    const xv = u.posToVal(left, 'x');
    const yv = u.posToVal(top, 'y');
    const dist = model.logY ? ((v) => Math.abs(Math.log10(Math.max(v, 1e-300)) - Math.log10(Math.max(yv, 1e-300))))
      : ((v) => Math.abs(v - yv));
    // A series that ends (or starts) well before the cursor has nothing to say about this x.
    const slack = Math.abs(u.posToVal(8, 'x') - u.posToVal(0, 'x'));
    const rows = [];
    for (const s of model.series) {
      const d = s.data;
      const j = nearest(d.xs, xv);
      if (j < 0 || xv < d.xs[0] - slack || xv > d.xs[d.xs.length - 1] + slack) continue;
      const raw = d.raw[j];
      const sm = d.smoothed[j];
      const shown = model.smoothing > 0 ? sm : raw;
      const point = s.grouped ? null : nearestPoint(d, j, xv, model.xAxis, s.origin);
      rows.push({ s, j, raw, sm, shown, point, d: Number.isFinite(shown) ? dist(shown) : Infinity });
    }
    rows.sort((a, b) => a.d - b.d);
    const marks = [];
    for (const s of model.series) {
      for (const m of s.data.marks) {
        const px = u.valToPos(m.x, 'x');
        if (Math.abs(px - left) <= MARK_PX) marks.push({ s, m });
      }
    }
    if (rows.length === 0 && marks.length === 0) {
      this.hide();
      return;
    }
    this.render(rows, marks, model);
    this.place(u, left, top);
    this.placeDots(u, rows.slice(0, MAX_ROWS));
  }

  render(rows, marks, model) {
    const box = this.box;
    clear(box);
    const smoothingOn = model.smoothing > 0;
    const shownRows = rows.slice(0, MAX_ROWS);
    const buckets = shownRows.some(r => r.point && r.s.data.counts[r.j] > 1);
    const head = el('tr', {},
      el('th', {}), el('th', { text: model.grouped ? 'Group' : 'Run' }),
      smoothingOn ? el('th', { text: 'Smoothed' }) : null,
      el('th', { text: 'Value' }), el('th', { text: 'Step' }), el('th', { text: 'Relative' }),
      model.xAxis === 'wall' ? el('th', { text: 'Time' }) : null,
      buckets ? el('th', { text: 'Bucket min – max', title: 'The chart shows the mean of each bucket of points: its min and max, and its points' }) : null);
    const table = el('table', {}, el('thead', {}, head));
    const body = el('tbody');
    shownRows.forEach((r, i) => {
      const d = r.s.data;
      const p = r.point;
      const wall = p ? p.wall : d.walls[r.j];
      const rel = Number.isFinite(r.s.origin) ? (wall - r.s.origin) / 3600 : NaN;
      const n = d.counts[r.j];
      const tr = el('tr', { class: i === 0 ? 'near' : null, 'data-name': r.s.name },
        el('td', {}, el('span', { class: 'swatch', style: { background: r.s.color } })),
        el('td', { class: 'sc-tip-name', text: shorten(r.s.label), title: r.s.title || r.s.label }),
        smoothingOn ? el('td', { class: 'num', text: Number.isFinite(r.sm) ? fmt(r.sm) : '–' }) : null,
        el('td', { class: 'num', text: p ? fmtExact(p.value) : valueText(r, d) }),
        el('td', { class: 'num', text: p ? fmtStepFull(p.step) : stepText(d, r.j) }),
        el('td', { class: 'num', text: fmtHours(rel) }),
        model.xAxis === 'wall' ? el('td', { class: 'num', text: fmtWall(wall) }) : null,
        buckets ? el('td', { class: 'num', text: p && n > 1 ? bucketText(d, r.j) : '' }) : null);
      if (p) {
        tr.dataset.step = String(p.step);
        tr.dataset.value = String(p.value);
        tr.dataset.count = String(n);
        if (n > 1 && Number.isFinite(d.lo[r.j])) {
          tr.dataset.min = String(d.lo[r.j]);
          tr.dataset.max = String(d.hi[r.j]);
          tr.dataset.from = String(d.firstSteps[r.j]);
          tr.dataset.to = String(d.lastSteps[r.j]);
        }
      }
      body.append(tr);
    });
    table.append(body);
    box.append(table);
    if (rows.length > MAX_ROWS) {
      box.append(el('div', { class: 'muted', text: `… ${rows.length - MAX_ROWS} more` }));
    }
    if (marks.length) {
      const list = el('div', { class: 'sc-tip-marks' });
      for (const { s, m } of marks.slice(0, 8)) {
        list.append(el('div', { class: 'mark' },
          el('span', { class: 'swatch', style: { background: s.color } }),
          ` ${fmtMark(m)} · ${model.multiTag ? m.tag + ' · ' : ''}${model.runName ? model.runName(m.run) : m.run}`));
      }
      box.append(list);
    }
    box.hidden = false;
  }

  place(u, left, top) {
    const box = this.box;
    const w = box.offsetWidth;
    const h = box.offsetHeight;
    // Keep it inside the window: right of the cursor, else left of it, else against an edge.
    const r = u.over.getBoundingClientRect();
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    let x = left + 16;
    if (r.left + x + w > vw - 8) x = left - 16 - w;
    if (r.left + x < 8) x = Math.min(8 - r.left, vw - 8 - w - r.left);
    let y = top + 16;
    if (r.top + y + h > vh - 8) y = top - 16 - h;
    if (r.top + y < 56) y = Math.min(56 - r.top, vh - 8 - h - r.top);
    box.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  }

  placeDots(u, rows) {
    while (this.dots.length < rows.length) {
      const d = el('div', { class: 'sc-dot', hidden: true });
      this.over.append(d);
      this.dots.push(d);
    }
    this.dots.forEach((dot, i) => {
      const r = rows[i];
      if (!r || !Number.isFinite(r.shown)) { dot.hidden = true; return; }
      const x = u.valToPos(r.s.data.xs[r.j], 'x');
      const y = u.valToPos(r.shown, 'y');
      if (!Number.isFinite(x) || !Number.isFinite(y) || y < -4 || y > u.over.clientHeight + 4) { dot.hidden = true; return; }
      dot.hidden = false;
      dot.style.background = r.s.color;
      dot.style.transform = `translate(${Math.round(x) - 4}px, ${Math.round(y) - 4}px)`;
    });
  }
}

function stepText(d, j) {
  const a = d.firstSteps[j];
  const b = d.lastSteps[j];
  if (Number.isFinite(a) && Number.isFinite(b) && a !== b) return `${fmtStepFull(a)}–${fmtStepFull(b)}`;
  return fmtStepFull(d.steps[j]);
}

/**
 * A bucket of several points: "0.12 – 0.5 (3 points, steps 10–30)"; its min and max are of the
 * finite values (none drawn for fingerprints, whose buckets show their first point).
 */
function bucketText(d, j) {
  const range = Number.isFinite(d.lo[j]) ? `${fmtExact(d.lo[j])} – ${fmtExact(d.hi[j])} ` : '';
  return `${range}(${fmtStepFull(d.counts[j])} points, steps ${fmtStepFull(d.firstSteps[j])}–${fmtStepFull(d.lastSteps[j])})`;
}

/** The value of a group's point: the members' mean, or the NaN/Inf a point without finite values held. */
function valueText(r, d) {
  const n = d.counts[r.j];
  if (!Number.isFinite(r.raw)) {
    const v = d.last ? d.last[r.j] : NaN;
    return n > 1 ? `${fmt(v)} …` : fmt(v);
  }
  return fmt(r.raw);
}
