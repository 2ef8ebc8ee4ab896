// The dashboard shell: tabs, the sidebar's filters and run list, the theme, load progress and
// live updates. Each tab is a module under tabs/ with this contract:
//
//   export default {
//     id: 'scalars', title: 'Scalars',
//     kinds: ['scalar'],                     // tag kinds it shows (TagInfo.kind); [] = not tag based
//     empty(ctx) -> null | 'reason',         // optional: null when it has something to show for the
//                                            // selected runs, else a one-line reason (what to log)
//     mount(container, ctx, settings) -> { refresh(reason), destroy() }
//   }
//
//   A tab is empty (greyed in the top bar, its reason on hover, in the menu and in its body instead
//   of the tab) when its empty(ctx) returns a reason, or, without empty(), when it has kinds and no
//   selected run has a tag of those kinds (whatever the tag filter). A tab with kinds [] and no
//   empty() is never empty. empty() is called on every change of runs, tags or selection: keep it
//   to one pass over ctx.runTags of the selected runs; a tab that must ask the server calls
//   ctx.recheck() when the answer arrives, and answers null until then.
//
//   container: the main area, empty; settings: a sidebar panel for the tab's own controls.
//   refresh(reason) is called with 'runs' (runs or tags changed), 'selection' (ticked runs or run
//   filter), 'filter' (tag filter), 'state' (other URL state), or {live: [{run, tag, lastStep}]}.
//   ctx: {
//     api, state,
//     runColor(run): the run's colour (chosen by the user, else from its name)
//     runName(run): the name to show for a run (the user's alias, else the folder name); show the
//                   folder name on hover (title) where the alias is shown. Labels made by
//                   colors.js's runLabel(run) follow a rename by themselves; a tab that draws
//                   names (canvases, charts) draws them again on refresh('state') when
//                   state.get('names') changed, from the data it holds
//     runs(): every RunInfo, sorted by name
//     selectedRuns(): names of the runs passing the run filter and ticked, sorted
//     runTags(run): every TagInfo of one run, whatever the tag filter ([] for an unknown run)
//     tags(kinds): Map tag -> [TagInfo of each selected run having it], tags passing the tag filter,
//                  in order of first appearance; tags(kinds, {filter: false}) ignores the tag filter
//     tagFilter(): the tag filter as a RegExp (or null)
//     recheck(): asks the shell to ask every tab's empty() again
//   }
//
// For tests: every tab is a button[data-tab] inside nav#tabs, in the strip (role=tab, aria-selected)
// or, when the bar is too narrow, in the More menu (#tabs-menu, role=menuitem); an empty tab's button
// has data-empty with its reason; an empty tab opened shows div.tab-empty[data-tab] with the reason.

import * as state from './state.js';
import { api } from './api.js';
import { live } from './api.js';
import { runColor, runName, relabelRuns } from './colors.js';
import { RunList } from './runs.js';
import { TabBar } from './tabbar.js';
import { resizableSidebar } from './sidebar.js';
import { el, clear, regex, debounce } from './util.js';
import scalars from './tabs/scalars.js';
import histograms from './tabs/histograms.js';
import distributions from './tabs/distributions.js';
import images from './tabs/images.js';
import audio from './tabs/audio.js';
import prCurves from './tabs/prcurves.js';
import customScalars from './tabs/custom-scalars.js';
import text from './tabs/text.js';
import runsTable from './tabs/runs-table.js';
import findingsTab from './tabs/findings.js';
import layers from './tabs/layers.js';
import graph from './tabs/graph.js';
import features from './tabs/features.js';
import latent from './tabs/latent.js';
import hparams from './tabs/hparams.js';
import mesh from './tabs/mesh.js';
import projector from './tabs/projector.js';
import * as findings from './findings.js';
import { testHook } from './testhooks.js';

