// A canvas chart of one tag's histograms over steps, in offset (ridge) or overlay mode; hovering
// names the step and the bucket under the pointer. Drawing is batched on a microtask and redone
// on resize and theme change.

import { el, fmt } from '../util.js';
import { CanvasBox } from './canvas.js';
import { redrawSoon } from '../schedule.js';
import { themeColors, onThemeChange } from '../theme.js';
import { niceTicks } from './ticks.js';
import { fmtWall } from './format.js';
import { valueRange, rebin, bucketAt, typicalBucketWidth } from './histogram-data.js';
import * as offset from './histogram-offset.js';
import * as overlay from './histogram-overlay.js';

const MODES = { offset, overlay };

export class HistogramChart {
  constructor(parent, { color, label }) {
    this.color = color;
    this.mode = 'offset';
    this.steps = [];
    this.range = null;
    this.rebinned = [];
    this.bins = 0;
    this.ymax = 0;
    this.hover = null;
    this.box = new CanvasBox(parent, { className: 'hist-chart', label });
    this.drawNow = () => this.draw();
    this.box.onResize = () => redrawSoon(this.drawNow);
    this.offTheme = onThemeChange(() => redrawSoon(this.drawNow));
    this.box.canvas.addEventListener('mousemove', e => this.onMove(e));
    this.box.canvas.addEventListener('mouseleave', () => this.setHover(null));
  }

  /** Steps from parseSteps(), oldest first. */
  setData(steps) {
    this.steps = steps;
    this.range = steps.length ? valueRange(steps) : null;
    this.bins = 0;
    this.hover = null;
    this.box.hideTip();
    redrawSoon(this.drawNow);
  }

  setMode(mode) {
    if (!MODES[mode] || mode === this.mode) return;
    this.mode = mode;
    this.setHover(null);
  }

  /** What was drawn, for tests and debugging. */
  chartData() {
    return {
      mode: this.mode, range: this.range, bins: this.bins,
      steps: this.steps.map(s => ({ step: s.step, wallTime: s.wallTime, left: [...s.left], right: [...s.right],
        count: [...s.count] })),
      rebinned: this.rebinned.map(r => [...r]),
      hover: this.hover && { step: this.steps[this.hover.index].step, bin: this.hover.bin },
    };
  }

  layout() {
    const m = MODES[this.mode].margin;
    this.plot = { x0: m.left, x1: this.box.width - m.right, y0: m.top, y1: this.box.height - m.bottom };
    const bins = Math.max(16, Math.min(120, Math.round((this.plot.x1 - this.plot.x0) / 5)));
    if (bins !== this.bins) {
      this.bins = bins;
      const [lo, hi] = this.range;
      const scale = typicalBucketWidth(this.steps, lo, hi) / ((hi - lo) / bins);
      this.rebinned = this.steps.map(s => rebin(s, lo, hi, bins).map(v => v * scale));
      let max = 0;
      for (const r of this.rebinned) for (const v of r) if (v > max) max = v;
      this.ymax = max;
    }
  }

  xOf(v) {
    const [lo, hi] = this.range;
    return this.plot.x0 + (v - lo) / (hi - lo) * (this.plot.x1 - this.plot.x0);
  }

  xOfBin(k) {
    return this.plot.x0 + (k + 0.5) / this.bins * (this.plot.x1 - this.plot.x0);
  }

  binAtX(x) {
    if (x < this.plot.x0 || x > this.plot.x1) return -1;
    return Math.min(this.bins - 1, Math.floor((x - this.plot.x0) / (this.plot.x1 - this.plot.x0) * this.bins));
  }

  valueAtX(x) {
    const [lo, hi] = this.range;
    return lo + (x - this.plot.x0) / (this.plot.x1 - this.plot.x0) * (hi - lo);
  }

  draw() {
    const g = this.box.context();
    if (!g) return;
    const colors = themeColors();
    if (!this.steps.length || !this.range) {
      g.fillStyle = colors.muted;
      g.font = '13px system-ui, sans-serif';
      g.textAlign = 'center';
      g.fillText(this.steps.length ? 'Every bucket is empty' : 'No steps yet', this.box.width / 2, this.box.height / 2);
      return;
    }
    this.layout();
    const mode = MODES[this.mode];
    this.frame = mode.frame(this, this.plot);
    this.drawXAxis(g, colors);
    mode.draw(this, g, this.frame, colors, this.hover);
  }

  drawXAxis(g, colors) {
    const { plot } = this;
    const [lo, hi] = this.range;
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'top';
    g.textAlign = 'center';
    g.strokeStyle = colors.grid;
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(plot.x0, plot.y1 + 0.5);
    g.lineTo(plot.x1, plot.y1 + 0.5);
    g.stroke();
    for (const v of niceTicks(lo, hi, Math.max(2, Math.floor((plot.x1 - plot.x0) / 70)))) {
      const x = this.xOf(v);
      g.beginPath();
      g.moveTo(x, plot.y1);
      g.lineTo(x, plot.y1 + 4);
      g.stroke();
      g.fillStyle = colors.muted;
      g.fillText(fmt(v), x, plot.y1 + 6);
    }
  }

  onMove(e) {
    if (!this.range || !this.frame) return;
    const r = this.box.canvas.getBoundingClientRect();
    const mx = e.clientX - r.left;
    const my = e.clientY - r.top;
    const index = MODES[this.mode].pick(this, this.frame, mx, my);
    if (index < 0) {
      this.setHover(null);
      return;
    }
    this.setHover({ index, bin: this.binAtX(mx), x: mx, y: my });
  }

  setHover(h) {
    const same = (h && this.hover && h.index === this.hover.index && h.bin === this.hover.bin);
    this.hover = h;
    this.box.wrap.dataset.hoverStep = h ? String(this.steps[h.index].step) : '';
    if (!h) {
      this.box.hideTip();
    } else {
      this.showTip(h);
    }
    if (!same) redrawSoon(this.drawNow);
  }

  showTip(h) {
    const s = this.steps[h.index];
    const x = this.valueAtX(h.x);
    const b = bucketAt(s, x);
    const lines = [el('div', { class: 'tip-title', text: `step ${fmt(s.step)}` })];
    if (s.wallTime > 0) lines.push(el('div', { class: 'muted', text: fmtWall(s.wallTime) }));
    if (b >= 0) {
      const share = s.total > 0 ? ` (${fmt(100 * s.count[b] / s.total)}%)` : '';
      lines.push(el('div', { text: `bucket [${fmt(s.left[b])}, ${fmt(s.right[b])}]` }));
      lines.push(el('div', { text: `count ${fmt(s.count[b])}${share}` }));
    } else {
      lines.push(el('div', { text: `value ${fmt(x)}: no bucket` }));
    }
    lines.push(el('div', { class: 'muted', text: `${fmt(s.total)} values in ${s.count.length} buckets` }));
    this.box.showTip(h.x, h.y, ...lines);
  }

  destroy() {
    this.offTheme();
    this.box.destroy();
  }
}
