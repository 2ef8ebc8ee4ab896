// The Scalars tab: one chart per scalar tag, runs overlaid, tags grouped by their prefix before
// '/'; smoothing, x-axis, log y, outliers, run groups in the sidebar; zoom with fresh buckets per
// zoom; several tags on one chart (picked by hand or train/validation pairs); NaN/Inf marked.
// Groups come in the order of ../scalars/roles.js: loss, accuracy and validation first, the
// listener's diagnostics last. Pinned cards (the URL's `pins`) come first, in a section of their
// own, whatever the tag filter; a batch fingerprint is drawn as points (card.js).
// The parts live in ../scalars/: smoothing, fetch, series (buckets to lines), yrange, chart
// (uPlot), tooltip, card, pairs, settings, schedule, theme, format.
//
// What the page exposes for tests (all cards are `.card.sc-card` in `#content`; sections are
// `details.sc-group[data-group]`, "g:<prefix>" for a tag group, "pinned" for the pins):
//   data-key     the card's key: "t:<tag>" for a tag, "c:<tags joined by tab>" for a combined chart,
//                "p:<tags joined by tab>" for a train/validation pair
//   data-kind    "tag" | "combined" | "pair"
//   data-tag     the tag (tag cards only); data-tags: JSON array of the card's tags
//   data-runs    JSON array of the runs the card draws (selected runs having its tags), sorted;
//                also on the chart's host element (.sc-chart)
//   data-state   "waiting" (not yet near the viewport) | "loading" | "ready" | "empty" | "error"
//   data-zoom    "x0,x1" on the current x-axis while zoomed, absent otherwise
//   data-fingerprint  "true" on a batch fingerprint's card
//   card.__chartData  (a getter; null until drawn; on a test's page only, ../testhooks.js) what the chart drew:
//     { key, kind, tags, runs, xAxis, logY, ignoreOutliers, smoothing, grouped, pointsOnly (fingerprints),
//       fingerprints: {<run>: {points, distinct, more, repeats: [[steps of one batch]]}} | null,
//       zoom: {x0, x1} | null, xRange: [min, max], yRange: [min, max], yTicks: [the y tick labels drawn],
//       x: [the chart's x column: step, hours since the series' first point, or epoch seconds],
//       series: { <run name, or group name when grouping; "<name> | <tag>" on multi-tag charts>: {
//         label, tag, run (null for a group), runs (members), group (null for a single run), color,
//         raw: [...], smoothed: [...]      aligned with x, null where the series has no finite point
//                                          (raw: a bucket's mean; equal to the value when not downsampled),
//         min: [...], max: [...]           the band aligned with x (null when not drawn),
//         points: {x, steps, raw, smoothed, min, max, count}   the series' own points in x order,
//         marks: [{run, tag, firstStep, lastStep, nan, posInf, negInf, x}]   NaN/Inf per bucket } } }
//   The smoothing is importable on its own: import { smooth } from '/js/scalars/smoothing.js'.
//   Sidebar controls: #sc-smoothing (range), #sc-x-axis, #sc-logY, #sc-ignoreOutliers, #sc-x-pair,
//   #sc-group, #sc-band. Card buttons: .sc-pick, .sc-pin, .sc-download-btn (menu .sc-menu of links),
//   .sc-full-btn, .sc-reset, .sc-remove; the pick bar is .sc-pickbar with .sc-combine.

import { el, clear, groupByPrefix, debounce } from '../util.js';
import { Card } from '../scalars/card.js';
import { schedule, Visibility } from '../scalars/schedule.js';
import { readSettings, buildSettings, formatCombine } from '../scalars/settings.js';
import { buildExport } from '../scalars/export.js';
import { findPairs } from '../scalars/pairs.js';
import { readTheme, onThemeChange } from '../scalars/theme.js';
import { orderGroups, isFingerprint } from '../scalars/roles.js';

