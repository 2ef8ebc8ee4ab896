// The steps of a text tag as a newest-first list with a step filter and pages, so a tag logged
// every step for a long run stays quick to open. Each string is shown as the server's HTML
// rendered from its Markdown (raw HTML in the text escaped there, so it is inserted as is) or,
// in raw mode, as plain text.

import { el, fmt } from '../util.js';
import { fmtWall } from './format.js';

/** "120" (that step), "100-200", "100..200", "100-" or "-200" (ranges), "" (all); null if unreadable. */
export function parseStepFilter(text) {
  const t = text.trim();
  if (!t) return () => true;
  let m = t.match(/^(-?\d+)$/);
  if (m) {
    const s = Number(m[1]);
    return step => step === s;
  }
  m = t.match(/^(-?\d+)?\s*(?:-|\.\.|–)\s*(-?\d+)?$/);
  if (m && (m[1] !== undefined || m[2] !== undefined)) {
    const lo = m[1] === undefined ? -Infinity : Number(m[1]);
    const hi = m[2] === undefined ? Infinity : Number(m[2]);
    return step => step >= lo && step <= hi;
  }
  m = t.match(/^(>=|<=|>|<)\s*(-?\d+)$/);
  if (m) {
    const v = Number(m[2]);
    return { '>=': s => s >= v, '<=': s => s <= v, '>': s => s > v, '<': s => s < v }[m[1]];
  }
  return null;
}

export class TextSteps {
  constructor(parent, { label }) {
    this.steps = [];       // newest first
    this.page = 0;
    this.pageSize = 10;
    this.raw = false;
    this.match = () => true;
    this.filter = el('input', { type: 'search', class: 'text-filter', placeholder: 'steps: 120, 100-200, >=300',
      'aria-label': `Filter steps of ${label}`, spellcheck: 'false', autocomplete: 'off' });
    this.prev = el('button', { type: 'button', text: '‹ newer', 'aria-label': 'Newer steps' });
    this.next = el('button', { type: 'button', text: 'older ›', 'aria-label': 'Older steps' });
    this.info = el('span', { class: 'pager-info' });
    this.list = el('div', { class: 'text-list' });
    this.tools = el('div', { class: 'text-tools' }, this.filter, el('span', { class: 'pager' }, this.prev, this.info, this.next));
    parent.append(this.tools, this.list);
    this.filter.addEventListener('input', () => {
      const m = parseStepFilter(this.filter.value);
      this.filter.classList.toggle('invalid', m === null);
      this.filter.setAttribute('aria-invalid', String(m === null));
      if (m === null) return;
      this.match = m;
      this.turn(0);
    });
    this.prev.addEventListener('click', () => this.turn(this.page - 1));
    this.next.addEventListener('click', () => this.turn(this.page + 1));
  }

  turn(page) {
    this.page = page;
    this.render();
    this.list.scrollTop = 0;
  }

  /** Steps as the API sends them ({step, wallTime, text[], html[]}), oldest first. */
  setSteps(steps) {
    this.steps = [...steps].reverse();
    this.render();
  }

  setOptions({ pageSize, raw }) {
    if (pageSize === this.pageSize && raw === this.raw) return;
    const first = this.page * this.pageSize;
    this.pageSize = pageSize;
    this.raw = raw;
    this.page = Math.floor(first / pageSize);
    this.render();
  }

  shown() {
    const all = this.steps.filter(s => this.match(s.step));
    const pages = Math.max(1, Math.ceil(all.length / this.pageSize));
    this.page = Math.max(0, Math.min(pages - 1, this.page));
    return { all, pages, items: all.slice(this.page * this.pageSize, (this.page + 1) * this.pageSize) };
  }

  render() {
    const { all, pages, items } = this.shown();
    const from = this.page * this.pageSize;
    this.info.textContent = all.length
      ? `${fmt(from + 1)}–${fmt(from + items.length)} of ${fmt(all.length)}${all.length < this.steps.length ? ` (${fmt(this.steps.length)} in all)` : ''}`
      : (this.steps.length ? 'no step matches' : 'no steps yet');
    // a short history needs neither filter nor pages
    this.tools.hidden = this.steps.length <= this.pageSize && !this.filter.value;
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
    this.list.replaceChildren(...items.map(s => this.entry(s)));
  }

  entry(s) {
    const bodies = [];
    const n = Math.max(s.text.length, (s.html || []).length);
    for (let i = 0; i < n; i++) {
      if (this.raw || !s.html || s.html[i] === undefined) {
        bodies.push(el('pre', { class: 'text-raw', text: s.text[i] ?? '' }));
      } else {
        const div = el('div', { class: 'markdown' });
        div.innerHTML = s.html[i];   // rendered and escaped by the server: the one trusted HTML
        bodies.push(div);
      }
    }
    return el('article', { class: 'text-entry', 'data-step': s.step },
      el('header', { class: 'text-head' }, el('b', { text: `step ${fmt(s.step)}` }),
        s.wallTime > 0 ? el('span', { class: 'muted', text: fmtWall(s.wallTime) }) : null),
      ...bodies);
  }
}
