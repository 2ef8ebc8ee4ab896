// A card of the scalars tab: one chart of one tag (or of several tags, combined), its title and
// tools, and the data behind it. The card fetches only while it is near the viewport: the whole
// series once at about one bucket per pixel ("overview"), and, when zoomed, the zoomed step range
// again at one bucket per pixel, so any zoom level shows every spike. Its chart exists only while
// it is near the viewport too. A batch fingerprint's card (roles.js) draws each bucket's first
// point, unsmoothed and without lines, and says under the chart how many distinct batches each
// run saw and which steps saw the same batch again, counted over every point.

import { el, clear } from '../util.js';
import { api } from '../api.js';
import { fetchBuckets } from './fetch.js';
import { runSeries, groupSeries, joinSeries, mergeZoom, stepRange } from './series.js';
import { Chart } from './chart.js';
import { DASHES, DASH_CSS } from './theme.js';
import { fmtMark, fmtStepFull, shorten } from './format.js';
import { testHook } from '../testhooks.js';

/** The card each card element belongs to, for observers that are told of elements (schedule.js). */
export const cardOf = new WeakMap();

const CHART_HEIGHT = 240;
/** Points of a fingerprint tag read per run to count its distinct batches. */
const FINGERPRINT_POINTS = 200_000;
const SEP = '\u0000';

const pairKey = (tag, run) => tag + SEP + run;

export class Card {
  /**
   * spec: {key, kind: 'tag' | 'combined' | 'pair', title, tags, info (TagInfo of a single tag),
   *        evidence (true: a finding's evidence, without the pick, pin and full-size tools),
   *        fingerprint (true: a batch fingerprint, roles.js)}
   * view: {settings(), runGroups(runs), runColor(name), runOrigin(run), toggleFull(key),
   *        togglePick(tag), isPicked(tag), removeCombined(key), schedule(card),
   *        zoomed(card) (optional: the zoom changed, to remember it),
   *        runName(run), isPinned(key), togglePin(key) (optional: no pin button without)}
   */
  constructor(view, spec) {
    this.view = view;
    this.spec = spec;
    this.runsByTag = new Map();   // tag -> [run]
    this.sources = new Set();     // pairKeys of runsByTag, for hasSeries
    this.overview = new Map();    // pairKey -> buckets of the whole series
    this.zoomData = new Map();    // pairKey -> buckets of the zoomed range (null: none there)
    this.zoomStale = new Set();   // pairKeys whose zoomed range to fetch again (kept until then)
    this.stale = new Set();       // pairKeys to fetch again (live updates)
    this.pending = new Set();     // pairKeys being fetched
    this.missing = new Set();     // pairKeys answered 404
    this.zoom = null;             // {x0, x1, xAxis}: the zoomed range on the x-axis it was made on
    this.zoomSeq = 0;
    this.overviewWidth = 0;
    this.visible = false;
    this.error = null;
    this.chart = null;
    this.fingerprints = new Map();  // run -> {points, distinct, more, repeats: [[step, ...] of one batch]}
    this.fingerprintsStale = true;
    this.build();
    this.setState('waiting');
  }

  build() {
    const s = this.spec;
    this.el = el('div', { class: 'card sc-card', 'data-key': s.key, 'data-kind': s.kind });
    if (s.kind === 'tag') this.el.dataset.tag = s.tags[0];
    this.el.dataset.tags = JSON.stringify(s.tags);
    this.el.dataset.runs = '[]';
    cardOf.set(this.el, this);
    const title = el('span', { class: 'card-title', text: s.title, title: s.tags.join('\n') });
    this.badges = el('span', { class: 'sc-badges' });
    this.tools = el('span', { class: 'card-tools' });
    this.head = el('div', { class: 'card-head' }, title, this.badges, this.tools);
    this.el.append(this.head);
    const desc = s.info && (s.info.description || (s.info.displayName && s.info.displayName !== s.tags[0] ? s.info.displayName : ''));
    if (desc) this.el.append(el('div', { class: 'card-desc', text: desc, title: desc }));
    if (s.kind !== 'tag') {
      this.el.append(el('div', { class: 'card-desc sc-tags' }, ...s.tags.map((t, i) =>
        el('span', { class: 'sc-tag-key' }, el('span', { class: 'sc-dash', style: { borderTopStyle: DASH_CSS[i % DASH_CSS.length] } }), t))));
    }
    this.host = el('div', { class: 'sc-chart', style: { height: `${CHART_HEIGHT}px` } });
    this.status = el('div', { class: 'sc-status' });
    this.el.append(this.host, this.status);
    if (s.fingerprint) {
      this.el.dataset.fingerprint = 'true';
      this.repeats = el('div', { class: 'card-desc sc-fingerprints' });
      this.el.append(this.repeats);
    }
    this.buildTools();
    this.chart = new Chart(this.host, {
      onZoom: (x0, x1) => this.zoomTo(x0, x1),
      onReset: () => this.resetZoom(),
    });
    this.resizeObserver = new ResizeObserver(() => this.resized());
    this.resizeObserver.observe(this.host);
  }

