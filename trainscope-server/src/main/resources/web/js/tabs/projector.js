// The Projector tab: an embedding's points in 2-D or 3-D (PCA, t-SNE or UMAP, computed and cached by
// the server, /api/embedding/projection), drawn by three.js as one WebGL point cloud, so 100,000
// points rotate at the display's rate. Colour and label by a metadata column, search the metadata
// (a regular expression, RE2 syntax as every filter of the page), click a point for its nearest
// neighbours by cosine or Euclidean distance in the embedding's own space (the server compares the
// full vectors), isolate the matches or the neighbourhood. A sprite image, when the embedding has
// one, textures each point with its own thumbnail.
//
// State in the URL: x.prun, x.pemb (tag@step), x.pmethod, x.pdims, x.pcolor, x.plabel, x.psearch.
// For tests (on a page with window.__trainscopeTest, see testhooks.js): div.projector-tab[data-state=
// empty|loading|ready|error] and its __projector: drawn() (rows, positions, marks, timing, progress), select(row),
// rotate(frames). A t-SNE or UMAP under way shows "t-SNE iteration 350 of 500" and its layout as it goes.

import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { apiUrl, ApiError } from '../api.js';
import { el, clear, regex, debounce } from '../util.js';
import { testHook } from '../testhooks.js';
import { runLabel } from '../colors.js';

/** How often a t-SNE or UMAP under way is asked about (the server stops one nobody asks about for 150 s). */
const POLL_MS = 500;
const REASON = 'No embeddings in the selected runs: log them with add_embedding or writer.embedding()';
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
  '#bcbd22', '#17becf', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7',
  '#dbdb8d', '#9edae5'];