/** Cards a tag group shows until asked for all: a run can have a million tags. */
const PER_GROUP = 60;

const LIVE_DEBOUNCE_MS = 400;
/**
 * The zoom of each card by its key ({x0, x1, xAxis}), kept while the page lives: leaving the tab
 * (for a finding's evidence, another tab) and coming back finds the charts as they were.
 */
const zooms = new Map();
const LIVE_MAX_WAIT_MS = 2000;

class ScalarsView {
  constructor(container, ctx, settingsPanel) {
    this.ctx = ctx;
    this.state = ctx.state;
    this.container = container;
    this.cards = new Map();       // key -> Card
    this.sections = new Map();    // key -> {el: details, summary, cards, more}
    this.showAll = new Set();     // keys of tag groups whose every card is shown
    this.picked = new Set();
    this.groupColors = new Map();
    this.order = '';
    this.lastFull = this.state.get('full');
    this.lastPins = this.state.get('pins');
    this.lastLooks = this.state.get('colors') + '\u0001' + this.state.get('names');
    readTheme();
    this.settingsNow = readSettings(this.state);
    this.syncSettings = buildSettings(settingsPanel, this.state);
    this.syncExport = buildExport(settingsPanel, ctx);
    this.root = el('div', { class: 'sc-root' });
    this.pickbar = el('div', { class: 'sc-pickbar', hidden: true });
    this.notice = el('div', { class: 'empty sc-notice', hidden: true });
    this.body = el('div', { class: 'sc-sections' });
    this.root.append(this.pickbar, this.notice, this.body);
    container.append(this.root);
    this.visibility = new Visibility(container);
    this.stopTheme = onThemeChange(() => {
      for (const c of this.cards.values()) {
        c.chart.redraw();
      }
    });
    this.liveQueue = new Map();
    this.flushLiveSoon = debounce(() => this.flushLive(), LIVE_DEBOUNCE_MS);
    this.liveDeadline = null;
    this.render();
    const full = this.cards.get(this.lastFull);
    if (full) requestAnimationFrame(() => full.el.scrollIntoView({ block: 'start' }));
  }

  // --- what cards ask of the view ---

  settings() {
    return this.settingsNow;
  }

  runColor(name) {
    return this.groupColors.get(name) || this.ctx.runColor(name);
  }

  runName(run) {
    return this.ctx.runName(run);
  }

  isPinned(key) {
    return this.state.list('pins').includes(key);
  }

  /** Pins a card to the top (the newest pin first) or unpins it. */
  togglePin(key) {
    const pins = this.state.list('pins');
    const next = pins.includes(key) ? pins.filter(k => k !== key) : [key, ...pins];
    this.state.set({ pins: next.join('\n') });
  }

  /**
   * Colours of run groups: a group's own hash colour unless another group took it, then the
   * next free one, so the few groups of a chart never share a colour. Runs keep theirs.
   */
  assignGroupColors() {
    this.groupColors = new Map();
    if (!this.settingsNow.groupRe) return;
    const names = this.runGroups(this.ctx.selectedRuns()).filter(([, runs]) => runs.length > 1).map(([n]) => n).sort();
    const used = new Set();
    for (const name of names) {
      let c = this.ctx.runColor(name);
      for (let k = 1; used.has(c) && k < 64; k++) c = this.ctx.runColor(`${name}\u0000${k}`);
      used.add(c);
      this.groupColors.set(name, c);
    }
  }

  runOrigin(run) {
    const info = this.ctx.runs().find(r => r.name === run);
    return info ? info.firstWallTime : NaN;
  }

