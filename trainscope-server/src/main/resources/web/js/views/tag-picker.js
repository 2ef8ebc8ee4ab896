// A checklist of tags with its own filter, for choosing table columns. Chosen tags come first;
// at most LIMIT others are listed (narrow them with the filter or the sidebar's tag filter).

import { el, regex } from '../util.js';

const LIMIT = 200;

export class TagPicker {
  constructor(parent, { label, onChange, onDefault, onNone }) {
    this.tags = [];
    this.chosen = [];
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

  /** All tags to offer and the chosen ones, in order. */
  set(tags, chosen) {
    this.tags = tags;
    this.chosen = chosen;
    this.render();
  }

  render() {
    const re = regex(this.filter.value);
    const chosen = new Set(this.chosen);
    const pass = t => !re || re instanceof Error || re.test(t);
    const others = this.tags.filter(t => !chosen.has(t) && pass(t));
    const items = [...this.chosen.filter(pass), ...others.slice(0, LIMIT)];
    this.count.textContent = `${this.chosen.length} of ${this.tags.length}`;
    this.list.replaceChildren(...items.map(t => {
      const box = el('input', { type: 'checkbox', 'data-tag': t });
      box.checked = chosen.has(t);
      box.addEventListener('change', () => {
        const next = box.checked ? [...this.chosen, t] : this.chosen.filter(x => x !== t);
        this.onChange(next);
      });
      return el('label', { class: 'row tag-picker-item', title: t }, box, el('span', { class: 'run-name', text: t }));
    }), others.length > LIMIT ? el('div', { class: 'muted', text: `${others.length - LIMIT} more: filter to find them` }) : '');
  }
}
