// The Text tab: one card per (tag, run) of text tags, each listing the tag's steps newest first
// with step and wall time, the Markdown rendered by the server, a step filter and pages.
//
// Settings (URL): x.textPage = steps per page (default 10); x.textRaw = 1 shows the raw strings.
//
// For tests: each card is div.card[data-tab=text][data-run][data-tag][data-state=ready]; each
// step shown is article.text-entry[data-step] holding div.markdown (server HTML) or pre.text-raw
// (textContent); the filter is input.text-filter; card.__chartData = {steps: [{step, wallTime,
// text, html}] oldest first, shownSteps: the steps on the current page}.

import { CardGrid } from '../views/cards.js';
import { TextSteps } from '../views/text-steps.js';
import { select, checkbox, read } from '../views/controls.js';
import { fmt } from '../util.js';
import { testHook } from '../testhooks.js';

const PAGE = 'x.textPage';
const RAW = 'x.textRaw';

export default {
  id: 'text',
  title: 'Text',
  kinds: ['text'],

  mount(container, ctx, settings) {
    const { state } = ctx;
    const controls = [
      select(settings, state, { key: PAGE, label: 'Steps per page', def: 10,
        options: [[5, '5'], [10, '10'], [25, '25'], [100, '100']] }),
      checkbox(settings, state, { key: RAW, label: 'Show the raw text, not Markdown' }),
    ];
    const options = () => ({ pageSize: read(state, PAGE, 10), raw: read(state, RAW, false) });

    const grid = new CardGrid(container, ctx, {
      tab: 'text', kinds: this.kinds, noun: 'text',
      create(card) {
        const view = new TextSteps(card.body, { label: `${card.tag} in ${card.run}` });
        view.setOptions(options());
        let data = [];
        testHook(card.el, '__chartData', () => ({
          steps: data.map(s => ({ ...s })), shownSteps: view.shown().items.map(s => s.step) }));
        return {
          async load() {
            const res = await ctx.api.text(card.run, card.tag);
            data = res.steps;
            view.setSteps(data);
            card.setNote(`${fmt(data.length)} step${data.length === 1 ? '' : 's'}`);
          },
          redraw() { view.setOptions(options()); },
        };
      },
    });

    return {
      refresh(reason) {
        if (reason === 'state') {
          controls.forEach(c => c.sync());
          grid.forEachView(v => v.redraw());
        }
        grid.refresh(reason);
      },
      destroy() { grid.destroy(); },
    };
  },
};
