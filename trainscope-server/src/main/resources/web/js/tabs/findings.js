// The Findings tab: what the diagnosis engine (trainscope doctor's rules, run by the server in the
// background as data arrive) says about the trainings of the selected runs, one verdict per
// training (a run, or a train/validation pair of runs): the most likely root cause first, showing
// the worst severity of what it explains, with the findings it explains under it (they give no
// advice of their own: they say what explains them), then the findings it does not explain, each
// with its own advice, then notes. Each finding shows its summary, the rule, layer and steps, the
// evidence it rests on, the numbers that triggered it; each of its tags is a link to the evidence
// (views/evidence.js), opened in this tab as a new entry of the browser's history. Under each
// training a collapsible panel says what could be examined: which rules checked it, which only
// partly (on what weaker evidence), which could not (and why), and what each tag was read as,
// from what; so a healthy training ("no warning or error") can be told from one not checked.
//
// Settings (URL): x.severity = the least severity shown (info | warning | error; default info);
// x.evidence = the evidence shown (findings.js), absent for the list.
//
// For tests: each training is section.fd-verdict[data-subject][data-runs (JSON)][data-healthy]
// [data-severity]; its findings are article.finding[data-rule][data-severity][data-run]
// [data-place=root|consequence|other|note] with a.fd-evidence[data-tag] links; a root's
// data-severity is the verdict's, data-own its own; consequences sit in .fd-consequences inside
// the root's article. The panel is details.fd-coverage (summary counts in data-checked,
// data-partly, data-unchecked) holding li.fd-check[data-rule][data-status] and
// tr.fd-role[data-run][data-tag][data-role][data-split][data-source] once opened. The tab's root
// has data-version (the findings' version shown) and data-view (list | evidence).

import * as findings from '../findings.js';
import { EvidenceView } from '../views/evidence.js';
import { select, read } from '../views/controls.js';
import { el, clear, fmt } from '../util.js';
import { num } from '../api.js';
import { runLabel, runName } from '../colors.js';

const SEVERITY = 'x.severity';

export default {
  id: 'findings',
  title: 'Findings',
  kinds: [],

  mount(container, ctx, settings) {
    const { state } = ctx;
    const control = select(settings, state, { key: SEVERITY, label: 'Show', def: 'info',
      options: [['info', 'everything'], ['warning', 'warnings and errors'], ['error', 'errors only']] });
    const root = el('div', { class: 'findings', 'data-tab': 'findings', 'data-view': 'list' });
    container.append(root);
    const open = new Set();     // subjects whose coverage panel is open, kept across renders
    let evidence = null;        // {value, view} while an evidence is shown

    const renderList = () => {
      const data = findings.current();
      root.dataset.version = String(data.version);
      clear(root);
      const least = findings.rank(read(state, SEVERITY, 'info'));
      const selected = new Set(ctx.selectedRuns());
      const verdicts = data.verdicts.filter(v => v.runs.some(r => selected.has(r)));
      const all = data.findings;
      const total = all.filter(f => selected.has(f.run)).length;
      const shown = [];
      const sections = [];
      for (const v of verdicts) {
        const placed = placesOf(v, all).filter(p => findings.rank(p.severity) <= least);
        if (placed.length === 0 && !(v.healthy && least >= findings.rank('info'))) continue;
        shown.push(...placed.map(p => p.f));
        sections.push({ v, placed });
      }
      // the worst trainings first, healthy ones last, then by name
      sections.sort((a, b) => verdictRank(a.v) - verdictRank(b.v) || (a.v.subject < b.v.subject ? -1 : 1));
      const healthy = sections.filter(s => s.v.healthy).length;
      root.append(el('p', { class: 'muted fd-summary', text: summary(shown, sections.length - healthy, healthy,
        selected.size, total, data.version) }));
      for (const s of sections) root.append(verdictSection(s.v, s.placed, all, ctx, open));
    };

    const render = () => {
      const value = state.get(findings.EVIDENCE) || '';
      const ev = findings.evidenceOf(value);
      if (ev) {
        root.dataset.view = 'evidence';
        if (evidence && evidence.value === value) {
          evidence.view.renderHead();
          return;
        }
        if (evidence) evidence.view.destroy();
        clear(root);
        evidence = { value, view: new EvidenceView(root, ctx, ev) };
        container.scrollTop = 0;
        return;
      }
      if (evidence) {
        evidence.view.destroy();
        evidence = null;
      }
      root.dataset.view = 'list';
      renderList();
    };

    const off = findings.subscribe(render);
    render();
    return {
      refresh(reason) {
        if (reason === 'state') control.sync();
        if (reason && reason.live) {
          if (evidence && evidence.view.card) {
            for (const u of reason.live) if (evidence.view.card.hasSeries(u.tag, u.run)) evidence.view.card.invalidate(u.tag, u.run);
          }
          return;
        }
        if (reason === 'filter' && !evidence) return;
        render();
      },
      destroy() {
        off();
        if (evidence) evidence.view.destroy();
        evidence = null;
        // the evidence belongs to this tab: another tab leaves it behind (Back comes back to it)
        if (state.get(findings.EVIDENCE)) state.set({ [findings.EVIDENCE]: undefined });
      },
    };
  },
};

