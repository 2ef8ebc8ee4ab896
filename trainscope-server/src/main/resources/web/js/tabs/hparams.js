// The HParams tab: the sessions of hyperparameter searches (/api/hparams) in three views that share
// one set of filters: a table (every hparam and metric a column, metrics last with their min and
// max over the run, sort by any column, hide columns, the run column sticky), parallel coordinates
// (an axis per hparam and metric, categorical axes for text and booleans, brush an axis to filter,
// lines coloured by a metric) and a scatter matrix (hparams across, metrics down), both drawn by
// ECharts. The sessions passing the filters (or those ticked in the table, among them) become the
// runs ticked in the sidebar, so every other tab shows them; clicking a session opens its curves.
//
// The universe is the sessions whose run passes the sidebar's run filter, ticked or not, of the
// experiment chosen: the tab drives the ticks, so a session it unticked can come back when a brush
// widens.
//
// Experiments: a log directory may hold several (the server names each session's, see
// docs/API.md). With more than one among the runs passing the run filter, the toolbar offers a
// choice: one experiment (by default the one with the most sessions, ties to the most recent) or
// all of them. Every view, the filters, the Columns list and the "colour by" choices show only the
// columns the sessions in view have a value for (one experiment's, or the union for all).
// Missing values (all experiments, or a session that did not log a metric) are drawn on purpose:
// the parallel coordinates put them at "n/a", below each numeric axis's least value and as the
// lowest category of a text axis, and say how many sessions lack one; a brush keeps only sessions
// with a value in range (n/a cannot be brushed). The scatter matrix leaves out the points without
// both values and counts them in each plot.
//
// State (URL): x.hpExp the experiment shown ('*' all; absent: the default); x.hpView
// table|parallel|scatter; x.hpColor the metric column colouring lines and points; x.hpSort a column
// id, '-' first for descending; x.hpHide the hidden column ids joined by '\n' ('-' none hidden;
// absent: the metrics' min and max); x.hpFilter the filters (JSON, see ../views/hparams-model.js);
// x.hpState the states shown joined by ','; x.hpPick the sessions ticked in the table joined by
// '\n'; x.hpSync 0 leaves the sidebar's ticks alone.
//
// For tests: div.hp-view.__hparamsData (a getter on a test's page) = {columns: [{id, label}] (every
// column, hidden or not), shown: [column ids shown], rows: [{run, values: {id: value}}] (the rows
// passing the filters, in the table's order), universe: n, selected: [runs ticked by the tab],
// experiment: the experiment shown or '*', experiments: [{name, sessions}] (those among the runs
// passing the run filter), note: the charts' note on missing values}; .hp-parallel.__chart and
// .hp-scatter.__chart: the ECharts instances. The table is table.runs-table inside .hp-table; rows
// tr[data-run]; headers th[data-col].

import { el, fmt, regex } from '../util.js';
import { VirtualTable } from '../views/virtual-table.js';
import { read } from '../views/controls.js';
import { testHook } from '../testhooks.js';
import { runLabel } from '../colors.js';
import {
  sessions, columns, defaultHidden, parseFilters, serializeFilters, passes, sortRows, domainOf, extentOf, toCsv, STATES,
} from '../views/hparams-model.js';
import { mountChart, drawParallel, drawScatter } from '../views/hparams-charts.js';

const VIEW = 'x.hpView';
const COLOR = 'x.hpColor';
const SORT = 'x.hpSort';
const HIDE = 'x.hpHide';
const FILTER = 'x.hpFilter';
const STATE = 'x.hpState';
const PICK = 'x.hpPick';
const SYNC = 'x.hpSync';
const EXP = 'x.hpExp';
const ALL = '*';
const KEYS = [EXP, VIEW, COLOR, SORT, HIDE, FILTER, STATE, PICK, SYNC, 'runFilter', 'names'];

/** Axes the scatter matrix draws at most: more would leave each plot too small to read. */
const SCATTER_X = 6;
const SCATTER_Y = 4;

const VIEWS = [['table', 'Table'], ['parallel', 'Parallel coordinates'], ['scatter', 'Scatter matrix']];

function passingRunFilter(ctx) {
  const re = regex(ctx.state.get('runFilter'));
  const names = ctx.runs().map(r => r.name);
  return re && !(re instanceof Error) ? names.filter(n => re.test(n)) : names;
}

