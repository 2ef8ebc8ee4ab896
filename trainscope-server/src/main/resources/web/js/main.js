// The dashboard shell: tabs, the sidebar's filters and run list, the theme, load progress and
// live updates. Each tab is a module under tabs/ with this contract:
//
//   export default {
//     id: 'scalars', title: 'Scalars',
//     kinds: ['scalar'],                     // tag kinds it shows (TagInfo.kind); [] = not tag based
//     mount(container, ctx, settings) -> { refresh(reason), destroy() }
//   }
//
//   container: the main area, empty; settings: a sidebar panel for the tab's own controls.
//   refresh(reason) is called with 'runs' (runs or tags changed), 'selection' (ticked runs or run
//   filter), 'filter' (tag filter), 'state' (other URL state), or {live: [{run, tag, lastStep}]}.
//   ctx: {
//     api, state, runColor,
//     runs(): every RunInfo, sorted by name
//     selectedRuns(): names of the runs passing the run filter and ticked, sorted
//     runTags(run): every TagInfo of one run, whatever the tag filter ([] for an unknown run)
//     tags(kinds): Map tag -> [TagInfo of each selected run having it], tags passing the tag filter,
//                  in order of first appearance; tags(kinds, {filter: false}) ignores the tag filter
//     tagFilter(): the tag filter as a RegExp (or null)
//   }

import * as state from './state.js';
import { api } from './api.js';
import { live } from './api.js';
import { runColor } from './colors.js';
import { RunList } from './runs.js';
import { el, clear, regex, debounce } from './util.js';
import scalars from './tabs/scalars.js';
import histograms from './tabs/histograms.js';
import distributions from './tabs/distributions.js';
import images from './tabs/images.js';
import text from './tabs/text.js';
import runsTable from './tabs/runs-table.js';
import findingsTab from './tabs/findings.js';
import layers from './tabs/layers.js';
import graph from './tabs/graph.js';
import features from './tabs/features.js';
import latent from './tabs/latent.js';
import projector from './tabs/projector.js';
import * as findings from './findings.js';

const TABS = [scalars, histograms, distributions, images, text, layers, graph, features, latent, projector, findingsTab, runsTable];

const model = {
  runs: [],             // RunInfo[]
  tagsByRun: new Map(), // run -> TagInfo[]: all of them, or a page of a run with too many
  cut: new Map(),       // run -> {shown, total} for runs whose tags were not all sent
  cutFilter: null,      // the tag filter the server searched the cut runs with, or null
};

let current = null;    // { tab, view }
let runList = null;

const ctx = {
  api,
  state,
  runColor,
  runs: () => model.runs,
  selectedRuns: () => runList.selected(),
  runTags: run => model.tagsByRun.get(run) || [],
  tagFilter: () => {
    const re = regex(state.get('tagFilter'));
    return re instanceof Error ? null : re;
  },
  tags(kinds, { filter = true } = {}) {
    const re = filter ? ctx.tagFilter() : null;
    const out = new Map();
    for (const run of runList.selected()) {
      for (const t of model.tagsByRun.get(run) || []) {
        if (!kinds.includes(t.kind)) continue;
        if (re && !re.test(t.tag)) continue;
        if (!out.has(t.tag)) out.set(t.tag, []);
        out.get(t.tag).push(t);
      }
    }
    return out;
  },
};

async function loadModel() {
  const [runs, tags] = await Promise.all([api.runs(), loadTags()]);
  model.runs = runs.runs;
  model.tagsByRun = new Map(Object.entries(tags.runs));
  showTagNotice();
  runList.setRuns(model.runs);
  showProgress(runs.progress);
  renderTabs();
}

/**
 * Every run's tags: the server sends at most 10,000 a run (a run can have a million). Of a run it
 * cut short, the page holds the first page; with a tag filter set, the server searches all of that
 * run's tags with it (the same RE2 syntax as the page's filter) and the page holds the matches.
 */
