// The Layers tab: a network's health at a glance, per selected run. Heatmaps with one row per
// layer from input to output and steps across, for the gradient norm (log scale), the
// update/weight ratio (log), the dead-unit fraction and the activation std (log): vanishing
// gradients show as a band fading toward the input layers, exploding ones as a band flaring.
// Findings on a layer are marked on its rows. Data from /api/layers (docs/API.md).
//
// For tests: each run is section.card.layers-run[data-run][data-state=loading|ready|empty|error]
// holding the div.heatmap of views/heatmap.js.

import { Heatmap } from '../views/heatmap.js';
import * as findings from '../findings.js';
import { nums } from '../api.js';
import { el, clear, debounce } from '../util.js';
import { onThemeChange } from '../theme.js';
import { runLabel } from '../colors.js';

const MAX_RUNS = 12;
const TITLES = {
  grad_norm: 'Gradient norm',
  update_ratio: 'Update / weight ratio',
  dead_units: 'Dead units (fraction)',
  activation_std: 'Activation std',
};

/** The roles of per-layer scalars that the server draws (LayersView.ROLES). */
const LAYER_ROLES = new Set(Object.keys(TITLES));

/** True for a per-layer scalar of a heatmap: its meaning names one of the roles and a layer. */
export function isLayerScalar(t) {
  return t.kind === 'scalar' && !!t.meaning && LAYER_ROLES.has(t.meaning.role) && !!t.meaning.layer;
}

export default {
  id: 'layers',
  title: 'Layers',
  kinds: [],

  empty(ctx) {
    if (ctx.selectedRuns().some(r => ctx.runTags(r).some(isLayerScalar))) return null;
    return 'No per-layer scalars in the selected runs: log grad_norm/<layer>, update_ratio/<layer>, '
      + 'dead_units/<layer> or activation_std/<layer> (the DJL listener does)';
  },

  mount(container, ctx) {
    const root = el('div', { class: 'layers', 'data-tab': 'layers' });
    const note = el('p', { class: 'muted' });
    container.append(note, root);
    const views = new Map();   // run -> {section, maps: [Heatmap], data}
    let shown = [];
    let seq = 0;

    const columns = () => Math.max(20, Math.min(600, Math.floor((container.clientWidth || 900) - 260)));

    const draw = (run) => {
      const v = views.get(run);
      if (!v || !v.data) return;
      v.maps.forEach(m => m.destroy());
      v.maps = [];
      clear(v.body);
      const heatmaps = v.data.heatmaps;
      if (heatmaps.length === 0) {
        v.section.dataset.state = 'empty';
        v.body.append(el('p', { class: 'muted', text: 'No per-layer scalars in this run (grad_norm/<layer>, '
          + 'update_ratio/<layer>, dead_units/<layer>, activation_std/<layer>; the DJL listener logs them).' }));
        return;
      }
      const runFindings = findings.current().findings.filter(f => f.run === run && (f.layer || (f.tags || []).length));
      const tagInfo = new Map(ctx.runTags(run).map(t => [t.tag, t]));
      for (const h of heatmaps) {
        const map = { ...h, values: h.values.map(r => nums(r)) };
        let last = map.steps.length ? map.steps[map.steps.length - 1] : 0;
        for (const t of map.tags) {
          const info = tagInfo.get(t);
          if (info && info.lastStep > last) last = info.lastStep;
        }
        // a finding marks the rows of the tags it names (vanishing gradients: every faded layer);
        // one naming none of this heatmap's tags marks the rows of its layer
        const marks = [];
        for (const f of runFindings) {
          const tags = f.tags || [];
          const named = tags.some(t => map.tags.includes(t));
          map.layers.forEach((layer, row) => {
            if (named ? !tags.includes(map.tags[row]) : layer !== f.layer) return;
            marks.push({ row, severity: f.severity, fromStep: f.fromStep, toStep: f.toStep, summary: f.summary, rule: f.rule });
          });
        }
        v.maps.push(new Heatmap(v.body, map, TITLES[map.role] || map.role, last, marks));
      }
      v.section.dataset.state = 'ready';
    };

    const load = async (run, mySeq) => {
      const v = views.get(run);
      try {
        const data = await ctx.api.layers(run, columns());
        if (mySeq !== seq || views.get(run) !== v) return;
        v.data = data;
        draw(run);
      } catch (e) {
        if (views.get(run) !== v) return;
        v.section.dataset.state = 'error';
        clear(v.body);
        v.body.append(el('p', { class: 'error', text: `Could not load: ${e.message}` }));
      }
    };

    const rebuild = () => {
      // runs without per-layer scalars get no box of their own: the note counts them
      const all = ctx.selectedRuns();
      const selected = all.filter(r => ctx.runTags(r).some(isLayerScalar));
      const without = all.length - selected.length;
      const runs = selected.slice(0, MAX_RUNS);
      note.textContent = (selected.length === 0 ? 'No runs selected: tick runs in the sidebar.'
        : selected.length > MAX_RUNS ? `Showing the first ${MAX_RUNS} of ${selected.length} runs with per-layer scalars: filter the runs to see others.`
          : 'One row per layer, input at the top; steps left to right. Hover a cell for its value; ! marks a finding.')
        + (without && selected.length ? ` ${without} selected run${without === 1 ? ' has' : 's have'} no per-layer scalars.` : '');
      if (runs.join('\n') === shown.join('\n')) return;
      shown = runs;
      seq++;
      for (const [run, v] of views) {
        if (!runs.includes(run)) {
          v.maps.forEach(m => m.destroy());
          v.section.remove();
          views.delete(run);
        }
      }
      for (const run of runs) {
        if (views.has(run)) {
          root.append(views.get(run).section);
          continue;
        }
        const body = el('div', { class: 'layers-body' }, el('p', { class: 'muted', text: 'Loading…' }));
        const section = el('section', { class: 'card layers-run', 'data-run': run, 'data-state': 'loading' },
          el('div', { class: 'card-head' }, el('span', { class: 'swatch', style: { background: ctx.runColor(run) } }),
            runLabel(run, { class: 'card-title' })), body);
        views.set(run, { section, body, maps: [], data: null });
        root.append(section);
      }
      for (const run of runs) if (!views.get(run).data) load(run, seq);
    };

    const reloadAll = debounce(() => {
      seq++;
      for (const run of shown) load(run, seq);
    }, 1500);

    const offFindings = findings.subscribe(() => { for (const run of shown) draw(run); });
    const offTheme = onThemeChange(() => { for (const v of views.values()) v.maps.forEach(m => m.draw()); });
    rebuild();

    return {
      refresh(reason) {
        if (reason && typeof reason === 'object' && reason.live) {
          if (reason.live.some(u => shown.includes(u.run))) reloadAll();
          return;
        }
        if (reason === 'runs') {
          shown = [];
          for (const v of views.values()) v.data = null;
        }
        rebuild();
      },
      destroy() {
        offFindings();
        offTheme();
        for (const v of views.values()) v.maps.forEach(m => m.destroy());
      },
    };
  },
};
