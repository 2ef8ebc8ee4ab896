// The card grid the tag-based tabs share: one card per (tag, run) of the tab's kinds, grouped by
// the tag's prefix before '/', loaded when it first comes near the viewport and refreshed only
// while on screen: a live update marks the cards of its (run, tag) stale, and a stale card
// refetches as soon as it is visible, so off-screen cards cost nothing.
//
// One IntersectionObserver, rooted at the scrolling main area, serves all cards: util.js lazy()
// observes against the viewport (where its margin is clipped by the scrolling area) and stops
// after the first sight, while live refresh needs to know which cards are on screen now.
//
// A tab gives create(card) -> view, where view = { load(): Promise, redraw?(), destroy?() }.
// load() fetches and draws; the grid catches its errors and shows them in the card (a 404 says
// the run or tag is gone). card = { key, run, tag, info, el, body, tools, grid, setNote(text) }.
//
// The ⤢ button shows a card full width through the shell's `full` state key, as
// "<tab>:<run>\n<tag>". Groups of more than perGroup cards show the first ones and a button.
//
// DOM for tests: every card is <div class="card" data-tab data-run data-tag data-kind
// data-state="idle|loading|ready|error">, with data-busy while a fetch runs and div.card-note
// holding its status or error; groups are <details class="group" data-group>.

import { el, groupByPrefix } from '../util.js';
import { ApiError } from '../api.js';
import { runLabel } from '../colors.js';

const KEY_SEP = '\n';

export function cardKey(run, tag) {
  return run + KEY_SEP + tag;
}

export class CardGrid {
  /**
   * @param container the tab's scrolling main area
   * @param opts {tab, kinds, noun (for empty states), create(card) -> view, perGroup}
   */
  constructor(container, ctx, opts) {
    this.container = container;
    this.ctx = ctx;
    this.opts = { perGroup: 60, ...opts };
    this.cards = new Map();        // key -> card
    this.byEl = new WeakMap();     // card element -> card
    this.groups = new Map();       // prefix -> {details, list, more, name, count}
    this.collapsed = new Set();
    this.expanded = new Set();
    this.root = el('div', { class: 'card-grid', 'data-tab': opts.tab });
    this.message = el('div', { class: 'empty', hidden: true });
    container.append(this.message, this.root);
    this.io = new IntersectionObserver(entries => this.onIntersect(entries),
      { root: container, rootMargin: '300px 0px' });
    this.rebuild();
  }

  /** The shell's refresh reasons; 'state' is left to the tab except for the full-size card. */
  refresh(reason) {
    if (reason && typeof reason === 'object' && reason.live) {
      for (const u of reason.live) {
        const card = this.cards.get(cardKey(u.run, u.tag));
        if (card) this.markStale(card);
      }
      return;
    }
    if (reason === 'state') {
      this.syncFull();
      return;
    }
    this.rebuild();
  }

  rebuild() {
    const byTag = this.ctx.tags(this.opts.kinds);
    const groups = groupByPrefix([...byTag.keys()]);
    const keep = new Set();
    const keepGroups = new Set();
    for (const [prefix, tags] of groups) {
      const g = this.group(prefix);
      keepGroups.add(prefix);
      const infos = [];
      for (const tag of tags) infos.push(...byTag.get(tag));
      const limit = this.expanded.has(prefix) ? infos.length : this.opts.perGroup;
      const shown = infos.slice(0, limit);
      for (const info of shown) {
        const key = cardKey(info.run, info.tag);
        keep.add(key);
        let card = this.cards.get(key);
        if (!card) {
          card = this.createCard(info);
        } else {
          const before = version(card.info);
          card.info = info;
          if (card.loaded && before !== version(info)) this.markStale(card);
        }
        g.list.append(card.el);   // moves existing cards into order
      }
      g.count.textContent = infos.length === 1 ? '1 card' : `${infos.length} cards`;
      g.more.hidden = shown.length >= infos.length;
      g.more.textContent = `Show all ${infos.length}`;
      this.root.append(g.details);
    }
    for (const [key, card] of this.cards) {
      if (!keep.has(key)) this.removeCard(card);
    }
    for (const [prefix, g] of this.groups) {
      if (!keepGroups.has(prefix)) {
        g.details.remove();
        this.groups.delete(prefix);
      }
    }
    this.showEmpty(keep.size === 0);
    this.syncFull();
  }

  showEmpty(empty) {
    this.message.hidden = !empty;
    if (!empty) return;
    const noun = this.opts.noun;
    let text;
    if (this.ctx.runs().length === 0) {
      text = 'No runs yet: waiting for event files in the log directory.';
    } else if (this.ctx.selectedRuns().length === 0) {
      text = 'No runs selected: tick runs in the sidebar or clear the run filter.';
    } else if (this.ctx.tagFilter()) {
      text = `No ${noun} tags match the tag filter in the selected runs.`;
    } else {
      text = `The selected runs have no ${noun} data.`;
    }
    this.message.textContent = text;
  }