  buildTools() {
    const t = this.tools;
    clear(t);
    const s = this.spec;
    this.resetBtn = el('button', { type: 'button', class: 'sc-reset', title: 'Reset zoom (or double-click the chart)',
      'aria-label': 'Reset zoom', text: '⟲', hidden: true, onclick: () => this.resetZoom() });
    t.append(this.resetBtn);
    if (s.kind === 'tag' && !s.evidence) {
      this.pickBtn = el('button', { type: 'button', class: 'sc-pick', title: 'Pick this tag to draw it with others on one chart',
        'aria-label': 'Pick tag to combine', 'aria-pressed': String(this.view.isPicked(s.tags[0])), text: '⊕',
        onclick: () => this.view.togglePick(s.tags[0]) });
      t.append(this.pickBtn);
    }
    if (s.kind === 'tag' && !s.evidence && this.view.togglePin) {
      this.pinBtn = el('button', { type: 'button', class: 'sc-pin', 'aria-label': 'Pin to the top',
        onclick: () => this.view.togglePin(s.key) });
      this.setPinned(this.view.isPinned(s.key));
      t.append(this.pinBtn);
    }
    this.downloadBtn = el('button', { type: 'button', class: 'sc-download-btn', title: 'Download the data (CSV or JSON)',
      'aria-label': 'Download data', 'aria-haspopup': 'true', text: '⤓', onclick: (e) => { e.stopPropagation(); this.toggleDownloads(); } });
    t.append(this.downloadBtn);
    this.fullBtn = el('button', { type: 'button', class: 'sc-full-btn', title: 'Full size', 'aria-label': 'Toggle full size',
      'aria-pressed': 'false', text: '⤢', hidden: !!s.evidence, onclick: () => this.view.toggleFull(s.key) });
    t.append(this.fullBtn);
    if (s.kind === 'combined') {
      t.append(el('button', { type: 'button', class: 'sc-remove', title: 'Remove this combined chart', 'aria-label': 'Remove chart',
        text: '✕', onclick: () => this.view.removeCombined(s.key) }));
    }
  }

  setPinned(on) {
    if (!this.pinBtn) return;
    this.pinBtn.setAttribute('aria-pressed', String(on));
    this.pinBtn.textContent = on ? '★' : '☆';
    this.pinBtn.title = on ? 'Unpin: back to its group' : 'Pin to the top of Scalars, whatever the tag filter';
  }

  setPicked(on) {
    if (this.pickBtn) this.pickBtn.setAttribute('aria-pressed', String(on));
  }

  setFull(on) {
    if (on === this.el.classList.contains('full')) return;
    this.el.classList.toggle('full', on);
    this.fullBtn.setAttribute('aria-pressed', String(on));
    this.fullBtn.textContent = on ? '⤡' : '⤢';
    this.fullBtn.title = on ? 'Normal size' : 'Full size';
    this.host.style.height = `${this.chartHeight()}px`;
    if (this.visible) this.view.schedule(this);
  }

  chartHeight() {
    return this.el.classList.contains('full') ? Math.max(380, Math.min(720, window.innerHeight - 230)) : CHART_HEIGHT;
  }

  setState(s, message) {
    this.el.dataset.state = s;
    this.state = s;
    if (message !== undefined) this.showStatus(message, s === 'error');
  }

