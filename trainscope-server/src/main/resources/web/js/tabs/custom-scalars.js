// The Custom Scalars tab, as TensorBoard's custom_scalars dashboard: the layout the runs logged
// (tag custom_scalars__config__, written by tensorboardX's and torch's add_custom_scalars,
// TensorFlow's custom_scalar summary or SummaryWriter.customScalars; the runs' layouts merged by
// the server) as collapsible categories of charts over the selected runs:
//   multiline: one line per run and scalar tag matching any of the chart's regular expressions
//              (RE2 syntax, case-sensitive, matching anywhere in the tag: anchor with ^ and $);
//   margin:    per series and run, the value tag's line with a band from the lower tag's values to
//              the upper tag's, each at its own step.
// Points are exact (every logged value, fetched in pages), x is the step.
//
// For tests (../testhooks.js): categories are details.cs-category[data-category]; each chart is
// div.card.cs-card[data-tab=customscalars][data-category][data-chart][data-kind=multiline|margin]
// [data-state=loading|ready|error]; card.__chartData = {category, chart, kind, x: [steps],
// series: [{run, tag, role: line|value|lower|upper, values: [aligned with x, null where the
// series has no point]}], bands: [[upper index, lower index]] (into series, from 0)}, read from the
// chart's own uPlot data once drawn.

import { el } from '../util.js';
import { nums } from '../api.js';
import { RE2JS } from '../../vendor/re2js/index.js';
import { LineChart } from '../views/line-chart.js';
import { testHook } from '../testhooks.js';
import { runLabel } from '../colors.js';

/** Points fetched per request; a series stops at MAX_POINTS, with a note. */
const PAGE = 10000;
const MAX_POINTS = 200000;

/** Every point of a scalar tag of each run: Map run -> {steps, values}, and whether a series was cut. */
async function points(api, tag, runs) {
  const data = new Map();
  let cut = false;
  if (!runs.length) return { data, cut };
  const first = await api.scalarPoints(tag, runs, PAGE);
  for (const s of first.series) {
    const o = { steps: [...s.steps], values: [...nums(s.values)] };
    data.set(s.run, o);
    let page = s;
    while (page.more && o.steps.length < MAX_POINTS) {
      page = (await api.scalarPoints(tag, [s.run], PAGE, page.nextStep)).series[0];
      o.steps.push(...page.steps);
      o.values.push(...nums(page.values));
    }
    cut = cut || page.more;
  }
  return { data, cut };
}

/** Series on one step axis: x the union of their steps, each series null where it has no point. */
function align(series) {
  const steps = new Set();
  for (const s of series) for (const st of s.points.steps) steps.add(st);
  const x = [...steps].sort((a, b) => a - b);
  const at = new Map(x.map((st, i) => [st, i]));
  const columns = [x];
  for (const s of series) {
    const col = new Array(x.length).fill(null);
    s.points.steps.forEach((st, i) => {
      const v = s.points.values[i];
      col[at.get(st)] = Number.isFinite(v) ? v : null;
    });
    columns.push(col);
  }
  return columns;
}

class ChartCard {
  constructor(ctx, category, chart) {
    this.ctx = ctx;
    this.category = category;
    this.chart = chart;
    this.series = [];
    this.bands = [];
    this.stale = true;
    this.visible = false;
    this.tags = new Set();   // "run\0tag" drawn, for live updates
    this.el = el('div', { class: 'card tab-card cs-card', 'data-tab': 'customscalars', 'data-category': category.title,
      'data-chart': chart.title, 'data-kind': chart.kind, 'data-state': 'idle' },
      el('div', { class: 'card-head' }, el('span', { class: 'card-title', text: chart.title || 'untitled', title: describe(chart) })));
    this.plot = new LineChart(this.el, { label: `${chart.title}: ${describe(chart)}`, xLabel: 'step', yLabel: '' });
    this.legend = el('div', { class: 'pr-legend' });
    this.note = el('div', { class: 'card-note', role: 'status' });
    this.el.append(this.legend, this.note);
    testHook(this.el, '__chartData', () => this.chartData());
  }

