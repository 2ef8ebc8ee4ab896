// The run list in the sidebar: a regex filter, a checkbox per run with its colour, "all" and
// "none". Virtualised: only the rows in view exist in the DOM, so 1,000 runs scroll smoothly.
// The swatch opens a colour picker (the colour chosen is kept in the URL's `colors`; one picker
// for the list, moved onto the swatch clicked: a colour input per row made every re-render of the
// list slow to paint, seconds at 1,000 runs), the pencil
// gives the run a display name (the URL's `names`); the folder name stays in the row's tooltip
// and the filter matches either.

import * as state from './state.js';
import { runColor, runName, colorChosen } from './colors.js';
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
    this.counts = {};   // run -> {error, warning, info}: the findings' badges
    this.editor = null; // {run, input} while a display name is being edited
    this.picker = el('input', { type: 'color', id: 'run-color-picker', class: 'run-color-picker', tabindex: '-1',
      'aria-label': 'Run colour' });
    this.picker.addEventListener('change', () => {
      if (this.picker.dataset.run !== undefined) state.setPair('colors', this.picker.dataset.run, this.picker.value);
    });
    listEl.parentElement.append(this.picker);
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
    return re ? this.runs.filter(r => re.test(r) || (runName(r) !== r && re.test(runName(r)))) : this.runs;
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
    this.rendering = true;   // the display name's editor is moved, not left: its blur is not the user's
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
        box, this.colorPicker(run), this.nameOf(run), this.badge(run));
      row.dataset.run = run;
      if (runName(run) !== run) row.dataset.alias = runName(run);
      this.listEl.append(row);
      if (this.editor && this.editor.run === run) this.editor.input.focus();
    }
    this.rendering = false;
  }

  /** The run's swatch, a button that opens the colour picker on it: the colour chosen goes into the URL. */
  colorPicker(run) {
    const c = el('button', { type: 'button', class: 'swatch run-color', style: { background: runColor(run) },
      'data-color': runColor(run),
      title: colorChosen(run) ? `Colour of ${run} (chosen; right-click for its own again)` : `Choose the colour of ${run}`,
      'aria-label': `Colour of ${run}` });
    c.addEventListener('click', e => {
      e.preventDefault();
      e.stopPropagation();
      const p = this.picker;
      const at = c.getBoundingClientRect();
      const panel = p.parentElement.getBoundingClientRect();
      p.style.left = `${at.left - panel.left}px`;
      p.style.top = `${at.top - panel.top}px`;
      p.value = runColor(run);
      p.dataset.run = run;
      p.click();   // the browser's colour chooser, opened by the user's click
    });
    c.addEventListener('contextmenu', e => {
      if (!colorChosen(run)) return;
      e.preventDefault();
      state.setPair('colors', run, '');
    });
    return c;
  }

  /** The run's shown name and a button to edit it; the editor while editing. */
  nameOf(run) {
    if (this.editor && this.editor.run === run) return this.editor.input;
    const name = runName(run);
    const edit = el('button', { type: 'button', class: 'link run-rename', text: '✎', title: 'Give this run a display name',
      'aria-label': `Rename ${run}`, onclick: e => {
        e.preventDefault();
        e.stopPropagation();
        this.startEditing(run);
      } });
    return el('span', { class: 'run-label' }, el('span', { class: 'run-name', text: name }), edit);
  }

  startEditing(run) {
    const input = el('input', { type: 'text', class: 'run-alias', value: runName(run), 'aria-label': `Display name of ${run}`,
      placeholder: run, spellcheck: 'false' });
    const editor = { run, input };
    const done = save => {
      if (this.editor !== editor) return;
      this.editor = null;
      const alias = input.value.replace(/[\t\n\r]/g, ' ').trim();
      if (save) state.setPair('names', run, alias === run ? '' : alias);
      this.renderRows(true);
    };
    input.addEventListener('keydown', e => {
      if (e.key === 'Enter') done(true);
      if (e.key === 'Escape') done(false);
    });
    input.addEventListener('blur', () => {
      if (!this.rendering) done(true);
    });
    this.editor = editor;
    this.renderRows(true);
    input.focus();
    input.select();
  }

  /** The findings per run and severity ({run: {error: n, warning: n, info: n}}) shown as badges. */
  setCounts(counts) {
    const same = JSON.stringify(counts) === JSON.stringify(this.counts);
    this.counts = counts;
    if (!same) this.renderRows(true);
  }

  badge(run) {
    const c = this.counts[run];
    if (!c) return null;
    const sev = c.error ? 'error' : c.warning ? 'warning' : 'info';
    const n = (c.error || 0) + (c.warning || 0) + (c.info || 0);
    const parts = ['error', 'warning', 'info'].filter(k => c[k]).map(k => `${c[k]} ${k === 'info' ? 'note' : k}${c[k] === 1 ? '' : 's'}`);
    return el('button', { type: 'button', class: `badge run-badge sev-${sev}`, 'data-severity': sev, 'data-count': String(n),
      title: `${parts.join(', ')}: show the findings`, 'aria-label': `${parts.join(', ')} in ${run}`, text: String(n),
      onclick: e => {
        e.preventDefault();
        e.stopPropagation();
        state.set({ tab: 'findings', hidden: state.hiddenWithout(run) }, { push: true });
      } });
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