const TABS = [scalars, histograms, distributions, images, audio, text, prCurves, customScalars, layers, graph, features,
  latent, projector, mesh, findingsTab, runsTable, hparams];

const model = {
  runs: [],             // RunInfo[]
  tagsByRun: new Map(), // run -> TagInfo[]: all of them, or a page of a run with too many
  cut: new Map(),       // run -> {shown, total} for runs whose tags were not all sent
  cutFilter: null,      // the tag filter the server searched the cut runs with, or null
};

let current = null;    // { tab, view, empty }: view null while the tab is empty and its reason shown
let runList = null;
let tabBar = null;

const ctx = {
  api,
  state,
  runColor,
  runName,
  runs: () => model.runs,
  selectedRuns: () => runList.selected(),
  runTags: run => model.tagsByRun.get(run) || [],
  recheck: () => renderTabs(),
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

/** How to log what a tag-based tab shows, for its reason when it is empty. */
const KIND_HINTS = {
  scalar: ['scalars', 'add_scalar, tf.summary.scalar or writer.scalar()'],
  histogram: ['histograms', 'add_histogram, tf.summary.histogram or writer.histogram()'],
  image: ['images', 'add_image, tf.summary.image or writer.image()'],
  audio: ['audio', 'add_audio or tf.summary.audio'],
  text: ['text', 'add_text, tf.summary.text or writer.text()'],
};

/** Null when the tab has something to show for the selected runs, else why not (one line). */
function emptyReason(t, present) {
  if (t.empty) {
    try {
      return t.empty(ctx) || null;
    } catch (e) {
      console.error(e);
      return null;
    }
  }
  if (!t.kinds.length || t.kinds.some(k => present.has(k))) return null;
  if (!model.runs.length) return 'No runs yet: waiting for event files in the log directory';
  if (!runList.selected().length) return 'No runs selected: tick runs in the sidebar or clear the run filter';
  const hints = t.kinds.map(k => KIND_HINTS[k]).filter(Boolean);
  const what = hints.length ? hints.map(h => h[0]).join(' or ') : `${t.kinds.join(' or ')} tags`;
  const how = hints.length ? `: log them with ${hints.map(h => h[1]).join('; ')}` : '';
  return `No ${what} in the selected runs${how}`;
}

/** The tag kinds the selected runs have; every kind when a run's tags were not all sent (not known). */
function presentKinds() {
  const present = new Set();
  for (const run of runList.selected()) {
    if (model.cut.has(run)) return { has: () => true };
    for (const t of model.tagsByRun.get(run) || []) present.add(t.kind);
  }
  return present;
}

function renderTabs() {
  const active = (current && current.tab.id) || state.get('tab');
  const present = presentKinds();
  const reasons = new Map();
  const items = TABS.map(t => {
    const empty = emptyReason(t, present);
    reasons.set(t, empty);
    let badge = null;
    let title = t.title;
    if (t === findingsTab) {
      const n = findingCount();
      if (n.total) {
        badge = el('span', { class: `badge sev-${n.worst}`, 'data-count': String(n.total), text: String(n.total) });
        title = `${n.total} finding${n.total === 1 ? '' : 's'} in the selected runs`;
      }
    }
    return { id: t.id, label: t.title, title, empty, active: t.id === active, badge };
  });
  tabBar.update(items);
  // the open tab got data, or lost it: show it, or its reason
  if (current && (current.view === null) !== (reasons.get(current.tab) !== null)) {
    mountTab(true);
  } else if (current && current.view === null) {
    current.empty.textContent = reasons.get(current.tab);
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

function mountTab(again = false) {
  const id = state.get('tab');
  const tab = TABS.find(t => t.id === id) || TABS[0];
  if (current && current.tab === tab && !again) return;
  if (current && current.view) {
    try { current.view.destroy(); } catch (e) { console.error(e); }
  }
  const content = document.getElementById('content');
  const settings = document.getElementById('tab-settings');
  clear(content);
  clear(settings);
  content.className = 'content';   // a tab may have styled the main area for itself
  content.scrollTop = 0;   // the last tab's scroll position means nothing in this one
  const reason = emptyReason(tab, presentKinds());
  if (reason) {
    const empty = el('div', { class: 'empty tab-empty', 'data-tab': tab.id, role: 'status', text: reason });
    content.append(empty);
    current = { tab, view: null, empty };
  } else {
    current = { tab, view: tab.mount(content, ctx, settings), empty: null };
  }
  renderTabs();
}

function refresh(reason) {
  if (current && current.view) {
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

/**
 * The first answer: until it comes, the main area says the page is loading (index.html); when the
 * server cannot be reached or answers with an error, it says so, with what the server said, and a
 * button to try again. True once the runs are in.
 */
async function firstLoad() {
  const content = document.getElementById('content');
  const progress = document.getElementById('progress');
  for (;;) {
    try {
      await loadModel();
      return true;
    } catch (e) {
      console.warn(e);
      const what = e.status ? `The server answered ${e.status}: ${e.message}` : `Cannot reach the server: ${e.message}`;
      progress.textContent = '⚠ not loaded';
      let retry;
      const again = new Promise(r => { retry = r; });
      content.replaceChildren(el('div', { class: 'empty error load-error', role: 'alert' },
        el('p', { text: `The runs could not be loaded. ${what}` }),
        el('button', { type: 'button', class: 'ev-back', text: 'Try again', onclick: () => retry() })));
      await again;
      content.replaceChildren(loadingNode());
      progress.textContent = 'connecting…';
    }
  }
}

/** A page opened without a tab in its URL opens the first tab with data, as TensorBoard does. */
function openFirstWithData() {
  if (new URLSearchParams(location.hash.replace(/^#/, '')).has('tab')) return;
  const present = presentKinds();
  const first = TABS.find(t => !emptyReason(t, present));
  if (first && first.id !== state.get('tab')) state.set({ tab: first.id });
}

function loadingNode() {
  return el('div', { class: 'loading', id: 'loading', role: 'status' }, el('span', { class: 'spinner', 'aria-hidden': 'true' }),
    'Loading the runs…');
}

async function main() {
  state.init();
  applyTheme();
  tabBar = new TabBar(document.getElementById('tabs'), id => state.set({ tab: id }, { push: true }));
  testHook(document.getElementById('tabs'), '__tabBar', () => tabBar);
  resizableSidebar(document.getElementById('sidebar'));
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
    if (keys.has('colors')) runList.update();
    if (keys.has('names')) {   // a rename: every run label the tab made with runLabel shows the new name
      relabelRuns(document.getElementById('content'));
      relabelRuns(document.getElementById('tab-settings'));
    }
    if (keys.has('runFilter') || keys.has('hidden') || keys.has('names')) {
      runList.update();
      renderTabs();
      // a rename alone changes the selection only through a run filter (it matches display names
      // too); without one the tab hears 'state' and draws the names again from what it holds
      if (keys.has('runFilter') || keys.has('hidden') || state.get('runFilter')) refresh('selection');
    }
    if (keys.has('tagFilter')) {
      checkFilter();
      if (model.cut.size) searchCutRuns(); else refresh('filter');
    }
    const other = [...keys].filter(k => !['theme', 'tab', 'runFilter', 'hidden', 'tagFilter'].includes(k));
    if (other.length) refresh('state');
  });
  if (!await firstLoad()) return;
  openFirstWithData();
  mountTab();
  findings.subscribe(showFindings);
  const reloadFindings = debounce(() => findings.reload().catch(e => console.error(e)), 300);
  reloadFindings();
  const reloadModel = debounce(async () => {
    try {
      await loadModel();
    } catch (e) {
      console.warn(e);
      document.getElementById('progress').textContent = `⚠ could not update the runs: ${e.message}`;
      return;
    }
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
