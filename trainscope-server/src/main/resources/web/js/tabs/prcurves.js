// The PR Curves tab, as TensorBoard's pr_curves dashboard: one chart per pr_curve tag with the
// selected runs overlaid, precision (y) against recall (x), one point per threshold. A step slider
// per tag runs over the steps any run holds; each run shows its curve at the latest step at or
// before the chosen one (its first step when it has none so early). Pointing at the chart shows the
// nearest point's run, step, threshold, precision, recall and TP/FP/TN/FN counts. Runs are named by
// their display names (the folder name on hover).
//
// The tensor behind a curve (TensorBoard's pr_curves plugin) is [6, n] floats: rows TP, FP, TN, FN,
// precision, recall at the thresholds i / (n - 1), i = 0..n-1.
//
// For tests (../testhooks.js): each chart is div.card.pr-card[data-tab=prcurves][data-tag]
// [data-runs=JSON][data-state=loading|ready|error] with input.step-range and div.pr-readout;
// card.__chartData = {tag, steps, selectedStep, runs: [{run, step, thresholds, precision, recall, tp,
// fp, tn, fn, drawn: {x, y}}], hover: {run, step, index, threshold, precision, recall, tp, fp, tn,
// fn} | null}, where drawn are the points in the chart's own data (uPlot's columns), in drawing
// order; card.__pointAt(run, index) gives the page coordinates of a point.

import { el, fmt, clear } from '../util.js';
import { num } from '../api.js';
import { StepSlider } from '../views/step-slider.js';
import { LineChart } from '../views/line-chart.js';
import { testHook } from '../testhooks.js';
import { runLabel } from '../colors.js';

/** A pointer further than this many CSS pixels from every point shows no readout. */
const HOVER_PX = 40;

class PrCard {
  constructor(ctx, tag) {
    this.ctx = ctx;
    this.tag = tag;
    this.runs = [];
    this.curves = new Map();   // run -> [{step, wallTime, tp, fp, tn, fn, precision, recall}] in step order
    this.shown = [];           // [{run, curve}] drawn at the chosen step
    this.hover = null;
    this.stale = true;
    this.el = el('div', { class: 'card tab-card pr-card', 'data-tab': 'prcurves', 'data-tag': tag, 'data-state': 'idle' },
      el('div', { class: 'card-head' }, el('span', { class: 'card-title', text: tag, title: tag })));
    this.slider = new StepSlider(this.el, { label: `Step of ${tag}`, onChange: () => this.draw() });
    this.chart = new LineChart(this.el, { label: `Precision against recall of ${tag}`, xLabel: 'recall',
      yLabel: 'precision', xRange: [0, 1.02], yRange: [0, 1.02], onHover: (u, x, y) => this.onHover(u, x, y) });
    this.legend = el('div', { class: 'pr-legend' });
    this.readout = el('div', { class: 'pr-readout muted', 'aria-live': 'polite' });
    this.note = el('div', { class: 'card-note', role: 'status' });
    this.el.append(this.legend, this.readout, this.note);
    testHook(this.el, '__chartData', () => this.chartData());
    testHook(this.el, '__pointAt', () => (run, i) => this.pointAt(run, i));
  }

  setRuns(runs) {
    const key = JSON.stringify(runs);
    if (key === this.el.dataset.runs) return;
    this.runs = runs;
    this.el.dataset.runs = key;
    this.stale = true;
  }

  async load() {
    this.stale = false;
    this.el.dataset.state = 'loading';
    try {
      const answers = await Promise.all(this.runs.map(run => this.ctx.api.prCurves(run, this.tag)));
      this.curves = new Map();
      answers.forEach((a, k) => this.curves.set(this.runs[k], a.steps.map(s => ({
        step: s.step, wallTime: s.wallTime,
        tp: s.truePositives.map(num), fp: s.falsePositives.map(num), tn: s.trueNegatives.map(num),
        fn: s.falseNegatives.map(num), precision: s.precision.map(num), recall: s.recall.map(num),
      }))));
      const steps = new Map();
      for (const list of this.curves.values()) for (const c of list) if (!steps.has(c.step)) steps.set(c.step, c.wallTime);
      const sorted = [...steps.keys()].sort((a, b) => a - b);
      this.slider.setSteps(sorted, sorted.map(s => steps.get(s)));
      this.note.textContent = '';
      this.draw();
      this.el.dataset.state = 'ready';
    } catch (e) {
      this.el.dataset.state = 'error';
      this.note.textContent = e.message;
      this.note.classList.add('error');
    }
  }

  /** The curves at the chosen step, as chart columns: every run's points in one x-sorted table. */
  draw() {
    const chosen = this.slider.step();
    this.shown = [];
    for (const run of this.runs) {
      const list = this.curves.get(run) || [];
      if (!list.length) continue;
      let curve = list[0];
      for (const c of list) if (chosen !== null && c.step <= chosen) curve = c;
      this.shown.push({ run, curve });
    }
    // each curve from its highest threshold to its lowest: recall never falls along that way
    const rows = [];
    this.shown.forEach(({ curve }, k) => {
      for (let i = curve.recall.length - 1; i >= 0; i--) {
        const x = curve.recall[i];
        const y = curve.precision[i];
        if (Number.isFinite(x) && Number.isFinite(y)) rows.push([x, k, y]);
      }
    });
    rows.sort((a, b) => a[0] - b[0]);
    const columns = [rows.map(r => r[0])];
    this.shown.forEach((s, k) => columns.push(rows.map(r => (r[1] === k ? r[2] : null))));
    this.chart.setData({
      columns,
      series: this.shown.map(({ run }) => ({ label: this.ctx.runName(run), color: this.ctx.runColor(run), points: true })),
    });
    this.legend.replaceChildren(...this.shown.map(({ run, curve }) => el('span', { class: 'pr-legend-item' },
      el('span', { class: 'swatch', style: { background: this.ctx.runColor(run) } }),
      runLabel(run), ` (step ${fmt(curve.step)})`)));
    this.showHover(null);
  }

