// The Runs tab: a table of the selected runs (run filter and ticks apply) with their status
// (the session's logged end, or running while events keep coming), session metrics from
// /api/hparams, the last value of chosen scalar tags, hyperparameters, then steps, wall times,
// events, files and problems: results first, so they stay beside the run's name however many
// hyperparameters there are. A cell too narrow for its text shows it whole on hover. Sortable
// by any column (click or Enter on a header; again to reverse). Only the rows in view are in the DOM, and last values are fetched per tag
// for many runs in one request, so a thousand runs stay quick.
//
// Settings (URL): x.runCols = chosen scalar tags joined by '\n' ('-' for none; absent: tags named
// like loss or accuracy); x.runSort = column id, '-' first for descending (default: run name);
// x.runHp = 0 hides the hyperparameter columns.
//
// For tests: the table is table.runs-table inside div.runs-view; a header th[data-col] per
// column (ids in order: name, status, m:<metric>..., s:<tag>..., h:<hparam>..., first, last,
// start, duration, events, files, problems) with aria-sort; rendered rows tr[data-run] with td[data-col]. Because rows
// are virtualised, div.runs-view.__tableData = {columns: [{id, label}], rows: [{run, first,
// last, start, end, events, files, problems, values: {colId: value}}]} in display order.

import { el } from '../util.js';
import { VirtualTable } from '../views/virtual-table.js';
import { TagPicker } from '../views/tag-picker.js';
import { checkbox, read } from '../views/controls.js';
import { buildRow, hparamsByRun, looksLikeLossOrAccuracy, LastValues } from '../views/runs-data.js';
import { runColumns, sortBy, count, metricNames } from '../views/runs-columns.js';
import { testHook } from '../testhooks.js';

const COLS = 'x.runCols';
const SORT = 'x.runSort';
const HP = 'x.runHp';
const DEFAULT_COLUMNS = 4;

