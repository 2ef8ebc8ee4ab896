// The Features tab: what a CNN's feature maps respond to, as the DJL listener logs it (TagNames:
// features/<layer>/<channel>/top9, /deconv, /guided and /ranking, filters/<layer>). Per conv layer
// its filter grid, and per channel the 9 validation images that excite it most beside their
// Zeiler-Fergus deconvnet and guided back-propagation reconstructions, with the ranking (image,
// label, activation, position). A step slider walks the logging steps to watch them evolve.
//
// State in the URL: x.frun (the run). For tests: section.features-layer[data-layer] holding
// div.features-channel[data-channel], whose img[data-kind=top9|deconv|guided] carry data-step;
// img.features-filters[data-step]; div.features-tab[data-state=empty|ready].

import { RunSteps } from '../views/run-steps.js';
import { el, clear } from '../util.js';

const FEATURE = /^features\/(.+)\/(\d+)\/(top9|deconv|guided|ranking)$/;
const KINDS = [['top9', 'Top 9 images'], ['deconv', 'Deconvnet'], ['guided', 'Guided backprop']];

/** {layer -> {channel -> {kind -> tag}}} from a run's tags, layers in logging order, channels ascending. */
export function featureTags(tags) {
  const layers = new Map();
  for (const t of tags) {
    const m = FEATURE.exec(t.tag);
    if (!m) continue;
    const [, layer, channel, kind] = m;
    if (!layers.has(layer)) layers.set(layer, new Map());
    const chans = layers.get(layer);
    if (!chans.has(+channel)) chans.set(+channel, {});
    chans.get(+channel)[kind] = t.tag;
  }
  for (const [layer, chans] of layers) layers.set(layer, new Map([...chans].sort((a, b) => a[0] - b[0])));
  return layers;
}

export default {
  id: 'features',
  title: 'Features',
  kinds: [],

  mount(container, ctx, settings) {
    const tab = el('div', { class: 'features-tab', 'data-tab': 'features', 'data-state': 'empty' });
    const note = el('p', { class: 'muted' });
    const body = el('div', { class: 'features-body' });
    container.append(tab);
    let imgs = [];            // [{img, tag}]
    let rankings = [];        // [{box, tag}]
    const texts = new Map();  // tag -> [{step, html}]

    const rs = new RunSteps(tab, settings, ctx, {
      stateKey: 'x.frun',
      label: 'Run',
      runsWith: c => c.selectedRuns().filter(r => c.runTags(r).some(t => FEATURE.test(t.tag))),
      onRun: run => build(run),
      onStep: step => show(step),
    });
    tab.append(note, body);

    const build = (run) => {
      clear(body);
      imgs = [];
      rankings = [];
      texts.clear();
      if (!run) {
        tab.dataset.state = 'empty';
        note.textContent = 'No feature views in the selected runs. The DJL listener logs them for convolutional '
          + 'networks (./trainscope demo): the top 9 validation images per channel and their reconstructions.';
        return null;
      }
      const tags = ctx.runTags(run);
      const layers = featureTags(tags);
      const names = new Set(tags.map(t => t.tag));
      note.textContent = 'Per channel: the 9 validation images that excite it most (highest maximum activation), '
        + 'and what of each image drove it, projected back to pixels by a deconvnet (Zeiler & Fergus) and by '
        + 'guided back-propagation (Springenberg et al.).';
      let first = null;
      for (const [layer, chans] of layers) {
        const section = el('section', { class: 'features-layer card', 'data-layer': layer },
          el('div', { class: 'card-head' }, el('span', { class: 'card-title', text: layer })));
        if (names.has(`filters/${layer}`)) {
          const img = el('img', { class: 'features-filters pixelated', alt: `Filters of ${layer}` });
          imgs.push({ img, tag: `filters/${layer}` });
          section.append(el('figure', { class: 'features-figure' }, img, el('figcaption', { text: 'filters' })));
        }
        const grid = el('div', { class: 'features-channels' });
        for (const [channel, kinds] of chans) {
          const card = el('div', { class: 'features-channel', 'data-channel': String(channel) },
            el('div', { class: 'features-channel-head', text: `channel ${channel}` }));
          const row = el('div', { class: 'features-row' });
          for (const [kind, caption] of KINDS) {
            if (!kinds[kind]) continue;
            const img = el('img', { class: 'pixelated', 'data-kind': kind, alt: `${caption}, ${layer} channel ${channel}` });
            imgs.push({ img, tag: kinds[kind] });
            row.append(el('figure', { class: 'features-figure' }, img, el('figcaption', { text: caption })));
            first = first || kinds.top9 || kinds[kind];
          }
          card.append(row);
          if (kinds.ranking) {
            const box = el('div', { class: 'markdown features-ranking' });
            rankings.push({ box, tag: kinds.ranking });
            card.append(el('details', {}, el('summary', { text: 'ranking' }), box));
          }
          grid.append(card);
        }
        section.append(grid);
        body.append(section);
      }
      tab.dataset.state = 'ready';
      return first;
    };

    const show = async (step) => {
      if (step === null || step === undefined) return;
      await Promise.all(imgs.map(({ img, tag }) => rs.show(img, tag, step)));
      for (const { box, tag } of rankings) {
        if (!texts.has(tag)) {
          const res = await ctx.api.text(rs.run, tag);
          texts.set(tag, res.steps.map(s => ({ step: s.step, html: s.html[0] || '' })));
        }
        const list = texts.get(tag);
        let pick = null;
        for (const t of list) if (t.step <= step) pick = t;
        box.dataset.step = pick ? String(pick.step) : '';
        // server-rendered from Markdown with raw HTML escaped (docs/API.md, /api/text)
        box.innerHTML = pick ? pick.html : '';
      }
      tab.dataset.step = String(step);
    };

    rs.refresh();
    return {
      refresh(reason) {
        if (reason === 'runs' || reason === 'selection' || reason === 'state') {
          rs.refresh(reason === 'runs');
        } else if (reason && reason.live && reason.live.some(u => u.run === rs.run && FEATURE.test(u.tag))) {
          texts.clear();
          rs.refresh();
        }
      },
      destroy() {},
    };
  },
};