  onHover(u, left, top) {
    if (left === null || top === null) {
      this.showHover(null);
      return;
    }
    let best = null;
    let bestD = HOVER_PX * HOVER_PX;
    this.shown.forEach(({ run, curve }) => {
      for (let i = 0; i < curve.recall.length; i++) {
        if (!Number.isFinite(curve.recall[i]) || !Number.isFinite(curve.precision[i])) continue;
        const dx = u.valToPos(curve.recall[i], 'x') - left;
        const dy = u.valToPos(curve.precision[i], 'y') - top;
        const d = dx * dx + dy * dy;
        if (d < bestD) {
          bestD = d;
          best = { run, curve, index: i };
        }
      }
    });
    this.showHover(best);
  }

  showHover(p) {
    if (!p) {
      this.hover = null;
      this.readout.textContent = 'Point at a curve for its threshold, precision, recall and counts.';
      return;
    }
    const c = p.curve;
    const i = p.index;
    const n = c.recall.length;
    this.hover = { run: p.run, step: c.step, index: i, threshold: n > 1 ? i / (n - 1) : 0,
      precision: c.precision[i], recall: c.recall[i], tp: c.tp[i], fp: c.fp[i], tn: c.tn[i], fn: c.fn[i] };
    const h = this.hover;
    clear(this.readout);
    this.readout.append(
      el('span', { class: 'swatch', style: { background: this.ctx.runColor(p.run) } }),
      runLabel(p.run, {}, 'b'), ` step ${fmt(h.step)} · threshold ${fmt(h.threshold)} · precision ${fmt(h.precision)}`
        + ` · recall ${fmt(h.recall)} · TP ${fmt(h.tp)} · FP ${fmt(h.fp)} · TN ${fmt(h.tn)} · FN ${fmt(h.fn)}`);
  }

  /** The page coordinates of point i of a run's shown curve, for tests. */
  pointAt(run, i) {
    const u = this.chart.u;
    const s = this.shown.find(x => x.run === run);
    if (!u || !s) return null;
    const r = u.over.getBoundingClientRect();
    return { x: r.left + u.valToPos(s.curve.recall[i], 'x'), y: r.top + u.valToPos(s.curve.precision[i], 'y') };
  }

  chartData() {
    const u = this.chart.u;
    const cols = u ? u.data : (this.chart.model ? this.chart.model.columns : null);
    return {
      tag: this.tag,
      steps: this.slider.steps,
      selectedStep: this.slider.step(),
      runs: this.shown.map(({ run, curve }, k) => {
        const drawn = { x: [], y: [] };
        if (cols) {
          for (let r = 0; r < cols[0].length; r++) {
            if (cols[k + 1][r] === null || cols[k + 1][r] === undefined) continue;
            drawn.x.push(cols[0][r]);
            drawn.y.push(cols[k + 1][r]);
          }
        }
        const n = curve.recall.length;
        return { run, step: curve.step, thresholds: curve.recall.map((_, i) => (n > 1 ? i / (n - 1) : 0)),
          precision: curve.precision, recall: curve.recall, tp: curve.tp, fp: curve.fp, tn: curve.tn, fn: curve.fn, drawn };
      }),
      hover: this.hover,
    };
  }

  destroy() {
    this.chart.destroy();
    this.el.remove();
  }
}

export default {
  id: 'prcurves',
  title: 'PR Curves',
  kinds: ['pr_curve'],

  mount(container, ctx) {
    const kinds = this.kinds;
    const message = el('div', { class: 'empty', hidden: true });
    const grid = el('div', { class: 'card-grid pr-grid', 'data-tab': 'prcurves' });
    const list = el('div', { class: 'cards' });
    grid.append(list);
    container.append(message, grid);
    const cards = new Map();   // tag -> PrCard
    const io = new IntersectionObserver(entries => {
      for (const e of entries) {
        const card = [...cards.values()].find(c => c.el === e.target);
        if (card) card.visible = e.isIntersecting;
        if (card && card.visible && card.stale) card.load();
      }
    }, { root: container, rootMargin: '300px 0px' });

    function rebuild() {
      const byTag = ctx.tags(kinds);
      for (const [tag, card] of cards) {
        if (!byTag.has(tag)) {
          io.unobserve(card.el);
          card.destroy();
          cards.delete(tag);
        }
      }
      for (const [tag, infos] of byTag) {
        let card = cards.get(tag);
        if (!card) {
          card = new PrCard(ctx, tag);
          cards.set(tag, card);
          io.observe(card.el);
        }
        card.setRuns(infos.map(i => i.run).sort());
        list.append(card.el);
        if (card.stale && card.visible) card.load();
      }
      message.hidden = cards.size > 0;
      message.textContent = ctx.selectedRuns().length === 0
        ? 'No runs selected: tick runs in the sidebar or clear the run filter.'
        : 'The selected runs have no PR curves: log them with add_pr_curve, tf.summary pr_curve or writer.prCurve().';
    }
    rebuild();

    return {
      refresh(reason) {
        if (reason && typeof reason === 'object' && reason.live) {
          for (const u of reason.live) {
            const card = cards.get(u.tag);
            if (card && card.runs.includes(u.run)) {
              card.stale = true;
              if (card.visible) card.load();
            }
          }
          return;
        }
        if (reason === 'state') return;
        rebuild();
      },
      destroy() {
        io.disconnect();
        for (const c of cards.values()) c.destroy();
        cards.clear();
      },
    };
  },
};