  showStatus(text, isError, retry) {
    clear(this.status);
    if (!text) return;
    this.status.append(el('span', { class: isError ? 'error' : 'muted', text }));
    if (retry) this.status.append(' ', el('button', { type: 'button', class: 'link', text: 'retry', onclick: retry }));
  }

  /** The runs to draw per tag (selected runs having it); fetches what is new if in view. */
  setSources(runsByTag) {
    const before = JSON.stringify([...this.runsByTag]);
    this.runsByTag = runsByTag;
    // a set, not runs.includes: badges and live updates ask per series, which was quadratic at 1,000 runs
    this.sources = new Set(this.pairs().map(([t, r]) => pairKey(t, r)));
    const runs = [...new Set([...runsByTag.values()].flat())].sort();
    this.el.dataset.runs = JSON.stringify(runs);
    this.host.dataset.runs = this.el.dataset.runs;
    if (JSON.stringify([...runsByTag]) !== before) this.fingerprintsStale = true;
    if (JSON.stringify([...runsByTag]) !== before && this.visible) {
      this.load();
      this.view.schedule(this);
    }
  }

  pairs() {
    const out = [];
    for (const [tag, runs] of this.runsByTag) for (const run of runs) out.push([tag, run]);
    return out;
  }

  setVisible(v) {
    if (v === this.visible) return;
    this.visible = v;
    if (v) {
      this.load();
      this.view.schedule(this);
    } else {
      // Far off-screen: keep the data, drop the canvas.
      this.chart.destroy();
      this.closeDownloads();
    }
  }

  /** Marks series as changed on the server (live updates, reloads); refetched when in view. */
  invalidate(tag, run) {
    this.fingerprintsStale = true;
    if (tag === undefined) {
      for (const k of this.overview.keys()) this.stale.add(k);
      for (const k of this.missing) this.stale.add(k);
      this.missing.clear();
    } else {
      const k = pairKey(tag, run);
      if (this.overview.has(k) || this.zoomData.has(k)) this.stale.add(k);
    }
    if (this.visible) this.load();
  }

  hasSeries(tag, run) {
    return this.sources.has(pairKey(tag, run));
  }

  resized() {
    if (!this.visible) return;
    if (this.chart.u) this.chart.resize();
    const w = this.chart.plotWidth();
    if (this.overviewWidth && w > this.overviewWidth * 1.25) {
      // Much wider than the buckets were fetched for (full size): fetch finer ones.
      for (const k of this.overview.keys()) this.stale.add(k);
      this.load();
    }
  }

  /** Fetches whatever the card shows and does not hold yet. */
  load() {
    if (!this.visible) return;
    if (this.spec.fingerprint && this.fingerprintsStale) this.loadFingerprints();
    const width = this.chart.plotWidth();
    const needOverview = new Map();
    const needZoom = new Map();
    for (const [tag, run] of this.pairs()) {
      const k = pairKey(tag, run);
      if (this.pending.has(k) || (this.missing.has(k) && !this.stale.has(k))) continue;
      if (!this.overview.has(k) || this.stale.has(k)) {
        if (!needOverview.has(tag)) needOverview.set(tag, []);
        needOverview.get(tag).push(run);
      } else if (this.zoom && (!this.zoomData.has(k) || this.zoomStale.has(k))) {
        if (!needZoom.has(tag)) needZoom.set(tag, []);
        needZoom.get(tag).push(run);
      }
    }
    if (needOverview.size === 0 && needZoom.size === 0) return;
    if (this.overview.size === 0) this.setState('loading', '');
    const jobs = [];
    for (const [tag, runs] of needOverview) {
      runs.forEach(r => { this.pending.add(pairKey(tag, r)); this.stale.delete(pairKey(tag, r)); });
      jobs.push(fetchBuckets(tag, runs, width, undefined, undefined).then(res => {
        this.overviewWidth = width;
        for (const r of runs) this.pending.delete(pairKey(tag, r));
        for (const [r, b] of res.byRun) {
          this.overview.set(pairKey(tag, r), b);
          this.missing.delete(pairKey(tag, r));
          if (this.zoom) this.zoomStale.add(pairKey(tag, r));
        }
        for (const r of runs) if (!res.byRun.has(r)) this.missing.add(pairKey(tag, r));
      }, e => {
        for (const r of runs) this.pending.delete(pairKey(tag, r));
        throw e;
      }));
    }
    for (const [tag, runs] of needZoom) jobs.push(this.loadZoom(tag, runs, width));
    Promise.all(jobs).then(() => {
      this.error = null;
      // What changed meanwhile (live updates, a new zoom) and, when zoomed, the zoomed range of
      // what just arrived.
      this.load();
      this.view.schedule(this);
    }, e => {
      this.error = e;
      this.view.schedule(this);
    });
  }

