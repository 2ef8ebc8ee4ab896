// The top bar's tabs. As many as fit stand in a strip (role=tablist); the rest go into a "More"
// menu (a menu button: Enter, Space or ArrowDown opens it, arrows, Home and End move, Escape
// closes it and returns to the button). When tabs must leave the strip, empty tabs (no data for
// the selected runs) go first, then the last ones; the open tab always stays in the strip.
// Widths are measured in the page, again whenever the bar's width or a tab's text changes.
//
// For tests: each tab is a button[data-tab] inside nav#tabs; button#tabs-more opens div#tabs-menu.

import { el } from './util.js';

/** Makes `nodes` the children of `parent`, in order, moving none that is already in its place. */
function place(parent, nodes) {
  const kids = parent.children;
  if (kids.length === nodes.length && nodes.every((n, i) => kids[i] === n)) return;
  parent.replaceChildren(...nodes);
}

export class TabBar {
  /** nav: the bar's element; onSelect(id): a tab was chosen. */
  constructor(nav, onSelect) {
    this.nav = nav;
    this.onSelect = onSelect;
    this.buttons = new Map();   // id -> button
    this.items = [];            // [{id, title, label, empty, active, badge}]
    this.strip = el('div', { class: 'tab-strip', role: 'tablist', 'aria-label': 'Views' });
    this.more = el('button', { type: 'button', id: 'tabs-more', class: 'tab-more-button', 'aria-haspopup': 'menu',
      'aria-expanded': 'false', 'aria-controls': 'tabs-menu', text: 'More ▾', title: 'The tabs that do not fit' });
    this.menu = el('div', { id: 'tabs-menu', class: 'tab-menu', role: 'menu', 'aria-label': 'More tabs', hidden: true });
    this.moreBox = el('div', { class: 'tab-more', hidden: true }, this.more, this.menu);
    nav.replaceChildren(this.strip, this.moreBox);
    nav.removeAttribute('role');

    this.more.addEventListener('click', () => this.toggle(this.menu.hidden));
    this.more.addEventListener('keydown', e => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.toggle(true, e.key === 'ArrowUp' ? -1 : 0);
      }
    });
    this.menu.addEventListener('keydown', e => this.menuKey(e));
    document.addEventListener('pointerdown', e => {
      if (!this.menu.hidden && !this.moreBox.contains(e.target)) this.toggle(false);
    });
    this.menu.addEventListener('focusout', e => {
      if (!this.menu.hidden && e.relatedTarget && !this.moreBox.contains(e.relatedTarget)) this.toggle(false);
    });
    this.lastWidth = -1;
    new ResizeObserver(() => {
      if (this.nav.clientWidth !== this.lastWidth) this.layout();
    }).observe(nav);
  }

  /** The tabs to show, in order: [{id, label, title, empty (reason or null), active, badge (Node or null)}]. */
  update(items) {
    this.items = items;
    for (const it of items) {
      let b = this.buttons.get(it.id);
      if (!b) {
        b = el('button', { type: 'button', 'data-tab': it.id });
        b.addEventListener('click', () => {
          const fromMenu = b.parentNode === this.menu;
          this.toggle(false);
          this.onSelect(it.id);
          // chosen in the menu, the tab moves into the strip (when the shell has opened it): follow it there
          if (fromMenu) setTimeout(() => { if (b.parentNode === this.strip) b.focus(); });
        });
        this.buttons.set(it.id, b);
      }
      b.replaceChildren(it.label);
      if (it.badge) b.append(' ', it.badge);
      b.title = it.empty || it.title;
      b.classList.toggle('no-data', !!it.empty);
      if (it.empty) {
        // greyed, not disabled: it opens, and shows its reason
        b.dataset.empty = it.empty;
        b.setAttribute('aria-description', it.empty);
      } else {
        delete b.dataset.empty;
        b.removeAttribute('aria-description');
      }
      b.dataset.active = it.active ? '1' : '0';
    }
    this.layout();
  }

  /**
   * Puts as many tabs in the strip as fit, the others in the menu. Widths are those of copies laid
   * out out of sight, and buttons move only when their place changes: a button moved loses the
   * keyboard focus, and the bar is laid out again on every change of findings or progress.
   */
  layout() {
    this.lastWidth = this.nav.clientWidth;
    const all = this.items.map(it => this.buttons.get(it.id));
    const measure = el('div', { class: 'tab-strip tab-measure', 'aria-hidden': 'true' },
      ...all.map(b => { const c = b.cloneNode(true); c.removeAttribute('data-tab'); return c; }), this.more.cloneNode(true));
    this.nav.append(measure);
    const widths = [...measure.children].map(c => c.getBoundingClientRect().width);
    const moreWidth = widths.pop() + 6;
    measure.remove();
    const avail = this.nav.clientWidth;
    const gap = 2;
    let used = widths.reduce((s, w) => s + w + gap, 0);
    const inStrip = all.map(() => true);
    if (used > avail) {
      used += moreWidth;
      const order = [];
      // empty tabs leave first, then the last ones; never the open one
      for (let i = all.length - 1; i >= 0; i--) if (this.items[i].empty && !this.items[i].active) order.push(i);
      for (let i = all.length - 1; i >= 0; i--) if (!this.items[i].empty && !this.items[i].active) order.push(i);
      for (const i of order) {
        if (used <= avail) break;
        inStrip[i] = false;
        used -= widths[i] + gap;
      }
    }
    const strip = all.filter((b, i) => inStrip[i]);
    const out = all.filter((b, i) => !inStrip[i]);
    strip.forEach(b => this.asTab(b));
    out.forEach(b => this.asItem(b));
    place(this.strip, strip);
    place(this.menu, out);
    this.moreBox.hidden = out.length === 0;
    if (!out.length) this.toggle(false);
    this.more.textContent = `More (${out.length}) ▾`;
  }

  asTab(b) {
    b.setAttribute('role', 'tab');
    b.setAttribute('aria-selected', String(b.dataset.active === '1'));
    b.removeAttribute('tabindex');
  }

  asItem(b) {
    b.setAttribute('role', 'menuitem');
    b.removeAttribute('aria-selected');
    b.tabIndex = -1;
  }

  /** Opens (focusing the item at index `focus`, -1 the last, when given) or closes the menu. */
  toggle(open, focus) {
    if (open && this.menu.children.length === 0) open = false;
    const was = !this.menu.hidden;
    this.menu.hidden = !open;
    this.more.setAttribute('aria-expanded', String(open));
    if (open && focus !== undefined) {
      const items = [...this.menu.children];
      items[(focus + items.length) % items.length].focus();
    } else if (!open && was && this.moreBox.contains(document.activeElement)) {
      this.more.focus();
    }
  }

  menuKey(e) {
    const items = [...this.menu.children];
    const i = items.indexOf(document.activeElement);
    const go = j => {
      e.preventDefault();
      items[(j + items.length) % items.length].focus();
    };
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(items.length - 1);
    else if (e.key === 'Escape') {
      e.preventDefault();
      this.toggle(false);
      this.more.focus();
    } else if (e.key === 'Tab') {
      this.toggle(false);
    }
  }
}
