// A plain uPlot line chart for the tabs that draw fixed data (PR curves, custom scalars): column
// data [xs, ys1, ys2, ...] with null for gaps, optional shaded bands between two series, axes in
// the theme's colours. Rebuilt on theme change (uPlot takes colours at creation), resized with its
// box; dragging zooms, double-click resets. The pointer's position in data units goes to
// onHover(u, left, top) (null when the pointer leaves), for tabs that show their own readout.

import uPlot from '../../webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { el, fmt } from '../util.js';
import { themeColors, alpha } from '../theme.js';
import { redrawSoon } from '../schedule.js';
import { followBox } from './chart-box.js';

export class LineChart {
  /**
   * @param parent where the chart goes
   * @param opts {label (for screen readers), xLabel, yLabel, height, xRange, yRange ([min, max] or
   *     undefined for auto), onHover(u, left, top) | null}
   */
  constructor(parent, opts) {
    this.opts = opts;
    this.wrap = el('div', { class: 'line-chart', role: 'img', 'aria-label': opts.label });
    parent.append(this.wrap);
    this.u = null;
    this.model = null;
    this.width = 0;
    this.rebuildNow = () => this.build();
    this.unfollow = followBox(this);
  }

  /**
   * model: {columns: [xs, ys...], series: [{label, color, width, dash, points}], bands: [{upper, lower,
   * color}] with series indexes counted from 1}
   */
  setData(model) {
    this.model = model;
    redrawSoon(this.rebuildNow);
  }

  size() {
    const full = this.wrap.closest('.full');
    return { width: Math.max(100, this.wrap.clientWidth), height: full ? 480 : (this.opts.height || 260) };
  }

  build() {
    if (this.u) {
      this.u.destroy();
      this.u = null;
    }
    const m = this.model;
    if (!m || !this.wrap.isConnected || this.wrap.clientWidth === 0) return;
    const c = themeColors();
    const axis = {
      stroke: c.muted,
      grid: { stroke: c.grid, width: 1 },
      ticks: { stroke: c.grid, width: 1 },
      font: '11px system-ui, sans-serif',
      labelFont: '11px system-ui, sans-serif',
      values: (u, splits) => splits.map(fmt),
    };
    const series = [{ label: this.opts.xLabel }];
    for (const s of m.series) {
      series.push({
        label: s.label,
        stroke: s.color,
        width: s.width ?? 1.5,
        dash: s.dash,
        spanGaps: true,
        points: { show: s.points ?? false, size: 5, stroke: s.color, fill: s.color },
      });
    }
    const bands = (m.bands || []).map(b => ({ series: [b.upper, b.lower], fill: alpha(b.color, 0.18) }));
    const hover = this.opts.onHover;
    const range = r => (r ? (u, min, max) => [r[0], r[1]] : undefined);
    const opts = {
      ...this.size(),
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: true, y: true, uni: 20, setScale: true } },
      scales: { x: { time: false, range: range(this.opts.xRange) }, y: { range: range(this.opts.yRange) } },
      series,
      bands,
      axes: [
        { ...axis, label: this.opts.xLabel },
        { ...axis, size: 52, label: this.opts.yLabel },
      ],
      hooks: hover ? {
        setCursor: [u => {
          const { left, top } = u.cursor;
          hover(u, left == null || left < 0 ? null : left, top == null || top < 0 ? null : top);
        }],
      } : {},
    };
    this.u = new uPlot(opts, m.columns, this.wrap);
    this.width = this.wrap.clientWidth;
  }

  destroy() {
    this.unfollow();
    if (this.u) this.u.destroy();
    this.u = null;
  }
}