  async load() {
    this.stale = false;
    this.el.dataset.state = 'loading';
    this.note.classList.remove('error');
    try {
      const notes = [];
      this.series = this.chart.kind === 'margin' ? await this.margin(notes) : await this.multiline(notes);
      const columns = align(this.series);
      this.plot.setData({
        columns,
        series: this.series.map(s => ({ label: `${this.ctx.runName(s.run)} ${s.tag}`, color: this.ctx.runColor(s.run),
          width: s.role === 'lower' || s.role === 'upper' ? 0.75 : 1.5, dash: s.role === 'line' || s.role === 'value' ? undefined : [4, 3],
          points: columns[0].length === 1 })),
        bands: this.bands.map(([upper, lower]) => ({ upper: upper + 1, lower: lower + 1,
          color: this.ctx.runColor(this.series[upper].run) })),
      });
      this.legend.replaceChildren(...this.series.filter(s => s.role === 'line' || s.role === 'value').map(s =>
        el('span', { class: 'pr-legend-item' }, el('span', { class: 'swatch', style: { background: this.ctx.runColor(s.run) } }),
          runLabel(s.run), `: ${s.tag}`)));
      if (!this.series.length) notes.push('No scalar of the selected runs matches this chart.');
      this.note.replaceChildren(...notes.flatMap((n, i) => (i ? [' ', n] : [n])));   // text, or a node naming a run
      this.el.dataset.state = 'ready';
    } catch (e) {
      this.el.dataset.state = 'error';
      this.note.textContent = e.message;
      this.note.classList.add('error');
    }
  }

  /** A line per selected run and scalar tag matching any of the chart's expressions. */
  async multiline(notes) {
    const res = [];
    for (const r of this.chart.tags) {
      try {
        res.push(RE2JS.compile(r));
      } catch (e) {
        notes.push(`The expression ${r} does not compile: ${e.message}.`);
      }
    }
    const runsByTag = new Map();
    for (const run of this.ctx.selectedRuns()) {
      for (const t of this.ctx.runTags(run)) {
        if (t.kind !== 'scalar' || !res.some(re => re.matcher(t.tag).find())) continue;
        if (!runsByTag.has(t.tag)) runsByTag.set(t.tag, []);
        runsByTag.get(t.tag).push(run);
      }
    }
    this.bands = [];
    const out = [];
    for (const [tag, runs] of runsByTag) {
      const p = await points(this.ctx.api, tag, runs);
      if (p.cut) notes.push(`${tag}: the first ${MAX_POINTS.toLocaleString()} points of a run shown.`);
      for (const run of runs) out.push({ run, tag, role: 'line', points: p.data.get(run) });
    }
    this.tags = new Set(out.map(s => `${s.run}\0${s.tag}`));
    return out.sort((a, b) => (a.run === b.run ? (a.tag < b.tag ? -1 : 1) : (a.run < b.run ? -1 : 1)));
  }

  /** Per series and selected run holding the value tag: value, lower and upper lines, banded. */
  async margin(notes) {
    const out = [];
    this.bands = [];
    for (const m of this.chart.series) {
      const runs = this.ctx.selectedRuns().filter(run => this.ctx.runTags(run).some(t => t.tag === m.value && t.kind === 'scalar'));
      if (!runs.length) continue;
      const having = tag => runs.filter(run => this.ctx.runTags(run).some(t => t.tag === tag && t.kind === 'scalar'));
      const [v, lo, hi] = await Promise.all([m.value, m.lower, m.upper].map(tag => points(this.ctx.api, tag, having(tag))));
      const none = { steps: [], values: [] };
      if (v.cut || lo.cut || hi.cut) notes.push(`The first ${MAX_POINTS.toLocaleString()} points of a run shown.`);
      for (const run of runs) {
        const base = out.length;
        const lower = lo.data.get(run) || none;
        const upper = hi.data.get(run) || none;
        out.push({ run, tag: m.value, role: 'value', points: v.data.get(run) },
          { run, tag: m.lower, role: 'lower', points: lower },
          { run, tag: m.upper, role: 'upper', points: upper });
        this.bands.push([base + 2, base + 1]);
        if (!lower.steps.length || !upper.steps.length) {
          notes.push(el('span', {}, runLabel(run), ` has no scalar ${!lower.steps.length ? m.lower : m.upper}: no band.`));
        }
      }
    }
    this.tags = new Set(out.map(s => `${s.run}\0${s.tag}`));
    return out;
  }

