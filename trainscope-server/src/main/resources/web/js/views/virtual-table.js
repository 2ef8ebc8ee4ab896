// A sortable table that keeps only the rows in view in the DOM (plus a margin), so a thousand
// runs or ten thousand scroll and sort at once. Rows have one fixed height; column widths come
// from the longest text in each column (table-layout: fixed), so they do not jump while scrolling.
//
// A column: {id, label, title, text(row) -> string, cell?(row) -> Node, value(row) -> sort key,
// num (right-aligned), minWidth, maxWidth}.

import { el } from '../util.js';

const ROW = 28;
const OVERSCAN = 10;

export class VirtualTable {
  constructor(parent, { onSort, rowAttrs }) {
    this.onSort = onSort;
    this.rowAttrs = rowAttrs || (() => ({}));
    this.columns = [];
    this.rows = [];
    this.sort = { id: null, desc: false };
    this.colgroup = el('colgroup');
    this.headRow = el('tr');
    this.body = el('tbody');
    this.table = el('table', { class: 'data runs-table' }, this.colgroup, el('thead', {}, this.headRow), this.body);
    this.wrap = el('div', { class: 'table-wrap', tabindex: '-1' }, this.table);
    parent.append(this.wrap);
    this.range = null;
    this.queued = false;
    // scroll offset and height are remembered when they change, so that drawing rows never
    // forces the browser to lay out the page first
    this.top = 0;
    this.height = 600;
    this.wrap.addEventListener('scroll', () => {
      this.top = this.wrap.scrollTop;
      this.renderSoon();
    });
    this.ro = new ResizeObserver(entries => {
      this.height = entries[entries.length - 1].contentRect.height || this.height;
      this.renderSoon();
    });
    this.ro.observe(this.wrap);
  }

  setColumns(columns) {
    this.columns = columns;
    this.headRow.replaceChildren(...columns.map(c => {
      const th = el('th', { scope: 'col', tabindex: '0', title: c.title || c.label, 'data-col': c.id,
        class: c.num ? 'num' : '' }, el('span', { class: 'th-label', text: c.label }), el('span', { class: 'sort-mark' }));
      const activate = () => this.onSort(c.id);
      th.addEventListener('click', activate);
      th.addEventListener('keydown', e => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          activate();
        }
      });
      return th;
    }));
    this.syncSortMarks();
    this.widths();
    this.range = null;
    this.renderSoon();
  }

  setRows(rows) {
    this.rows = rows;
    this.widths();
    this.range = null;
    this.renderSoon();
  }

  setSort(id, desc) {
    this.sort = { id, desc };
    this.syncSortMarks();
  }

  syncSortMarks() {
    for (const th of this.headRow.children) {
      const on = th.dataset.col === this.sort.id;
      th.setAttribute('aria-sort', on ? (this.sort.desc ? 'descending' : 'ascending') : 'none');
      th.querySelector('.sort-mark').textContent = on ? (this.sort.desc ? ' ▼' : ' ▲') : '';
    }
  }

  /** Column widths from the longest text, sampled over at most 600 rows. */
  widths() {
    const step = Math.max(1, Math.floor(this.rows.length / 600));
    const cols = this.columns.map(c => {
      let chars = c.label.length + 2;
      for (let i = 0; i < this.rows.length; i += step) {
        const t = c.text(this.rows[i]);
        if (t && t.length > chars) chars = t.length;
      }
      const px = Math.round(chars * 7.8 + (c.extra || 0) + 22);
      return el('col', { style: { width: `${Math.max(c.minWidth || 56, Math.min(c.maxWidth || 320, px))}px` } });
    });
    this.colgroup.replaceChildren(...cols);
    const total = [...this.colgroup.children].reduce((s, c) => s + parseFloat(c.style.width), 0);
    this.table.style.width = `${total}px`;
  }

  /** Redraws the rows in view on the next microtask (after scrolling, new data, a resize). */
  renderSoon(force) {
    if (force) this.range = null;
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      this.render();
    });
  }

  render() {
    const first = Math.max(0, Math.floor((this.top - ROW) / ROW) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.top + this.height) / ROW) + OVERSCAN);
    if (this.range && this.range[0] === first && this.range[1] === last) return;
    this.range = [first, last];
    const out = [];
    if (first > 0) out.push(this.spacer(first * ROW));
    for (let i = first; i < last; i++) out.push(this.row(this.rows[i], i));
    if (last < this.rows.length) {
      out.push(this.spacer((this.rows.length - last) * ROW));
    }
    this.body.replaceChildren(...out);
  }

  spacer(px) {
    return el('tr', { class: 'spacer', 'aria-hidden': 'true' },
      el('td', { colspan: Math.max(1, this.columns.length), style: { height: `${px}px` } }));
  }

  row(r, i) {
    const tr = el('tr', { 'aria-rowindex': i + 2, ...this.rowAttrs(r) });
    for (const c of this.columns) {
      const content = c.cell ? c.cell(r) : c.text(r);
      const td = el('td', { 'data-col': c.id, class: c.num ? 'num' : '' });
      // a cell narrower than its text (an ellipsis) shows it whole on hover
      const text = c.text(r);
      if (text && !(content instanceof Element && content.title)) td.title = text;
      if (content instanceof Node) td.append(content); else td.textContent = content ?? '';
      tr.append(td);
    }
    return tr;
  }

  destroy() {
    this.ro.disconnect();
    this.wrap.remove();
  }
}