  /** Every point of the fingerprint tag of each run, counted into distinct batches and repeats. */
  loadFingerprints() {
    if (this.fingerprintsLoading) return;   // live updates while reading: read again once done
    this.fingerprintsStale = false;
    const tag = this.spec.tags[0];
    const runs = this.runsByTag.get(tag) || [];
    if (runs.length === 0) return;
    this.fingerprintsLoading = true;
    Promise.all(runs.map(run => api.scalarPoints(tag, [run], FINGERPRINT_POINTS).then(res => [run, res.series[0]], () => [run, null])))
      .then(all => {
        this.fingerprintsLoading = false;
        this.fingerprints = new Map();
        for (const [run, series] of all) if (series) this.fingerprints.set(run, countBatches(series));
        this.view.schedule(this);
        if (this.fingerprintsStale && this.visible) this.loadFingerprints();
      });
  }

  /** Fine buckets of the zoomed range: one request per tag on steps, per run on a time axis. */
  loadZoom(tag, runs, width) {
    const seq = this.zoomSeq;
    const groups = new Map();   // "from,to" -> runs
    for (const r of runs) {
      const range = this.rangeFor(tag, r);
      const k = pairKey(tag, r);
      this.zoomStale.delete(k);
      if (!range) {
        // Nothing of this run in the zoomed range: its overview buckets say all there is.
        this.zoomData.set(k, null);
        continue;
      }
      const gk = range.join(',');
      if (!groups.has(gk)) groups.set(gk, { range, runs: [] });
      groups.get(gk).runs.push(r);
      this.pending.add(k);
    }
    return Promise.all([...groups.values()].map(g =>
      fetchBuckets(tag, g.runs, width, g.range[0], g.range[1]).then(res => {
        for (const r of g.runs) this.pending.delete(pairKey(tag, r));
        if (seq !== this.zoomSeq) return;
        for (const r of g.runs) {
          const b = res.byRun.get(r);
          this.zoomData.set(pairKey(tag, r), b ? Object.assign(b, { from: g.range[0], to: g.range[1] }) : null);
        }
        for (const r of res.missing) this.missing.add(pairKey(tag, r));
      }, e => {
        for (const r of g.runs) this.pending.delete(pairKey(tag, r));
        throw e;
      })));
  }

  /** The step range of the zoom for one series. */
  rangeFor(tag, run) {
    const z = this.zoom;
    if (z.xAxis === 'step') return [Math.floor(z.x0), Math.ceil(z.x1)];
    const b = this.overview.get(pairKey(tag, run));
    if (!b) return null;
    return stepRange(b, z.x0, z.x1, z.xAxis, this.origin(tag, run));
  }

  origin(tag, run) {
    const b = this.overview.get(pairKey(tag, run));
    if (b && b.size > 0) return b.firstWall[0];
    return this.view.runOrigin(run);
  }

  zoomTo(x0, x1) {
    const xAxis = this.view.settings().xAxis;
    this.zoom = { x0, x1, xAxis };
    this.zoomSeq++;
    this.zoomData.clear();
    this.zoomStale.clear();
    this.el.dataset.zoom = `${x0},${x1}`;
    this.resetBtn.hidden = false;
    if (this.view.zoomed) this.view.zoomed(this);
    this.load();
    this.view.schedule(this);
  }

  /** Shades a step range (a finding's steps) whatever the zoom; null for none. */
  setHighlight(from, to) {
    if (from === null || from === undefined) {
      this.highlight = null;
      delete this.el.dataset.highlight;
    } else {
      this.highlight = { x0: from, x1: to };
      this.el.dataset.highlight = `${from},${to}`;
    }
    if (this.visible) this.view.schedule(this);
  }

