// The Distributions tab: one card per (tag, run) of histogram tags, each showing how the tag's
// values spread over time as TensorBoard's nested percentile bands around the median, on the x
// axis chosen by the shared xAxis state (step | relative | wall).
//
// For tests: each card is div.card[data-tab=distributions][data-run][data-tag][data-state=ready]
// and carries card.__chartData = {xAxis, basisPoints, steps, wallTimes, bands: [9][n] numbers
// (non-finite ones as NaN/Infinity), xs: the x values drawn}; div.bands-legend shows the values at
// the hovered (default: latest) step, one span[data-band] per band.

import { CardGrid } from '../views/cards.js';
import { BandsChart } from '../views/bands-chart.js';
import { segmented } from '../views/controls.js';
import { X_AXES, xValues } from '../views/format.js';
import { nums } from '../api.js';
import { fmt } from '../util.js';
import { testHook } from '../testhooks.js';

export default {
  id: 'distributions',
  title: 'Distributions',
  kinds: ['histogram'],

  mount(container, ctx, settings) {
    const { state } = ctx;
    const controls = [
      segmented(settings, state, { key: 'xAxis', label: 'Horizontal axis', def: 'step', options: X_AXES,
        title: 'Step, time since the run\'s first value, or wall-clock time (shared with Scalars)' }),
    ];
    let xAxis = state.get('xAxis');

    const grid = new CardGrid(container, ctx, {
      tab: 'distributions', kinds: this.kinds, noun: 'histogram',
      create(card) {
        const chart = new BandsChart(card.body, { color: ctx.runColor(card.run),
          label: `Distribution of ${card.tag} in ${card.run}` });
        let data = null;
        testHook(card.el, '__chartData', () => data && ({
          xAxis, basisPoints: data.basisPoints, steps: [...data.steps], wallTimes: [...data.wallTimes],
          bands: data.bands.map(b => [...b]), xs: xValues(xAxis, data.steps, data.wallTimes) }));
        return {
          async load() {
            const res = await ctx.api.distributions(card.run, card.tag);
            data = { basisPoints: res.basisPoints, steps: res.steps, wallTimes: nums(res.wallTimes),
              bands: res.bands.map(b => nums(b)) };
            chart.setData(data, xAxis);
            const n = data.steps.length;
            card.setNote(n ? `${fmt(n)} step${n === 1 ? '' : 's'} · drag to zoom, double-click to reset` : '');
          },
          redraw() { chart.setXAxis(xAxis); },
          destroy() { chart.destroy(); },
        };
      },
    });

    return {
      refresh(reason) {
        if (reason === 'state') {
          controls.forEach(c => c.sync());
          if (state.get('xAxis') !== xAxis) {
            xAxis = state.get('xAxis');
            grid.forEachView(v => v.redraw());
          }
        }
        grid.refresh(reason);
      },
      destroy() { grid.destroy(); },
    };
  },
};