/** The experiments of some sessions: [{name, sessions, last}] by name, last the latest time one was active. */
function experimentsOf(rows) {
  const by = new Map();
  for (const r of rows) {
    const name = r.experiment || '';
    const x = by.get(name) || { name, sessions: 0, last: -Infinity };
    x.sessions++;
    const t = [r.lastWallTime, r.startTime].map(Number).find(Number.isFinite);
    if (t !== undefined && t > x.last) x.last = t;
    by.set(name, x);
  }
  return [...by.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The experiment shown by default: the one with the most sessions, ties to the most recent. */
function defaultExperiment(exps) {
  let best = null;
  for (const x of exps) {
    if (!best || x.sessions > best.sessions || (x.sessions === best.sessions && x.last > best.last)) best = x;
  }
  return best ? best.name : null;
}

/** Whether a session has a value for a column (a metric: logged, even if its last value is NaN). */
function hasValue(c, r) {
  if (c.kind === 'hparam') return r.values && r.values[c.name] !== undefined && r.values[c.name] !== null;
  if (c.kind === 'metric') return c.name in r.stats || Number.isFinite(r.metrics[c.name]);
  return true;
}

/** An experiment's name as the chooser shows it. */
function experimentLabel(name) {
  return name === '.' ? '(top level)' : name;
}

export default {
  id: 'hparams',
  title: 'HParams',
  kinds: [],

  /** Null when a run passing the run filter logged an hparams session, else why the tab is empty. */
  empty(ctx) {
    const has = passingRunFilter(ctx).some(r => ctx.runTags(r).some(t => t.kind === 'hparams' && t.tag.endsWith('session_start_info')));
    return has ? null : 'No hyperparameters in the selected runs: log them with hp.hparams (TensorFlow), add_hparams '
      + '(PyTorch, tensorboardX), Lightning\'s log_hyperparams or writer.hparamsSessionStart()';
  },

  mount(container, ctx, settings) {
    const { state, api } = ctx;
    const summary = el('span', { class: 'hp-summary', role: 'status' });
    const viewButtons = VIEWS.map(([id, text]) => el('button', { type: 'button', 'data-view': id, text,
      onclick: () => state.set({ [VIEW]: id === 'table' ? undefined : id }) }));
    const colorSelect = el('select', { class: 'hp-color', 'aria-label': 'Colour by',
      onchange: () => state.set({ [COLOR]: colorSelect.value }) });
    const clearButton = el('button', { type: 'button', class: 'link hp-clear', text: 'clear filters',
      onclick: () => state.set({ [FILTER]: undefined, [STATE]: undefined, [PICK]: undefined }) });
    const csvButton = el('button', { type: 'button', class: 'link hp-csv', text: 'download CSV',
      title: 'The sessions passing the filters, every column, in the table\'s order', onclick: () => downloadCsv() });
    const experimentSelect = el('select', { class: 'hp-experiment', 'aria-label': 'Experiment',
      onchange: () => state.set({ [EXP]: experimentSelect.value, [PICK]: undefined }) });
    const experimentField = el('label', { class: 'hp-color-field hp-experiment-field', hidden: true,
      title: 'The log directory holds several experiments: show one, with its own columns, or all of them' },
    'experiment ', experimentSelect);
    const note = el('div', { class: 'hp-note', hidden: true });
    const toolbar = el('div', { class: 'hp-toolbar' }, experimentField,
      el('div', { class: 'segmented', role: 'group', 'aria-label': 'View' }, ...viewButtons),
      el('label', { class: 'hp-color-field' }, 'colour by ', colorSelect), summary, el('span', { class: 'spacer' }),
      clearButton, csvButton);
    const tableHost = el('div', { class: 'hp-table' });
    const parallelHost = el('div', { class: 'hp-parallel hp-chart' });
    const scatterHost = el('div', { class: 'hp-scatter hp-chart' });
    const message = el('div', { class: 'empty', hidden: true });
    const view = el('div', { class: 'hp-view' }, toolbar, message, note, tableHost, parallelHost, scatterHost);
    container.append(view);

    const syncBox = el('input', { type: 'checkbox', class: 'hp-sync',
      onchange: () => state.set({ [SYNC]: syncBox.checked ? undefined : '0' }) });
    const filterPanel = el('div', { class: 'hp-filters' });
    const columnPanel = el('div', { class: 'hp-columns' });
    settings.append(
      el('label', { class: 'row', title: 'Tick the runs of the sessions passing the filters (or ticked in the table) in the sidebar, for every tab' },
        syncBox, el('span', { text: 'Filters select runs' })),
      el('div', { class: 'runs-head' }, el('span', { text: 'Filters' })), filterPanel,
      el('details', { class: 'hp-columns-box' }, el('summary', { text: 'Columns' }), columnPanel));

    let table = { columns: [], rows: [] };
    let all = [];          // sessions
    let allCols = [];      // every column of the table
    let cols = [];         // the columns the sessions in view have a value for (see narrow())
    let loaded = false;
    let error = '';
    let shownRows = [];
    let parallel = null;
    let scatter = null;
    let destroyed = false;
    let applied = null;    // the selection last pushed to the sidebar's ticks
    let wrote = null;      // the `hidden` value the tab last wrote

    const grid = new VirtualTable(tableHost, {
      onSort(id) {
        const cur = read(state, SORT, '');
        state.set({ [SORT]: cur === id ? '-' + id : id });
      },
      rowAttrs: r => ({ 'data-run': r.run }),
    });

    function filters() { return parseFilters(state.get(FILTER)); }
    /** The filters on the columns in view: one on another experiment's column waits in the URL. */
    function activeFilters() {
      const f = filters();
      const ids = new Set(cols.map(c => c.id));
      return Object.fromEntries(Object.entries(f).filter(([id]) => ids.has(id)));
    }
    function states() {
      const v = state.get(STATE);
      return v ? new Set(String(v).split(',')) : null;
    }
    function picks() {
      const v = state.get(PICK);
      return new Set(v ? String(v).split('\n') : []);
    }
    function hidden() {
      const v = state.get(HIDE);
      if (v === undefined || v === null || v === '') return new Set(defaultHidden(cols));
      return new Set(v === '-' ? [] : String(v).split('\n'));
    }
    function setFilter(id, f) {
      const next = { ...filters(), [id]: f };
      if (f === null) delete next[id];
      state.set({ [FILTER]: serializeFilters(next) });
    }

    /** The sessions whose run passes the run filter, of every experiment. */
    function candidates() {
      const names = new Set(passingRunFilter(ctx));
      return all.filter(s => names.has(s.run));
    }

    /** The experiment shown, or null for all (also when there is only one). */
    function experiment() {
      const exps = experimentsOf(candidates());
      if (exps.length < 2) return null;
      const v = state.get(EXP);
      if (v === ALL) return null;
      return exps.some(x => x.name === v) ? v : defaultExperiment(exps);
    }

    function universe() {
      const x = experiment();
      const rows = candidates();
      return x === null ? rows : rows.filter(s => s.experiment === x);
    }

    /** The columns the sessions in view have a value for. */
    function narrow() {
      const rows = universe();
      cols = allCols.filter(c => rows.some(r => hasValue(c, r)));
    }

    function passing(rows) {
      const f = activeFilters();
      const st = states();
      return rows.filter(r => passes(r, cols, f, st));
    }

    /** The sessions whose runs the sidebar ticks: those passing the filters, or the ticked ones among them. */
    function selection(rows) {
      const p = picks();
      return p.size ? rows.filter(r => p.has(r.run)) : rows;
    }

    function filtering() {
      return Object.keys(activeFilters()).length > 0 || states() !== null || picks().size > 0;
    }

    /** Ticks the runs of the selected sessions in the sidebar, unticks the rest; forgets it when nothing filters. */
    function syncTicks(force) {
      if (!read(state, SYNC, true) || !loaded) return;
      const key = `${state.get(FILTER) || ''}|${state.get(STATE) || ''}|${state.get(PICK) || ''}|${experiment()}`;
      if (!force && key === applied) return;
      narrow();
      applied = key;
      if (!filtering()) {
        if (wrote !== null && state.get('hidden') === wrote) state.set({ hidden: '' });
        wrote = null;
        return;
      }
      const keep = new Set();
      for (const s of selection(passing(universe()))) s.runs.forEach(r => keep.add(r));
      wrote = ctx.runs().map(r => r.name).filter(n => !keep.has(n)).sort().join('\n');
      state.set({ hidden: wrote });
    }

    /** Scalars with the session's runs ticked and nothing else. */
    function openCurves(run) {
      const s = all.find(x => x.run === run);
      if (!s) return;
      const keep = new Set(s.runs);
      const changes = { tab: 'scalars', hidden: ctx.runs().map(r => r.name).filter(n => !keep.has(n)).sort().join('\n') };
      const re = regex(state.get('runFilter'));
      if (re && !(re instanceof Error) && s.runs.some(r => !re.test(r))) changes.runFilter = '';
      state.set(changes, { push: true });
    }

    function metricCols() {
      return cols.filter(c => c.kind === 'metric' && c.stat === 'last');
    }

    function colorCol() {
      const ms = metricCols();
      const id = state.get(COLOR);
      return ms.find(c => c.id === id) || mostTelling(ms, universe());
    }

    /**
     * The metric lines are coloured by until the user picks one: the one most sessions have a number
     * for, then the one with the most distinct values (a placeholder such as Lightning's hp_metric of -1,
     * the same in every session, colours nothing apart), then the first.
     */
    function mostTelling(ms, rows) {
      let best = null;
      let bestKey = null;
      for (const c of ms) {
        const values = rows.map(r => c.value(r)).filter(v => typeof v === 'number' && Number.isFinite(v));
        const key = [values.length, new Set(values).size];
        if (!best || key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) {
          best = c;
          bestKey = key;
        }
      }
      return best;
    }

    function tableColumns(rows) {
      const hide = hidden();
      const p = picks();
      return cols.filter(c => c.kind === 'run' || !hide.has(c.id)).map(c => {
        const base = { id: c.id, label: c.label, title: c.title || c.label, value: c.value, num: c.type === 'number' };
        if (c.kind === 'run') {
          return { ...base, minWidth: 200, maxWidth: 420, extra: 40, text: r => ctx.runName(r.run), cell: r => {
            const box = el('input', { type: 'checkbox', class: 'hp-pick', 'aria-label': `tick ${r.run}`,
              title: 'Tick to select only the ticked sessions' });
            box.checked = p.has(r.run);
            box.addEventListener('change', () => togglePick(r.run, box.checked));
            return el('span', { class: 'run-cell' }, box, el('span', { class: 'swatch', style: { background: ctx.runColor(r.run) } }),
              runLabel(r.run, { class: 'link hp-open run-name', type: 'button', title: `${r.runs.join('\n')}\nclick: open the curves`,
                onclick: () => openCurves(r.run) }, 'button'));
          } };
        }
        if (c.kind === 'state') {
          return { ...base, text: r => r.state, cell: r => el('span', { class: `hp-state hp-${r.state}`, text: r.state + (r.stateInferred ? '?' : ''),
            title: r.stateInferred ? `${r.state}: inferred from the run's last event (${r.status || 'no session end logged'})` : r.status }) };
        }
        return { ...base, text: r => show(c.value(r)) };
      });
    }

    function show(v) {
      if (v === null || v === undefined) return '';
      return typeof v === 'number' ? fmt(v) : String(v);
    }

    function togglePick(run, on) {
      const p = picks();
      if (on) p.add(run); else p.delete(run);
      state.set({ [PICK]: p.size ? [...p].sort().join('\n') : undefined });
    }

    function sorted(rows) {
      const raw = read(state, SORT, '');
      const desc = raw.startsWith('-');
      const id = desc ? raw.slice(1) : raw;
      const col = cols.find(c => c.id === id);
      if (!col) {
        grid.setSort('run', false);
        return rows;
      }
      grid.setSort(col.id, desc);
      return sortRows(rows, col, desc);
    }

    /** A checkbox per value, ticked when {@code chosen} (a Set, or null for all) has it; write(next set) on a change. */
    function valueChecks(values, chosen, write) {
      return values.map(v => {
        const box = el('input', { type: 'checkbox', value: v });
        box.checked = !chosen || chosen.has(v);
        box.addEventListener('change', () => {
          const next = new Set(chosen || values);
          if (box.checked) next.add(v); else next.delete(v);
          write(next);
        });
        return el('label', { class: 'row' }, box, el('span', { text: v }));
      });
    }

    function renderFilters(rows) {
      const f = activeFilters();
      const st = states();
      const hide = hidden();
      const parts = [];
      parts.push(el('div', { class: 'hp-filter', 'data-col': 'state' }, el('div', { class: 'hp-filter-name', text: 'Status' }),
        ...valueChecks(STATES, st, next => state.set({ [STATE]: next.size === STATES.length ? undefined : [...next].join(',') || 'none' }))));
      for (const c of cols) {
        if (c.kind === 'run' || c.kind === 'state' || (hide.has(c.id) && !f[c.id])) continue;
        if (c.type === 'number') {
          const ext = extentOf(c, rows);
          const cur = Array.isArray(f[c.id]) ? f[c.id] : [null, null];
          const input = (i, ph) => {
            const inp = el('input', { type: 'text', inputmode: 'decimal', class: i ? 'hp-max' : 'hp-min', placeholder: ph,
              'aria-label': `${c.label} ${i ? 'at most' : 'at least'}` });
            inp.value = cur[i] === null || cur[i] === undefined ? '' : String(cur[i]);
            inp.addEventListener('change', () => {
              const next = [...cur];
              const t = inp.value.trim();
              next[i] = t === '' || !Number.isFinite(Number(t)) ? null : Number(t);
              setFilter(c.id, next[0] === null && next[1] === null ? null : next);
            });
            return inp;
          };
          parts.push(el('div', { class: 'hp-filter', 'data-col': c.id }, el('div', { class: 'hp-filter-name', text: c.label, title: c.title }),
            el('div', { class: 'hp-range' }, input(0, ext ? fmt(ext[0]) : 'min'), el('span', { text: '–' }), input(1, ext ? fmt(ext[1]) : 'max'))));
        } else {
          const values = domainOf(c, rows);
          const chosen = f[c.id] && Array.isArray(f[c.id].in) ? new Set(f[c.id].in.map(String)) : null;
          parts.push(el('div', { class: 'hp-filter', 'data-col': c.id }, el('div', { class: 'hp-filter-name', text: c.label, title: c.title }),
            ...valueChecks(values, chosen, next => setFilter(c.id, next.size === values.length ? null : { in: [...next] }))));
        }
      }
      filterPanel.replaceChildren(...parts);
      columnPanel.replaceChildren(...cols.filter(c => c.kind !== 'run').map(c => {
        const box = el('input', { type: 'checkbox', 'data-col': c.id });
        box.checked = !hide.has(c.id);
        box.addEventListener('change', () => {
          const next = hidden();
          if (box.checked) next.delete(c.id); else next.add(c.id);
          state.set({ [HIDE]: next.size ? [...next].join('\n') : '-' });
        });
        return el('label', { class: 'row' }, box, el('span', { text: c.label }));
      }));
    }

    function renderToolbar(rows, shown) {
      const exps = experimentsOf(candidates());
      experimentField.hidden = exps.length < 2;
      if (exps.length >= 2) {
        const total = exps.reduce((n, x) => n + x.sessions, 0);
        experimentSelect.replaceChildren(...exps.map(x => el('option', { value: x.name, text: `${experimentLabel(x.name)} (${x.sessions})` })),
          el('option', { value: ALL, text: `all experiments (${total})` }));
        const x = experiment();
        experimentSelect.value = x === null ? ALL : x;
      }
      const v = read(state, VIEW, 'table');
      for (const b of viewButtons) b.setAttribute('aria-pressed', String(b.dataset.view === v));
      const color = colorCol();
      colorSelect.replaceChildren(...metricCols().map(c => el('option', { value: c.id, text: c.label })));
      if (color) colorSelect.value = color.id;
      colorSelect.disabled = !color;
      const n = shown.length;
      summary.textContent = `${n} of ${rows.length} session${rows.length === 1 ? '' : 's'}` + (picks().size ? ` · ${picks().size} ticked` : '')
        + (!loaded ? ' · loading…' : '') + (error ? ` · ${error}` : '');
      clearButton.hidden = !filtering();
    }

    function render() {
      if (destroyed) return;
      narrow();
      const rows = universe();
      const shown = sorted(passing(rows));
      shownRows = shown;
      renderToolbar(rows, shown);
      syncBox.checked = read(state, SYNC, true);
      const v = read(state, VIEW, 'table');
      const nothing = loaded && rows.length === 0;
      message.hidden = !nothing;
      if (nothing) message.textContent = emptyText();
      note.hidden = true;
      tableHost.hidden = nothing || v !== 'table';
      parallelHost.hidden = nothing || v !== 'parallel';
      scatterHost.hidden = nothing || v !== 'scatter';
      renderFilters(rows);
      if (nothing) return;
      if (v === 'table') {
        grid.setColumns(tableColumns(shown));
        grid.setRows(shown);
      } else if (v === 'parallel') {
        if (!parallel) parallel = mountChart(parallelHost);
        testHook(parallelHost, '__chart', () => parallel.chart);
        const hide = hidden();
        const f = activeFilters();
        const st = states();
        // axes: the shown hparams and metrics; lines: the sessions passing the filters of other columns
        const axes = cols.filter(c => (c.kind === 'hparam' || c.kind === 'metric') && !hide.has(c.id));
        const axisIds = new Set(axes.map(a => a.id));
        const others = Object.fromEntries(Object.entries(f).filter(([id]) => !axisIds.has(id)));
        const lines = rows.filter(r => passes(r, cols, others, st));
        const drawn = drawParallel(parallel.chart, { axes, rows: lines, colorCol: colorCol(), filters: f, runName: ctx.runName,
          onBrush: brushed => {
            const next = { ...filters(), ...brushed };
            for (const [id, x] of Object.entries(next)) if (x === null) delete next[id];
            if (serializeFilters(next) !== serializeFilters(filters())) state.set({ [FILTER]: serializeFilters(next) });
          },
          onOpen: openCurves });
        showNote(drawn.missing ? `${drawn.missing} of ${lines.length} session${lines.length === 1 ? '' : 's'} lack a value on some axes: `
          + 'drawn at n/a, below the axis (a brush keeps only sessions with a value in range)' : '');
      } else {
        if (!scatter) scatter = mountChart(scatterHost);
        testHook(scatterHost, '__chart', () => scatter.chart);
        const hide = hidden();
        const xs = cols.filter(c => c.kind === 'hparam' && !hide.has(c.id) && domainOf(c, shown).length !== 1
          && (c.type !== 'number' || (extentOf(c, shown) && extentOf(c, shown)[0] < extentOf(c, shown)[1]))).slice(0, SCATTER_X);
        const ys = cols.filter(c => c.kind === 'metric' && !hide.has(c.id) && extentOf(c, shown)).slice(0, SCATTER_Y);
        if (!xs.length || !ys.length) {
          message.hidden = false;
          message.textContent = 'Nothing to plot: the scatter matrix needs a hyperparameter that varies across the sessions '
            + 'passing the filters and a metric they logged.';
        }
        const drawn = drawScatter(scatter.chart, { xs, ys, rows: shown, colorCol: colorCol(), runName: ctx.runName, onOpen: openCurves });
        showNote(drawn.missing ? `${drawn.missing} of ${shown.length} session${shown.length === 1 ? '' : 's'} lack a value on some axes: `
          + 'a plot leaves out the points without both values and says how many (n/a)' : '');
      }
    }

    function showNote(text) {
      note.hidden = !text;
      note.textContent = text;
    }

    function emptyText() {
      return ctx.runs().length === 0 ? 'No runs yet: waiting for event files in the log directory.'
        : 'No hyperparameters in the runs passing the run filter: log them with hp.hparams (TensorFlow), add_hparams '
          + '(PyTorch, tensorboardX), Lightning\'s log_hyperparams or writer.hparamsSessionStart().';
    }

    function downloadCsv() {
      const text = toCsv(cols, shownRows);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = el('a', { href: url, download: 'hparams.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }

    testHook(view, '__hparamsData', () => ({
      columns: cols.map(c => ({ id: c.id, label: c.label })),
      shown: [...grid.headRow.children].map(th => th.dataset.col),
      rows: shownRows.map(r => ({ run: r.run, values: Object.fromEntries(cols.map(c => [c.id, c.value(r)])) })),
      universe: universe().length,
      selected: selection(shownRows).map(r => r.run),
      experiment: experiment() ?? ALL,
      experiments: experimentsOf(candidates()).map(x => ({ name: x.name, sessions: x.sessions })),
      note: note.hidden ? '' : note.textContent,
    }));

    async function load() {
      try {
        table = await api.hparams();
        error = '';
      } catch (e) {
        error = `hyperparameters could not be loaded: ${e.message}`;
      }
      if (destroyed) return;
      all = sessions(table);
      allCols = columns(table);
      narrow();
      loaded = true;
      applied = `${state.get(FILTER) || ''}|${state.get(STATE) || ''}|${state.get(PICK) || ''}|${experiment()}`;
      render();
    }

    load();
    render();

    let last = KEYS.map(k => state.get(k)).join('\u0000');
    return {
      refresh(reason) {
        if (reason && typeof reason === 'object' && reason.live) {
          const metrics = new Set(all.flatMap(s => Object.values(s.stats).map(m => m.tag)));
          if (reason.live.some(u => u.tag.startsWith('_hparams_') || metrics.has(u.tag))) load();
          return;
        }
        if (reason === 'runs') {
          load();
          return;
        }
        const now = KEYS.map(k => state.get(k)).join('\u0000');
        if (reason === 'state' && now === last) return;   // another tab's key
        last = now;
        syncTicks(false);
        render();
      },
      destroy() {
        destroyed = true;
        if (parallel) parallel.destroy();
        if (scatter) scatter.destroy();
        grid.destroy();
        view.remove();
      },
    };
  },
};