async function loadTags() {
  const tags = await api.tags();
  model.cut = cutRuns(tags);
  model.cutFilter = null;
  const f = state.get('tagFilter');
  if (model.cut.size && f && !(regex(f) instanceof Error)) {
    const found = await api.tags({ filter: f });
    for (const run of model.cut.keys()) {
      tags.runs[run] = found.runs[run] || [];
      model.cut.set(run, { shown: tags.runs[run].length, total: found.totals[run] || 0 });
    }
    model.cutFilter = f;
  }
  return tags;
}

function cutRuns(tags) {
  const cut = new Map();
  for (const [run, total] of Object.entries(tags.totals || {})) {
    const shown = (tags.runs[run] || []).length;
    if (total > shown) cut.set(run, { shown, total });
  }
  return cut;
}

/** Says which runs' tags are not all in the page, and how to reach the rest. */
function showTagNotice() {
  const node = document.getElementById('tag-notice');
  const lines = [];
  for (const [run, c] of model.cut) {
    lines.push(model.cutFilter !== null
      ? `${run}: ${c.shown.toLocaleString()} of ${c.total.toLocaleString()} tags matching the filter shown`
      : `${run}: the first ${c.shown.toLocaleString()} of ${c.total.toLocaleString()} tags shown; the tag filter searches them all`);
  }
  for (const [run, c] of model.cut) {
    if (model.cutFilter !== null && c.shown < c.total) { lines.push('narrow the filter to see the rest'); break; }
  }
  node.hidden = lines.length === 0;
  node.textContent = lines.join('\n');
  node.style.whiteSpace = 'pre-line';
}

function renderTabs() {
  const nav = document.getElementById('tabs');
  clear(nav);
  const active = state.get('tab');
  for (const t of TABS) {
    const has = t.kinds.length === 0 || [...model.tagsByRun.values()].some(ts => ts.some(x => t.kinds.includes(x.kind)));
    const b = el('button', { type: 'button', role: 'tab', 'aria-selected': String(t.id === active),
      'data-tab': t.id, text: t.title, title: has ? t.title : `${t.title}: no data` });
    if (t === findingsTab) {
      const n = findingCount();
      if (n.total) {
        b.append(' ', el('span', { class: `badge sev-${n.worst}`, 'data-count': String(n.total), text: String(n.total) }));
        b.title = `${n.total} finding${n.total === 1 ? '' : 's'} in the selected runs`;
      }
    }
    b.addEventListener('click', () => state.set({ tab: t.id }, { push: true }));
    nav.append(b);
  }
}

/** The findings of the selected runs: how many, and the worst severity. */
function findingCount() {
  const selected = new Set(runList.selected());
  let total = 0;
  let worst = 'info';
  for (const f of findings.current().findings) {
    if (!selected.has(f.run)) continue;
    total++;
    if (findings.rank(f.severity) < findings.rank(worst)) worst = f.severity;
  }
  return { total, worst };
}

function showFindings(data) {
  runList.setCounts(data.counts || {});
  renderTabs();
}

function mountTab() {
  const id = state.get('tab');
  const tab = TABS.find(t => t.id === id) || TABS[0];
  if (current && current.tab === tab) return;
  if (current) {
    try { current.view.destroy(); } catch (e) { console.error(e); }
  }
  const content = document.getElementById('content');
  const settings = document.getElementById('tab-settings');
  clear(content);
  clear(settings);
  content.scrollTop = 0;   // the last tab's scroll position means nothing in this one
  current = { tab, view: tab.mount(content, ctx, settings) };
  renderTabs();
}

function refresh(reason) {
  if (current) {
    try { current.view.refresh(reason); } catch (e) { console.error(e); }
  }
}

function showProgress(p) {
  const node = document.getElementById('progress');
  if (!p) return;
  showStorageProblems(p.problems || []);
  if (p.runsKnown === 0 && p.firstPollDone) {
    node.textContent = 'no runs yet: waiting for event files';
  } else if (p.bytesRead < p.bytesKnown) {
    node.textContent = `loading ${Math.floor(100 * p.bytesRead / Math.max(1, p.bytesKnown))}% · ` +
      `${p.runsLoaded} of ${p.runsKnown} runs`;
  } else {
    node.textContent = `${p.runsKnown} run${p.runsKnown === 1 ? '' : 's'}`;
  }
}