/** A verdict's findings with their place: [{f, place, severity (as shown)}], in the order shown. */
function placesOf(v, all) {
  const out = [];
  if (v.root !== null && v.root !== undefined) out.push({ f: all[v.root], place: 'root', severity: v.severity || all[v.root].severity });
  for (const i of v.consequences) out.push({ f: all[i], place: 'consequence', severity: all[i].severity });
  for (const i of v.others) out.push({ f: all[i], place: 'other', severity: all[i].severity });
  for (const i of v.notes) out.push({ f: all[i], place: 'note', severity: all[i].severity });
  return out.filter(p => p.f);
}

function verdictRank(v) {
  return v.healthy ? 10 : findings.rank(v.severity);
}

function summary(shown, faulty, healthy, runsSelected, total, version) {
  if (version < 0) return 'Diagnosing…';
  if (runsSelected === 0) return 'No runs selected: tick runs in the sidebar.';
  if (total === 0) return `No findings in the ${runsSelected} selected run${runsSelected === 1 ? '' : 's'}: nothing looks wrong`
    + ' in what could be checked (each training below says what that was).';
  if (shown.length === 0) return `${total} finding${total === 1 ? '' : 's'} below the severity shown.`;
  const parts = [`${counts(shown)} in ${faulty} training${faulty === 1 ? '' : 's'}`];
  if (healthy) parts.push(`${healthy} with no warning or error`);
  return `${parts.join('; ')} (${runsSelected} selected run${runsSelected === 1 ? '' : 's'}).`;
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

/** "3 rules could not check it, 5 only partly" from a verdict's checks, or "". */
function uncheckedText(checks) {
  const not = (checks && checks['not checked']) || 0;
  const partly = (checks && checks.partly) || 0;
  const parts = [];
  if (not) parts.push(`${not} rule${not === 1 ? '' : 's'} could not check it`);
  if (partly) parts.push(`${partly} ${not ? '' : `rule${partly === 1 ? '' : 's'} `}only partly`);
  return parts.join(', ');
}

function verdictSection(v, placed, all, ctx, open) {
  const head = el('h3', { class: 'fd-run-name' }, ...v.runs.map(r => el('span', { class: 'swatch', title: r,
    style: { background: ctx.runColor(r) } })), v.runs.includes(v.subject) ? runLabel(v.subject) : el('span', { text: v.subject }));
  if (v.runs.length > 1 || v.runs[0] !== v.subject) {
    head.append(el('span', { class: 'muted' }, ' (runs ', ...v.runs.flatMap((r, i) => (i ? [', ', runLabel(r)] : [runLabel(r)])), ')'));
  }
  const section = el('section', { class: 'fd-verdict fd-run', 'data-subject': v.subject, 'data-runs': JSON.stringify(v.runs),
    'data-run': v.runs[0], 'data-healthy': String(v.healthy), 'data-severity': v.healthy ? '' : v.severity || '' }, head);
  if (v.healthy) {
    const unchecked = uncheckedText(v.checks);
    section.append(el('p', { class: 'fd-healthy', text: 'No warning or error' + (unchecked ? ` · ${unchecked}: see below` : '') }));
  } else {
    head.append(el('span', { class: 'muted', text: ` · ${counts(placed.map(p => p.f))}` }));
  }
  const rootFinding = v.root !== null && v.root !== undefined ? all[v.root] : null;
  let rootCard = null;
  for (const p of placed) {
    if (p.place === 'consequence' && rootCard) continue;
    const c = card(p.f, p.place, p.severity, rootFinding);
    if (p.place === 'root') {
      rootCard = c;
      const cons = placed.filter(q => q.place === 'consequence');
      if (cons.length) {
        c.append(el('div', { class: 'fd-consequences' }, el('div', { class: 'fd-which muted', text: 'Which explains:' }),
          ...cons.map(q => card(q.f, q.place, q.severity, rootFinding))));
      }
    }
    section.append(c);
  }
  section.append(coverage(v, ctx, open));
  return section;
}

function card(f, place, severity, rootFinding) {
  const where = [`rule ${f.rule}`, `steps ${fmt(f.fromStep)}–${fmt(f.toStep)}`];
  if (f.layer) where.push(`layer ${f.layer}`);
  where.push('run ');
  const evidence = el('dl', { class: 'fd-numbers' });
  for (const [k, v] of Object.entries(f.evidence || {})) {
    evidence.append(el('dt', { text: k }), el('dd', { text: fmt(num(v)) }));
  }
  const links = el('div', { class: 'fd-links' });
  if ((f.tags || []).length) links.append(el('span', { class: 'muted', text: 'evidence: ' }));
  for (const tag of f.tags || []) {
    links.append(el('a', { class: 'fd-evidence', href: '#', 'data-tag': tag, text: tag,
      title: `Show ${tag} of ${runName(f.run)} around steps ${f.fromStep}–${f.toStep}`,
      onclick: e => { e.preventDefault(); findings.openEvidence(f, tag); } }), ' ');
  }
  const parts = [
    el('div', { class: 'fd-head' }, el('span', { class: `sev sev-${severity}`, text: severity,
      title: severity !== f.severity ? `the worst of what it explains; this finding alone: ${f.severity}` : undefined }),
    el('span', { class: 'fd-text', text: f.summary })),
    el('div', { class: 'fd-where muted' }, where.join(' · '), runLabel(f.run)),
  ];
  if (f.basis) parts.push(el('div', { class: 'fd-basis muted', text: `based on ${f.basis}` }));
  if (place === 'consequence') {
    parts.push(el('div', { class: 'fd-explained' }, el('strong', { text: 'Explained by: ' }),
      rootFinding ? rootFinding.summary : 'the root cause above'));
  } else {
    parts.push(el('div', { class: 'fd-try' }, el('strong', { text: 'Try: ' }), f.suggestion));
  }
  parts.push(evidence, links);
  return el('article', { class: `finding sev-${severity} fd-${place}`, 'data-rule': f.rule, 'data-severity': severity,
    'data-own': f.severity, 'data-run': f.run, 'data-place': place }, ...parts);
}

/** The collapsible "what could be examined" panel of a training, filled from /api/explain when opened. */
function coverage(v, ctx, open) {
  const c = v.checks || {};
  const checked = c.checked || 0;
  const partly = c.partly || 0;
  const not = c['not checked'] || 0;
  const body = el('div', { class: 'fd-coverage-body' });
  const details = el('details', { class: 'fd-coverage', 'data-subject': v.subject, 'data-checked': String(checked),
    'data-partly': String(partly), 'data-unchecked': String(not) },
  el('summary', {}, el('span', { text: 'What was checked: ' }),
    el('span', { class: 'muted', text: `${checked} rule${checked === 1 ? '' : 's'} checked, ${partly} partly, ${not} not checked` })),
  body);
  const fill = async () => {
    if (body.dataset.state === 'ready' || body.dataset.state === 'loading') return;
    body.dataset.state = 'loading';
    body.replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
    try {
      const x = await findings.explain(v.subject, v.runs[0]);
      body.replaceChildren(...explanation(x));
      body.dataset.state = 'ready';
    } catch (e) {
      body.replaceChildren(el('p', { class: 'error', text: `Could not load: ${e.message}` }));
      body.dataset.state = 'error';
    }
  };
  details.addEventListener('toggle', () => {
    if (details.open) {
      open.add(v.subject);
      fill();
    } else {
      open.delete(v.subject);
    }
  });
  if (open.has(v.subject)) {
    details.open = true;
    fill();
  }
  return details;
}

const STATUS_TITLES = [
  ['checked', 'Checked', 'on the evidence the rule is made for'],
  ['partly', 'Partly', 'on weaker, indirect evidence'],
  ['not checked', 'Not checked', 'what was missing'],
];

function explanation(x) {
  const out = [];
  const lists = el('div', { class: 'fd-checks' });
  for (const [status, title, what] of STATUS_TITLES) {
    const rules = x.coverage.filter(c => c.status === status);
    if (rules.length === 0) continue;
    lists.append(el('div', { class: `fd-check-group fd-${status.replace(' ', '-')}` },
      el('h4', {}, `${title} `, el('span', { class: 'muted', text: `(${rules.length}, ${what})` })),
      el('ul', {}, ...rules.map(c => el('li', { class: 'fd-check', 'data-rule': c.rule, 'data-status': c.status },
        el('code', { text: c.rule }), c.detail ? ` — ${c.detail}` : '')))));
  }
  out.push(lists);
  const several = x.runs.length > 1;
  const rows = x.roles.filter(r => r.role !== 'other' || r.source !== 'none');
  const unknown = x.roles.length - rows.length;
  const table = el('table', { class: 'fd-roles' },
    el('thead', {}, el('tr', {}, ...(several ? ['run'] : []).concat(['tag', 'read as', 'from']).map(h => el('th', { text: h })))),
    el('tbody', {}, ...rows.concat(x.roles.filter(r => !rows.includes(r))).map(r => {
      const meaning = [r.role + (r.split ? ` (${r.split})` : '')];
      if (r.layer) meaning.push(`layer ${r.layer}`);
      if (r.param) meaning.push(r.param);
      return el('tr', { class: 'fd-role', 'data-run': r.run, 'data-tag': r.tag, 'data-role': r.role, 'data-split': r.split,
        'data-source': r.source }, ...(several ? [el('td', {}, runLabel(r.run))] : []),
      el('td', {}, el('code', { text: r.tag })), el('td', { text: meaning.join(', ') }), el('td', { class: 'muted', text: r.source }));
    })));
  out.push(el('h4', {}, 'Tags read as ', el('span', { class: 'muted',
    text: `(${x.roles.length}: from metadata, a naming habit, or --role${unknown ? `; ${unknown} not recognised` : ''})` })), table);
  return out;
}
