// A canvas that fills its box at the screen's pixel density, with a tooltip layer, and calls
// back when its size changes (window resize, a card going full width, the sidebar).

import { el } from '../util.js';

export class CanvasBox {
  constructor(parent, { className = '', label = '' } = {}) {
    this.canvas = el('canvas', { role: 'img', 'aria-label': label });
    this.tip = el('div', { class: 'chart-tip', hidden: true, role: 'tooltip' });
    this.wrap = el('div', { class: `canvas-box ${className}` }, this.canvas, this.tip);
    parent.append(this.wrap);
    this.width = 0;
    this.height = 0;
    this.onResize = null;
    this.ro = new ResizeObserver(() => {
      const w = this.wrap.clientWidth;
      const h = this.wrap.clientHeight;
      if (w !== this.width || h !== this.height) {
        this.width = w;
        this.height = h;
        if (this.onResize) this.onResize();
      }
    });
    this.ro.observe(this.wrap);
  }

  /** A 2D context in CSS pixels, cleared, sized to the box; null while the box has no size. */
  context() {
    const w = this.wrap.clientWidth;
    const h = this.wrap.clientHeight;
    if (w === 0 || h === 0) return null;
    const dpr = window.devicePixelRatio || 1;
    const cw = Math.round(w * dpr);
    const ch = Math.round(h * dpr);
    if (this.canvas.width !== cw || this.canvas.height !== ch) {
      this.canvas.width = cw;
      this.canvas.height = ch;
    }
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    const g = this.canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    this.width = w;
    this.height = h;
    return g;
  }

  /** Shows the tooltip's nodes near (x, y), kept inside the box. */
  showTip(x, y, ...nodes) {
    this.tip.replaceChildren(...nodes);
    this.tip.hidden = false;
    const tw = this.tip.offsetWidth;
    const th = this.tip.offsetHeight;
    let left = x + 14;
    if (left + tw > this.width) left = Math.max(0, x - 14 - tw);
    let top = y + 14;
    if (top + th > this.height) top = Math.max(0, y - 14 - th);
    this.tip.style.left = `${left}px`;
    this.tip.style.top = `${top}px`;
  }

  hideTip() {
    this.tip.hidden = true;
  }

  destroy() {
    this.ro.disconnect();
    this.wrap.remove();
  }
}
