// A slider over the steps a card holds (a native range input, so arrows, Page Up/Down, Home and
// End work), showing the chosen step and its wall time. It starts at the latest step and keeps
// following the latest one while new steps arrive, unless the user moved it elsewhere.

import { el, fmt } from '../util.js';
import { fmtWall } from './format.js';

export class StepSlider {
  constructor(parent, { label, onChange }) {
    this.steps = [];
    this.walls = [];
    this.index = -1;
    this.onChange = onChange;
    this.input = el('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': label, class: 'step-range' });
    this.text = el('span', { class: 'step-label' });
    this.wall = el('span', { class: 'step-wall muted' });
    this.root = el('div', { class: 'step-slider' }, this.input, el('span', { class: 'step-readout' }, this.text, this.wall));
    parent.append(this.root);
    this.input.addEventListener('input', () => this.select(Number(this.input.value), true));
  }

  /** New steps (ascending); the selection stays on its step, or on the latest if it was there. */
  setSteps(steps, walls) {
    const wasLatest = this.index < 0 || this.index >= this.steps.length - 1;
    const step = this.step();
    this.steps = steps;
    this.walls = walls;
    let index = steps.length - 1;
    if (!wasLatest && step !== null) {
      const at = steps.indexOf(step);
      if (at >= 0) index = at;
    }
    this.input.max = String(Math.max(0, steps.length - 1));
    this.input.disabled = steps.length <= 1;
    this.root.hidden = steps.length === 0;
    this.select(index, false);
  }

  step() {
    return this.index >= 0 && this.index < this.steps.length ? this.steps[this.index] : null;
  }

  select(index, byUser) {
    this.index = Math.max(0, Math.min(this.steps.length - 1, index));
    this.input.value = String(this.index);
    const s = this.step();
    const n = this.steps.length;
    this.text.textContent = s === null ? '' : `step ${fmt(s)}`;
    this.input.setAttribute('aria-valuetext', s === null ? '' : `step ${s}, ${this.index + 1} of ${n}`);
    this.wall.textContent = n ? ` · ${this.index + 1} of ${n}${this.walls[this.index] > 0 ? ' · ' + fmtWall(this.walls[this.index]) : ''}` : '';
    if (byUser && this.onChange) this.onChange(this.index);
  }
}
