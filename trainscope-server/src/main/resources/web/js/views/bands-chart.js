// TensorBoard's distribution chart on uPlot: the nine basis-point values of a histogram over
// time as nested shaded bands around the median (min..max, +-1.5, +-1 and +-0.5 standard
// deviations of a normal distribution), darker towards the middle. Rebuilt on theme change
// (uPlot takes colours at creation), resized with its box, dragging zooms, double-click resets.

import uPlot from '../../webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { el, fmt } from '../util.js';
import { themeColors, alpha } from '../theme.js';
import { redrawSoon } from '../schedule.js';
import { followBox } from './chart-box.js';
import { xValues, fmtX, fmtDuration } from './format.js';
import { drawStepSpan } from './step-span.js';

/** Labels of the nine bands, lowest first, as TensorBoard's basis points 0, 668, ..., 10000. */
export const BAND_LABELS = ['min', '7%', '16%', '31%', 'median', '69%', '84%', '93%', 'max'];

/** Whole steps only on a step axis: 1, 2, 5, 10, 20, 50, ... */
const STEP_INCRS = [];
for (let m = 1; m < 1e16; m *= 10) STEP_INCRS.push(m, 2 * m, 5 * m);

export class BandsChart {
  constructor(parent, { color, label }) {
    this.color = color;
    this.wrap = el('div', { class: 'bands-chart', role: 'img', 'aria-label': label });
    this.legend = el('div', { class: 'bands-legend', 'aria-live': 'off' });
    parent.append(this.wrap, this.legend);
    this.u = null;
    this.data = null;
    this.width = 0;
    this.rebuildNow = () => this.build();
    this.unfollow = followBox(this);
  }

  /** d: {steps, wallTimes, bands[9][n]} with numbers; xAxis: step | relative | wall. */
  setData(d, xAxis) {
    this.data = d;
    this.xAxis = xAxis;
    redrawSoon(this.rebuildNow);
  }

  /**
   * Opens zoomed to steps [x0, x1] with steps [from, to] shaded (a finding's evidence); the shade
   * stays while the user zooms, double-click goes back to [x0, x1]'s whole series as usual.
   */
  setFocus(focus) {
    this.focus = focus;
    redrawSoon(this.rebuildNow);
  }

  setXAxis(xAxis) {
    if (xAxis === this.xAxis) return;
    this.xAxis = xAxis;
    redrawSoon(this.rebuildNow);
  }

  size() {
    const full = this.wrap.closest('.full');
    return { width: Math.max(100, this.wrap.clientWidth), height: full ? 480 : 240 };
  }

  columns() {
    const d = this.data;
    const xs = xValues(this.xAxis, d.steps, d.wallTimes);
    const cols = [xs];
    for (let b = 0; b < 9; b++) cols.push(Array.from(d.bands[b], v => (Number.isFinite(v) ? v : null)));
    return cols;
  }

  build() {
    if (this.u) {
      this.u.destroy();
      this.u = null;
    }
    if (!this.data || !this.wrap.isConnected || this.wrap.clientWidth === 0) return;
    const c = themeColors();
    const mode = this.xAxis;
    const single = this.data.steps.length === 1;
    const axis = {
      stroke: c.muted,
      grid: { stroke: c.grid, width: 1 },
      ticks: { stroke: c.grid, width: 1 },
      font: '11px system-ui, sans-serif',
    };
    const series = [{ label: mode, value: (u, v) => (v === null ? '' : fmtX(mode, v)) }];
    for (let b = 0; b < 9; b++) {
      const median = b === 4;
      const edge = b === 0 || b === 8;
      series.push({
        label: BAND_LABELS[b],
        stroke: median ? this.color : alpha(this.color, edge ? 0.35 : 0),
        width: median ? 1.5 : (edge ? 0.5 : 0),
        // one step draws no band: show its nine values as dots instead
        points: { show: single, size: median ? 7 : 5, stroke: this.color, fill: median ? this.color : alpha(this.color, 0.4) },
        value: (u, v) => fmt(v),
      });
    }
    const bands = [[9, 1], [8, 2], [7, 3], [6, 4]].map(s => ({ series: s, fill: alpha(this.color, 0.17) }));
    const opts = {
      ...this.size(),
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: true, y: false, setScale: true } },
      scales: { x: { time: mode === 'wall' } },
      series,
      bands,
      axes: [
        { ...axis, values: mode === 'relative' ? (u, splits) => splits.map(fmtDuration) : undefined,
          incrs: mode === 'step' ? STEP_INCRS : undefined },
        { ...axis, size: 52, values: (u, splits) => splits.map(fmt) },
      ],
      hooks: { setCursor: [u => this.showLegend(u.cursor.idx)], drawAxes: [u => this.drawFocus(u)] },
    };
    const cols = this.columns();
    this.u = new uPlot(opts, cols, this.wrap);
    const f = this.focus && mode === 'step' ? this.focus : null;
    if (f) this.u.setScale('x', { min: f.x0, max: f.x1 });
    else if (single) this.u.setScale('x', { min: cols[0][0] - 1, max: cols[0][0] + 1 });
    this.width = this.wrap.clientWidth;
    this.showLegend(null);
  }

  /** The focus's steps: a shaded span with dashed edges, under the bands. */
  drawFocus(u) {
    const f = this.focus;
    if (!f || this.xAxis !== 'step') return;
    const c = themeColors();
    drawStepSpan(u, f.from, f.to, alpha(c.accent, 0.12), alpha(c.accent, 0.7));
  }

  /** The nine values at data index i (the latest step when the pointer is away). */
  showLegend(i) {
    const d = this.data;
    const n = d ? d.steps.length : 0;
    if (!n) {
      this.legend.replaceChildren(el('span', { text: 'No steps yet' }));
      return;
    }
    const at = i === null || i === undefined ? n - 1 : i;
    const parts = [el('b', { text: `step ${fmt(d.steps[at])}` })];
    if (this.xAxis !== 'step') parts.push(el('span', { text: fmtX(this.xAxis, xValues(this.xAxis, d.steps, d.wallTimes)[at]) }));
    for (let b = 8; b >= 0; b--) {
      const v = d.bands[b][at];
      parts.push(el('span', { 'data-band': BAND_LABELS[b] }, b === 4 ? el('b', { text: 'median' }) : BAND_LABELS[b], ` ${fmt(v)}`));
    }
    this.legend.replaceChildren(...parts);
    this.legend.dataset.index = String(at);
  }

  destroy() {
    this.unfollow();
    if (this.u) this.u.destroy();
    this.wrap.remove();
    this.legend.remove();
  }
}