  chartData() {
    const u = this.plot.u;
    const cols = u ? u.data : (this.plot.model ? this.plot.model.columns : [[]]);
    return {
      category: this.category.title, chart: this.chart.title, kind: this.chart.kind, x: Array.from(cols[0] || []),
      series: this.series.map((s, i) => ({ run: s.run, tag: s.tag, role: s.role, values: Array.from(cols[i + 1] || []) })),
      bands: this.bands,
    };
  }

  destroy() {
    this.plot.destroy();
    this.el.remove();
  }
}

function describe(chart) {
  return chart.kind === 'margin'
    ? chart.series.map(s => `${s.value} in [${s.lower}, ${s.upper}]`).join('; ')
    : `tags matching ${chart.tags.join(' or ')}`;
}

export default {
  id: 'customscalars',
  title: 'Custom Scalars',
  kinds: ['custom_scalars'],

  mount(container, ctx) {
    const message = el('div', { class: 'empty', hidden: true });
    const root = el('div', { class: 'card-grid cs-grid', 'data-tab': 'customscalars' });
    container.append(message, root);
    let cards = [];
    let layoutKey = '';
    let version = 0;
    const io = new IntersectionObserver(entries => {
      for (const e of entries) {
        const card = cards.find(c => c.el === e.target);
        if (!card) continue;
        card.visible = e.isIntersecting;
        if (card.visible && card.stale) card.load();
      }
    }, { root: container, rootMargin: '300px 0px' });

    function clearCards() {
      for (const c of cards) {
        io.unobserve(c.el);
        c.destroy();
      }
      cards = [];
    }

    async function loadLayout() {
      const mine = ++version;
      let layout;
      try {
        layout = await ctx.api.customScalars();
      } catch (e) {
        message.hidden = false;
        message.textContent = `The layout could not be read: ${e.message}`;
        return;
      }
      if (mine !== version) return;
      const key = JSON.stringify(layout.categories);
      if (key === layoutKey) {
        restale();
        return;
      }
      layoutKey = key;
      clearCards();
      root.replaceChildren();
      for (const cat of layout.categories) {
        const list = el('div', { class: 'cards' });
        const details = el('details', { class: 'group cs-category', 'data-category': cat.title },
          el('summary', {}, el('span', { class: 'group-name', text: cat.title || 'untitled' }), ' ',
            el('span', { class: 'count', text: cat.charts.length === 1 ? '1 chart' : `${cat.charts.length} charts` })), list);
        details.open = !cat.closed;
        for (const chart of cat.charts) {
          const card = new ChartCard(ctx, cat, chart);
          cards.push(card);
          list.append(card.el);
          io.observe(card.el);
        }
        root.append(details);
      }
      const unreadable = Object.entries(layout.unreadable || {}).map(([run, why]) => el('div', {}, runLabel(run), `: ${why}`));
      message.hidden = layout.categories.length > 0 && unreadable.length === 0;
      if (layout.categories.length === 0) {
        message.textContent = 'No custom scalars layout in the log directory: write one with add_custom_scalars, TensorFlow\'s custom_scalar summary or writer.customScalars().';
      } else {
        message.replaceChildren(...unreadable);
      }
    }

    /** The selection or data changed: every chart draws again when next in view. */
    function restale() {
      for (const c of cards) {
        c.stale = true;
        if (c.visible) c.load();
      }
    }

    loadLayout();
    return {
      refresh(reason) {
        if (reason && typeof reason === 'object' && reason.live) {
          const keys = new Set(reason.live.map(u => `${u.run}\0${u.tag}`));
          if (reason.live.some(u => u.tag === 'custom_scalars__config__')) {
            loadLayout();
            return;
          }
          for (const c of cards) {
            if ([...c.tags].some(k => keys.has(k))) {
              c.stale = true;
              if (c.visible) c.load();
            }
          }
          return;
        }
        if (reason === 'runs') loadLayout();
        else if (reason === 'selection') restale();
      },
      destroy() {
        version++;
        io.disconnect();
        clearCards();
      },
    };
  },
};