  resetZoom() {
    if (!this.zoom) return;
    this.zoom = null;
    this.zoomSeq++;
    this.zoomData.clear();
    this.zoomStale.clear();
    delete this.el.dataset.zoom;
    this.resetBtn.hidden = true;
    if (this.view.zoomed) this.view.zoomed(this);
    this.view.schedule(this);
  }

  /** Called when the x-axis kind changes: a zoom on another axis means nothing now. */
  axisChanged() {
    this.resetZoom();
  }

  /** Builds the chart model from the data held and draws it (called batched, on a microtask). */
  draw() {
    if (!this.visible) return;
    const st = this.view.settings();
    if (this.zoom && this.zoom.xAxis !== st.xAxis) this.resetZoom();
    const pairs = this.pairs();
    if (pairs.length === 0) {
      this.chart.destroy();
      this.exposed = null;
      this.setState('empty', 'No selected run has this tag.');
      return;
    }
    const series = this.buildSeries(st);
    const gone = [...this.missing].map(k => k.split(SEP)).filter(([t, r]) => this.hasSeries(t, r));
    if (series.length === 0) {
      this.chart.destroy();
      if (this.error) {
        this.setState('error');
        this.showStatus(`Could not load: ${this.error.message}`, true, () => { this.error = null; this.load(); });
      } else if (gone.length) {
        this.setState('error');
        this.showStatus(goneText(gone, this.spec.kind !== 'tag'), true);
      } else {
        this.setState('loading', 'Loading…');
      }
      this.exposed = null;
      return;
    }
    const joined = joinSeries(series.map(s => s.data), st.logY);
    const fingerprint = !!this.spec.fingerprint;
    const model = {
      xAxis: st.xAxis, logY: st.logY, ignoreOutliers: st.ignoreOutliers, smoothing: fingerprint ? 0 : st.smoothing,
      pointsOnly: fingerprint, runName: run => this.view.runName(run),
      zoom: this.zoom ? { x0: this.zoom.x0, x1: this.zoom.x1 } : null,
      highlight: this.highlight && st.xAxis === 'step' ? this.highlight : null,
      height: this.chartHeight(), series, joined,
      grouped: st.groupRe !== null, multiTag: this.spec.tags.length > 1,
    };
    this.chart.render(model);
    this.expose(model);
    this.renderBadges();
    if (fingerprint) this.renderRepeats();
    const notes = [];
    if (gone.length) notes.push(goneText(gone, this.spec.kind !== 'tag'));
    if (this.error) notes.push(`Could not refresh: ${this.error.message}`);
    if (this.zoom) notes.push(this.zoomText());
    this.showStatus(notes.join(' · '), notes.length > (this.zoom ? 1 : 0), this.error ? () => { this.error = null; this.load(); } : null);
    this.setState(this.pending.size ? 'loading' : 'ready');
  }

  zoomText() {
    const z = this.zoom;
    if (z.xAxis === 'step') return `zoomed to steps ${fmtStepFull(Math.floor(z.x0))}–${fmtStepFull(Math.ceil(z.x1))} · double-click to reset`;
    return 'zoomed · double-click to reset';
  }

  /** The series to draw: per tag, per run (or per run group), with their colours and dashes. */
  buildSeries(st) {
    const out = [];
    const multiTag = this.spec.tags.length > 1;
    this.spec.tags.forEach((tag, ti) => {
      const runs = this.runsByTag.get(tag) || [];
      const dash = multiTag ? DASHES[ti % DASHES.length] : [];
      const groups = st.groupRe ? this.view.runGroups(runs) : runs.map(r => [r, [r]]);
      for (const [name, members] of groups) {
        const data = [];
        const origins = [];
        for (const run of members) {
          const k = pairKey(tag, run);
          const ov = this.overview.get(k);
          if (!ov || ov.size === 0) continue;
          const zd = this.zoom ? this.zoomData.get(k) : null;
          const b = zd ? mergeZoom(ov, zd, zd.from, zd.to) : ov;
          const origin = this.origin(tag, run);
          origins.push(origin);
          data.push(runSeries(b, { xAxis: st.xAxis, weight: st.smoothing, origin, firstOnly: !!this.spec.fingerprint }));
        }
        if (data.length === 0) continue;
        const grouped = data.length > 1 || members.length > 1;
        const shownName = grouped ? name : this.view.runName(name);
        const label = (grouped ? `${name} (${members.length} runs)` : shownName) + (multiTag ? ` · ${tag}` : '');
        const d = data.length > 1 ? groupSeries(data, st.band) : data[0];
        out.push({
          key: pairKey(tag, name), label, title: shownName !== name ? `${label}\n${name}` : label, tag, name, runs: members, grouped,
          color: this.view.runColor(name), dash, origin: Math.min(...origins),
          band: data.length > 1 || (!d.exact && !this.spec.fingerprint), groupBand: data.length > 1, data: d,
        });
      }
    });
    return out;
  }

