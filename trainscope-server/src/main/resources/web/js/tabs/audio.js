// The Audio tab, as TensorBoard's audio dashboard: one card per (tag, run) of audio tags, a step
// slider (latest step first), and per clip of the chosen step an <audio> player with its sample
// rate, channels, length and label (TensorBoard's audio summaries carry a Markdown label per clip,
// shown as the server renders it safely).
//
// For tests: each card is div.card[data-tab=audio][data-run][data-tag][data-state=ready]; every
// <audio> carries data-step and data-index; the slider is input.step-range; card.__chartData =
// {steps: [{step, wallTime, count, contentType}], selectedStep, clips: [{index, contentType,
// sampleRate, channels, frames, seconds, label}]} (the clips of the shown step).

import { CardGrid } from '../views/cards.js';
import { StepSlider } from '../views/step-slider.js';
import { el, fmt } from '../util.js';
import { testHook } from '../testhooks.js';

/** A step's clips beyond this many are cut, with a note. */
const MAX_CLIPS = 32;

function describe(c) {
  const parts = [];
  if (c.sampleRate > 0) parts.push(`${fmt(c.sampleRate)} Hz`);
  if (c.channels > 0) parts.push(c.channels === 1 ? 'mono' : c.channels === 2 ? 'stereo' : `${c.channels} channels`);
  if (c.sampleRate > 0) parts.push(`${fmt(Number(c.seconds.toFixed(3)))} s`);
  parts.push(c.contentType);
  return parts.join(' · ');
}

export default {
  id: 'audio',
  title: 'Audio',
  kinds: ['audio'],

  mount(container, ctx) {
    const grid = new CardGrid(container, ctx, {
      tab: 'audio', kinds: this.kinds, noun: 'audio',
      create(card) {
        let blobs = [];
        let clips = [];
        let shownStep = null;
        let loading = 0;
        const steps = new StepSlider(card.body, { label: `Step of ${card.tag} in ${card.run}`, onChange: () => render() });
        const area = el('div', { class: 'audio-area' });
        card.body.append(area);
        testHook(card.el, '__chartData', () => ({
          steps: blobs.map(b => ({ step: b.step, wallTime: b.wallTime, count: b.count, contentType: b.contentType })),
          selectedStep: steps.step(), clips: clips.map(c => ({ ...c })) }));

        async function render() {
          const step = steps.step();
          if (step === null) {
            clips = [];
            shownStep = null;
            area.replaceChildren(el('div', { class: 'muted', text: 'No steps yet' }));
            return;
          }
          if (step === shownStep) return;
          const mine = ++loading;
          card.el.dataset.state = 'loading';
          let res;
          try {
            res = await ctx.api.audio(card.run, card.tag, step);
          } catch (e) {
            if (mine !== loading) return;
            card.el.dataset.state = 'error';
            card.setNote(e.message);
            card.note.classList.add('error');
            return;
          }
          if (mine !== loading) return;   // the slider moved on meanwhile
          clips = res.clips;
          shownStep = step;
          const items = clips.slice(0, MAX_CLIPS).map(c => el('figure', { class: 'audio-clip' },
            el('audio', { controls: true, preload: 'none', src: ctx.api.blobUrl(card.run, card.tag, step, c.index),
              'data-step': step, 'data-index': c.index,
              'aria-label': `${card.tag}, step ${step}${clips.length > 1 ? `, clip ${c.index + 1}` : ''}` }),
            el('figcaption', {},
              el('span', { class: 'audio-info muted', text: `${clips.length > 1 ? `#${c.index} · ` : ''}${describe(c)}` }),
              c.labelHtml ? labelNode(c.labelHtml) : null)));
          const more = clips.length > MAX_CLIPS
            ? el('div', { class: 'muted', text: `${MAX_CLIPS} of ${fmt(clips.length)} clips shown` }) : null;
          area.replaceChildren(...items, ...(more ? [more] : []));
          card.el.dataset.state = 'ready';
        }
        return {
          async load() {
            const res = await ctx.api.blobs(card.run, card.tag);
            blobs = res.steps;
            shownStep = null;
            steps.setSteps(blobs.map(b => b.step), blobs.map(b => b.wallTime));
            await render();
            const b = blobs[blobs.length - 1];
            card.setNote(b && b.count > 1 ? `${b.count} clips per step` : '');
          },
        };
      },
    });
    return {
      refresh(reason) { grid.refresh(reason); },
      destroy() { grid.destroy(); },
    };
  },
};

/** A clip's label: HTML the server rendered from Markdown with raw HTML escaped (as /api/text's). */
function labelNode(html) {
  const node = el('div', { class: 'audio-label markdown' });
  node.innerHTML = html;
  return node;
}
