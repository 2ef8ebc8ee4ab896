// An SVG drawing of a laid-out graph view (/api/graph): boxes for ops, collapsed scopes and
// expanded scopes (containers), edges as routed polylines with arrowheads and shape labels.
// Pan by dragging, zoom with the wheel around the pointer; the transform is one attribute on one
// group, so a graph of thousands of boxes pans without re-rendering anything.
//
// For tests: svg.graph-svg; each box is g.graph-box[data-key][data-kind=op|group|expanded]
// (plus .selected, .has-finding[data-severity]); each edge g.graph-edge[data-from][data-to].

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmtCount(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(1) + 'G';
  if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return String(n);
}

export class GraphView {
  /** onBox(box, event) is called on a click on a box; onHeader(box) on an expanded scope's title bar. */
  constructor(parent, { onBox, onHeader }) {
    this.onBox = onBox;
    this.onHeader = onHeader;
    this.root = svg('svg', { class: 'graph-svg', role: 'img', 'aria-label': 'Model graph' });
    const defs = svg('defs');
    const marker = svg('marker', { id: 'graph-arrow', viewBox: '0 0 10 10', refX: '9', refY: '5',
      markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'graph-arrowhead' }));
    defs.append(marker);
    this.root.append(defs);
    this.scene = svg('g', { class: 'graph-scene' });
    this.root.append(this.scene);
    parent.append(this.root);
    this.k = 1;
    this.tx = 0;
    this.ty = 0;
    this.data = null;
    this.boxEls = new Map();
    this.installPanZoom();
  }

  installPanZoom() {
    let drag = null;
    this.root.addEventListener('pointerdown', e => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
    });
    window.addEventListener('pointermove', this.onMove = e => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      drag.moved = true;
      this.root.classList.add('panning');
      this.tx = drag.tx + dx;
      this.ty = drag.ty + dy;
      this.apply();
    });
    window.addEventListener('pointerup', this.onUp = () => {
      if (drag && drag.moved) this.suppressClick = true;
      drag = null;
      this.root.classList.remove('panning');
    });
    this.root.addEventListener('click', e => {
      if (this.suppressClick) {
        this.suppressClick = false;
        e.stopPropagation();
        e.preventDefault();
      }
    }, true);
    this.root.addEventListener('wheel', e => {
      e.preventDefault();
      const r = this.root.getBoundingClientRect();
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
    this.scene.setAttribute('transform', `translate(${this.tx},${this.ty}) scale(${this.k})`);
    this.root.dataset.zoom = this.k.toFixed(3);
  }

  /** Scales and moves the whole drawing into the viewport (never above 1:1). */
  fit() {
    if (!this.data) return;
    const r = this.root.getBoundingClientRect();
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
    const r = this.root.getBoundingClientRect();
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
    const containers = svg('g', { class: 'graph-containers' });
    const edges = svg('g', { class: 'graph-edges' });
    const nodes = svg('g', { class: 'graph-nodes' });
    this.scene.append(containers, edges, nodes);
    // containers first, outer before inner, so inner ones paint on top
    const expanded = data.boxes.filter(b => b.kind === 'expanded').sort((a, b) => a.key.split('/').length - b.key.split('/').length);
    for (const b of expanded) containers.append(this.box(b));
    for (const b of data.boxes) if (b.kind !== 'expanded') nodes.append(this.box(b));
    for (const l of data.lines) edges.append(this.edge(l));
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
      head.append(svg('rect', { class: 'graph-header-bar', width: b.w, height: 24, rx: 8 }));
      head.append(svg('text', { x: 10, y: 16, class: 'graph-label' }, `− ${b.label}`));
      head.append(svg('text', { x: b.w - 8, y: 16, class: 'graph-sub', 'text-anchor': 'end' },
        `${fmtCount(b.ops)} ops${b.params ? ' · ' + fmtCount(b.params) + ' params' : ''}`));
      head.addEventListener('click', e => { e.stopPropagation(); this.onHeader(b, e); });
      g.append(head);
    } else if (b.kind === 'group') {
      g.append(svg('rect', { class: 'graph-group', width: b.w, height: b.h, rx: 10 }));
      g.append(svg('text', { x: b.w / 2, y: 18, class: 'graph-label', 'text-anchor': 'middle' }, `+ ${b.label}`));
      g.append(svg('text', { x: b.w / 2, y: 34, class: 'graph-sub', 'text-anchor': 'middle' },
        `${fmtCount(b.ops)} ops${b.params ? ' · ' + fmtCount(b.params) : ''}`));
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

  edge(l) {
    const p = l.points;
    const g = svg('g', { class: `graph-edge${l.control ? ' control' : ''}`, 'data-from': l.from, 'data-to': l.to });
    let d = `M${p[0]},${p[1]}`;
    for (let i = 2; i < p.length; i += 2) d += ` L${p[i]},${p[i + 1]}`;
    g.append(svg('path', { d, 'marker-end': 'url(#graph-arrow)', 'stroke-width': Math.min(4, 1 + Math.log2(l.count)) }));
    if (l.label) {
      // on the longest segment, beside it
      let best = 0;
      let at = [p[0], p[1]];
      for (let i = 0; i + 3 < p.length; i += 2) {
        const len = Math.hypot(p[i + 2] - p[i], p[i + 3] - p[i + 1]);
        if (len > best) {
          best = len;
          at = [(p[i] + p[i + 2]) / 2, (p[i + 1] + p[i + 3]) / 2];
        }
      }
      if (best > 18) g.append(svg('text', { x: at[0] + 4, y: at[1] + 3, class: 'graph-edge-label' }, l.label));
    }
    return g;
  }

  select(key) {
    for (const g of this.boxEls.values()) g.classList.remove('selected');
    const g = this.boxEls.get(key);
    if (g) g.classList.add('selected');
  }

  /** The drawing as a standalone SVG document, styles inlined so it looks the same anywhere. */
  toSvgText() {
    const clone = this.root.cloneNode(true);
    const src = this.root.querySelectorAll('*');
    const dst = clone.querySelectorAll('*');
    const props = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-size', 'font-family', 'font-weight', 'opacity'];
    for (let i = 0; i < src.length; i++) {
      const cs = getComputedStyle(src[i]);
      const style = props.map(p => `${p}:${cs.getPropertyValue(p)}`).join(';');
      dst[i].setAttribute('style', style);
    }
    const w = Math.ceil(this.data.width) + 20;
    const h = Math.ceil(this.data.height) + 20;
    clone.setAttribute('xmlns', NS);
    clone.setAttribute('width', w);
    clone.setAttribute('height', h);
    clone.setAttribute('viewBox', `-10 -10 ${w} ${h}`);
    clone.querySelector('.graph-scene').removeAttribute('transform');
    const bg = svg('rect', { x: -10, y: -10, width: w, height: h,
      style: `fill:${getComputedStyle(document.body).backgroundColor}` });
    clone.insertBefore(bg, clone.firstChild.nextSibling);
    return new XMLSerializer().serializeToString(clone);
  }

  /** A PNG of the drawing at `scale` (default 2), as a Blob. */
  async toPng(scale = 2) {
    const text = this.toSvgText();
    const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    try {
      const img = new Image();
      await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = () => reject(new Error('SVG could not be drawn')); img.src = url; });
      const w = Math.ceil(this.data.width) + 20;
      const h = Math.ceil(this.data.height) + 20;
      // browsers cap canvas sizes near 16k x 16k pixels
      const s = Math.min(scale, 16000 / w, 16000 / h);
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.floor(w * s));
      canvas.height = Math.max(1, Math.floor(h * s));
      const c = canvas.getContext('2d');
      c.scale(s, s);
      c.drawImage(img, 0, 0, w, h);
      return await new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  destroy() {
    window.removeEventListener('pointermove', this.onMove);
    window.removeEventListener('pointerup', this.onUp);
    this.root.remove();
  }
}
