// One uPlot chart of a card. Per series two uPlot lines: the raw values, faint, and the smoothed
// ones on top (only the raw line at full strength when smoothing is off). Drawn by hand on the
// same canvas: the min-max band of each series under the lines (buckets' min and max, or a run
// group's spread), and markers for NaN and infinite values at the plot's top and bottom edges.
// Dragging selects a range to zoom into (the card then fetches finer buckets for it), a double
// click goes back to the whole series. The y-range is computed here over the points in view.
// The y-axis labels share one number format (axisFormat). A model with `pointsOnly` (batch
// fingerprints) draws each series as its points, without lines.

import uPlot from '../../webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { theme, withAlpha } from './theme.js';
import { yRange, logSplits } from './yrange.js';
import { Tooltip } from './tooltip.js';
import { fmt, fmtStepTicks, axisFormat } from './format.js';
import { drawStepSpan } from '../views/step-span.js';

const MIN_SELECT_PX = 5;

/** Tick spacings of a step axis: whole steps only. */
const STEP_INCRS = [];
for (let e = 0; e <= 15; e++) for (const m of [1, 2, 5]) STEP_INCRS.push(m * Math.pow(10, e));

function axisSize(u, values, axisIdx, cycleNum) {
  const axis = u.axes[axisIdx];
  if (cycleNum > 1) return axis._size;
  let size = axis.ticks.size + axis.gap;
  const longest = (values || []).reduce((acc, v) => (String(v).length > acc.length ? String(v) : acc), '');
  if (longest) {
    u.ctx.font = axis.font[0];
    size += u.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size) + 4;
}

/** What decides the uPlot instance's shape; anything else is a setData. */
function structure(m) {
  return [m.xAxis, m.logY, m.smoothing > 0, !!m.pointsOnly, ...m.series.map(s => `${s.key}|${s.color}|${s.dash.join(',')}`)].join('\n');
}

export class Chart {
  /** `host` is an empty element; handlers: onZoom(x0, x1), onReset(). */
  constructor(host, handlers) {
    this.host = host;
    this.handlers = handlers;
    this.u = null;
    this.model = null;
    this.key = null;
    this.tooltip = new Tooltip();
  }

  render(model) {
    this.model = model;
    const key = structure(model);
    const data = this.data(model);
    if (this.u && key === this.key) {
      this.u.batch(() => {
        const { width } = this.size();
        if (width !== this.u.width || model.height !== this.u.height) this.u.setSize({ width, height: model.height });
        this.u.setData(data, true);
      });
      if (!this.tooltip.box.hidden) this.tooltip.update(this.u, model);
      return;
    }
    this.destroy();
    this.key = key;
    this.u = new uPlot(this.options(model), data, this.host);
    this.tooltip = new Tooltip();
    this.tooltip.attach(this.u.over);
  }

  size() {
    return { width: Math.max(200, Math.floor(this.host.clientWidth || 400)) };
  }

  resize() {
    if (!this.u || !this.model) return;
    const { width } = this.size();
    if (width !== this.u.width || this.model.height !== this.u.height) {
      this.u.setSize({ width, height: this.model.height });
    }
  }

  /** Redraws with the current theme colours. */
  redraw() {
    if (this.u && this.model) {
      const m = this.model;
      this.destroy();
      this.render(m);
    }
  }

  destroy() {
    if (this.u) {
      this.u.destroy();
      this.u = null;
    }
    this.key = null;
  }

  /** Width of the plot area in CSS pixels: how many buckets to ask for. */
  plotWidth() {
    if (this.u) return Math.round(this.u.bbox.width / devicePixelRatio);
    return Math.max(100, this.size().width - 70);
  }

  data(model) {
    const out = [model.joined.x];
    for (const c of model.joined.cols) {
      out.push(c.raw);
      if (model.smoothing > 0) out.push(c.smoothed);
    }
    return out;
  }

