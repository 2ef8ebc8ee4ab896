// The Images tab: one card per (tag, run) of image tags (audio has a tab of its own). A step slider (latest step by
// default, keyboard-operable) picks the step; a batch (count > 1) shows all its items together;
// "steps side by side" shows the last N steps up to the chosen one as columns. Brightness and
// contrast are CSS filters on every image; "actual size" shows one screen pixel per image pixel,
// otherwise small images are enlarged by whole factors with crisp pixels.
//
// Settings (URL): x.imgBrightness, x.imgContrast (0..3, default 1), x.imgActual (1 = actual
// size), x.imgSteps (steps side by side, default 1).
//
// For tests: each card is div.card[data-tab=images][data-run][data-tag][data-kind=image]
// [data-state=ready]; every <img> carries data-step, data-index and data-zoom; the slider is input.step-range; card.__chartData = {kind, steps:
// [{step, wallTime, count, width, height, contentType}], selectedStep, shownSteps}.

import { CardGrid } from '../views/cards.js';
import { StepSlider } from '../views/step-slider.js';
import { renderMedia, layoutMedia } from '../views/media.js';
import { slider, checkbox, select, read } from '../views/controls.js';
import { el } from '../util.js';
import { testHook } from '../testhooks.js';

const BRIGHT = 'x.imgBrightness';
const CONTRAST = 'x.imgContrast';
const ACTUAL = 'x.imgActual';
const WINDOW = 'x.imgSteps';

export default {
  id: 'images',
  title: 'Images',
  kinds: ['image'],

  mount(container, ctx, settings) {
    const { state } = ctx;
    const pct = v => `${Math.round(v * 100)}%`;
    const controls = [
      slider(settings, state, { key: BRIGHT, label: 'Brightness', min: 0, max: 3, step: 0.05, def: 1, format: pct }),
      slider(settings, state, { key: CONTRAST, label: 'Contrast', min: 0, max: 3, step: 0.05, def: 1, format: pct }),
      checkbox(settings, state, { key: ACTUAL, label: 'Actual size (one screen pixel per image pixel)' }),
      select(settings, state, { key: WINDOW, label: 'Steps side by side', def: 1,
        options: [[1, '1 (the chosen step)'], [2, '2'], [4, '4'], [8, '8'], [16, '16']],
        title: 'Show the chosen step and the steps before it in a row' }),
    ];
    const opts = () => ({ actual: read(state, ACTUAL, false), window: read(state, WINDOW, 1) });
    let current = opts();

    const grid = new CardGrid(container, ctx, {
      tab: 'images', kinds: this.kinds, noun: 'image',
      create(card) {
        let blobs = [];
        let shown = [];
        let drawn = '';
        const steps = new StepSlider(card.body, { label: `Step of ${card.tag} in ${card.run}`, onChange: () => render() });
        const area = el('div', { class: 'media-area' });
        card.body.append(area);
        let width = 0;
        const ro = new ResizeObserver(() => {
          if (area.clientWidth !== width) {
            width = area.clientWidth;
            layout();
          }
        });
        ro.observe(area);
        testHook(card.el, '__chartData', () => ({
          kind: card.info.kind, steps: blobs.map(b => ({ ...b })), selectedStep: steps.step(),
          shownSteps: shown.map(b => b.step) }));

        function layout() {
          layoutMedia(area, { actual: current.actual, stacked: current.window > 1,
            maxHeight: card.el.classList.contains('full') ? 640 : (current.window > 1 ? 240 : 320) });
        }
        function render() {
          const i = steps.index;
          if (i < 0 || !blobs.length) {
            shown = [];
            drawn = '';
            area.replaceChildren(el('div', { class: 'muted', text: 'No steps yet' }));
            return;
          }
          const next = blobs.slice(Math.max(0, i - current.window + 1), i + 1);
          const key = `${current.window}|${next.map(b => `${b.step}:${b.count}:${b.bytes}`).join(',')}`;
          shown = next;
          if (key !== drawn) {   // a live update that leaves the chosen steps alone keeps the images
            drawn = key;
            renderMedia(area, shown, { tag: card.tag, showStepHeads: current.window > 1,
              urlOf: (step, index) => ctx.api.blobUrl(card.run, card.tag, step, index) });
          }
          layout();
        }
        return {
          async load() {
            const res = await ctx.api.blobs(card.run, card.tag);
            blobs = res.steps;
            steps.setSteps(blobs.map(b => b.step), blobs.map(b => b.wallTime));
            render();
            const b = blobs[blobs.length - 1];
            card.setNote(b && b.count > 1 ? `${b.count} items per step` : '');
          },
          render,
          layout,
          destroy() { ro.disconnect(); },
        };
      },
    });

    function applyFilters() {
      grid.root.style.setProperty('--img-brightness', String(read(state, BRIGHT, 1)));
      grid.root.style.setProperty('--img-contrast', String(read(state, CONTRAST, 1)));
    }
    applyFilters();

    return {
      refresh(reason) {
        if (reason === 'state') {
          controls.forEach(c => c.sync());
          applyFilters();
          const next = opts();
          if (next.window !== current.window) {
            current = next;
            grid.forEachView(v => v.render());
          } else if (next.actual !== current.actual) {
            current = next;
            grid.forEachView(v => v.layout());
          }
          grid.refresh(reason);
          grid.forEachView(v => v.layout());   // a card may have gone full size
          return;
        }
        grid.refresh(reason);
      },
      destroy() { grid.destroy(); },
    };
  },
};
