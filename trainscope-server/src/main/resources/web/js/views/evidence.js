// A finding's evidence: one tag of the finding's run, that run alone, zoomed around the finding's
// steps with a margin that stays inside the tag's own steps (findings.evidenceRange), the finding's
// steps shaded and nothing else. A scalar is drawn by a scalars card (raw values, no smoothing) on a
// logarithmic axis when its values are all positive and span more than two decades, so that a
// gradient norm of 3e-5 does not lie flat on zero; a histogram as its distribution over steps. The
// user's tag filter, run selection, smoothing and zooms are neither read nor changed.
//
// For tests: div.evidence[data-run][data-tag][data-kind][data-from][data-to][data-state] holds,
// for a scalar, the card .sc-card.ev-card (its __chartData, data-zoom, data-highlight) and
// data-log ("1" when the axis is logarithmic); for a histogram, div.ev-bands with __chartData =
// {xRange, highlight, steps}. The way back is button.ev-back.

import { el, clear, fmt } from '../util.js';
import { Card } from '../scalars/card.js';
import { schedule } from '../scalars/schedule.js';
import { redrawSoon } from '../schedule.js';
import { BandsChart } from './bands-chart.js';
import { nums } from '../api.js';
import * as findings from '../findings.js';
import { testHook } from '../testhooks.js';
import { runLabel } from '../colors.js';

/** Values spanning more than this ratio (all positive) are drawn on a log axis. */
const LOG_SPAN = 100;

export class EvidenceView {
  /** ev: {rule, run, tag, from, to} (findings.evidenceOf); ctx: the shell's (main.js). */
  constructor(parent, ctx, ev) {
    this.ctx = ctx;
    this.ev = ev;
    this.logMode = 'auto';   // auto | on | off
    this.updateNow = () => this.update();
    const info = ctx.runTags(ev.run).find(t => t.tag === ev.tag) || null;
    this.info = info;
    this.el = el('div', { class: 'evidence', 'data-run': ev.run, 'data-tag': ev.tag, 'data-from': String(ev.from),
      'data-to': String(ev.to), 'data-kind': info ? info.kind : '', 'data-state': 'loading' });
    this.head = el('div', { class: 'ev-head' });
    this.body = el('div', { class: 'ev-body' });
    this.el.append(this.head, this.body);
    parent.append(this.el);
    this.renderHead();
    if (!info) {
      this.body.append(el('p', { class: 'empty error' }, 'The run “', runLabel(ev.run), `” has no tag “${ev.tag}” (any more).`));
      this.el.dataset.state = 'empty';
    } else if (info.kind === 'scalar') {
      this.scalar();
    } else if (info.kind === 'histogram') {
      this.histogram();
    } else {
      this.body.append(el('p', { class: 'empty', text: `“${ev.tag}” is a ${info.kind} tag: see it in its tab.` }));
      this.el.dataset.state = 'ready';
    }
  }

  renderHead() {
    const ev = this.ev;
    const f = findings.findingOf(ev);
    clear(this.head);
    const back = el('button', { type: 'button', class: 'ev-back', text: '← Back',
      title: 'Back to where you were (the browser\'s Back does the same)', onclick: () => findings.leaveEvidence() });
    const title = f
      ? el('span', { class: 'ev-title' }, el('span', { class: `sev sev-${f.severity}`, text: f.severity }), ' ', f.summary)
      : el('span', { class: 'ev-title muted', text: `Evidence of ${ev.rule || 'a finding'} (no longer reported)` });
    const where = [ev.tag, `steps ${fmt(ev.from)}–${fmt(ev.to)} shaded`];
    if (this.range) where.push(`showing ${fmt(Math.floor(this.range.x0))}–${fmt(Math.ceil(this.range.x1))}`);
    this.head.append(el('div', { class: 'ev-top' }, back, title),
      el('div', { class: 'ev-where muted' },
        el('span', { class: 'swatch', style: { background: this.ctx.runColor(ev.run) } }), ' ', runLabel(ev.run), ` · ${where.join(' · ')}`,
        this.logControl ? ' · ' : '', this.logControl || ''));
  }

  /** The zoomed step range: the finding's steps and a margin, inside the tag's own steps. */
  rangeOf(info) {
    return findings.evidenceRange(this.ev.from, this.ev.to, info.firstStep, info.lastStep, info.count);
  }