/**
 * What the last poll could not read of the log directories (a bucket that denies access or does
 * not exist, throttling that outlasted the retries, a folder that cannot be listed), with the URL
 * or path: the first in the top bar, all of them in its tooltip. Runs already loaded stay.
 */
function showStorageProblems(problems) {
  const node = document.getElementById('storage-problems');
  node.hidden = problems.length === 0;
  node.textContent = problems.length
    ? `⚠ ${problems[0].file}: ${problems[0].message}` + (problems.length > 1 ? ` (and ${problems.length - 1} more)` : '')
    : '';
  node.title = problems.map(x => `${x.file}: ${x.message}`).join('\n');
}

function applyTheme() {
  const t = state.get('theme') ||
    (window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  document.documentElement.dataset.theme = t;
}

function filterInput() {
  const input = document.getElementById('tag-filter');
  const error = document.getElementById('tag-filter-error');
  input.value = state.get('tagFilter');
  input.addEventListener('input', debounce(() => state.set({ tagFilter: input.value }), 150));
  const check = () => {
    if (document.activeElement !== input && input.value !== state.get('tagFilter')) {
      input.value = state.get('tagFilter'); // the URL changed under us (back, forward, a pasted link)
    }
    const re = regex(state.get('tagFilter'));
    error.hidden = !(re instanceof Error);
    error.textContent = re instanceof Error ? re.message : '';
  };
  check();
  document.addEventListener('keydown', e => {
    if (e.key === '/' && !(e.target instanceof HTMLInputElement) && !(e.target instanceof HTMLTextAreaElement)) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
  return check;
}

async function main() {
  state.init();
  applyTheme();
  runList = new RunList(document.getElementById('run-list'), document.getElementById('run-count'),
    document.getElementById('run-filter'), document.getElementById('run-filter-error'), () => refresh('selection'));
  document.getElementById('runs-all').addEventListener('click', () => runList.setAll(true));
  document.getElementById('runs-none').addEventListener('click', () => runList.setAll(false));
  document.getElementById('theme').addEventListener('click', () => {
    const now = document.documentElement.dataset.theme;
    state.set({ theme: now === 'dark' ? 'light' : 'dark' });
  });
  const checkFilter = filterInput();
  // runs with more tags than the server sends: the filter is searched by the server
  const searchCutRuns = debounce(async () => {
    try {
      await loadModel();
    } catch (e) {
      console.error(e);
    }
    refresh('filter');
  }, 200);
  state.subscribe(keys => {
    if (keys.has('theme')) applyTheme();
    if (keys.has('tab')) mountTab();
    if (keys.has('runFilter') || keys.has('hidden')) {
      runList.update();
      renderTabs();
      refresh('selection');
    }
    if (keys.has('tagFilter')) {
      checkFilter();
      if (model.cut.size) searchCutRuns(); else refresh('filter');
    }
    const other = [...keys].filter(k => !['theme', 'tab', 'runFilter', 'hidden', 'tagFilter'].includes(k));
    if (other.length) refresh('state');
  });
  try {
    await loadModel();
  } catch (e) {
    document.getElementById('content').append(el('div', { class: 'empty error', text: `Cannot reach the server: ${e.message}` }));
    return;
  }
  mountTab();
  findings.subscribe(showFindings);
  const reloadFindings = debounce(() => findings.reload().catch(e => console.error(e)), 300);
  reloadFindings();
  const reloadModel = debounce(async () => {
    await loadModel();
    refresh('runs');
  }, 300);
  live(update => {
    showProgress(update.progress);
    if (update.runsChanged) reloadModel();
    if (update.findingsChanged) reloadFindings();
    if (update.tags && update.tags.length) {
      for (const t of update.tags) {
        const list = model.tagsByRun.get(t.run);
        const info = list && list.find(x => x.tag === t.tag);
        if (info) info.lastStep = t.lastStep;
      }
      refresh({ live: update.tags });
    }
  }, hello => showProgress(hello.progress));
}

main();
