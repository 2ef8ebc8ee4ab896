// The Histograms tab: one card per (tag, run) of histogram tags, each drawing the tag's
// histograms over steps as TensorBoard's offset ridge or as overlaid lines.
//
// Settings (URL): x.histMode = offset | overlay (default offset); x.histSteps = steps requested
// per card (maxSteps, default 50; the server spreads them evenly, keeping first and last).
//
// For tests: each card is div.card[data-tab=histograms][data-run][data-tag][data-state=ready]
// and carries card.__chartData = {mode, range: [min, max], bins, steps: [{step, wallTime, left,
// right, count}] as received, rebinned: the heights drawn per step and bin (counts per typical
// bucket width), total: steps the server holds, hover: {step, bin} or null}; the chart's
// div.canvas-box gets data-hover-step while the pointer is over a step, and div.chart-tip names
// the step and bucket.

import { CardGrid } from '../views/cards.js';
import { HistogramChart } from '../views/histogram-chart.js';
import { parseSteps } from '../views/histogram-data.js';
import { segmented, select, read } from '../views/controls.js';
import { fmt } from '../util.js';
import { testHook } from '../testhooks.js';

const MODE = 'x.histMode';
const STEPS = 'x.histSteps';

export default {
  id: 'histograms',
  title: 'Histograms',
  kinds: ['histogram'],

  mount(container, ctx, settings) {
    const { state } = ctx;
    const controls = [
      segmented(settings, state, { key: MODE, label: 'Histogram mode', def: 'offset',
        options: [['offset', 'Offset'], ['overlay', 'Overlay']],
        title: 'Offset: a ridge of steps, later steps in front. Overlay: every step as a line on one axis.' }),
      select(settings, state, { key: STEPS, label: 'Steps per chart', def: 50,
        options: [[20, '20'], [50, '50'], [100, '100'], [200, '200']],
        title: 'At most this many steps are drawn, spread evenly over the run' }),
    ];
    let mode = read(state, MODE, 'offset');
    let maxSteps = read(state, STEPS, 50);

    const grid = new CardGrid(container, ctx, {
      tab: 'histograms', kinds: this.kinds, noun: 'histogram',
      create(card) {
        const chart = new HistogramChart(card.body, { color: ctx.runColor(card.run),
          label: `Histograms of ${card.tag} in ${card.run}` });
        chart.setMode(mode);
        let total = 0;
        testHook(card.el, '__chartData', () => ({ ...chart.chartData(), total }));
        return {
          async load() {
            const res = await ctx.api.histograms(card.run, card.tag, maxSteps);
            const steps = parseSteps(res.steps);
            total = res.total;
            chart.setData(steps);
            card.setNote(steps.length < total
              ? `${steps.length} of ${fmt(total)} steps, evenly spread`
              : `${fmt(total)} step${total === 1 ? '' : 's'}`);
          },
          redraw() { chart.setMode(mode); },
          destroy() { chart.destroy(); },
        };
      },
    });

    return {
      refresh(reason) {
        if (reason === 'state') {
          controls.forEach(c => c.sync());
          const m = read(state, MODE, 'offset');
          const n = read(state, STEPS, 50);
          if (m !== mode) {
            mode = m;
            grid.forEachView(v => v.redraw());
          }
          if (n !== maxSteps) {
            maxSteps = n;
            grid.reloadAll();
          }
        }
        grid.refresh(reason);
      },
      destroy() { grid.destroy(); },
    };
  },
};
