// The Findings tab: what the diagnosis engine (trainscope doctor's rules, run by the server in the
// background as data arrive) says about the selected runs, grouped by run, most severe first. Each
// finding shows its summary, the rule, layer and steps, the numbers that triggered it and what to
// try; each of its tags is a link to that tag's chart zoomed to the finding's steps.
//
// Settings (URL): x.severity = the least severity shown (info | warning | error; default info).
//
// For tests: each run is section.fd-run[data-run]; each finding article.finding[data-rule]
// [data-severity][data-run] with a.fd-evidence[data-tag] links; the tab's root has data-version
// (the findings' version shown).

import * as findings from '../findings.js';
import { select, read } from '../views/controls.js';
import { el, clear, fmt } from '../util.js';
import { num } from '../api.js';

const SEVERITY = 'x.severity';

export default {
  id: 'findings',
  title: 'Findings',
  kinds: [],

  mount(container, ctx, settings) {
    const { state } = ctx;
    const control = select(settings, state, { key: SEVERITY, label: 'Show', def: 'info',
      options: [['info', 'everything'], ['warning', 'warnings and errors'], ['error', 'errors only']] });
    const root = el('div', { class: 'findings', 'data-tab': 'findings' });
    container.append(root);

    const render = () => {
      const data = findings.current();
      root.dataset.version = String(data.version);
      clear(root);
      const least = findings.rank(read(state, SEVERITY, 'info'));
      const selected = new Set(ctx.selectedRuns());
      const shown = findings.sorted(data.findings.filter(f => selected.has(f.run) && findings.rank(f.severity) <= least));
      const byRun = new Map();
      for (const f of shown) {
        if (!byRun.has(f.run)) byRun.set(f.run, []);
        byRun.get(f.run).push(f);
      }
      const total = data.findings.filter(f => selected.has(f.run)).length;
      root.append(el('p', { class: 'muted fd-summary', text: summary(shown, byRun.size, selected.size, total, data.version) }));
      // Runs with an error first, then by their worst finding, then by name.
      const runs = [...byRun.keys()].sort((a, b) =>
        findings.rank(byRun.get(a)[0].severity) - findings.rank(byRun.get(b)[0].severity) || (a < b ? -1 : 1));
      for (const run of runs) {
        const list = byRun.get(run);
        const section = el('section', { class: 'fd-run', 'data-run': run },
          el('h3', { class: 'fd-run-name' }, el('span', { class: 'swatch', style: { background: ctx.runColor(run) } }),
            el('span', { text: run }), el('span', { class: 'muted', text: ` · ${counts(list)}` })));
        for (const f of list) section.append(card(f));
        root.append(section);
      }
    };

    const off = findings.subscribe(render);
    render();
    return {
      refresh(reason) {
        if (reason === 'state') control.sync();
        if (reason !== 'filter') render();
      },
      destroy() { off(); },
    };
  },
};

function summary(shown, runsWith, runsSelected, total, version) {
  if (version < 0) return 'Diagnosing…';
  if (runsSelected === 0) return 'No runs selected: tick runs in the sidebar.';
  if (total === 0) return `No findings in the ${runsSelected} selected run${runsSelected === 1 ? '' : 's'}: nothing looks wrong.`;
  if (shown.length === 0) return `${total} finding${total === 1 ? '' : 's'} below the severity shown.`;
  return `${counts(shown)} in ${runsWith} of ${runsSelected} selected run${runsSelected === 1 ? '' : 's'}.`;
}

function counts(list) {
  const n = { error: 0, warning: 0, info: 0 };
  for (const f of list) n[f.severity] = (n[f.severity] || 0) + 1;
  const parts = [];
  if (n.error) parts.push(`${n.error} error${n.error === 1 ? '' : 's'}`);
  if (n.warning) parts.push(`${n.warning} warning${n.warning === 1 ? '' : 's'}`);
  if (n.info) parts.push(`${n.info} note${n.info === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function card(f) {
  const where = [`rule ${f.rule}`, `steps ${fmt(f.fromStep)}–${fmt(f.toStep)}`];
  if (f.layer) where.push(`layer ${f.layer}`);
  const evidence = el('dl', { class: 'fd-numbers' });
  for (const [k, v] of Object.entries(f.evidence || {})) {
    evidence.append(el('dt', { text: k }), el('dd', { text: fmt(num(v)) }));
  }
  const links = el('div', { class: 'fd-links' }, el('span', { class: 'muted', text: 'evidence: ' }));
  for (const tag of f.tags || []) {
    links.append(el('a', { class: 'fd-evidence', href: '#', 'data-tag': tag, text: tag,
      title: `Show ${tag} of this run at steps ${f.fromStep}–${f.toStep}`,
      onclick: e => { e.preventDefault(); findings.focusFinding(f, tag); } }), ' ');
  }
  return el('article', { class: `finding sev-${f.severity}`, 'data-rule': f.rule, 'data-severity': f.severity, 'data-run': f.run },
    el('div', { class: 'fd-head' }, el('span', { class: `sev sev-${f.severity}`, text: f.severity }),
      el('span', { class: 'fd-text', text: f.summary })),
    el('div', { class: 'fd-where muted', text: where.join(' · ') }),
    el('div', { class: 'fd-try' }, el('strong', { text: 'Try: ' }), f.suggestion),
    evidence, links);
}