export default {
  id: 'runs',
  title: 'Runs',
  kinds: [],

  mount(container, ctx, settings) {
    const { state, api } = ctx;
    const summary = el('div', { class: 'runs-summary', role: 'status' });
    const detail = el('div', { class: 'runs-detail', hidden: true });
    const message = el('div', { class: 'empty', hidden: true });
    const view = el('div', { class: 'runs-view' }, summary, detail, message);
    container.append(view);

    let rows = [];
    let hpTable = { hparams: [], metrics: [], rows: [] };
    let hpRows = new Map();
    let hpError = '';
    let hpLoaded = false;
    let columns = [];
    let shown = [];        // rows in display order
    let queued = false;
    let destroyed = false;
    const liveSeen = new Map();   // run -> when (s) the page last heard of new steps in it
    // "running" ends when events stop: look again every minute
    const clock = setInterval(() => { buildColumns(); renderSoon(); }, 60_000);
    // values arrive in many small answers: redraw at most every 150 ms while they come
    let throttle = null;
    const values = new LastValues(api, () => {
      if (!throttle) throttle = setTimeout(() => { throttle = null; renderSoon(); }, 150);
    });

    const table = new VirtualTable(view, {
      onSort(id) {
        const cur = read(state, SORT, 'name');
        const next = cur === id ? '-' + id : id;
        state.set({ [SORT]: next === 'name' ? undefined : next });
      },
      rowAttrs: r => ({ 'data-run': r.run }),
    });

    const picker = new TagPicker(settings, {
      label: 'Scalar columns',
      onChange: tags => state.set({ [COLS]: tags.length ? tags.join('\n') : '-' }),
      onDefault: () => state.set({ [COLS]: undefined }),
      onNone: () => state.set({ [COLS]: '-' }),
    });
    const hpToggle = checkbox(settings, state, { key: HP, label: 'Hyperparameter columns', def: true,
      title: 'Hyperparameters, session metrics and status from the hparams plugin' });

    function defaultTags() {
      const seen = new Map();
      const metrics = new Set(hpTable.metrics);   // those have their own columns
      for (const r of rows) {
        for (const t of r.scalarTags.keys()) {
          if (looksLikeLossOrAccuracy(t) && !metrics.has(t)) seen.set(t, (seen.get(t) || 0) + 1);
        }
      }
      return [...seen.entries()].sort((a, b) => b[1] - a[1]).slice(0, DEFAULT_COLUMNS).map(e => e[0]);
    }

    function chosenTags() {
      const v = state.get(COLS);
      if (v === undefined || v === null || v === '') return defaultTags();
      if (v === '-') return [];
      return String(v).split('\n').filter(Boolean);
    }

    function offeredTags() {
      return [...ctx.tags(['scalar']).keys()];
    }

    /** The picker: the chosen tags, and the session metrics that are columns of their own. */
    function pickerSet(tags) {
      picker.set(offeredTags(), tags, read(state, HP, true) ? metricNames(rows, hpTable) : []);
    }

    function rebuildRows() {
      const selected = new Set(ctx.selectedRuns());
      rows = [];
      for (const info of ctx.runs()) {
        if (selected.has(info.name)) rows.push(buildRow(info, ctx.runTags(info.name), hpRows.get(info.name)));
      }
      const tags = chosenTags();
      pickerSet(tags);
      // the default columns leave out hparams metrics, so wait for those before fetching
      if (hpLoaded || state.get(COLS)) values.fetch(rows, tags).then(renderSoon);
      buildColumns();
      renderSoon();
    }

    async function loadHparams() {
      try {
        hpTable = await api.hparams();
        hpError = '';
      } catch (e) {
        hpTable = { hparams: [], metrics: [], rows: [] };
        hpError = `hyperparameters could not be loaded: ${e.message}`;
      }
      hpLoaded = true;
      hpRows = hparamsByRun(hpTable, ctx.runs().map(r => r.name));
      rebuildRows();
    }

    function buildColumns() {
      columns = runColumns({
        rows, tags: chosenTags(), hpTable: read(state, HP, true) ? hpTable : null, values,
        runColor: ctx.runColor, runName: ctx.runName, onProblems: showProblems, seen: run => liveSeen.get(run),
      });
      table.setColumns(columns);
    }

    function sortRows() {
      const raw = read(state, SORT, 'name');
      const desc = raw.startsWith('-');
      const id = desc ? raw.slice(1) : raw;
      const col = columns.find(c => c.id === id) || columns[0];
      const reverse = desc && col.id === id;
      table.setSort(col.id, reverse);
      return sortBy(rows, col, reverse);
    }

    function renderSoon() {
      if (queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        if (!destroyed) render();
      });
    }

    function render() {
      const all = ctx.runs().length;
      const sorted = sortRows();
      message.hidden = sorted.length > 0;
      table.wrap.hidden = sorted.length === 0;
      if (!all) message.textContent = 'No runs yet: waiting for event files in the log directory.';
      else if (!sorted.length) message.textContent = 'No runs selected: tick runs in the sidebar or clear the run filter.';
      const withHp = rows.filter(r => r.hp).length;
      const pending = values.pending();
      summary.textContent = `${count(sorted.length)} of ${count(all)} runs` +
        (withHp ? ` · ${count(withHp)} with hyperparameters` : '') +
        (!hpLoaded ? ' · loading hyperparameters…' : '') +
        (pending ? ` · loading ${count(pending)} last values…` : '') +
        (hpError ? ` · ${hpError}` : '');
      table.setRows(sorted);
      shown = sorted;
    }

    // Built when read, on a test's page only (../testhooks.js): the page pays nothing per render.
    testHook(view, '__tableData', () => ({
      columns: columns.map(c => ({ id: c.id, label: c.label })),
      rows: shown.map(r => ({
        run: r.run, first: r.first, last: r.last, start: r.start, end: r.end, events: r.events, files: r.files,
        problems: r.problems, values: Object.fromEntries(columns.map(c => [c.id, c.value(r)])),
      })),
    }));

    async function showProblems(run) {
      detail.hidden = false;
      const close = el('button', { type: 'button', class: 'link', text: 'close', onclick: () => { detail.hidden = true; } });
      const head = el('div', { class: 'runs-detail-head' }, el('b', { text: `Problems in ${run}` }), el('span', { class: 'spacer' }), close);
      detail.replaceChildren(head, el('div', { class: 'muted', text: 'loading…' }));
      try {
        const res = await api.problems(run);
        detail.replaceChildren(head, res.problems.length
          ? el('ul', {}, ...res.problems.map(p => el('li', {},
            el('b', { text: p.kind }), ' ', el('span', { text: p.message }), ' ',
            el('span', { class: 'muted', text: `${p.file} @ ${count(p.offset)}` }))))
          : el('div', { class: 'muted', text: 'No problems held for this run any more.' }));
      } catch (e) {
        detail.replaceChildren(head, el('div', { class: 'error', text: e.status === 404 ? `Run “${run}” is gone.` : e.message }));
      }
    }

    rebuildRows();
    loadHparams();

    let lastCols = state.get(COLS);
    let lastHp = read(state, HP, true);
    return {
      refresh(reason) {
        if (reason && typeof reason === 'object' && reason.live) {
          for (const u of reason.live) liveSeen.set(u.run, Date.now() / 1000);
          // last steps moved (the shell updated the TagInfo); only values whose tag moved refetch
          if (reason.live.some(u => u.tag.startsWith('_hparams_') || hpTable.metrics.includes(u.tag))) {
            loadHparams();
          } else {
            rebuildRows();
          }
          return;
        }
        if (reason === 'state') {
          hpToggle.sync();
          if (state.get(COLS) !== lastCols) {
            lastCols = state.get(COLS);
            rebuildRows();
          } else if (read(state, HP, true) !== lastHp) {
            lastHp = read(state, HP, true);
            pickerSet(chosenTags());
            buildColumns();
            renderSoon();
          } else {
            renderSoon();   // the sort, or another tab's key
          }
          return;
        }
        if (reason === 'filter') {
          pickerSet(chosenTags());
          return;
        }
        if (reason === 'runs') loadHparams();
        rebuildRows();
      },
      destroy() {
        destroyed = true;
        clearTimeout(throttle);
        clearInterval(clock);
        table.destroy();
        view.remove();
      },
    };
  },
};
