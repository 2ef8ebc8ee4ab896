// A drawing of a laid-out graph view (/api/graph): boxes for ops, collapsed scopes and expanded
// scopes (containers), edges as routed polylines with arrowheads and shape labels. Pan by dragging,
// zoom with the wheel around the pointer.
//
// Views up to SVG_MAX_BOXES boxes are SVG (crisp, each box an element: hover titles, CSS); bigger
// ones are painted on a canvas (views/graph-paint.js), which repaints only what is in view at a
// readable size: thousands of SVG elements would make every frame of a pan or zoom repaint them all.
//
// For tests: div.graph-surface[data-renderer=svg|canvas][data-zoom]; in SVG, svg.graph-svg with each
// box a g.graph-box[data-key][data-kind=op|group|expanded] (plus .selected,
// .has-finding[data-severity]; an open scope's title bar is rect.graph-header-bar) and each edge a
// g.graph-edge[data-from][data-to] holding path.graph-line (stroke-width set), path.graph-arrowhead
// and, if labelled, text.graph-edge-label; the surface's
// __graphView is this object (data, k, tx, ty) for tests of the canvas, on a test's page only.

import { paintScene, hitTest, svgText, graphColors, boxText, titleBar, edgeShape, labelBoxes, headPath } from './graph-paint.js';
import { onThemeChange } from '../theme.js';
import { testHook } from '../testhooks.js';

