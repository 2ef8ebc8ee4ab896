// The Latent tab: a generative model's latent traversals, as the demo's autoencoder logs them. One
// row per latent dimension, the decoded images as that dimension sweeps across its range while the
// others hold a fixed sample's code; rows and columns labelled from the tag's meaning (/api/tags
// TagInfo.meaning: role latent_traversal with the attributes dims, sweep and steps; role
// reconstructions for the inputs and their reconstructions). A step slider walks the logging steps
// to watch the latent space organise itself.
//
// State in the URL: x.lrun (the run). For tests: div.latent-tab[data-state=empty|ready],
// img.latent-traversal[data-step], img.latent-reconstructions[data-step], .latent-rows > span per
// row, .latent-cols > span per column.

import { RunSteps } from '../views/run-steps.js';
import { el, clear } from '../util.js';

const roleOf = t => (t.meaning && t.meaning.role) || '';
const isTraversal = t => roleOf(t) === 'latent_traversal' && t.kind === 'image';
const isReconstructions = t => roleOf(t) === 'reconstructions' && t.kind === 'image';

/** The traversal's shape from its meaning's attributes (dims: 8, sweep: -3..3 sd, steps: 9). */
export function traversalShape(meaning) {
  const a = (meaning && meaning.attributes) || {};
  const num = key => {
    const m = /^\s*(-?[\d.]+)/.exec(a[key] || '');
    return m ? Number(m[1]) : null;
  };
  const sweep = /^\s*(-?[\d.]+)\s*\.\.\s*\+?(-?[\d.]+)\s*(\w*)/.exec(a.sweep || '');
  return {
    dims: num('dims'),
    steps: num('steps'),
    from: sweep ? Number(sweep[1]) : -3,
    to: sweep ? Number(sweep[2]) : 3,
    unit: sweep && sweep[3] ? sweep[3] : 'sd',
  };
}

export default {
  id: 'latent',
  title: 'Latent',
  kinds: [],

  empty(ctx) {
    if (ctx.selectedRuns().some(r => ctx.runTags(r).some(isTraversal))) return null;
    return 'No latent traversals in the selected runs: ./trainscope demo --model autoencoder logs them '
      + '(an image tag with role latent_traversal)';
  },

  mount(container, ctx, settings) {
    const tab = el('div', { class: 'latent-tab', 'data-tab': 'latent', 'data-state': 'empty' });
    const note = el('p', { class: 'muted' });
    const body = el('div', { class: 'latent-body' });
    container.append(tab);
    let traversal = null;
    let recon = null;
    let traversalTag = null;
    let reconTag = null;

    const rs = new RunSteps(tab, settings, ctx, {
      stateKey: 'x.lrun',
      label: 'Run',
      runsWith: c => c.selectedRuns().filter(r => c.runTags(r).some(isTraversal)),
      onRun: run => build(run),
      onStep: step => show(step),
    });
    tab.append(note, body);

    const build = (run) => {
      clear(body);
      traversal = null;
      recon = null;
      if (!run) {
        tab.dataset.state = 'empty';
        note.textContent = 'No latent traversals in the selected runs. ./trainscope demo --model autoencoder logs them.';
        return null;
      }
      const info = ctx.runTags(run).find(isTraversal);
      const reconInfo = ctx.runTags(run).find(isReconstructions);
      traversalTag = info.tag;
      reconTag = reconInfo ? reconInfo.tag : null;
      const shape = traversalShape(info.meaning);
      note.textContent = 'Each row varies one latent dimension across its range while the others keep a fixed '
        + 'sample\'s code: a dimension that has learned a factor changes one thing about the digit.';
      traversal = el('img', { class: 'latent-traversal pixelated', alt: 'Latent traversal' });
      const rows = el('div', { class: 'latent-rows' });
      const cols = el('div', { class: 'latent-cols' });
      for (let d = 0; d < (shape.dims || 0); d++) rows.append(el('span', { text: `z${d}` }));
      const n = shape.steps || 0;
      for (let i = 0; i < n; i++) {
        const v = n === 1 ? shape.from : shape.from + (shape.to - shape.from) * i / (n - 1);
        cols.append(el('span', { text: `${v > 0 ? '+' : ''}${Number(v.toFixed(2))}${shape.unit === 'sd' ? 'σ' : ''}` }));
      }
      const grid = el('div', { class: 'latent-grid' }, el('span'), cols, rows, traversal);
      body.append(el('section', { class: 'card latent-card' },
        el('div', { class: 'card-head' }, el('span', { class: 'card-title', text: 'Latent traversal' })), grid));
      if (reconTag) {
        recon = el('img', { class: 'latent-reconstructions pixelated', alt: 'Inputs and reconstructions' });
        body.append(el('section', { class: 'card latent-card' },
          el('div', { class: 'card-head' }, el('span', { class: 'card-title', text: 'Inputs (top) and reconstructions (bottom)' })),
          recon));
      }
      // scale the images by whole factors for crisp digits once their size is known
      for (const img of [traversal, recon].filter(Boolean)) {
        img.addEventListener('load', () => {
          const k = Math.max(1, Math.min(4, Math.floor(700 / Math.max(1, img.naturalWidth))));
          img.style.width = `${img.naturalWidth * k}px`;
          img.style.height = `${img.naturalHeight * k}px`;
        });
      }
      tab.dataset.state = 'ready';
      return traversalTag;
    };

    const show = async (step) => {
      if (step === null || step === undefined) return;
      if (traversal) await rs.show(traversal, traversalTag, step);
      if (recon) await rs.show(recon, reconTag, step);
      tab.dataset.step = String(step);
    };

    rs.refresh();
    return {
      refresh(reason) {
        if (reason === 'state' && !rs.choiceChanged()) return;
        if (reason === 'runs' || reason === 'selection' || reason === 'state') {
          rs.refresh(reason === 'runs');
        } else if (reason && reason.live && reason.live.some(u => u.run === rs.run && (u.tag === traversalTag || u.tag === reconTag))) {
          rs.refresh();
        }
      },
      destroy() {},
    };
  },
};
