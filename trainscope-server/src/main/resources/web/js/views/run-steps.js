// What the Features and Latent tabs share: a run picker in the sidebar (the selected runs that
// have the tab's tags), a step slider over the steps of one of those tags, and images that follow
// the slider, each showing its tag at the chosen step or, for a tag logged less often, the last
// step before it.

import { StepSlider } from './step-slider.js';
import { el, clear } from '../util.js';
import { runLabel } from '../colors.js';

/** The step of `steps` (ascending) to show for `step`: itself, else the last before it, else the first. */
export function stepAtOrBefore(steps, step) {
  let best = null;
  for (const s of steps) {
    if (s <= step) best = s;
    else break;
  }
  return best === null ? (steps.length ? steps[0] : null) : best;
}

export class RunSteps {
  /**
   * runsWith(ctx) -> run names having the tab's tags; stateKey: the URL key of the chosen run;
   * onRun(run) builds the run's view and returns the tag whose steps the slider walks;
   * onStep(step) shows a step.
   */
  constructor(container, settings, ctx, { stateKey, label, runsWith, onRun, onStep }) {
    this.ctx = ctx;
    this.stateKey = stateKey;
    this.runsWith = runsWith;
    this.onRun = onRun;
    this.onStep = onStep;
    this.select = el('select', { 'aria-label': label });
    settings.append(el('label', { class: 'field' }, label, this.select));
    this.select.addEventListener('change', () => ctx.state.set({ [stateKey]: this.select.value }));
    this.bar = el('div', { class: 'run-steps-bar' });
    container.append(this.bar);
    this.slider = new StepSlider(this.bar, { label: 'Step', onChange: () => this.onStep(this.slider.step()) });
    this.run = undefined;       // nothing built yet: the first refresh builds, even for no run
    this.steps = new Map();     // tag -> [steps], from /api/blobs
    this.wanted = undefined;    // the URL's choice of run at the last refresh
  }

  /**
   * Whether the URL's choice of run moved since the last refresh: other state (a rename, whose
   * labels follow by themselves, or another tab's key) needs no refresh and no fetch.
   */
  choiceChanged() {
    return this.ctx.state.get(this.stateKey) !== this.wanted;
  }

  /** Re-reads which runs qualify and (re)builds the chosen one's view when it changed. */
  async refresh(force = false) {
    const runs = this.runsWith(this.ctx);
    const wanted = this.ctx.state.get(this.stateKey);
    this.wanted = wanted;
    const run = runs.includes(wanted) ? wanted : runs[0] || null;
    clear(this.select);
    for (const r of runs) this.select.append(runLabel(r, { value: r }, 'option'));
    if (run) this.select.value = run;
    if (run !== this.run || force) {
      this.run = run;
      this.steps.clear();
      const tag = this.onRun(run);
      if (tag) await this.loadSteps(tag);
      else this.slider.setSteps([], []);
    } else if (run) {
      await this.loadSteps(this.mainTag);
    }
  }

  async loadSteps(tag) {
    this.mainTag = tag;
    const res = await this.ctx.api.blobs(this.run, tag);
    this.steps.set(tag, res.steps.map(s => s.step));
    this.slider.setSteps(res.steps.map(s => s.step), res.steps.map(s => s.wallTime));
    this.onStep(this.slider.step());
  }

  /** The step to show for `tag` at the slider's step (its blob steps fetched once per run). */
  async stepOf(tag, step) {
    if (!this.steps.has(tag)) {
      const res = await this.ctx.api.blobs(this.run, tag);
      this.steps.set(tag, res.steps.map(s => s.step));
    }
    return stepAtOrBefore(this.steps.get(tag), step);
  }

  /** Points an <img> at a tag's image for the slider's step. */
  async show(img, tag, step) {
    const s = await this.stepOf(tag, step);
    if (s === null) {
      img.removeAttribute('src');
      img.dataset.step = '';
      return;
    }
    const url = this.ctx.api.blobUrl(this.run, tag, s);
    if (img.getAttribute('src') !== url) img.src = url;
    img.dataset.step = String(s);
  }
}