/** An endpoint's JSON answer with its status ({status, body}); an ApiError for any status but 2xx. */
async function answerOf(path, params) {
  const res = await fetch(apiUrl(path, params), { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new ApiError(res.status, (await res.text()) || res.statusText);
  return { status: res.status, body: await res.json() };
}

async function getJson(path, params) {
  return (await answerOf(path, params)).body;
}

/** The runs among the selected ones that list an embedding tag. */
function embeddingRuns(ctx) {
  return ctx.selectedRuns().filter(r => ctx.runTags(r).some(t => t.kind === 'embedding'));
}

/** A colour per row from a metadata column: a palette for up to 20 values, a ramp for numbers, else a hash. */
export function columnColours(values) {
  const distinct = [...new Set(values)];
  const out = new Float32Array(values.length * 3);
  const c = new THREE.Color();
  if (distinct.length <= PALETTE.length) {
    distinct.sort((a, b) => String(a).localeCompare(String(b), undefined, { numeric: true }));
    const index = new Map(distinct.map((v, i) => [v, i]));
    values.forEach((v, i) => { c.set(PALETTE[index.get(v)]); out.set([c.r, c.g, c.b], i * 3); });
    return { colours: out, legend: distinct.map((v, i) => [v, PALETTE[i]]) };
  }
  const nums = values.map(Number);
  if (nums.every(Number.isFinite)) {
    let lo = Infinity, hi = -Infinity;
    for (const v of nums) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    nums.forEach((v, i) => { c.setHSL(0.7 - 0.7 * (hi > lo ? (v - lo) / (hi - lo) : 0), 0.8, 0.5); out.set([c.r, c.g, c.b], i * 3); });
    return { colours: out, legend: [[`${lo}`, '#3a3aff'], [`${hi}`, '#ff3a3a']] };
  }
  values.forEach((v, i) => {
    let h = 0;
    for (const ch of String(v)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    c.setHSL((h % 360) / 360, 0.65, 0.5);
    out.set([c.r, c.g, c.b], i * 3);
  });
  return { colours: out, legend: [] };
}

const VERTEX = `
  attribute vec3 colour;
  attribute float cell;
  attribute float mark;
  uniform float size;
  uniform float perspective;
  uniform float near;
  varying vec3 vColour;
  varying float vCell;
  varying float vMark;
  void main() {
    vec4 mv = modelViewMatrix * vec4(position, 1.0);
    gl_Position = projectionMatrix * mv;
    float s = size * (mark > 1.5 ? 1.8 : 1.0);
    gl_PointSize = perspective > 0.5 ? s * 12.0 / max(-mv.z, near) : s;
    vColour = colour;
    vCell = cell;
    vMark = mark;
  }`;

const FRAGMENT = `
  uniform sampler2D atlas;
  uniform float useAtlas;
  uniform vec2 grid;
  uniform float dim;
  varying vec3 vColour;
  varying float vCell;
  varying float vMark;
  void main() {
    vec2 p = gl_PointCoord;
    float alpha = vMark < 0.5 ? dim : 1.0;
    if (useAtlas > 0.5) {
      float col = mod(vCell, grid.x);
      float row = floor(vCell / grid.x);
      vec2 uv = vec2((col + p.x) / grid.x, 1.0 - (row + p.y) / grid.y);
      vec4 t = texture2D(atlas, uv);
      gl_FragColor = vec4(t.rgb, alpha);
    } else {
      if (length(p - 0.5) > 0.5) discard;
      gl_FragColor = vec4(vColour, alpha);
    }
  }`;

export default {
  id: 'projector',
  title: 'Projector',
  kinds: ['embedding'],

  empty(ctx) {
    return embeddingRuns(ctx).length ? null : REASON;
  },

  mount(container, ctx, settings) {
    const tab = el('div', { class: 'projector-tab', 'data-tab': 'projector', 'data-state': 'empty' });
    const status = el('p', { class: 'muted projector-status' });
    const stage = el('div', { class: 'projector-stage' });
    const overlay = el('div', { class: 'projector-labels' });
    const side = el('div', { class: 'projector-side' });
    const legend = el('div', { class: 'projector-legend' });
    stage.append(overlay);
    tab.append(status, el('div', { class: 'projector-body' }, stage, side));
    container.append(tab);

    const runSelect = el('select', { 'aria-label': 'Run', class: 'projector-run' });
    const embSelect = el('select', { 'aria-label': 'Embedding', class: 'projector-embedding' });
    const methodSelect = el('select', { 'aria-label': 'Projection', class: 'projector-method' },
      el('option', { value: 'pca', text: 'PCA' }), el('option', { value: 'tsne', text: 't-SNE' }),
      el('option', { value: 'umap', text: 'UMAP' }));
    const dimsSelect = el('select', { 'aria-label': 'Dimensions', class: 'projector-dims' },
      el('option', { value: '2', text: '2-D' }), el('option', { value: '3', text: '3-D' }));
    const colourSelect = el('select', { 'aria-label': 'Colour by', class: 'projector-colour' });
    const labelSelect = el('select', { 'aria-label': 'Label by', class: 'projector-labelby' });
    const search = el('input', { type: 'search', class: 'projector-search', placeholder: 'regex over the metadata',
      autocomplete: 'off', spellcheck: 'false' });
    const searchNote = el('div', { class: 'note projector-matches' });
    const metricSelect = el('select', { 'aria-label': 'Distance', class: 'projector-metric' },
      el('option', { value: 'cosine', text: 'cosine' }), el('option', { value: 'euclidean', text: 'Euclidean' }));
    const isolateButton = el('button', { type: 'button', class: 'projector-isolate', text: 'Isolate' });
    const allButton = el('button', { type: 'button', class: 'projector-all', text: 'Show all' });
    settings.append(
      el('label', { class: 'field' }, 'Run', runSelect),
      el('label', { class: 'field' }, 'Embedding', embSelect),
      el('label', { class: 'field' }, 'Projection', methodSelect),
      el('label', { class: 'field' }, 'Dimensions', dimsSelect),
      el('label', { class: 'field' }, 'Colour by', colourSelect),
      el('label', { class: 'field' }, 'Label by', labelSelect),
      el('label', { class: 'field' }, 'Search', search), searchNote,
      el('label', { class: 'field' }, 'Neighbours by', metricSelect),
      el('div', { class: 'projector-buttons' }, isolateButton, allButton), legend);

    const renderer = new THREE.WebGLRenderer({ antialias: false, alpha: true, preserveDrawingBuffer: true });
    renderer.setClearColor(0x000000, 0); // the stage's background, light or dark, shows through
    renderer.setPixelRatio(window.devicePixelRatio || 1);
    stage.prepend(renderer.domElement);
    const scene = new THREE.Scene();
    const material = new THREE.ShaderMaterial({
      vertexShader: VERTEX, fragmentShader: FRAGMENT, transparent: true, depthWrite: false,
      uniforms: { size: { value: 4 }, perspective: { value: 0 }, near: { value: 0.01 }, atlas: { value: null }, useAtlas: { value: 0 },
        grid: { value: new THREE.Vector2(1, 1) }, dim: { value: 1 } },
    });
    let camera = null;
    let controls = null;
    let points = null;

    // what is shown
    const view = {
      run: null, emb: null, info: null, projection: null, metadata: null,
      rows: [],          // the embedding rows drawn, in draw order (a sample for t-SNE/UMAP)
      visible: null,     // a Set of rows to keep (isolated), or null for all
      selected: null,    // the row clicked
      neighbours: [],    // [{index, distance}]
      matches: null,     // a Set of rows the search matched, or null
      timing: {},
    };
    let generation = 0;

    const resize = () => {
      const w = Math.max(200, stage.clientWidth);
      const h = Math.max(200, stage.clientHeight);
      renderer.setSize(w, h);
      if (camera) {
        if (camera.isPerspectiveCamera) camera.aspect = w / h;
        else {
          const a = w / h;
          const half = camera.userData.half || 1;
          camera.left = -half * a; camera.right = half * a; camera.top = half; camera.bottom = -half;
        }
        camera.updateProjectionMatrix();
      }
      draw();
    };
    const ro = new ResizeObserver(() => resize());
    ro.observe(stage);

    function draw() {
      if (!camera) return;
      renderer.render(scene, camera);
      placeLabels();
    }

    const stateOf = key => ctx.state.get(key) || '';

    async function refreshRuns() {
      const runs = embeddingRuns(ctx);
      const wanted = stateOf('x.prun');
      const run = runs.includes(wanted) ? wanted : runs[0] || null;
      clear(runSelect);
      for (const r of runs) runSelect.append(runLabel(r, { value: r }, 'option'));
      if (!run) {
        tab.dataset.state = 'empty';
        status.textContent = REASON;
        clearScene();
        view.run = null;
        return;
      }
      runSelect.value = run;
      if (run !== view.run) {
        view.run = run;
        const list = await getJson('api/embeddings', { run });
        clear(embSelect);
        for (const e of list.embeddings) {
          const key = `${e.tag}@${e.step}`;
          const text = e.problem ? `${e.tag} (step ${e.step}): cannot be read` : `${e.tag} (step ${e.step}, ${e.rows} × ${e.dims})`;
          embSelect.append(el('option', { value: key, text, title: e.problem || '' }));
        }
        view.list = list.embeddings;
      }
      await load();
    }

    function clearScene() {
      if (points) {
        scene.remove(points);
        points.geometry.dispose();
        points = null;
      }
      clear(overlay);
      draw();
    }

    const wantedKey = () => [view.run, stateOf('x.pemb'), stateOf('x.pmethod') || 'pca', stateOf('x.pdims') || '2'].join('|');

    async function load() {
      view.loadedKey = wantedKey();
      const list = view.list || [];
      const wanted = stateOf('x.pemb');
      const e = list.find(x => `${x.tag}@${x.step}` === wanted) || list.find(x => !x.problem) || list[0];
      if (!e) return;
      embSelect.value = `${e.tag}@${e.step}`;
      methodSelect.value = stateOf('x.pmethod') || 'pca';
      dimsSelect.value = stateOf('x.pdims') || '2';
      if (e.problem) {
        tab.dataset.state = 'error';
        status.textContent = `${e.tag} cannot be read: ${e.problem}`;
        clearScene();
        return;
      }
      const my = ++generation;
      const method = methodSelect.value;
      const dims = Number(dimsSelect.value);
      const sameEmbedding = view.info && view.info.tag === e.tag && view.info.step === e.step && view.runOfInfo === view.run;
      tab.dataset.state = 'loading';
      status.textContent = `Computing ${methodSelect.selectedOptions[0].text} of ${e.rows.toLocaleString()} points…`;
      const t0 = performance.now();
      const params = { run: view.run, tag: e.tag, step: e.step };
      const metadataAnswer = sameEmbedding && view.metadata ? Promise.resolve(view.metadata)
        : getJson('api/embedding/metadata', params);
      metadataAnswer.catch(() => {}); // a failure is met where it is awaited, in adopt()
      let adopted = false;
      const adopt = async () => { // the embedding's metadata becomes the view's, once, before anything is drawn
        const metadata = await metadataAnswer;
        if (my !== generation || adopted) return;
        adopted = true;
        view.info = e;
        view.runOfInfo = view.run;
        view.metadata = metadata;
        if (!sameEmbedding) {
          view.visible = null;
          view.selected = null;
          view.neighbours = [];
          fillColumns(metadata.columns);
        }
      };
      const name = methodSelect.selectedOptions[0].text;
      view.progress = [];
      const onProgress = async p => { // a t-SNE or UMAP under way: say how far, draw its layout as it is
        const text = p.state === 'waiting' ? `${name}: waiting for the server (busy with other projections)…`
          : `${name} iteration ${p.iteration.toLocaleString()} of ${p.iterations.toLocaleString()}`
            + ` · ${(p.elapsedMillis / 1000).toFixed(1)} s`;
        status.textContent = text;
        view.progress.push({ text, iteration: p.iteration, layout: p.coords ? p.layoutIteration : 0,
          ms: Math.round(performance.now() - t0) });
        if (!p.coords) return;
        await adopt();
        if (my !== generation) return;
        view.projection = p;
        build(e, p);
        applySearch();
      };
      try {
        const projection = await projectionOf({ ...params, method, dims }, () => my !== generation, onProgress);
        if (my !== generation) return;
        await adopt();
        if (my !== generation) return;
        const t1 = performance.now();
        view.projection = projection;
        build(e, projection);
        await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        const t2 = performance.now();
        view.timing = { fetchMs: t1 - t0, firstFrameMs: t2 - t0, serverMs: projection.millis };
        const placed = projection.indices ? projection.indices.length : projection.rows;
        const variance = projection.variance && projection.variance.length
          ? ` — variance explained: ${projection.variance.slice(0, dims).map(v => (100 * v).toFixed(1) + ' %').join(', ')}` : '';
        status.textContent = `${placed.toLocaleString()} of ${projection.rows.toLocaleString()} points`
          + (projection.indices ? ' (an even sample, as t-SNE and UMAP run on at most 10,000)' : '') + variance;
        tab.dataset.state = 'ready';
        applySearch();
      } catch (err) {
        if (my !== generation) return;
        tab.dataset.state = 'error';
        status.textContent = `The projection failed: ${err.message}`;
      }
    }

    function fillColumns(columns) {
      for (const [select, key] of [[colourSelect, 'x.pcolor'], [labelSelect, 'x.plabel']]) {
        clear(select);
        select.append(el('option', { value: '', text: '(none)' }));
        for (const c of columns) select.append(el('option', { value: c, text: c }));
        const want = stateOf(key);
        select.value = columns.includes(want) ? want : (columns[0] || '');
      }
    }

    function columnValues(column) {
      const md = view.metadata;
      const c = md ? md.columns.indexOf(column) : -1;
      return c < 0 ? null : md.rows.map(r => r[c]);
    }

    /**
     * The projection asked for; while the server answers 202 (a t-SNE or UMAP under way), hands each
     * progress to onProgress and asks again every POLL_MS (which also tells the server it is still
     * wanted), with `since` the layout it already has. Null when stale() says the page moved on.
     */
    async function projectionOf(query, stale, onProgress) {
      let since = 0;
      for (;;) {
        const { status: code, body: answer } = await answerOf('api/embedding/projection', { ...query, since });
        if (stale()) return null;
        if (code !== 202) return answer;
        if (answer.coords) since = answer.layoutIteration;
        await onProgress(answer);
        await new Promise(r => setTimeout(r, POLL_MS));
        if (stale()) return null;
      }
    }

    /** (Re)builds the point cloud from the projection (or a t-SNE/UMAP's layout so far), the isolated rows, the colours and the marks. */
    function build(e, projection) {
      const dims = projection.dims;
      const all = projection.indices ? Array.from(projection.indices) : null;
      const count = all ? all.length : projection.rows;
      const rows = [];
      const order = [];
      for (let k = 0; k < count; k++) {
        const row = all ? all[k] : k;
        if (view.visible && !view.visible.has(row)) continue;
        rows.push(row);
        order.push(k);
      }
      view.rows = rows;
      const pos = new Float32Array(rows.length * 3);
      const coords = projection.coords;
      for (let i = 0; i < rows.length; i++) {
        const k = order[i];
        pos[i * 3] = coords[k * dims];
        pos[i * 3 + 1] = coords[k * dims + 1];
        pos[i * 3 + 2] = dims === 3 ? coords[k * dims + 2] : 0;
      }
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(pos, 3));
      geometry.setAttribute('colour', new THREE.BufferAttribute(new Float32Array(rows.length * 3), 3));
      geometry.setAttribute('mark', new THREE.BufferAttribute(new Float32Array(rows.length), 1));
      const cells = new Float32Array(rows.length);
      rows.forEach((r, i) => { cells[i] = r; });
      geometry.setAttribute('cell', new THREE.BufferAttribute(cells, 1));
      geometry.computeBoundingSphere();
      if (points) {
        scene.remove(points);
        points.geometry.dispose();
      }
      points = new THREE.Points(geometry, material);
      scene.add(points);
      setCamera(dims, geometry.boundingSphere);
      setSprite(e);
      recolour();
    }

    function setCamera(dims, sphere) {
      const r = Math.max(sphere.radius, 1e-6);
      const c = sphere.center;
      if (controls) controls.dispose();
      const w = Math.max(200, stage.clientWidth);
      const h = Math.max(200, stage.clientHeight);
      if (dims === 3) {
        camera = new THREE.PerspectiveCamera(50, w / h, r / 100, r * 100);
        camera.position.set(c.x + r * 1.6, c.y + r * 1.2, c.z + r * 2.2);
        material.uniforms.perspective.value = 1;
        // sizes relative to the layout's radius: a t-SNE's first layouts span 1e-4, where an absolute
        // floor would make every point thousands of pixels wide (minutes a frame on a CPU rasteriser)
        material.uniforms.size.value = 4 * r / 6;
        material.uniforms.near.value = r / 100;
      } else {
        camera = new THREE.OrthographicCamera(-r * w / h, r * w / h, r, -r, -r * 100, r * 100);
        camera.userData.half = r * 1.05;
        camera.position.set(c.x, c.y, c.z + r * 10);
        material.uniforms.perspective.value = 0;
        material.uniforms.size.value = view.rows.length > 20000 ? 3 : 5;
      }
      camera.lookAt(c);
      controls = new OrbitControls(camera, renderer.domElement);
      controls.target.copy(c);
      controls.enableRotate = dims === 3;
      controls.screenSpacePanning = true;
      controls.addEventListener('change', draw);
      controls.update();
      resize();
    }

    function setSprite(e) {
      material.uniforms.useAtlas.value = 0;
      if (!e.spriteWidth) return;
      const url = apiUrl('api/embedding/sprite', { run: view.run, tag: e.tag, step: e.step });
      const key = url.pathname + url.search;
      const useAtlas = () => {
        material.uniforms.useAtlas.value = 1;
        material.uniforms.size.value = Math.max(material.uniforms.size.value, 14);
      };
      if (view.spriteKey === key && material.uniforms.atlas.value) { // loaded: a t-SNE redrawn as it runs reuses it
        useAtlas();
        return;
      }
      new THREE.TextureLoader().load(key, tex => {
        if (view.info !== e) return;
        view.spriteKey = key;
        tex.magFilter = THREE.NearestFilter;
        tex.minFilter = THREE.LinearFilter;
        tex.generateMipmaps = false;
        material.uniforms.atlas.value = tex;
        material.uniforms.grid.value.set(tex.image.width / e.spriteWidth, tex.image.height / e.spriteHeight);
        useAtlas();
        draw();
      });
    }

    /** Colours by the chosen column; marks the selection, its neighbours and the search's matches. */
    function recolour() {
      if (!points) return;
      const n = view.rows.length;
      const colourAttr = points.geometry.getAttribute('colour');
      const markAttr = points.geometry.getAttribute('mark');
      const values = columnValues(colourSelect.value);
      clear(legend);
      if (values) {
        const { colours, legend: entries } = columnColours(values);
        for (let i = 0; i < n; i++) colourAttr.array.set(colours.subarray(view.rows[i] * 3, view.rows[i] * 3 + 3), i * 3);
        for (const [v, c] of entries.slice(0, 20)) {
          legend.append(el('div', { class: 'projector-legend-item' }, el('span', { class: 'swatch', style: `background:${c}` }), el('span', { text: String(v) })));
        }
      } else {
        for (let i = 0; i < n; i++) colourAttr.array.set([0.2, 0.45, 0.85], i * 3);
      }
      const near = new Set(view.neighbours.map(x => x.index));
      const anyMark = view.selected !== null || view.matches !== null;
      for (let i = 0; i < n; i++) {
        const row = view.rows[i];
        let mark = anyMark ? 0 : 1;
        if (view.matches && view.matches.has(row)) mark = 1;
        if (near.has(row)) mark = 1;
        if (row === view.selected) mark = 2;
        markAttr.array[i] = mark;
      }
      material.uniforms.dim.value = anyMark ? 0.12 : 1;
      colourAttr.needsUpdate = true;
      markAttr.needsUpdate = true;
      draw();
    }

    function labelOf(row) {
      const values = columnValues(labelSelect.value);
      return values ? values[row] : `#${row}`;
    }

    /** Text labels for the selected point and its neighbours (100,000 labels would hide the points). */
    function placeLabels() {
      clear(overlay);
      if (!points || view.selected === null || !camera) return;
      const pos = points.geometry.getAttribute('position');
      const w = renderer.domElement.clientWidth;
      const h = renderer.domElement.clientHeight;
      const v = new THREE.Vector3();
      const at = new Map(view.rows.map((r, i) => [r, i]));
      for (const row of [view.selected, ...view.neighbours.map(x => x.index)]) {
        const i = at.get(row);
        if (i === undefined) continue;
        v.fromBufferAttribute(pos, i).project(camera);
        if (v.z > 1) continue;
        overlay.append(el('span', { class: row === view.selected ? 'projector-label selected' : 'projector-label',
          style: `left:${((v.x + 1) / 2 * w).toFixed(1)}px;top:${((1 - v.y) / 2 * h).toFixed(1)}px`, text: labelOf(row) }));
      }
    }

    /** The drawn point nearest to a click, within 12 pixels, as its row. */
    function pick(clientX, clientY) {
      if (!points) return null;
      const rect = renderer.domElement.getBoundingClientRect();
      const x = clientX - rect.left;
      const y = clientY - rect.top;
      const pos = points.geometry.getAttribute('position');
      const m = new THREE.Matrix4().multiplyMatrices(camera.projectionMatrix, camera.matrixWorldInverse);
      const e = m.elements;
      const arr = pos.array;
      let best = -1;
      let bestD = 144;
      for (let i = 0; i < view.rows.length; i++) {
        const px = arr[i * 3], py = arr[i * 3 + 1], pz = arr[i * 3 + 2];
        const cw = e[3] * px + e[7] * py + e[11] * pz + e[15];
        const sx = ((e[0] * px + e[4] * py + e[8] * pz + e[12]) / cw + 1) / 2 * rect.width;
        const sy = (1 - (e[1] * px + e[5] * py + e[9] * pz + e[13]) / cw) / 2 * rect.height;
        const d = (sx - x) * (sx - x) + (sy - y) * (sy - y);
        if (d < bestD) { bestD = d; best = i; }
      }
      return best < 0 ? null : view.rows[best];
    }

    let selecting = 0;
    async function select(row) {
      const mine = ++selecting;
      view.selected = row;
      view.neighbours = [];
      clear(side);
      if (row === null) { recolour(); return; }
      const e = view.info;
      side.append(el('h3', { class: 'projector-selected', text: `${labelOf(row)} (row ${row})` }));
      const md = view.metadata;
      if (md && md.columns.length > 1) {
        side.append(el('dl', { class: 'projector-metadata' }, ...md.columns.flatMap((c, i) => [el('dt', { text: c }), el('dd', { text: md.rows[row][i] })])));
      }
      const metric = metricSelect.value;
      const res = await getJson('api/embedding/neighbors', { run: view.run, tag: e.tag, step: e.step, index: row, k: 10, metric });
      if (mine !== selecting) return; // another point (or distance) was asked for meanwhile
      view.neighbours = res.neighbours;
      const list = el('ol', { class: 'projector-neighbours', 'data-metric': metric });
      for (const nb of res.neighbours) {
        const item = el('li', { 'data-index': String(nb.index) }, el('span', { text: labelOf(nb.index) }),
          el('span', { class: 'muted', text: ` ${metric} ${nb.distance.toFixed(4)}` }));
        item.addEventListener('click', () => select(nb.index));
        list.append(item);
      }
      side.append(el('div', { class: 'muted', text: `Nearest by ${metric} distance in the ${e.dims}-dimensional space:` }), list);
      recolour();
    }

    function applySearch() {
      const text = search.value;
      view.matches = null;
      searchNote.textContent = '';
      if (text && view.metadata) {
        const re = regex(text);
        if (re instanceof Error) {
          searchNote.textContent = re.message;
        } else {
          const md = view.metadata;
          const col = md.columns.indexOf(labelSelect.value);
          const m = new Set();
          md.rows.forEach((r, i) => { if ((col >= 0 ? [r[col]] : r).some(v => re.test(v))) m.add(i); });
          view.matches = m;
          searchNote.textContent = `${m.size.toLocaleString()} match${m.size === 1 ? '' : 'es'}`;
        }
      }
      recolour();
    }

    let down = null;
    renderer.domElement.addEventListener('pointerdown', ev => { down = [ev.clientX, ev.clientY]; });
    renderer.domElement.addEventListener('pointerup', ev => {
      if (!down || Math.hypot(ev.clientX - down[0], ev.clientY - down[1]) > 4) return;
      select(pick(ev.clientX, ev.clientY));
    });

    runSelect.addEventListener('change', () => ctx.state.set({ 'x.prun': runSelect.value }));
    embSelect.addEventListener('change', () => ctx.state.set({ 'x.pemb': embSelect.value }));
    methodSelect.addEventListener('change', () => ctx.state.set({ 'x.pmethod': methodSelect.value }));
    dimsSelect.addEventListener('change', () => ctx.state.set({ 'x.pdims': dimsSelect.value }));
    colourSelect.addEventListener('change', () => { ctx.state.set({ 'x.pcolor': colourSelect.value }); recolour(); });
    labelSelect.addEventListener('change', () => { ctx.state.set({ 'x.plabel': labelSelect.value }); applySearch(); placeLabels(); });
    metricSelect.addEventListener('change', () => { if (view.selected !== null) select(view.selected); });
    search.value = stateOf('x.psearch');
    search.addEventListener('input', debounce(() => { ctx.state.set({ 'x.psearch': search.value }); applySearch(); }, 150));
    isolateButton.addEventListener('click', () => {
      applySearch(); // the search box as it reads now, not as its debounced handler last saw it
      const keep = view.matches ? new Set(view.matches)
        : view.selected !== null ? new Set([view.selected, ...view.neighbours.map(x => x.index)]) : null;
      if (!keep || !view.projection) return;
      view.visible = keep;
      build(view.info, view.projection);
    });
    allButton.addEventListener('click', () => {
      if (!view.projection) return;
      view.visible = null;
      build(view.info, view.projection);
    });

    // for the browser tests and the benchmark: what is drawn, and a way to click and rotate
    const hooks = {
      drawn: () => ({
        rows: view.rows.slice(),
        positions: points ? Array.from(points.geometry.getAttribute('position').array) : [],
        marks: points ? Array.from(points.geometry.getAttribute('mark').array) : [],
        dims: view.projection ? view.projection.dims : 0,
        timing: view.timing,
        progress: (view.progress || []).slice(), // [{text, iteration, layout, ms}] of the last t-SNE/UMAP asked for
      }),
      select: row => select(row),
      /** Rotates the 3-D view a little each frame for `frames` frames; resolves to the frame times in ms. */
      rotate: frames => new Promise(resolve => {
        const times = [];
        let last = performance.now();
        const step = () => {
          const now = performance.now();
          times.push(now - last);
          last = now;
          if (times.length > frames) { resolve(times.slice(1)); return; }
          const off = camera.position.clone().sub(controls.target);
          off.applyAxisAngle(new THREE.Vector3(0, 1, 0), 0.02);
          camera.position.copy(controls.target).add(off);
          camera.lookAt(controls.target);
          draw();
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    };
    testHook(tab, '__projector', () => hooks);

    refreshRuns();
    return {
      refresh(reason) {
        if (reason === 'runs' || reason === 'selection') {
          if (reason === 'runs') view.run = null;
          refreshRuns();
        } else if (reason === 'state') {
          // the run asked for (the select, a link, Back) is not the one shown: the select already shows
          // the user's choice, so compare with what is loaded
          if (stateOf('x.prun') && stateOf('x.prun') !== view.run) refreshRuns();
          else if (view.list && wantedKey() !== view.loadedKey) load();
        }
      },
      destroy() {
        generation++;
        ro.disconnect();
        if (controls) controls.dispose();
        if (points) points.geometry.dispose();
        renderer.dispose();
      },
    };
  },
};