  options(model) {
    const smoothingOn = model.smoothing > 0;
    const series = [{}];
    for (const s of model.series) {
      if (model.pointsOnly) {
        series.push({ label: s.label, stroke: s.color, fill: s.color, width: 1, paths: () => null,
          points: { show: true, size: 4, width: 1, stroke: s.color, fill: s.color } });
        continue;
      }
      series.push({
        label: s.label,
        stroke: smoothingOn ? withAlpha(s.color, theme.dark ? 0.35 : 0.28) : s.color,
        width: smoothingOn ? 1 : 1.5,
        dash: s.dash,
        spanGaps: true,
        points: smoothingOn ? { show: false } : { size: 5 },
      });
      if (smoothingOn) {
        series.push({ label: s.label + ' (smoothed)', stroke: s.color, width: 1.75, dash: s.dash, spanGaps: true,
          points: { size: 5 } });
      }
    }
    const axisBase = {
      stroke: () => theme.muted,
      grid: { stroke: () => theme.grid, width: 1 },
      ticks: { stroke: () => theme.grid, width: 1, size: 4 },
      font: '11px system-ui, sans-serif',
    };
    const xAxis = { ...axisBase, size: model.xAxis === 'wall' ? 44 : 30,
      // Huge steps with small spacing are labelled in full ("1,099,511,627,776"): give them room.
      space: (u, i, min, max) => (model.xAxis === 'step' && Math.max(Math.abs(min), Math.abs(max)) >= 1e9 && max - min < 1e5 ? 150 : 70) };
    if (model.xAxis === 'step') {
      xAxis.values = (u, splits, i, space, incr) => fmtStepTicks(splits, incr);
      xAxis.incrs = STEP_INCRS;
    }
    if (model.xAxis === 'relative') xAxis.values = (u, splits) => splits.map(v => `${fmt(v)}h`);
    const yAxis = { ...axisBase, size: axisSize, space: 30, values: (u, splits) => axisFormat(splits).labels };
    if (model.logY) {
      yAxis.splits = (u, i, min, max) => logSplits(min, max);
      yAxis.filter = (u, splits) => splits;
    }
    return {
      width: this.size().width,
      height: model.height,
      legend: { show: false },
      padding: [10, 20, 0, 0],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { show: false },
        bind: { dblclick: () => null },
      },
      scales: {
        x: { time: model.xAxis === 'wall', range: (u, min, max) => this.xRange(min, max) },
        y: model.logY ? { distr: 3, log: 10, range: u => this.yRange(u) } : { range: u => this.yRange(u) },
      },
      axes: [xAxis, yAxis],
      series,
      hooks: {
        drawAxes: [u => this.drawBands(u)],
        draw: [u => this.drawMarks(u)],
        setSelect: [u => this.selected(u)],
        setCursor: [u => this.tooltip.update(u, this.model)],
        ready: [u => {
          u.over.addEventListener('dblclick', () => this.handlers.onReset());
          u.over.addEventListener('mouseleave', () => this.tooltip.hide());
        }],
      },
    };
  }

  xRange(min, max) {
    const z = this.model && this.model.zoom;
    if (z) return [z.x0, z.x1];
    // From the data, not uPlot's guess: it widens a single point to [0, 2x].
    const x = this.model ? this.model.joined.x : [];
    if (x.length) {
      min = x[0];
      max = x[x.length - 1];
    }
    if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
    if (min === max) {
      const d = this.model.xAxis === 'wall' ? 60 : this.model.xAxis === 'relative' ? 0.01 : 1;
      return [min - d, max + d];
    }
    return [min, max];
  }

  yRange(u) {
    const m = this.model;
    const n = m.joined.x.length;
    if (n === 0) return m.logY ? [1, 10] : [0, 1];
    let [i0, i1] = u.series[0].idxs || [0, n - 1];
    if (!(i0 >= 0) || !(i1 < n) || i1 < i0) { i0 = 0; i1 = n - 1; }
    const cols = m.joined.cols.map((c, k) => (m.series[k].band ? c : { raw: c.raw, smoothed: c.smoothed, lo: [], hi: [] }));
    return yRange(cols, i0, i1, { logY: m.logY, ignoreOutliers: m.ignoreOutliers });
  }

  selected(u) {
    const sel = u.select;
    if (sel.width >= MIN_SELECT_PX) {
      const x0 = u.posToVal(sel.left, 'x');
      const x1 = u.posToVal(sel.left + sel.width, 'x');
      u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      if (x1 > x0) this.handlers.onZoom(x0, x1);
    }
  }

  /** Min-max bands, under the lines: one polygon per series through its bucket maxima, back through the minima. */
  drawBands(u) {
    const m = this.model;
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    if (m.highlight) this.drawHighlight(u);
    const x = m.joined.x;
    const n = x.length;
    if (n === 0) return;
    let [i0, i1] = u.series[0].idxs || [0, n - 1];
    i0 = Math.max(0, i0 - 1);
    i1 = Math.min(n - 1, i1 + 1);
    const bottom = top + height;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    m.series.forEach((s, k) => {
      if (!s.band) return;
      const { lo, hi } = m.joined.cols[k];
      const up = [];
      const down = [];
      for (let i = i0; i <= i1; i++) {
        if (hi[i] === null) continue;
        const px = u.valToPos(x[i], 'x', true);
        up.push(px, u.valToPos(hi[i], 'y', true));
        down.push(px, lo[i] === null ? bottom : u.valToPos(lo[i], 'y', true));
      }
      if (up.length === 0) return;
      ctx.beginPath();
      if (up.length === 2) {
        // A single bucket: a vertical bar from min to max.
        ctx.moveTo(up[0] - 1, up[1]);
        ctx.lineTo(up[0] + 1, up[1]);
        ctx.lineTo(down[0] + 1, down[1]);
        ctx.lineTo(down[0] - 1, down[1]);
      } else {
        ctx.moveTo(up[0], up[1]);
        for (let i = 2; i < up.length; i += 2) ctx.lineTo(up[i], up[i + 1]);
        for (let i = down.length - 2; i >= 0; i -= 2) ctx.lineTo(down[i], down[i + 1]);
      }
      ctx.closePath();
      ctx.fillStyle = withAlpha(s.color, s.groupBand ? (theme.dark ? 0.3 : 0.22) : 0.2);
      ctx.fill();
      if (!s.groupBand && up.length > 2) {
        // The envelope's edges keep a one-bucket spike visible however thin its triangle.
        ctx.lineWidth = devicePixelRatio;
        ctx.lineJoin = 'round';
        ctx.strokeStyle = withAlpha(s.color, 0.5);
        ctx.setLineDash([]);
        for (const edge of [up, down]) {
          ctx.beginPath();
          ctx.moveTo(edge[0], edge[1]);
          for (let i = 2; i < edge.length; i += 2) ctx.lineTo(edge[i], edge[i + 1]);
          ctx.stroke();
        }
      }
    });
    ctx.restore();
  }

  /** A finding's steps: a shaded span with edges, under the lines. */
  drawHighlight(u) {
    const h = this.model.highlight;
    const accent = theme.accent || '#e8590c';
    drawStepSpan(u, h.x0, h.x1, withAlpha(accent, theme.dark ? 0.16 : 0.12), withAlpha(accent, 0.7));
  }

  /** NaN and ±Inf: a triangle at the top edge for +Inf, at the bottom for -Inf, a ring at the top for NaN. */
  drawMarks(u) {
    const m = this.model;
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const r = 4.5 * devicePixelRatio;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left - r, top - r, width + 2 * r, height + 2 * r);
    ctx.clip();
    for (const s of m.series) {
      for (const mk of s.data.marks) {
        const px = u.valToPos(mk.x, 'x', true);
        if (!(px >= left - 1 && px <= left + width + 1)) continue;
        ctx.strokeStyle = withAlpha(s.color, 0.45);
        ctx.lineWidth = 1;
        ctx.setLineDash([2 * devicePixelRatio, 3 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(px, top);
        ctx.lineTo(px, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = s.color;
        ctx.strokeStyle = theme.card;
        ctx.lineWidth = 1.5;
        if (mk.posInf) {
          const y = top + r * 0.6;
          ctx.beginPath();
          ctx.moveTo(px, y - r * 0.6);
          ctx.lineTo(px + r, y + r * 1.2);
          ctx.lineTo(px - r, y + r * 1.2);
          ctx.closePath();
          ctx.stroke();
          ctx.fill();
        }
        if (mk.negInf) {
          const y = top + height - r * 0.6;
          ctx.beginPath();
          ctx.moveTo(px, y + r * 0.6);
          ctx.lineTo(px + r, y - r * 1.2);
          ctx.lineTo(px - r, y - r * 1.2);
          ctx.closePath();
          ctx.stroke();
          ctx.fill();
        }
        if (mk.nan) {
          const y = top + r * (mk.posInf ? 3.4 : 1.2);
          ctx.beginPath();
          ctx.arc(px, y, r * 0.8, 0, 2 * Math.PI);
          ctx.fillStyle = theme.card;
          ctx.fill();
          ctx.strokeStyle = s.color;
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.stroke();
        }
      }
    }
    ctx.restore();
  }
}