  /** Under a fingerprint's chart: per run, how many distinct batches, and a batch seen again. */
  renderRepeats() {
    clear(this.repeats);
    const runs = this.runsByTag.get(this.spec.tags[0]) || [];
    const lines = [];
    for (const run of runs) {
      const f = this.fingerprints.get(run);
      if (!f) continue;
      const n = `${fmtStepFull(f.points)}${f.more ? '+' : ''} steps`;
      let text;
      if (f.repeats.length === 0) {
        text = `${n}, every batch different`;
      } else {
        const [first, ...again] = f.repeats[0];
        const shown = again.slice(0, 4).map(fmtStepFull).join(', ') + (again.length > 4 ? ` and ${again.length - 4} more` : '');
        text = `${n}, ${fmtStepFull(f.distinct)} distinct batches: batches repeat (the batch of step ${fmtStepFull(first)} again at ${shown})`;
      }
      lines.push(el('div', { class: f.repeats.length ? 'sc-repeat' : null, 'data-run': run, title: run },
        el('span', { class: 'swatch', style: { background: this.view.runColor(run) } }), ` ${this.view.runName(run)}: ${text}`));
    }
    this.repeats.append(...lines.slice(0, 8));
    if (lines.length > 8) this.repeats.append(el('div', { class: 'muted', text: `… ${lines.length - 8} more runs` }));
  }

  renderBadges() {
    clear(this.badges);
    let nan = 0, pos = 0, neg = 0;
    const lines = [];
    for (const [k, b] of this.overview) {
      const [tag, run] = k.split(SEP);
      if (!this.hasSeries(tag, run)) continue;
      for (let i = 0; i < b.size; i++) {
        if (!(b.nan[i] || b.posInf[i] || b.negInf[i])) continue;
        nan += b.nan[i]; pos += b.posInf[i]; neg += b.negInf[i];
        if (lines.length < 20) {
          lines.push(`${run}${this.spec.tags.length > 1 ? ' · ' + tag : ''}: ` + fmtMark({ firstStep: b.firstStep[i],
            lastStep: b.lastStep[i], nan: b.nan[i], posInf: b.posInf[i], negInf: b.negInf[i] }));
        }
      }
    }
    if (nan + pos + neg === 0) return;
    const parts = [];
    if (nan) parts.push(`NaN ${nan}`);
    if (pos) parts.push(`+Inf ${pos}`);
    if (neg) parts.push(`-Inf ${neg}`);
    this.badges.append(el('span', { class: 'badge mark sc-nonfinite', text: '⚠ ' + parts.join(' · '),
      title: 'Non-finite values (marked on the chart):\n' + lines.join('\n') }));
  }

