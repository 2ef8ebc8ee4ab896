// A checklist of tags with its own filter, for choosing table columns. Chosen tags come first,
// then tags that are columns anyway (`also`: the Runs table's session metrics), ticked and fixed;
// at most LIMIT others are listed (narrow them with the filter or the sidebar's tag filter). The
// count says how many of the tags are columns, chosen or not.

import { el, regex } from '../util.js';

const LIMIT = 200;

export class TagPicker {
  constructor(parent, { label, onChange, onDefault, onNone }) {
    this.tags = [];
    this.chosen = [];
    this.also = [];
    this.onChange = onChange;
    this.filter = el('input', { type: 'search', placeholder: 'filter (regex)', 'aria-label': `Filter ${label}`,
      spellcheck: 'false', autocomplete: 'off' });
    this.list = el('div', { class: 'tag-picker-list', role: 'group', 'aria-label': label });
    this.count = el('span', { class: 'count' });
    const def = el('button', { type: 'button', class: 'link', text: 'default', title: 'Tags named like loss or accuracy' });
    const none = el('button', { type: 'button', class: 'link', text: 'none' });
    def.addEventListener('click', onDefault);
    none.addEventListener('click', onNone);
    parent.append(el('div', { class: 'tag-picker' },
      el('div', { class: 'runs-head' }, el('span', { text: label }), this.count, el('span', { class: 'spacer' }), def, none),
      el('label', { class: 'field' }, this.filter), this.list));
    this.filter.addEventListener('input', () => this.render());
  }

  /** All tags to offer, the chosen ones in order, and those that are columns anyway. */
  set(tags, chosen, also = []) {
    this.tags = tags;
    this.chosen = chosen;
    const mine = new Set(chosen);
    this.also = also.filter(t => !mine.has(t));
    this.render();
  }

  render() {
    const re = regex(this.filter.value);
    const chosen = new Set(this.chosen);
    const also = new Set(this.also);
    const pass = t => !re || re instanceof Error || re.test(t);
    const others = this.tags.filter(t => !chosen.has(t) && !also.has(t) && pass(t));
    const items = [...this.chosen.filter(pass), ...this.also.filter(pass), ...others.slice(0, LIMIT)];
    const total = new Set([...this.tags, ...this.also]).size;
    this.count.textContent = `${this.chosen.length + this.also.length} of ${total}`;
    this.count.title = this.also.length
      ? `${this.chosen.length} chosen and ${this.also.length} session metric${this.also.length === 1 ? '' : 's'} shown as columns`
      : `${this.chosen.length} shown as columns`;
    this.list.replaceChildren(...items.map(t => {
      const box = el('input', { type: 'checkbox', 'data-tag': t });
      box.checked = chosen.has(t) || also.has(t);
      if (also.has(t)) {
        box.disabled = true;
        return el('label', { class: 'row tag-picker-item', title: `${t}: a column as the session's metric (hparams)` },
          box, el('span', { class: 'run-name', text: t }));
      }
      box.addEventListener('change', () => {
        const next = box.checked ? [...this.chosen, t] : this.chosen.filter(x => x !== t);
        this.onChange(next);
      });
      return el('label', { class: 'row tag-picker-item', title: t }, box, el('span', { class: 'run-name', text: t }));
    }), others.length > LIMIT ? el('div', { class: 'muted', text: `${others.length - LIMIT} more: filter to find them` }) : '');
  }
}