  group(prefix) {
    let g = this.groups.get(prefix);
    if (g) return g;
    const name = el('span', { class: 'group-name', text: prefix });
    const count = el('span', { class: 'count' });
    const list = el('div', { class: 'cards' });
    const more = el('button', { type: 'button', class: 'more', hidden: true });
    const details = el('details', { class: 'group', 'data-group': prefix },
      el('summary', {}, name, ' ', count), list, more);
    details.open = !this.collapsed.has(prefix);
    details.addEventListener('toggle', () => {
      if (details.open) this.collapsed.delete(prefix); else this.collapsed.add(prefix);
    });
    more.addEventListener('click', () => {
      this.expanded.add(prefix);
      this.rebuild();
    });
    g = { details, list, more, name, count };
    this.groups.set(prefix, g);
    return g;
  }

  createCard(info) {
    const { run, tag } = info;
    const key = cardKey(run, tag);
    const tools = el('span', { class: 'card-tools' });
    const fullBtn = el('button', { type: 'button', class: 'full-toggle', text: '⤢', title: 'Full width',
      'aria-label': 'Toggle full width' });
    const body = el('div', { class: 'card-body' });
    const note = el('div', { class: 'card-note', role: 'status' });
    const title = info.displayName && info.displayName !== tag ? info.displayName : tag;
    const cardEl = el('div', { class: 'card tab-card', 'data-tab': this.opts.tab, 'data-run': run, 'data-tag': tag,
      'data-kind': info.kind, 'data-state': 'idle' },
      el('div', { class: 'card-head' },
        el('span', { class: 'card-title', text: title, title: tag }), tools),
      el('div', { class: 'card-run', title: run },
        el('span', { class: 'swatch', style: { background: this.ctx.runColor(run) } }), runLabel(run)),
      info.description ? el('div', { class: 'card-desc', text: info.description }) : null,
      body, note);
    const card = {
      key, run, tag, info, el: cardEl, body, tools, note, grid: this,
      view: null, visible: false, loaded: false, stale: false, loading: null, again: false,
      setNote: text => { note.textContent = text || ''; note.classList.remove('error'); },
    };
    fullBtn.addEventListener('click', () => {
      const id = `${this.opts.tab}:${key}`;
      this.ctx.state.set({ full: this.ctx.state.get('full') === id ? '' : id });
    });
    card.view = this.opts.create(card);
    tools.append(fullBtn);
    this.cards.set(key, card);
    this.byEl.set(cardEl, card);
    this.io.observe(cardEl);
    return card;
  }

  removeCard(card) {
    this.io.unobserve(card.el);
    card.el.remove();
    this.cards.delete(card.key);
    try { card.view.destroy && card.view.destroy(); } catch (e) { console.error(e); }
  }

  syncFull() {
    const full = this.ctx.state.get('full');
    for (const card of this.cards.values()) {
      const on = full === `${this.opts.tab}:${card.key}`;
      if (card.el.classList.contains('full') !== on) {
        card.el.classList.toggle('full', on);
        if (on) queueMicrotask(() => card.el.scrollIntoView({ block: 'nearest' }));
      }
    }
  }

  onIntersect(entries) {
    for (const e of entries) {
      const card = this.byEl.get(e.target);
      if (!card) continue;
      card.visible = e.isIntersecting;
      if (card.visible && (!card.loaded || card.stale)) this.load(card);
    }
  }

  /** Marks a card's data out of date; it refetches now if on screen, else when it comes into view. */
  markStale(card) {
    if (!card.loaded && !card.loading) return;
    card.stale = true;
    if (card.visible) this.load(card);
  }

  /** Refetches every card (visible ones now, the others when they come into view). */
  reloadAll() {
    for (const card of this.cards.values()) this.markStale(card);
  }

  /** Calls fn(view, card) for every card that has drawn. */
  forEachView(fn) {
    for (const card of this.cards.values()) {
      if (card.loaded) {
        try { fn(card.view, card); } catch (e) { console.error(e); }
      }
    }
  }

  load(card) {
    if (card.loading) {
      card.again = true;
      return;
    }
    card.stale = false;
    const v = version(card.info);
    if (!card.loaded) card.el.dataset.state = 'loading';
    card.el.dataset.busy = '';
    card.loading = Promise.resolve()
      .then(() => card.view.load())
      .then(() => {
        card.loaded = true;
        card.version = v;
        card.el.dataset.state = 'ready';
        card.note.classList.remove('error');
      }, e => {
        card.loaded = true;
        card.el.dataset.state = 'error';
        card.note.classList.add('error');
        card.note.textContent = errorText(e, card);
        if (!(e instanceof ApiError)) console.error(e);
      })
      .finally(() => {
        card.loading = null;
        delete card.el.dataset.busy;
        if (!this.cards.has(card.key)) return;
        if (card.again) {
          card.again = false;
          card.stale = true;
        }
        if (card.stale && card.visible) this.load(card);
      });
  }

  destroy() {
    this.io.disconnect();
    for (const card of [...this.cards.values()]) this.removeCard(card);
    this.root.remove();
    this.message.remove();
  }
}

function version(info) {
  return `${info.lastStep}:${info.count}`;
}

export function errorText(e, card) {
  if (e instanceof ApiError && e.status === 404) {
    return `Not found: run “${card.run}” or its tag “${card.tag}” is gone (removed or renamed). ${e.message}`;
  }
  if (e instanceof ApiError) return `The server answered ${e.status}: ${e.message}`;
  return `Could not load: ${e.message || e}`;
}