const NS = 'http://www.w3.org/2000/svg';
export const SVG_MAX_BOXES = 1500;

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export class GraphView {
  /** onBox(box, event) is called on a click on a box; onHeader(box) on an expanded scope's title bar. */
  constructor(parent, { onBox, onHeader }) {
    this.onBox = onBox;
    this.onHeader = onHeader;
    this.surface = document.createElement('div');
    this.surface.className = 'graph-surface';
    testHook(this.surface, '__graphView', () => this);
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'graph-canvas';
    this.canvas.hidden = true;
    this.mode = 'svg';
    this.selected = null;
    this.colors = graphColors();
    this.offTheme = onThemeChange(() => { this.colors = graphColors(); this.paintSoon(); });
    this.root = svg('svg', { class: 'graph-svg', role: 'img', 'aria-label': 'Model graph' });
    this.scene = svg('g', { class: 'graph-scene' });
    this.root.append(this.scene);
    this.surface.append(this.root, this.canvas);
    parent.append(this.surface);
    this.resizer = new ResizeObserver(() => this.paintSoon());
    this.resizer.observe(this.surface);
    this.canvas.addEventListener('click', e => {
      if (!this.data) return;
      const r = this.surface.getBoundingClientRect();
      const hit = hitTest(this.data, (e.clientX - r.left - this.tx) / this.k, (e.clientY - r.top - this.ty) / this.k);
      if (!hit) return;
      if (hit.header) this.onHeader(hit.box, e);
      else this.onBox(hit.box, e);
    });
    this.k = 1;
    this.tx = 0;
    this.ty = 0;
    this.data = null;
    this.boxEls = new Map();
    this.installPanZoom();
  }

  installPanZoom() {
    let drag = null;
    this.surface.addEventListener('pointerdown', e => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
    });
    window.addEventListener('pointermove', this.onMove = e => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      drag.moved = true;
      this.surface.classList.add('panning');
      this.tx = drag.tx + dx;
      this.ty = drag.ty + dy;
      this.apply();
    });
    window.addEventListener('pointerup', this.onUp = () => {
      if (drag && drag.moved) this.suppressClick = true;
      drag = null;
      this.surface.classList.remove('panning');
    });
    this.surface.addEventListener('click', e => {
      if (this.suppressClick) {
        this.suppressClick = false;
        e.stopPropagation();
        e.preventDefault();
      }
    }, true);
    this.surface.addEventListener('wheel', e => {
      e.preventDefault();
      const r = this.surface.getBoundingClientRect();
      const px = e.clientX - r.left;
      const py = e.clientY - r.top;
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
      this.zoomAt(px, py, factor);
    }, { passive: false });
  }

  zoomAt(px, py, factor) {
    const k = Math.min(8, Math.max(0.02, this.k * factor));
    const f = k / this.k;
    this.tx = px - (px - this.tx) * f;
    this.ty = py - (py - this.ty) * f;
    this.k = k;
    this.apply();
  }

  apply() {
    if (this.mode === 'svg') this.scene.setAttribute('transform', `translate(${this.tx},${this.ty}) scale(${this.k})`);
    else this.paintSoon();
    this.surface.dataset.zoom = this.k.toFixed(3);
  }

  /** Paints the canvas at the next animation frame (many wheel events in a frame paint once). */
  paintSoon() {
    if (this.mode !== 'canvas' || this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.paint();
    });
  }

  paint() {
    const r = this.surface.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.width * dpr));
    const h = Math.max(1, Math.round(r.height * dpr));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    paintScene(ctx, this.data, { k: this.k, tx: this.tx, ty: this.ty, dpr, width: r.width, height: r.height,
      selected: this.selected, colors: this.colors });
    this.surface.dataset.painted = String((+this.surface.dataset.painted || 0) + 1);
  }

  /** Scales and moves the whole drawing into the viewport (never above 1:1). */
  fit() {
    if (!this.data) return;
    const r = this.surface.getBoundingClientRect();
    const w = Math.max(1, this.data.width);
    const h = Math.max(1, this.data.height);
    this.k = Math.min(1, (r.width - 24) / w, (r.height - 24) / h);
    if (!(this.k > 0)) this.k = 1;
    this.tx = (r.width - w * this.k) / 2;
    this.ty = Math.max(12, (r.height - h * this.k) / 2);
    this.apply();
  }

  /** Centres a box in the viewport at a readable zoom. */
  focus(key) {
    const b = this.data && this.data.boxes.find(x => x.key === key);
    if (!b) return false;
    const r = this.surface.getBoundingClientRect();
    this.k = Math.max(this.k, 0.8);
    this.tx = r.width / 2 - (b.x + b.w / 2) * this.k;
    this.ty = r.height / 2 - (b.y + b.h / 2) * this.k;
    this.apply();
    return true;
  }

  setData(data, { keepView = false } = {}) {
    this.data = data;
    this.scene.replaceChildren();
    this.boxEls.clear();
    this.mode = data.boxes.length > SVG_MAX_BOXES ? 'canvas' : 'svg';
    this.surface.dataset.renderer = this.mode;
    this.root.style.display = this.mode === 'svg' ? '' : 'none';
    this.canvas.hidden = this.mode !== 'canvas';
    if (this.mode === 'canvas') {
      if (!keepView) this.fit();
      else this.apply();
      return;
    }
    const containers = svg('g', { class: 'graph-containers' });
    const edges = svg('g', { class: 'graph-edges' });
    const nodes = svg('g', { class: 'graph-nodes' });
    this.scene.append(containers, edges, nodes);
    // containers first, outer before inner, so inner ones paint on top
    const expanded = data.boxes.filter(b => b.kind === 'expanded').sort((a, b) => a.key.split('/').length - b.key.split('/').length);
    for (const b of expanded) containers.append(this.box(b));
    for (const b of data.boxes) if (b.kind !== 'expanded') nodes.append(this.box(b));
    const labels = labelBoxes(data);
    data.lines.forEach((l, i) => edges.append(this.edge(l, labels[i])));
    if (!keepView) this.fit();
  }

  box(b) {
    const g = svg('g', { class: `graph-box kind-${b.kind}`, 'data-key': b.key, 'data-kind': b.kind,
      transform: `translate(${b.x},${b.y})` });
    if (b.findings) {
      g.classList.add('has-finding');
      g.dataset.severity = b.severity;
    }
    if (b.layer) g.dataset.layer = b.layer;
    const title = svg('title', {}, b.kind === 'op' ? `${b.key}\n${b.op}` : `${b.key}\n${b.ops} ops${b.params ? `, ${b.params} parameters` : ''}`);
    g.append(title);
    if (b.kind === 'expanded') {
      g.append(svg('rect', { class: 'graph-container', width: b.w, height: b.h, rx: 8 }));
      const head = svg('g', { class: 'graph-header' });
      const t = titleBar(b);
      head.append(svg('rect', { class: 'graph-header-bar', width: t.w, height: t.h, rx: 8 }));
      head.append(svg('text', { x: 10, y: 16, class: 'graph-label' }, boxText(b)[0]));
      head.addEventListener('click', e => { e.stopPropagation(); this.onHeader(b, e); });
      g.append(head);
    } else if (b.kind === 'group') {
      g.append(svg('rect', { class: 'graph-group', width: b.w, height: b.h, rx: 10 }));
      const [l1, l2] = boxText(b);
      g.append(svg('text', { x: b.w / 2, y: 18, class: 'graph-label', 'text-anchor': 'middle' }, l1));
      g.append(svg('text', { x: b.w / 2, y: 34, class: 'graph-sub', 'text-anchor': 'middle' }, l2));
      g.addEventListener('click', e => { e.stopPropagation(); this.onBox(b, e); });
    } else {
      g.append(svg('rect', { class: `graph-op${b.params ? ' has-params' : ''}`, width: b.w, height: b.h, rx: 4 }));
      g.append(svg('text', { x: b.w / 2, y: 13, class: 'graph-label', 'text-anchor': 'middle' }, b.label));
      g.append(svg('text', { x: b.w / 2, y: 25, class: 'graph-sub', 'text-anchor': 'middle' }, b.op));
      g.addEventListener('click', e => { e.stopPropagation(); this.onBox(b, e); });
    }
    if (b.findings) {
      const badge = svg('g', { class: 'graph-badge', transform: `translate(${b.w - 4},${-4})` });
      badge.append(svg('circle', { r: 8 }));
      badge.append(svg('text', { y: 4, 'text-anchor': 'middle' }, '!'));
      g.append(badge);
    }
    this.boxEls.set(b.key, g);
    return g;
  }

  edge(l, label) {
    const e = edgeShape(l);
    const p = e.points;
    const g = svg('g', { class: `graph-edge${l.control ? ' control' : ''}`, 'data-from': l.from, 'data-to': l.to });
    let d = `M${p[0]},${p[1]}`;
    for (let i = 2; i < p.length; i += 2) d += ` L${p[i]},${p[i + 1]}`;
    g.append(svg('path', { d, class: 'graph-line', 'stroke-width': e.width }));
    if (e.head) g.append(svg('path', { d: headPath(e.head), class: 'graph-arrowhead' }));
    if (label) g.append(svg('text', { x: label.x + 3, y: label.y + 9, class: 'graph-edge-label' }, l.label));
    return g;
  }

  select(key) {
    this.selected = key;
    if (this.mode === 'canvas') {
      this.paintSoon();
      return;
    }
    for (const g of this.boxEls.values()) g.classList.remove('selected');
    const g = this.boxEls.get(key);
    if (g) g.classList.add('selected');
  }

  /** The drawing as a standalone SVG document, colours written out so it looks the same anywhere. */
  toSvgText() {
    return svgText(this.data, graphColors());
  }

  /** A PNG of the whole drawing at `scale` (default 2; less when the browser's canvas size limit needs), as a Blob. */
  async toPng(scale = 2) {
    const w = Math.ceil(this.data.width) + 20;
    const h = Math.ceil(this.data.height) + 20;
    // browsers cap canvases near 16k pixels a side and 268M pixels in all
    const s = Math.min(scale, 16000 / w, 16000 / h, Math.sqrt(2.5e8 / (w * h)));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.floor(w * s));
    canvas.height = Math.max(1, Math.floor(h * s));
    const c = canvas.getContext('2d');
    const colors = graphColors();
    c.fillStyle = colors.bg;
    c.fillRect(0, 0, canvas.width, canvas.height);
    paintScene(c, this.data, { k: 1, tx: 10, ty: 10, dpr: s, colors, full: true });
    return await new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
  }

  destroy() {
    window.removeEventListener('pointermove', this.onMove);
    window.removeEventListener('pointerup', this.onUp);
    if (this.pending) cancelAnimationFrame(this.pending);
    this.resizer.disconnect();
    this.offTheme();
    this.surface.remove();
  }
}
