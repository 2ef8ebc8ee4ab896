// The Features tab: what a CNN's feature maps respond to, as the DJL listener logs it: per conv
// layer its filter grid, and per channel the 9 validation images that excite it most beside their
// Zeiler-Fergus deconvnet and guided back-propagation reconstructions, with the ranking (image,
// label, activation, position). Which tag is which comes from the tags' meaning (/api/tags
// TagInfo.meaning: roles feature_top9, feature_deconv, feature_guided, feature_ranking with their
// layer and channel, filters with its layer), as the listener states it in the tags' metadata or
// the store infers it from the listener's names (features/<layer>/<channel>/top9..., filters/<layer>).
// A step slider walks the logging steps to watch them evolve.
//
// State in the URL: x.frun (the run). For tests: section.features-layer[data-layer] holding
// div.features-channel[data-channel], whose img[data-kind=top9|deconv|guided] carry data-step;
// img.features-filters[data-step]; div.features-tab[data-state=empty|ready].

import { RunSteps } from '../views/run-steps.js';
import { el, clear } from '../util.js';

const KINDS = [['top9', 'Top 9 images'], ['deconv', 'Deconvnet'], ['guided', 'Guided backprop']];
/** The feature views' roles, by the kind of view each is. */
const VIEW_OF_ROLE = { feature_top9: 'top9', feature_deconv: 'deconv', feature_guided: 'guided', feature_ranking: 'ranking' };

const roleOf = t => (t.meaning && t.meaning.role) || '';

/** True for a tag of a feature view (a channel's picture or ranking). */
export function isFeatureView(t) {
  return Object.hasOwn(VIEW_OF_ROLE, roleOf(t)) && /^\d+$/.test((t.meaning.attributes || {}).channel || '');
}

/** {layer -> {channel -> {kind -> tag}}} from a run's tags, layers in logging order, channels ascending. */
export function featureTags(tags) {
  const layers = new Map();
  for (const t of tags) {
    if (!isFeatureView(t)) continue;
    const layer = t.meaning.layer;
    const channel = Number(t.meaning.attributes.channel);
    if (!layers.has(layer)) layers.set(layer, new Map());
    const chans = layers.get(layer);
    if (!chans.has(channel)) chans.set(channel, {});
    chans.get(channel)[VIEW_OF_ROLE[t.meaning.role]] = t.tag;
  }
  for (const [layer, chans] of layers) layers.set(layer, new Map([...chans].sort((a, b) => a[0] - b[0])));
  return layers;
}

/** The filter grid's tag of each layer: {layer -> tag}. */
export function filterTags(tags) {
  const out = new Map();
  for (const t of tags) if (roleOf(t) === 'filters' && t.kind === 'image' && !out.has(t.meaning.layer)) out.set(t.meaning.layer, t.tag);
  return out;
}

export default {
  id: 'features',
  title: 'Features',
  kinds: [],

  empty(ctx) {
    if (ctx.selectedRuns().some(r => ctx.runTags(r).some(isFeatureView))) return null;
    return 'No feature views in the selected runs: the DJL listener logs them for convolutional networks '
      + '(features/<layer>/<channel>/top9, ./trainscope demo)';
  },

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
      runsWith: c => c.selectedRuns().filter(r => c.runTags(r).some(isFeatureView)),
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
      const filters = filterTags(tags);
      note.textContent = 'Per channel: the 9 validation images that excite it most (highest maximum activation), '
        + 'and what of each image drove it, projected back to pixels by a deconvnet (Zeiler & Fergus) and by '
        + 'guided back-propagation (Springenberg et al.).';
      let first = null;
      for (const [layer, chans] of layers) {
        const section = el('section', { class: 'features-layer card', 'data-layer': layer },
          el('div', { class: 'card-head' }, el('span', { class: 'card-title', text: layer })));
        if (filters.has(layer)) {
          const img = el('img', { class: 'features-filters pixelated', alt: `Filters of ${layer}` });
          imgs.push({ img, tag: filters.get(layer) });
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
        if (reason === 'state' && !rs.choiceChanged()) return;
        if (reason === 'runs' || reason === 'selection' || reason === 'state') {
          rs.refresh(reason === 'runs');
        } else if (reason && reason.live && reason.live.some(u => u.run === rs.run
            && ctx.runTags(u.run).some(t => t.tag === u.tag && isFeatureView(t)))) {
          texts.clear();
          rs.refresh();
        }
      },
      destroy() {},
    };
  },
};