  scalar() {
    const ev = this.ev;
    const view = {
      settings: () => ({ smoothing: 0, xAxis: 'step', logY: this.logY(), ignoreOutliers: false, groupRe: null,
        groupError: '', band: 'minmax', pair: false, combine: [] }),
      runGroups: runs => runs.map(r => [r, [r]]),
      runColor: name => this.ctx.runColor(name),
      runName: run => this.ctx.runName(run),
      runOrigin: run => {
        const r = this.ctx.runs().find(x => x.name === run);
        return r ? r.firstWallTime : NaN;
      },
      toggleFull() {}, togglePick() {}, isPicked: () => false, removeCombined() {},
      schedule: card => {
        schedule(card);
        redrawSoon(this.updateNow);   // after the card's own draw: its state and axis are known then
      },
    };
    const card = new Card(view, { key: 'e:' + ev.tag, kind: 'tag', title: ev.tag, tags: [ev.tag], info: this.info,
      evidence: true });
    card.el.classList.add('ev-card');
    card.setFull(true);
    this.card = card;
    this.range = this.rangeOf(this.info);
    this.logControl = el('label', { class: 'ev-log' }, el('input', { type: 'checkbox', onchange: e => {
      this.logMode = e.target.checked ? 'on' : 'off';
      schedule(card);
    } }), ' log scale');
    this.renderHead();
    this.body.append(card.el);
    card.setSources(new Map([[ev.tag, [ev.run]]]));
    card.setHighlight(ev.from, ev.to);
    card.zoomTo(this.range.x0, this.range.x1);
    card.setVisible(true);
  }

  /** Log when asked, or (auto) when the run's values of the tag are all positive and span decades. */
  logY() {
    if (this.logMode !== 'auto') return this.logMode === 'on';
    const b = this.card && this.card.overview.get(this.ev.tag + '\u0000' + this.ev.run);
    if (!b) return false;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < b.size; i++) {
      if (b.finite[i] === 0) continue;
      lo = Math.min(lo, b.min[i]);
      hi = Math.max(hi, b.max[i]);
    }
    return lo > 0 && hi / lo > LOG_SPAN;
  }

  update() {
    const log = this.logY();
    this.el.dataset.log = log ? '1' : '0';
    const box = this.logControl && this.logControl.querySelector('input');
    if (box) box.checked = log;
    if (this.card) this.el.dataset.state = this.card.state === 'ready' ? 'ready' : this.card.state;
  }

  async histogram() {
    const ev = this.ev;
    const box = el('div', { class: 'card ev-bands full' },
      el('div', { class: 'card-head' }, el('span', { class: 'card-title', text: ev.tag }),
        el('span', { class: 'muted', text: ' distribution over steps: min, ±1.5, ±1, ±0.5 sd and median' })));
    this.body.append(box);
    const chart = new BandsChart(box, { color: this.ctx.runColor(ev.run), label: `Distribution of ${ev.tag} in ${ev.run}` });
    this.chart = chart;
    try {
      const res = await this.ctx.api.distributions(ev.run, ev.tag);
      if (!this.chart) return;
      const data = { basisPoints: res.basisPoints, steps: res.steps, wallTimes: nums(res.wallTimes),
        bands: res.bands.map(b => nums(b)) };
      const n = data.steps.length;
      this.range = findings.evidenceRange(ev.from, ev.to, n ? data.steps[0] : 0, n ? data.steps[n - 1] : 0, n);
      chart.setFocus({ x0: this.range.x0, x1: this.range.x1, from: ev.from, to: ev.to });
      chart.setData(data, 'step');
      this.renderHead();
      testHook(box, '__chartData', () => ({
        steps: [...data.steps], highlight: [ev.from, ev.to],
        xRange: chart.u ? [chart.u.scales.x.min, chart.u.scales.x.max] : null }));
      this.el.dataset.state = 'ready';
    } catch (e) {
      box.append(el('p', { class: 'error', text: `Could not load: ${e.message}` }));
      this.el.dataset.state = 'error';
    }
  }

  destroy() {
    if (this.card) this.card.destroy();
    if (this.chart) this.chart.destroy();
    this.card = null;
    this.chart = null;
    this.el.remove();
  }
}