  /**
   * What tests read: card.__chartData (see the top of tabs/scalars.js), on a test's page only
   * (../testhooks.js). Built on first access, so drawing pays nothing for it.
   */
  expose(model) {
    this.exposed = model;
    const card = this;
    testHook(this.el, '__chartData', () => {
      const m = card.exposed;
      if (!m) return null;
      const arr = a => Array.from(a, v => (v === null || Number.isNaN(v) ? null : v));
      const series = {};
      m.series.forEach((s, k) => {
        const c = m.joined.cols[k];
        const key = m.multiTag ? `${s.name} | ${s.tag}` : s.name;
        series[key] = {
          label: s.label, tag: s.tag, run: s.grouped ? null : s.runs[0], runs: s.runs.slice(), group: s.grouped ? s.name : null,
          color: s.color, raw: c.raw.slice(), smoothed: m.smoothing > 0 ? c.smoothed.slice() : c.raw.slice(),
          min: s.band ? c.lo.slice() : null, max: s.band ? c.hi.slice() : null,
          points: { x: arr(s.data.xs), steps: arr(s.data.steps), raw: arr(s.data.raw), smoothed: arr(s.data.smoothed),
            min: arr(s.data.lo), max: arr(s.data.hi), count: arr(s.data.counts) },
          marks: s.data.marks.map(mk => ({ run: mk.run, tag: mk.tag, firstStep: mk.firstStep, lastStep: mk.lastStep,
            nan: mk.nan, posInf: mk.posInf, negInf: mk.negInf, x: mk.x })),
        };
      });
      return {
        key: card.spec.key, kind: card.spec.kind, tags: card.spec.tags.slice(),
        runs: JSON.parse(card.el.dataset.runs), xAxis: m.xAxis, logY: m.logY, ignoreOutliers: m.ignoreOutliers,
        smoothing: m.smoothing, grouped: m.grouped, zoom: m.zoom,
        xRange: card.chart.u ? [card.chart.u.scales.x.min, card.chart.u.scales.x.max] : null,
        yRange: card.chart.u ? [card.chart.u.scales.y.min, card.chart.u.scales.y.max] : null,
        // the y tick labels as last drawn (uPlot keeps them on the axis)
        yTicks: card.chart.u && card.chart.u.axes[1]._values ? card.chart.u.axes[1]._values.filter(v => v !== null && v !== '') : null,
        x: m.joined.x.slice(), series, pointsOnly: !!m.pointsOnly,
        fingerprints: card.spec.fingerprint ? Object.fromEntries([...card.fingerprints].map(([r, f]) => [r, {
          points: f.points, distinct: f.distinct, more: f.more, repeats: f.repeats.map(x => x.slice()) }])) : null,
      };
    });
  }

  toggleDownloads() {
    if (this.menu) { this.closeDownloads(); return; }
    const rows = [];
    for (const [tag, run] of this.pairs()) {
      const label = this.spec.tags.length > 1 ? `${run} · ${tag}` : run;
      rows.push(el('div', { class: 'sc-menu-row' },
        el('span', { class: 'sc-menu-name', text: shorten(label, 56), title: label }),
        el('a', { href: api.downloadUrl(run, tag, 'csv'), download: '', text: 'CSV' }),
        el('a', { href: api.downloadUrl(run, tag, 'json'), download: '', text: 'JSON' })));
    }
    this.menu = el('div', { class: 'sc-menu', role: 'menu' },
      el('div', { class: 'muted', text: rows.length ? 'Download every point' : 'No runs selected' }), ...rows);
    this.menu.addEventListener('click', e => e.stopPropagation());
    this.head.append(this.menu);
    this.downloadBtn.setAttribute('aria-expanded', 'true');
    this.outside = () => this.closeDownloads();
    this.escape = e => { if (e.key === 'Escape') this.closeDownloads(); };
    setTimeout(() => {
      document.addEventListener('click', this.outside);
      document.addEventListener('keydown', this.escape);
    });
  }

  closeDownloads() {
    if (!this.menu) return;
    this.menu.remove();
    this.menu = null;
    this.downloadBtn.setAttribute('aria-expanded', 'false');
    document.removeEventListener('click', this.outside);
    document.removeEventListener('keydown', this.escape);
  }

  destroy() {
    this.closeDownloads();
    this.resizeObserver.disconnect();
    this.chart.destroy();
    this.el.remove();
    this.zoomSeq++;
  }
}

function goneText(gone, withTag) {
  const names = gone.map(([t, r]) => (withTag ? `${r} · ${t}` : r));
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  return `No longer on the server (404): ${shown}`;
}

/**
 * A fingerprint series' points ({steps, values} of the API) counted: how many, how many distinct
 * values, and the steps of each value seen more than once (the most often seen first, at most 20).
 */
export function countBatches(series) {
  const byValue = new Map();
  const values = series.values;
  for (let i = 0; i < values.length; i++) {
    const v = String(values[i]);
    let steps = byValue.get(v);
    if (!steps) byValue.set(v, steps = []);
    steps.push(Number(series.steps[i]));
  }
  const repeats = [...byValue.values()].filter(s => s.length > 1).sort((a, b) => b.length - a.length || a[0] - b[0]).slice(0, 20);
  return { points: values.length, distinct: byValue.size, more: !!series.more, repeats };
}
