// The Graph tab: a model's structure from a run's GraphDef, meta-graph, Keras model config or ONNX
// file (or a --model file), laid out on the server by the Eclipse Layout Kernel (/api/graph).
// Name scopes start collapsed; a click on a collapsed scope opens it, a click on an open scope's
// title bar closes it. A click on an op or scope shows it in the side panel: its op type,
// attributes, shapes, parameters, inputs and outputs, and, when it is one of the run's layers,
// that layer's weight, gradient and activation histograms and its findings. Layers with findings
// carry a "!" badge. Search finds nodes by name and opens the scopes around them.
//
// State in the URL: x.graph = "<run>\n<source>", x.gnode = the selected node.
// For tests: div.graph-tab[data-state=loading|ready|empty|error], input.graph-search,
// li.graph-hit[data-name], aside.graph-panel[data-key], see views/graph-view.js for the drawing.

import { GraphView } from '../views/graph-view.js';
import { HistogramChart } from '../views/histogram-chart.js';
import { parseSteps } from '../views/histogram-data.js';
import { el, clear, fmt, debounce } from '../util.js';
import * as findings from '../findings.js';
import { apiUrl } from '../api.js';
import { runLabel } from '../colors.js';

const ROLE_TITLES = {
  weights: 'Weights', biases: 'Biases', gradients: 'Gradients', pre_activations: 'Pre-activations',
  activations: 'Activations',
};

async function json(url, init = {}) {
  const res = await fetch(url, { ...init, headers: { Accept: 'application/json', ...(init.headers || {}) } });
  if (!res.ok) throw new Error((await res.text()) || res.statusText);
  return res.json();
}

