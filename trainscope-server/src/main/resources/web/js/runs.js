// The run list in the sidebar: a regex filter, a checkbox per run with its colour, "all" and
// "none". Virtualised: only the rows in view exist in the DOM, so 1,000 runs scroll smoothly.

import * as state from './state.js';
import { runColor } from './colors.js';
import { el, regex } from './util.js';

const ROW = 24;

export class RunList {
  constructor(listEl, countEl, filterEl, filterErrorEl, onChange) {
    this.listEl = listEl;
    this.countEl = countEl;
    this.filterEl = filterEl;
    this.filterErrorEl = filterErrorEl;
    this.onChange = onChange;
    this.runs = [];
    this.visible = [];
    this.spacer = el('div', { style: { height: '0px' } });
    listEl.append(this.spacer);
    listEl.addEventListener('scroll', () => this.renderRows());
    new ResizeObserver(() => this.renderRows()).observe(listEl);
    filterEl.value = state.get('runFilter');
    filterEl.addEventListener('input', () => state.set({ runFilter: filterEl.value }));
  }

  setRuns(runs) {
    this.runs = runs.map(r => r.name);
    this.update();
  }

  /** The runs that pass the filter, ticked or not. */
  filtered() {
    const re = regex(state.get('runFilter'));
    if (re instanceof Error) return this.runs;
    return re ? this.runs.filter(r => re.test(r)) : this.runs;
  }

  /** The runs to show: passing the filter and ticked. */
  selected() {
    const hidden = state.hiddenRuns();
    return this.filtered().filter(r => !hidden.has(r));
  }

  update() {
    if (document.activeElement !== this.filterEl && this.filterEl.value !== state.get('runFilter')) {
      this.filterEl.value = state.get('runFilter');
    }
    const re = regex(state.get('runFilter'));
    this.filterErrorEl.hidden = !(re instanceof Error);
    this.filterErrorEl.textContent = re instanceof Error ? re.message : '';
    this.visible = this.filtered();
    const hidden = state.hiddenRuns();
    const shown = this.visible.filter(r => !hidden.has(r)).length;
    this.countEl.textContent = `${shown} of ${this.runs.length}`;
    this.spacer.style.height = `${this.visible.length * ROW}px`;
    this.renderRows(true);
  }

  renderRows(force) {
    const top = this.listEl.scrollTop;
    const height = this.listEl.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW) - 5);
    const last = Math.min(this.visible.length, Math.ceil((top + height) / ROW) + 5);
    if (!force && this.range && this.range[0] === first && this.range[1] === last) return;
    this.range = [first, last];
    for (const child of [...this.listEl.children]) {
      if (child !== this.spacer) child.remove();
    }
    const hidden = state.hiddenRuns();
    for (let i = first; i < last; i++) {
      const run = this.visible[i];
      const box = el('input', { type: 'checkbox', 'aria-label': run });
      box.checked = !hidden.has(run);
      box.addEventListener('change', () => this.toggle(run, box.checked));
      const row = el('label', { class: 'run-item', role: 'listitem', title: run, style: { top: `${i * ROW}px` } },
        box, el('span', { class: 'swatch', style: { background: runColor(run) } }),
        el('span', { class: 'run-name', text: run }));
      row.dataset.run = run;
      this.listEl.append(row);
    }
  }

  toggle(run, on) {
    const hidden = state.hiddenRuns();
    if (on) hidden.delete(run); else hidden.add(run);
    state.setHiddenRuns(hidden);
  }

  setAll(on) {
    const hidden = state.hiddenRuns();
    for (const r of this.filtered()) {
      if (on) hidden.delete(r); else hidden.add(r);
    }
    state.setHiddenRuns(hidden);
  }
}

