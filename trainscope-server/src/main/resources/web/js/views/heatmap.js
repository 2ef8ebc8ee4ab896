// A heatmap of one per-layer quantity over steps (from /api/layers): a row per layer, input at
// the top, step buckets across. Cells are coloured on a perceptual scale (log10 for quantities
// that span decades); cells without a value stay empty. Rows named in `marks` carry the findings
// on that layer: a badge by the label and an outline over the finding's step range.
//
// DOM for tests: div.heatmap[data-role] holding div.hm-label[data-row][data-layer] per row
// (data-finding="<severity>" on marked rows) and a canvas; el.__chartData = {role, rows, steps,
// values, scale: {log, lo, hi}}.

import { CanvasBox } from './canvas.js';
import { el, fmt } from '../util.js';
import { themeColors } from '../theme.js';
import { testHook } from '../testhooks.js';

const ROW_H = 18;
// viridis at five stops: dark (low) to bright (high)
const STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

export function colorAt(t) {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const c = STOPS[i].map((v, k) => Math.round(v + (STOPS[i + 1][k] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The colour scale of a heatmap: log10 over the positive finite values, or linear [0, 1] for fractions. */
export function scaleOf(role, values) {
  const log = role !== 'dead_units';
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of values) {
    for (const v of row) {
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      const x = log ? Math.log10(v) : v;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  if (!log) return { log, lo: 0, hi: 1 };
  if (!Number.isFinite(lo)) return { log, lo: 0, hi: 1 };
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  return { log, lo, hi };
}

/** Where v sits on the scale, 0..1, or null when it has no colour (missing, or <= 0 on a log scale). */
export function position(scale, v) {
  if (!Number.isFinite(v)) return null;
  if (scale.log) {
    if (v <= 0) return 0;
    return (Math.log10(v) - scale.lo) / (scale.hi - scale.lo);
  }
  return (v - scale.lo) / (scale.hi - scale.lo);
}

export class Heatmap {
  /** map = {role, layers, tags, steps, values}; title; marks = [{row, severity, fromStep, toStep, summary}]. */
  constructor(parent, map, title, lastStep, marks) {
    this.map = map;
    this.lastStep = lastStep;
    this.marks = marks;
    this.rows = map.tags.map(rowLabel);
    this.scale = scaleOf(map.role, map.values);
    const n = this.rows.length;
    const labels = el('div', { class: 'hm-labels' });
    this.rows.forEach((label, i) => {
      const mk = marks.filter(m => m.row === i);
      const worst = mk.find(m => m.severity === 'error') || mk.find(m => m.severity === 'warning') || mk[0];
      const node = el('div', { class: 'hm-label', 'data-row': String(i), 'data-layer': map.layers[i], title: map.tags[i],
        style: { height: `${ROW_H}px` } }, el('span', { class: 'hm-label-text', text: label }));
      if (worst) {
        node.dataset.finding = worst.severity;
        node.append(el('span', { class: `sev sev-${worst.severity}`, text: '!', title: mk.map(m => m.summary).join('\n') }));
      }
      labels.append(node);
    });
    const plot = el('div', { class: 'hm-plot', style: { height: `${n * ROW_H}px` } });
    this.box = new CanvasBox(plot, { className: 'hm-canvas', label: `${title} heatmap` });
    this.box.wrap.style.height = `${n * ROW_H}px`;
    const legend = this.legend();
    const steps = el('div', { class: 'hm-steps muted' }, el('span', { text: `step ${fmt(map.steps[0] ?? 0)}` }),
      el('span', { text: `${fmt(lastStep)}` }));
    this.el = el('div', { class: 'heatmap', 'data-role': map.role },
      el('div', { class: 'hm-title' }, el('strong', { text: title }), legend),
      el('div', { class: 'hm-body' }, labels, el('div', { class: 'hm-right' }, plot, steps)));
    testHook(this.el, '__chartData', () => ({
      role: map.role, rows: [...this.rows], layers: [...map.layers], steps: [...map.steps],
      values: map.values.map(r => [...r]), scale: { ...this.scale }, marks: marks.map(m => ({ ...m })) }));
    parent.append(this.el);
    this.box.onResize = () => this.draw();
    this.box.canvas.addEventListener('mousemove', e => this.hover(e));
    this.box.canvas.addEventListener('mouseleave', () => this.box.hideTip());
  }

  legend() {
    const s = this.scale;
    const bar = el('span', { class: 'hm-legend-bar', style: {
      background: `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(colorAt).join(', ')})` } });
    const lo = s.log ? 10 ** s.lo : s.lo;
    const hi = s.log ? 10 ** s.hi : s.hi;
    return el('span', { class: 'hm-legend muted' }, el('span', { text: fmt(lo) }), bar,
      el('span', { text: fmt(hi) + (s.log ? ' (log)' : '') }));
  }

  draw() {
    const g = this.box.context();
    if (!g) return;
    const { width } = this.box;
    const m = this.map;
    const cols = m.steps.length;
    const cw = width / Math.max(1, cols);
    const colors = themeColors();
    for (let r = 0; r < m.values.length; r++) {
      const row = m.values[r];
      for (let c = 0; c < cols; c++) {
        const p = position(this.scale, row[c]);
        if (p === null) continue;
        g.fillStyle = colorAt(p);
        // a hair wider than the cell, so no seams show between columns
        g.fillRect(Math.floor(c * cw), r * ROW_H, Math.ceil(cw) + 1, ROW_H - 1);
      }
    }
    const first = m.steps[0] ?? 0;
    const span = Math.max(1, this.lastStep - first + 1);
    for (const mk of this.marks) {
      const x0 = ((mk.fromStep - first) / span) * width;
      const x1 = ((mk.toStep + 1 - first) / span) * width;
      g.strokeStyle = mk.severity === 'info' ? colors.muted : colors.error;
      g.lineWidth = 2;
      g.strokeRect(Math.max(1, x0), mk.row * ROW_H + 1, Math.max(3, Math.min(width - 1, x1) - Math.max(1, x0)), ROW_H - 3);
    }
  }

  hover(e) {
    const rect = this.box.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const m = this.map;
    const r = Math.floor(y / ROW_H);
    const c = Math.floor((x / Math.max(1, this.box.width)) * m.steps.length);
    if (r < 0 || r >= m.values.length || c < 0 || c >= m.steps.length) {
      this.box.hideTip();
      return;
    }
    const end = c + 1 < m.steps.length ? m.steps[c + 1] - 1 : this.lastStep;
    const v = m.values[r][c];
    this.box.showTip(x, y, el('div', { text: m.tags[r] }),
      el('div', { class: 'muted', text: `steps ${fmt(m.steps[c])}–${fmt(end)}` }),
      el('div', { text: Number.isFinite(v) ? fmt(v) : 'no value' }));
  }

  destroy() {
    this.box.destroy();
    this.el.remove();
  }
}

/** A row's label: the tag without its role prefix (grad_norm/conv2d_1/bias -> conv2d_1/bias). */
export function rowLabel(tag) {
  const i = tag.indexOf('/');
  return i > 0 && i < tag.length - 1 ? tag.slice(i + 1) : tag;
}