function download(blob, name) {
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/**
 * Whether there is a graph to show: a run's graph tags and meta-graphs are in what the shell holds;
 * ONNX files beside a run and --model files only /api/graphs knows, asked once per runs list (the
 * shell replaces the list when runs change) and until then taken as there.
 */
const known = { runs: null, count: null };

function graphsListed(ctx) {
  const runs = ctx.runs();
  if (known.runs !== runs) {
    known.runs = runs;
    known.count = null;
    json(apiUrl('api/graphs')).then(res => {
      if (known.runs !== runs) return;
      known.count = res.graphs.length;
      ctx.recheck();
    }, e => console.warn(e));
  }
  return known.count;
}

export default {
  id: 'graph',
  title: 'Graph',
  kinds: [],

  empty(ctx) {
    // the tab lists the graphs of every run, whatever the selection
    const inRuns = ctx.runs().some(r => r.hasGraph || r.hasMetaGraph || ctx.runTags(r.name).some(t => t.kind === 'graph'));
    if (inRuns || graphsListed(ctx) !== 0) return null;
    return 'No graphs: log one (TensorFlow, Keras, PyTorch add_graph, the DJL listener), put an .onnx file '
      + 'beside a run\'s event files, or pass --model FILE';
  },

  mount(container, ctx, settings) {
    const tab = el('div', { class: 'graph-tab', 'data-tab': 'graph', 'data-state': 'loading' });
    const toolbar = el('div', { class: 'graph-toolbar' });
    const stage = el('div', { class: 'graph-stage' });
    const panel = el('aside', { class: 'graph-panel', hidden: true });
    const body = el('div', { class: 'graph-body' }, stage, panel);
    const status = el('span', { class: 'graph-status muted' });
    tab.append(toolbar, body);
    container.append(tab);
    container.classList.add('graph-content');

    const sourceSelect = el('select', { class: 'graph-source', 'aria-label': 'Graph' });
    const search = el('input', { class: 'graph-search', type: 'search', placeholder: 'Find a node by name or op',
      autocomplete: 'off', spellcheck: 'false' });
    const hits = el('ul', { class: 'graph-hits' });
    settings.append(el('label', { class: 'field' }, 'Graph', sourceSelect),
      el('label', { class: 'field' }, 'Search', search), hits);

    const button = (text, title, fn) => el('button', { type: 'button', class: 'graph-button', title, text, onclick: fn });
    const view = new GraphView(stage, {
      onBox: (b) => {
        if (b.kind === 'group') {
          expanded.add(b.key.slice(0, -1));
          selectNode(b.key);
          relayout(true);
        } else {
          selectNode(b.key);
        }
      },
      onHeader: (b) => {
        const path = b.key.slice(0, -1);   // a scope's key is its path and a '/'
        for (const k of [...expanded]) if (k === path || k.startsWith(b.key)) expanded.delete(k);
        selectNode(b.key);
        relayout(true);
      },
    });
    toolbar.append(
      button('Fit', 'Fit the graph to the window', () => view.fit()),
      button('Expand all', 'Open every scope (a graph of thousands of ops takes seconds to lay out)',
        () => relayout(false, false, true)),
      button('Collapse all', 'Close every scope', () => { expanded.clear(); relayout(false); }),
      button('SVG', 'Download the drawing as SVG', () => current && download(
        new Blob([view.toSvgText()], { type: 'image/svg+xml' }), fileName('svg'))),
      button('PNG', 'Download the drawing as PNG', async () => current && download(await view.toPng(), fileName('png'))),
      status);

    let sources = [];
    let current = null;     // {run, source}
    let expanded = new Set();
    let data = null;
    let seq = 0;
    let charts = [];
    let lastBody = null;    // the last view asked for
    let inFlight = 0;
    let marksStale = false;

    const fileName = ext => `${(current.run || 'model').replace(/[^A-Za-z0-9._-]+/g, '_')}_${current.source.replace(/[^A-Za-z0-9._-]+/g, '_')}.${ext}`;
    const keyOf = s => `${s.run}\n${s.source}`;

    const loadSources = async () => {
      try {
        const res = await json(apiUrl('api/graphs'));
        sources = res.graphs;
      } catch (e) {
        tab.dataset.state = 'error';
        stage.replaceChildren(el('p', { class: 'error', text: `Could not list graphs: ${e.message}` }));
        return;
      }
      clear(sourceSelect);
      for (const s of sources) {
        sourceSelect.append(s.run ? runLabel(s.run, { value: keyOf(s), 'data-name-after': ` · ${s.label}` }, 'option')
          : el('option', { value: keyOf(s), text: `model · ${s.label}` }));
      }
      if (sources.length === 0) {
        tab.dataset.state = 'empty';
        status.textContent = '';
        view.setData({ boxes: [], lines: [], width: 1, height: 1 });
        stage.querySelector('.graph-empty')?.remove();
        stage.append(el('p', { class: 'empty graph-empty', text: 'No graphs: log one (TensorFlow, Keras, PyTorch add_graph, '
          + 'the DJL listener), put an .onnx file beside a run\'s event files, or pass --model FILE.' }));
        return;
      }
      stage.querySelector('.graph-empty')?.remove();
      const wanted = ctx.state.get('x.graph');
      const pick = sources.find(s => keyOf(s) === wanted) || sources[0];
      sourceSelect.value = keyOf(pick);
      if (!current || keyOf(current) !== keyOf(pick)) open(pick);
    };

    const open = (s) => {
      current = { run: s.run, source: s.source };
      expanded = new Set();
      data = null;
      panel.hidden = true;
      relayout(false, true);
    };

    /** Lays out the current graph with the open scopes, or the server's default view when `first`. */
    const relayout = async (keepView, first = false, all = false) => {
      if (!current) return;
      const mySeq = ++seq;
      tab.dataset.state = 'loading';
      // POST: a view can have more open scopes than a URL holds
      const body = { run: current.run, source: current.source };
      if (all) body.all = true;
      else if (!first) body.expand = [...expanded];
      await request(body, keepView, mySeq, first);
    };

    /** Asks for a view and shows it, unless a newer request was made meanwhile. */
    const request = async (body, keepView, mySeq, first = false) => {
      lastBody = body;
      inFlight++;
      try {
        const res = await json(apiUrl('api/graph'), { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body) });
        if (mySeq !== seq) return;
        data = res;
        expanded = new Set(res.expanded);
        view.setData(res, { keepView });
        const sel = ctx.state.get('x.gnode');
        if (sel) view.select(sel);
        status.textContent = `${res.format} · ${fmt(res.nodes)} nodes · ${fmt(res.edges)} edges`
          + `${res.params ? ' · ' + fmt(res.params) + ' parameters' : ''} · layout ${fmt(res.layoutMillis)} ms`;
        tab.dataset.state = 'ready';
        if (first && sel) selectNode(sel, false);
      } catch (e) {
        if (mySeq !== seq) return;
        // a view the server will not lay out (too big, too slow, busy): the one shown stays, and so do its scopes
        if (data) expanded = new Set(data.expanded);
        tab.dataset.state = 'error';
        status.textContent = '';
        stage.querySelector('.graph-error')?.remove();
        stage.append(el('p', { class: 'error graph-error', text: `Could not show the graph: ${e.message}` }));
      } finally {
        inFlight--;
        if (inFlight === 0 && marksStale) refreshMarks();
      }
    };

    /**
     * New findings change the marks: ask again for the view last asked for (never a stale one: a
     * click's pending "expand all" must not be undone), after any request in flight has answered.
     */
    const refreshMarks = () => {
      if (!lastBody || !data) return;
      if (inFlight > 0) {
        marksStale = true;
        return;
      }
      marksStale = false;
      request(lastBody, true, ++seq);
    };

    const selectNode = async (key, remember = true) => {
      if (remember) ctx.state.set({ 'x.gnode': key });
      view.select(key);
      charts.forEach(c => c.destroy());
      charts = [];
      panel.hidden = false;
      panel.dataset.key = key;
      panel.dataset.state = 'loading';
      panel.replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
      let n;
      try {
        n = await json(apiUrl('api/graph/node', { run: current.run, source: current.source, node: key }));
      } catch (e) {
        panel.replaceChildren(el('p', { class: 'error', text: e.message }));
        panel.dataset.state = 'error';
        return;
      }
      if (panel.dataset.key !== key) return;
      renderPanel(n);
    };

    const row = (k, v) => el('tr', {}, el('th', { text: k }), el('td', { text: v }));

    const renderPanel = (n) => {
      const close = el('button', { type: 'button', class: 'link graph-close', text: '×', title: 'Close',
        onclick: () => { panel.hidden = true; ctx.state.set({ 'x.gnode': undefined }); view.select(null); } });
      const head = el('div', { class: 'graph-panel-head' }, el('h3', { class: 'graph-node-name', text: n.key }), close);
      const facts = el('table', { class: 'data graph-facts' });
      if (n.kind === 'op') {
        facts.append(row('op', n.op));
        if (n.device) facts.append(row('device', n.device));
        if (n.outputShapes.length) facts.append(row('output shapes', n.outputShapes.map(s => s || '?').join(', ')));
      } else {
        facts.append(row('scope', `${fmt(n.ops)} ops in ${fmt(n.scopes)} sub-scopes`));
        facts.append(row('op types', Object.entries(n.opTypes).map(([k, v]) => `${k} ×${v}`).join(', ')));
      }
      facts.append(row('parameters', fmt(n.params)));
      if (n.layer) facts.append(row('layer', n.layer));
      if (n.runStats) facts.append(row('compute', `${fmt(n.runStats.micros)} µs, ${fmt(n.runStats.memoryBytes)} bytes (${n.runStats.tag}, step ${n.runStats.step})`));
      const parts = [head, facts];
      if (n.kind === 'op' && Object.keys(n.attrs).length) {
        const attrs = el('table', { class: 'data graph-attrs' });
        for (const [k, v] of Object.entries(n.attrs)) attrs.append(row(k, v));
        parts.push(el('h4', { text: 'Attributes' }), attrs);
      }
      if (n.kind === 'op') {
        const list = (title, items) => {
          if (!items.length) return;
          const ul = el('ul', { class: 'graph-links' });
          for (const it of items.slice(0, 50)) {
            ul.append(el('li', {}, el('button', { type: 'button', class: 'link', text: it.node,
              onclick: () => reveal(it.node) }), it.control ? ' (control)' : it.shape ? ` ${it.shape}` : ''));
          }
          if (items.length > 50) ul.append(el('li', { class: 'muted', text: `… ${items.length - 50} more` }));
          parts.push(el('h4', { text: title }), ul);
        };
        list('Inputs', n.inputs);
        list('Outputs', n.outputs);
      }
      if (n.findings.length) {
        const ul = el('ul', { class: 'graph-findings' });
        for (const f of n.findings) {
          ul.append(el('li', { class: `finding severity-${f.severity.toLowerCase()}` },
            el('b', { text: f.summary }), el('div', { class: 'muted', text: `Try: ${f.suggestion}` })));
        }
        parts.push(el('h4', { text: 'Findings' }), ul);
      }
      if (n.histograms.length) {
        parts.push(el('h4', { text: 'Training' }));
        for (const { role, tag } of n.histograms.slice(0, 6)) {
          const box = el('div', { class: 'graph-hist', 'data-tag': tag },
            el('div', { class: 'graph-hist-title', text: `${ROLE_TITLES[role] || 'Histogram'} · ${tag}` }));
          parts.push(box);
          const chart = new HistogramChart(box, { color: ctx.runColor(current.run), label: `Histograms of ${tag}` });
          charts.push(chart);
          ctx.api.histograms(current.run, tag, 30).then(res => chart.setData(parseSteps(res.steps)))
            .catch(e => box.append(el('p', { class: 'error', text: e.message })));
        }
      } else if (n.layer === '' && current.run) {
        parts.push(el('p', { class: 'muted', text: 'No histograms of this run are tied to this node.' }));
      }
      panel.replaceChildren(...parts);
      panel.dataset.state = 'ready';
    };

    /** Opens the scopes around a node, lays out, centres and selects it. */
    const reveal = async (name) => {
      const parts = name.split('/');
      for (let i = 1; i < parts.length; i++) expanded.add(parts.slice(0, i).join('/'));
      // a name that is itself a scope (TensorFlow's op "a" beside "a/b") opens that scope too
      expanded.add(name);
      await relayout(true);
      view.focus(name);
      selectNode(name);
    };

    const runSearch = debounce(async () => {
      const q = search.value.trim();
      clear(hits);
      if (!q || !current) return;
      try {
        const res = await json(apiUrl('api/graph/search', { run: current.run, source: current.source, q, limit: 30 }));
        if (search.value.trim() !== q) return;
        for (const h of res.hits) {
          hits.append(el('li', { class: 'graph-hit', 'data-name': h.name },
            el('button', { type: 'button', class: 'link', text: h.name, title: h.op, onclick: () => reveal(h.name) })));
        }
        if (res.total > res.hits.length) hits.append(el('li', { class: 'muted', text: `${res.total - res.hits.length} more…` }));
        if (res.total === 0) hits.append(el('li', { class: 'muted', text: 'No node matches.' }));
      } catch (e) {
        hits.append(el('li', { class: 'error', text: e.message }));
      }
    }, 200);
    search.addEventListener('input', runSearch);
    search.addEventListener('keydown', e => {
      if (e.key === 'Enter') {
        const first = hits.querySelector('.graph-hit');
        if (first) reveal(first.dataset.name);
      }
    });
    sourceSelect.addEventListener('change', () => {
      const s = sources.find(x => keyOf(x) === sourceSelect.value);
      ctx.state.set({ 'x.graph': sourceSelect.value, 'x.gnode': undefined });
      if (s) open(s);
    });

    loadSources();
    // new findings change the marks: lay out again where the user is
    const offFindings = findings.subscribe(refreshMarks);

    return {
      refresh(reason) {
        if (reason === 'runs') loadSources();
      },
      destroy() {
        offFindings();
        charts.forEach(c => c.destroy());
        view.destroy();
        container.classList.remove('graph-content');
      },
    };
  },
};