  /** Runs grouped by the groupRuns regex: [[name, runs]], runs it does not match alone. */
  runGroups(runs) {
    const re = this.settingsNow.groupRe;
    const groups = new Map();
    for (const run of runs) {
      const m = re ? re.exec(run) : null;
      const name = m ? (m[1] !== undefined ? m[1] : m[0]) || run : run;
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name).push(run);
    }
    return [...groups];
  }

  schedule(card) {
    schedule(card);
  }

  zoomed(card) {
    if (card.zoom) zooms.set(card.spec.key, { ...card.zoom });
    else zooms.delete(card.spec.key);
  }

  toggleFull(key) {
    const now = this.state.get('full');
    this.state.set({ full: now === key ? '' : key });
  }

  isPicked(tag) {
    return this.picked.has(tag);
  }

  togglePick(tag) {
    if (this.picked.has(tag)) this.picked.delete(tag); else this.picked.add(tag);
    const c = this.cards.get('t:' + tag);
    if (c) c.setPicked(this.picked.has(tag));
    this.renderPickbar();
  }

  removeCombined(key) {
    const charts = this.settingsNow.combine.filter(tags => 'c:' + tags.join('\t') !== key);
    this.state.set({ 'x.combine': formatCombine(charts) });
  }

  // --- rendering ---

  renderPickbar() {
    const bar = this.pickbar;
    clear(bar);
    bar.hidden = this.picked.size === 0;
    if (bar.hidden) return;
    const chips = [...this.picked].map(tag => el('span', { class: 'sc-chip' }, tag,
      el('button', { type: 'button', class: 'link', 'aria-label': `Unpick ${tag}`, text: '×', onclick: () => this.togglePick(tag) })));
    const combine = el('button', { type: 'button', class: 'sc-combine', text: 'Draw on one chart',
      disabled: this.picked.size < 2, onclick: () => {
        const charts = this.settingsNow.combine.slice();
        const tags = [...this.picked];
        if (!charts.some(c => c.join('\t') === tags.join('\t'))) charts.unshift(tags);
        const picked = [...this.picked];
        this.picked.clear();
        picked.forEach(t => { const c = this.cards.get('t:' + t); if (c) c.setPicked(false); });
        this.renderPickbar();
        this.state.set({ 'x.combine': formatCombine(charts) });
        this.container.scrollTop = 0;
      } });
    bar.append(el('span', { class: 'muted', text: this.picked.size < 2 ? 'Pick another tag (⊕) to combine:' : 'Combine:' }),
      ...chips, combine,
      el('button', { type: 'button', class: 'link', text: 'clear', onclick: () => {
        const picked = [...this.picked];
        this.picked.clear();
        picked.forEach(t => { const c = this.cards.get('t:' + t); if (c) c.setPicked(false); });
        this.renderPickbar();
      } }));
  }

  showNotice(text) {
    this.notice.hidden = !text;
    this.notice.textContent = text || '';
  }

  /** The cards to show, in sections: [{key, title, specs: [...]}]. */
  plan() {
    const st = this.settingsNow;
    const shown = this.ctx.tags(['scalar']);
    const all = this.ctx.tags(['scalar'], { filter: false });
    const filter = this.ctx.tagFilter();
    const runsOf = (map, tag) => (map.get(tag) || []).map(t => t.run);
    const sections = [];
    const combined = st.combine
      .filter(tags => !filter || tags.some(t => filter.test(t)))
      .map(tags => ({ key: 'c:' + tags.join('\t'), kind: 'combined', title: tags.join(' + '), tags,
        runsByTag: new Map(tags.map(t => [t, runsOf(all, t)])) }));
    const pins = this.state.list('pins').filter(k => k.startsWith('t:'));
    const pinned = new Set(pins.map(k => k.slice(2)));
    const tagSpec = (tag, map) => ({ key: 't:' + tag, kind: 'tag', title: tag, tags: [tag], info: (map.get(tag) || [])[0],
      fingerprint: isFingerprint(tag, (map.get(tag) || [])[0]), runsByTag: new Map([[tag, runsOf(map, tag)]]) });
    // pinned cards whatever the tag filter, even of a tag no selected run has (to be unpinned)
    if (pins.length) sections.push({ key: 'pinned', title: 'Pinned', specs: [...pinned].map(tag => tagSpec(tag, all)) });
    if (combined.length) sections.push({ key: 'combined', title: 'Combined', specs: combined });
    if (st.pair) {
      const pairs = findPairs(shown).map(p => ({ key: 'p:' + p.tags.join('\t'), kind: 'pair',
        title: `${p.name}: ${p.tags.join(' vs ')}`, tags: p.tags, runsByTag: new Map(p.tags.map(t => [t, runsOf(shown, t)])) }));
      if (pairs.length) sections.push({ key: 'pairs', title: 'Train / validation', specs: pairs });
    }
    const unpinned = pinned.size ? [...shown.keys()].filter(t => !pinned.has(t)) : [...shown.keys()];
    for (const [prefix, tags] of orderGroups(groupByPrefix(unpinned))) {
      // a group of thousands of tags shows its first cards and a button: every card is DOM
      const some = this.showAll.has('g:' + prefix) ? tags : tags.slice(0, PER_GROUP);
      sections.push({ key: 'g:' + prefix, title: prefix, total: tags.length, specs: some.map(tag => tagSpec(tag, shown)) });
    }
    return { sections, shown, all };
  }

  render() {
    this.assignGroupColors();
    const { sections, shown, all } = this.plan();
    const ctx = this.ctx;
    if (ctx.runs().length === 0) this.showNotice('No runs yet: waiting for event files in the log directory.');
    else if (ctx.selectedRuns().length === 0) this.showNotice('No runs selected: tick runs in the sidebar (or clear the run filter).');
    else if (all.size === 0) this.showNotice('The selected runs have no scalar data.');
    else if (shown.size === 0 && sections.length === 0) this.showNotice('No scalar tag matches the tag filter.');
    else this.showNotice('');

    const keep = new Set();
    const full = this.state.get('full');
    const closed = new Set((this.state.get('x.closed') || '').split('\n').filter(Boolean));
    for (const sec of sections) {
      for (const spec of sec.specs) {
        keep.add(spec.key);
        let card = this.cards.get(spec.key);
        if (!card) {
          card = new Card(this, spec);
          this.cards.set(spec.key, card);
          const z = zooms.get(spec.key);
          if (z && z.xAxis === this.settingsNow.xAxis) card.zoomTo(z.x0, z.x1);
          this.visibility.observe(card);
        }
        card.setSources(spec.runsByTag);
        card.setFull(spec.key === full);
      }
    }
    for (const [key, card] of this.cards) {
      if (!keep.has(key)) {
        this.visibility.unobserve(card);
        card.destroy();
        this.cards.delete(key);
      }
    }
    const order = sections.map(s => s.key + '\u0001' + s.specs.map(x => x.key).join('\u0001')).join('\u0002');
    if (order !== this.order) {
      this.order = order;
      const used = new Set();
      for (const sec of sections) {
        used.add(sec.key);
        let s = this.sections.get(sec.key);
        if (!s) {
          const summary = el('summary', {});
          const cards = el('div', { class: 'cards' });
          const details = el('details', { class: 'group sc-group', 'data-group': sec.key }, summary, cards);
          details.addEventListener('toggle', () => this.groupToggled(sec.key, details.open));
          const more = el('button', { type: 'button', class: 'more', hidden: true });
          more.addEventListener('click', () => {
            this.showAll.add(sec.key);
            this.render();
          });
          details.append(more);
          s = { el: details, summary, cards, more };
          this.sections.set(sec.key, s);
        }
        clear(s.summary);
        const total = sec.total || sec.specs.length;
        s.summary.append(el('span', { text: sec.title }), el('span', { class: 'count', text: ` ${total}` }));
        s.more.hidden = sec.specs.length >= total;
        s.more.textContent = `Show all ${total}`;
        s.el.open = !closed.has(sec.key);
        const want = sec.specs.map(x => this.cards.get(x.key).el);
        if (want.length !== s.cards.children.length || want.some((e, i) => s.cards.children[i] !== e)) {
          s.cards.append(...want);
        }
        this.body.append(s.el);
      }
      for (const [key, s] of this.sections) {
        if (!used.has(key)) {
          s.el.remove();
          this.sections.delete(key);
        }
      }
    }
  }

  groupToggled(key, open) {
    const closed = new Set((this.state.get('x.closed') || '').split('\n').filter(Boolean));
    if (open) closed.delete(key); else closed.add(key);
    this.state.set({ 'x.closed': [...closed].sort().join('\n') });
  }

  // --- refresh reasons from main.js ---

  refresh(reason) {
    if (reason && reason.live) {
      this.queueLive(reason.live);
      return;
    }
    this.syncExport();
    if (reason === 'state') {
      const before = this.settingsNow;
      const now = readSettings(this.state);
      this.settingsNow = now;
      this.syncSettings();
      const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
      const looks = this.state.get('colors') + '\u0001' + this.state.get('names');
      const pins = this.state.get('pins');
      if (!same(before.combine, now.combine) || before.pair !== now.pair || pins !== this.lastPins) this.render();
      if (pins !== this.lastPins) {
        this.lastPins = pins;
        for (const c of this.cards.values()) c.setPinned(this.isPinned(c.spec.key));
      }
      if (looks !== this.lastLooks) {
        // colours and display names chosen in the run list: every chart in view draws them now
        this.lastLooks = looks;
        this.assignGroupColors();
        for (const c of this.cards.values()) if (c.visible) schedule(c);
      }
      const full = this.state.get('full');
      if (full !== this.lastFull) {
        this.lastFull = full;
        for (const c of this.cards.values()) c.setFull(c.spec.key === full);
        const card = this.cards.get(full);
        if (card) requestAnimationFrame(() => card.el.scrollIntoView({ block: 'nearest' }));
      }
      if (before.xAxis !== now.xAxis) for (const c of this.cards.values()) c.axisChanged();
      const drawn = ['smoothing', 'xAxis', 'logY', 'ignoreOutliers', 'band'];
      if (String(before.groupRe) !== String(now.groupRe)) this.assignGroupColors();
      if (drawn.some(k => before[k] !== now[k]) || String(before.groupRe) !== String(now.groupRe)) {
        for (const c of this.cards.values()) if (c.visible) schedule(c);
      }
      return;
    }
    if (reason === 'runs') {
      this.render();
      for (const c of this.cards.values()) c.invalidate();
      return;
    }
    this.render();
  }

  queueLive(updates) {
    for (const u of updates) this.liveQueue.set(u.tag + '\u0000' + u.run, u);
    // Debounced, but a steady stream still lands every couple of seconds.
    if (this.liveDeadline === null) {
      this.liveDeadline = setTimeout(() => this.flushLive(), LIVE_MAX_WAIT_MS);
    }
    this.flushLiveSoon();
  }

  flushLive() {
    clearTimeout(this.liveDeadline);
    this.liveDeadline = null;
    const updates = [...this.liveQueue.values()];
    this.liveQueue.clear();
    if (updates.length === 0) return;
    for (const card of this.cards.values()) {
      for (const u of updates) {
        if (card.hasSeries(u.tag, u.run)) card.invalidate(u.tag, u.run);
      }
    }
  }

  destroy() {
    clearTimeout(this.liveDeadline);
    this.liveQueue.clear();
    this.stopTheme();
    this.visibility.disconnect();
    for (const c of this.cards.values()) c.destroy();
    this.cards.clear();
    this.root.remove();
  }
}

export default {
  id: 'scalars',
  title: 'Scalars',
  kinds: ['scalar'],
  mount(container, ctx, settings) {
    const view = new ScalarsView(container, ctx, settings);
    return { refresh: reason => view.refresh(reason), destroy: () => view.destroy() };
  },
};
